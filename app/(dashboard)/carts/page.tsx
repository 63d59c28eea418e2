import Link from "next/link";
import { StatusTabs } from "@/components/status-tabs";
import { buttonClass, ButtonLink, cx, EmptyState, PageHeader, StatusBadge } from "@/components/ui";
import type { CartStatus } from "@/db/schema";
import { allowed, requireStaff } from "@/lib/auth/current";
import {
  cartsHref,
  LIST_STATUSES,
  parseCartListParams,
  STATUS_LABELS,
  type CartListParams,
  type SearchParams,
} from "@/lib/carts/list-url";
import { countCartsByStatus, searchCarts, type CartListRow, type StatusCounts } from "@/lib/carts/search";
import { env } from "@/lib/env";
import { formatDay, formatRelative, formatTime } from "@/lib/format/dates";
import { formatMoney } from "@/lib/money";
import { CartFilters } from "./filters";

export const dynamic = "force-dynamic";

export const metadata = { title: "Carts" };

const PAGE_SIZE = 25;
const count = new Intl.NumberFormat("en-US");

export default async function CartsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const staff = await requireStaff();
  const view = parseCartListParams(await searchParams);
  const [page, counts] = await Promise.all([
    searchCarts(staff.business.id, {
      status: view.status,
      q: view.q,
      sort: view.sort,
      cursor: view.after ?? view.before,
      direction: view.before ? "before" : "after",
      limit: PAGE_SIZE,
    }),
    countCartsByStatus(staff.business.id, view.q),
  ]);
  const now = new Date();
  const inView = counts[view.status ?? "all"];
  const filtered = Boolean(view.q || view.status);
  const description = "Every checkout your shop reported. Open a cart to send its customer a payment link.";
  const header = <PageHeader title="Carts" description={description} actions={<ExportLink view={view} />} />;

  if (!view.q && counts.all === 0) {
    // Nothing to filter yet: just how carts get here.
    return (
      <div className="space-y-4">
        <PageHeader title="Carts" description={description} />
        <NoCartsYet canManageKeys={allowed(staff, "manageKeys")} />
      </div>
    );
  }

  return (
    <div className="space-y-4">
      {header}
      <Tabs view={view} counts={counts} />
      <CartFilters status={view.status} q={view.q} sort={view.sort} />

      {page.carts.length === 0 ? (
        <NoMatches view={view} counts={counts} />
      ) : (
        <>
          {filtered && (
            <p className="text-sm text-slate-600 dark:text-slate-400" role="status">
              {count.format(inView)} {inView === 1 ? "cart" : "carts"}
              {view.q && (
                <>
                  {" "}
                  matching <span className="font-medium text-slate-900 dark:text-slate-100">“{view.q}”</span>
                </>
              )}
              {view.status && <> · {STATUS_LABELS[view.status]}</>}
              {" · "}
              <Link href={cartsHref({ sort: view.sort })} className="font-medium text-brand-600 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-blue-400">
                Clear filters
              </Link>
            </p>
          )}
          <CartsTable carts={page.carts} now={now} />
          <Pagination view={view} shown={page.carts.length} total={inView} nextCursor={page.nextCursor} prevCursor={page.prevCursor} />
        </>
      )}
    </div>
  );
}

/** Every cart of this view (status, search, sort; all pages) as a CSV file. A plain link: it is a download. */
function ExportLink({ view }: { view: CartListParams }) {
  const query = cartsHref({ status: view.status, q: view.q, sort: view.sort }).split("?")[1];
  return (
    <a href={`/api/dashboard/export/carts${query ? `?${query}` : ""}`} download className={buttonClass("secondary", "sm")}>
      Export CSV
    </a>
  );
}

function Tabs({ view, counts }: { view: CartListParams; counts: StatusCounts }) {
  const tabs: { status?: CartStatus; label: string; n: number }[] = [
    { label: "All", n: counts.all },
    ...LIST_STATUSES.map((status) => ({ status, label: STATUS_LABELS[status], n: counts[status] })),
  ];
  return (
    <StatusTabs
      label="Cart status"
      tabs={tabs.map((tab) => ({ label: tab.label, n: tab.n, href: cartsHref({ status: tab.status, q: view.q, sort: view.sort }), active: tab.status === view.status }))}
    />
  );
}

// One grid template for the header and every row, so columns line up. Below lg each row is a
// card: customer and total on top, item count under the total, status and time at the bottom.
const ROW = "grid grid-cols-[minmax(0,1fr)_auto] gap-x-4 gap-y-1 lg:grid-cols-[minmax(0,1fr)_7rem_4rem_8rem_11rem_5rem] lg:items-center";
const AT = {
  customer: "[grid-area:1/1/3/2] lg:[grid-area:auto]",
  total: "[grid-area:1/2/2/3] lg:[grid-area:auto]",
  items: "[grid-area:2/2/3/3] lg:[grid-area:auto]",
  status: "[grid-area:3/1/4/2] lg:[grid-area:auto]",
  when: "[grid-area:3/2/4/3] lg:[grid-area:auto]",
  link: "hidden lg:block",
};

