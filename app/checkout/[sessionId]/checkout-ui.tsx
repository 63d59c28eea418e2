import type { Metadata } from "next";
import type { CSSProperties, ReactNode } from "react";
import type { CheckoutTheme } from "@/lib/checkout/page";

/**
 * Every hosted checkout page's metadata: never indexed, and nothing of its URL (the customer's
 * capability) sent to other hosts (the logo's, Stripe's). Not "no-referrer": Chrome then sends
 * `Origin: null` with the form posts, and the same-origin check refuses them.
 */
export function checkoutMetadata(businessName: string | null): Metadata {
  return {
    title: { absolute: `Checkout${businessName ? ` · ${businessName}` : ""}` },
    robots: { index: false, follow: false },
    referrer: "same-origin",
  };
}

/**
 * The frame of every hosted checkout page, in the business's colours: a header band in the
 * secondary colour with the logo (or name), the content, and the merchant's custom CSS.
 * Elements carry stable `cb-*` class names for that CSS to target.
 */
export function CheckoutFrame({ businessName, theme, children }: { businessName: string; theme: CheckoutTheme; children: ReactNode }) {
  const vars = {
    "--cb-primary": theme.primary,
    "--cb-on-primary": theme.onPrimary,
    "--cb-secondary": theme.secondary,
    "--cb-on-secondary": theme.onSecondary,
  } as CSSProperties;
  return (
    <div className="cb-checkout flex min-h-screen flex-col bg-slate-50 dark:bg-slate-950" style={vars}>
      {/* Checked on input and again in checkoutTheme(): no "<", url(), @import or escapes. */}
      {theme.customCss && <style dangerouslySetInnerHTML={{ __html: theme.customCss }} />}
      <header className="cb-header bg-(--cb-secondary) text-(--cb-on-secondary)">
        <div className="mx-auto flex min-h-16 max-w-5xl items-center gap-3 px-4 py-3 sm:px-6">
          {theme.logo ? (
            // A merchant's logo on any host: next/image would need each host configured.
            <img src={theme.logo} alt={businessName} referrerPolicy="no-referrer" className="cb-logo h-9 w-auto max-w-[180px] object-contain" />
          ) : (
            <span className="cb-business flex items-center gap-2.5 text-base font-semibold tracking-tight sm:text-lg">
              <span aria-hidden className="grid size-8 place-items-center rounded-lg bg-(--cb-on-secondary)/15 text-sm font-bold">
                {initial(businessName)}
              </span>
              {businessName}
            </span>
          )}
          <span className="ml-auto inline-flex items-center gap-1.5 text-xs font-medium opacity-80">
            <LockIcon className="size-3.5" />
            Secure checkout
          </span>
        </div>
      </header>
      <main className="cb-main mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:px-6 sm:py-10">{children}</main>
      <footer className="cb-footer px-4 pb-8 text-center text-xs text-slate-500 dark:text-slate-400">Checkout for {businessName} · powered by Cartback</footer>
    </div>
  );
}

/** A centred card for the states that are not a form: expired, paid, confirming. */
export function StateCard({
  tone,
  title,
  children,
  action,
}: {
  tone: "success" | "waiting" | "closed";
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  const icon = {
    success: <CheckIcon className="size-6" />,
    waiting: <SpinnerIcon className="size-6 animate-spin motion-reduce:animate-none" />,
    closed: <ClockIcon className="size-6" />,
  }[tone];
  const ring = {
    success: "bg-emerald-100 text-emerald-700 dark:bg-emerald-950 dark:text-emerald-300",
    waiting: "bg-(--cb-primary)/10 text-(--cb-primary)",
    closed: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  }[tone];
  return (
    <section className="cb-state mx-auto max-w-md rounded-2xl border border-slate-200 bg-white p-6 text-center shadow-sm sm:p-8 dark:border-slate-800 dark:bg-slate-900">
      <div aria-hidden className={`mx-auto grid size-12 place-items-center rounded-full ${ring}`}>
        {icon}
      </div>
      <h1 className="mt-4 text-xl font-semibold tracking-tight text-balance">{title}</h1>
      <div className="mt-2 space-y-2 text-sm text-pretty text-slate-600 dark:text-slate-300">{children}</div>
      {action && <div className="mt-6">{action}</div>}
    </section>
  );
}

export const primaryButton =
  "cb-button inline-flex w-full items-center justify-center gap-2 rounded-xl bg-(--cb-primary) px-5 py-3 text-base font-semibold text-(--cb-on-primary) shadow-sm transition hover:brightness-110 active:brightness-95 focus:outline-none focus-visible:ring-2 focus-visible:ring-(--cb-primary) focus-visible:ring-offset-2 dark:focus-visible:ring-offset-slate-900";

function initial(name: string): string {
  return (name.trim()[0] ?? "·").toUpperCase();
}

type IconProps = { className?: string };

export function LockIcon({ className }: IconProps) {
  return (
    <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className={className}>
      <path
        fillRule="evenodd"
        d="M10 1a4.5 4.5 0 0 0-4.5 4.5V9H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6a2 2 0 0 0-2-2h-.5V5.5A4.5 4.5 0 0 0 10 1Zm3 8V5.5a3 3 0 1 0-6 0V9h6Z"
        clipRule="evenodd"
      />
    </svg>
  );
}

function CheckIcon({ className }: IconProps) {
  return (
    <svg aria-hidden viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2.5} className={className}>
      <path strokeLinecap="round" strokeLinejoin="round" d="m5 12.5 4.5 4.5L19 7.5" />
    </svg>
  );
}

function ClockIcon({ className }: IconProps) {
  return (
    <svg aria-hidden viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} className={className}>
      <circle cx="12" cy="12" r="9" />
      <path strokeLinecap="round" strokeLinejoin="round" d="M12 7v5l3 2" />
    </svg>
  );
}

function SpinnerIcon({ className }: IconProps) {
  return (
    <svg aria-hidden viewBox="0 0 24 24" fill="none" className={className}>
      <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity={0.25} strokeWidth={3} />
      <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth={3} strokeLinecap="round" />
    </svg>
  );
}
