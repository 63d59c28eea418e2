import { Badge } from "@/components/ui";
import { formatTime } from "@/lib/format/dates";
import { formatMoney } from "@/lib/money";

/** Pieces shared by the cart and order detail pages (server components). */

export function Time({ at }: { at: Date }) {
  return <time dateTime={at.toISOString()}>{formatTime(at)}</time>;
}

export function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </>
  );
}

export function ItemImage({ name, url }: { name: string; url: string | null }) {
  const box = "size-14 shrink-0 rounded-lg border border-slate-200 bg-slate-100 dark:border-slate-800 dark:bg-slate-800";
  if (!url) {
    return (
      <div className={box + " flex items-center justify-center text-slate-400 dark:text-slate-500"} aria-hidden>
        <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.5} className="size-6">
          <rect x="3" y="4" width="18" height="16" rx="2" />
          <circle cx="9" cy="10" r="1.75" />
          <path d="m21 16-5-5-9 9" />
        </svg>
      </div>
    );
  }
  // The merchant's own image host: a plain <img>, so no image proxy or domain allow-list is needed.
  return <img src={url} alt={name} width={56} height={56} loading="lazy" decoding="async" referrerPolicy="no-referrer" className={box + " object-cover"} />;
}

const DOT: Record<string, string> = {
  "payment.succeeded": "bg-emerald-500",
  "cart.recovered": "bg-emerald-500",
  "order.paid": "bg-emerald-500",
  "order.completed": "bg-emerald-500",
  "payment.duplicate": "bg-rose-500",
  "cart.abandoned": "bg-amber-500",
  "cart.expired": "bg-slate-400",
  "link.revoked": "bg-slate-400",
  "order.cancelled": "bg-slate-400",
  "order.refunded": "bg-slate-400",
  "checkout.expired": "bg-slate-400",
};

const BY_LABEL = { staff: "by staff", api: "via API", system: "automatically" } as const;

export type TimelineEntryView = {
  type: string;
  label: string;
  at: Date;
  amount?: { minor: bigint; currency: string } | null;
  by?: keyof typeof BY_LABEL | null;
  detail?: string | null;
};

/** One line of a timeline; the list around it draws the rail. */
export function TimelineItem({ entry }: { entry: TimelineEntryView }) {
  return (
    <li className="relative">
      <span
        aria-hidden
        className={`absolute top-1.5 -left-[25px] size-2.5 rounded-full ring-4 ring-white dark:ring-slate-900 ${DOT[entry.type] ?? "bg-brand-500"}`}
      />
      <div className="flex flex-col gap-0.5 sm:flex-row sm:items-baseline sm:justify-between sm:gap-4">
        <p className="text-sm font-medium">
          {entry.label}
          {entry.amount && <span className="ml-1.5 tabular-nums">{formatMoney(entry.amount.minor, entry.amount.currency)}</span>}
          {entry.by && (
            <span className="ml-2 align-middle">
              <Badge>{BY_LABEL[entry.by]}</Badge>
            </span>
          )}
        </p>
        <p className="shrink-0 text-xs text-slate-500 tabular-nums dark:text-slate-400">
          <Time at={entry.at} />
        </p>
      </div>
      {entry.detail && <p className="text-sm break-words text-slate-500 dark:text-slate-400">{entry.detail}</p>}
    </li>
  );
}