function CartsTable({ carts, now }: { carts: CartListRow[]; now: Date }) {
  return (
    <div data-testid="carts-table" className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <div role="table" aria-label="Carts">
        <div role="rowgroup" className="hidden lg:block">
          <div
            role="row"
            className={cx(ROW, "border-b border-slate-200 bg-slate-50 px-4 py-2.5 text-xs font-medium tracking-wide text-slate-500 uppercase dark:border-slate-800 dark:bg-slate-800/40 dark:text-slate-400")}
          >
            <div role="columnheader">Customer</div>
            <div role="columnheader">Status</div>
            <div role="columnheader" className="text-right">
              Items
            </div>
            <div role="columnheader" className="text-right">
              Total
            </div>
            <div role="columnheader">Activity</div>
            <div role="columnheader">Link</div>
          </div>
        </div>
        <div role="rowgroup" className="divide-y divide-slate-100 dark:divide-slate-800">
          {carts.map((cart) => (
            <CartRow key={cart.id} cart={cart} now={now} />
          ))}
        </div>
      </div>
    </div>
  );
}

function CartRow({ cart, now }: { cart: CartListRow; now: Date }) {
  const activity = activityOf(cart);
  return (
    <div
      role="row"
      className={cx(
        ROW,
        "relative px-4 py-3 transition-colors hover:bg-slate-50 has-[a:focus-visible]:bg-slate-50 dark:hover:bg-slate-800/40 dark:has-[a:focus-visible]:bg-slate-800/40",
      )}
    >
      <div role="cell" className={cx(AT.customer, "min-w-0")}>
        {/* The row's one link; its ::after covers the whole row, so the row is one click or one Tab stop. */}
        <Link
          href={`/carts/${cart.id}`}
          prefetch={false}
          className="block min-w-0 after:absolute after:inset-0 focus:outline-none focus-visible:after:ring-2 focus-visible:after:ring-brand-500 focus-visible:after:ring-inset"
        >
          {cart.customerName ? (
            <>
              <span className="block truncate font-medium text-slate-900 dark:text-slate-100">{cart.customerName}</span>{" "}
              <span className="block truncate text-sm text-slate-500 dark:text-slate-400">{cart.customerEmail}</span>
            </>
          ) : (
            <span className="block truncate font-medium text-slate-900 dark:text-slate-100">{cart.customerEmail}</span>
          )}
        </Link>
      </div>
      <div role="cell" className={cx(AT.status, "mt-1 flex items-center gap-2 lg:mt-0")}>
        <StatusBadge status={cart.status} />
        {cart.hasLiveLink && (
          <span className="lg:hidden">
            <LinkIcon />
            <span className="sr-only">Live payment link</span>
          </span>
        )}
      </div>
      <div role="cell" className={cx(AT.items, "text-right text-sm text-slate-500 tabular-nums lg:text-slate-700 dark:text-slate-400 lg:dark:text-slate-300")}>
        {count.format(cart.itemCount)}
        <span className="lg:hidden"> {cart.itemCount === 1 ? "item" : "items"}</span>
      </div>
      <div role="cell" className={cx(AT.total, "text-right font-semibold whitespace-nowrap text-slate-900 tabular-nums dark:text-slate-100")}>
        {formatMoney(cart.totalMinor, cart.currency)}
      </div>
      <div role="cell" className={cx(AT.when, "mt-1 self-center text-right text-sm whitespace-nowrap text-slate-500 lg:mt-0 lg:text-left dark:text-slate-400")}>
        <span className="hidden text-slate-400 sm:inline lg:hidden xl:inline dark:text-slate-500">{activity.label} </span>
        <time dateTime={activity.at.toISOString()} title={`${activity.label} ${formatTime(activity.at)}`}>
          {relativeTime(activity.at, now)}
        </time>
      </div>
      <div role="cell" className={cx(AT.link, "text-sm")}>
        {cart.hasLiveLink ? (
          <span className="inline-flex items-center gap-1.5 font-medium text-emerald-700 dark:text-emerald-400">
            <LinkIcon />
            Live
          </span>
        ) : (
          <span className="text-slate-400 dark:text-slate-500">
            <span aria-hidden>—</span>
            <span className="sr-only">No live link</span>
          </span>
        )}
      </div>
    </div>
  );
}

function LinkIcon() {
  return (
    <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className="size-4 text-emerald-600 dark:text-emerald-400">
      <path d="M12.232 4.232a2.5 2.5 0 0 1 3.536 3.536l-1.225 1.224a.75.75 0 0 0 1.061 1.06l1.224-1.224a4 4 0 0 0-5.656-5.656l-3 3a4 4 0 0 0 .225 5.865.75.75 0 0 0 .977-1.138 2.5 2.5 0 0 1-.142-3.667l3-3Z" />
      <path d="M11.603 7.963a.75.75 0 0 0-.977 1.138 2.5 2.5 0 0 1 .142 3.667l-3 3a2.5 2.5 0 0 1-3.536-3.536l1.225-1.224a.75.75 0 0 0-1.061-1.06l-1.224 1.224a4 4 0 1 0 5.656 5.656l3-3a4 4 0 0 0-.225-5.865Z" />
    </svg>
  );
}

function Pagination({
  view,
  shown,
  total,
  nextCursor,
  prevCursor,
}: {
  view: CartListParams;
  shown: number;
  total: number;
  nextCursor?: string;
  prevCursor?: string;
}) {
  if (!prevCursor && !nextCursor) return null; // one page: the tab already says how many
  const base = { status: view.status, q: view.q, sort: view.sort };
  const disabled = cx(buttonClass("secondary", "sm"), "pointer-events-none opacity-50");
  return (
    <nav aria-label="Pages" className="flex items-center justify-between gap-3">
      <p className="text-sm text-slate-500 dark:text-slate-400">
        {count.format(shown)} of {count.format(total)} carts
      </p>
      <div className="flex gap-2">
        {prevCursor ? (
          <ButtonLink href={cartsHref({ ...base, before: prevCursor })} size="sm">
            <span aria-hidden>←</span> Previous
          </ButtonLink>
        ) : (
          <span aria-disabled="true" className={disabled}>
            <span aria-hidden>←</span> Previous
          </span>
        )}
        {nextCursor ? (
          <ButtonLink href={cartsHref({ ...base, after: nextCursor })} size="sm">
            Next <span aria-hidden>→</span>
          </ButtonLink>
        ) : (
          <span aria-disabled="true" className={disabled}>
            Next <span aria-hidden>→</span>
          </span>
        )}
      </div>
    </nav>
  );
}

const code = "rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-200";

function NoCartsYet({ canManageKeys }: { canManageKeys: boolean }) {
  const example = [
    `curl -X POST ${env().APP_URL}/api/carts \\`,
    `  -H "x-api-key: YOUR_API_KEY" \\`,
    `  -H "content-type: application/json" \\`,
    `  -d '{"customerEmail": "jane@example.com",`,
    `    "items": [{"name": "Mug", "quantity": 1, "price": 25}]}'`,
  ].join("\n");
  return (
    <div data-testid="carts-empty">
      <EmptyState
        title="No carts yet"
        action={
          canManageKeys ? (
            <ButtonLink href="/settings" variant="primary">
              Create an API key
            </ButtonLink>
          ) : undefined
        }
      >
        <p>
          Your shop&apos;s server reports each abandoned checkout with <code className={code}>POST /api/carts</code>, sending an API key in the{" "}
          <code className={code}>x-api-key</code> header. {canManageKeys ? "Create a key in Settings" : "Ask an owner or admin for a key from Settings"}; carts
          show up here within seconds.
        </p>
        <pre className="mt-4 w-full rounded-lg bg-slate-900 p-3 text-left font-mono text-xs leading-relaxed whitespace-pre-wrap text-slate-100 [overflow-wrap:anywhere] dark:bg-slate-950 dark:ring-1 dark:ring-slate-800">
          <code>{example}</code>
        </pre>
      </EmptyState>
    </div>
  );
}

function NoMatches({ view, counts }: { view: CartListParams; counts: StatusCounts }) {
  const statusLabel = view.status ? STATUS_LABELS[view.status].toLowerCase() : undefined;
  const elsewhere = view.q && view.status && counts.all > 0 ? counts.all : 0;
  const title = view.q ? `No ${statusLabel ? statusLabel + " " : ""}carts match “${view.q}”` : view.status ? `No ${statusLabel} carts` : "No carts on this page";
  return (
    <div data-testid="carts-empty">
      <EmptyState
        title={title}
        action={
          <div className="flex flex-wrap justify-center gap-2">
            {elsewhere > 0 && (
              <ButtonLink href={cartsHref({ q: view.q, sort: view.sort })} variant="primary">
                See {count.format(elsewhere)} in all statuses
              </ButtonLink>
            )}
            <ButtonLink href={cartsHref({ sort: view.sort })}>Clear filters</ButtonLink>
          </div>
        }
      >
        {view.q ? (
          <p>Search looks for part of a customer&apos;s email address or name, in any case. Check the spelling, or try a shorter part.</p>
        ) : (
          <p>Carts move through active, abandoned, recovered and expired as customers come back and pay.</p>
        )}
      </EmptyState>
    </div>
  );
}

/** The moment that matters for the cart's status, with its name. */
function activityOf(cart: CartListRow): { label: string; at: Date } {
  if (cart.status === "recovered" && cart.recoveredAt) return { label: "Recovered", at: cart.recoveredAt };
  if (cart.abandonedAt && cart.status !== "active") return { label: "Abandoned", at: cart.abandonedAt };
  return { label: "Created", at: cart.createdAt };
}

function relativeTime(at: Date, now: Date): string {
  const days = Math.abs(at.getTime() - now.getTime()) / 86_400_000;
  return days < 7 ? formatRelative(at, now) : formatDay(at);
}
