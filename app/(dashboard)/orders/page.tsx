import Link from "next/link";
import { StatusTabs } from "@/components/status-tabs";
import { buttonClass, ButtonLink, cx, EmptyState, PageHeader } from "@/components/ui";
import { allowed, requireStaff } from "@/lib/auth/current";
import { env } from "@/lib/env";
import { formatDay, formatRelative, formatTime } from "@/lib/format/dates";
import { formatMoney } from "@/lib/money";
import {
  ORDER_STATUS_LABELS,
  ORDER_TABS,
  ordersHref,
  parseOrderListParams,
  statusesOf,
  tabCounts,
  type OrderListParams,
  type SearchParams,
} from "@/lib/orders/list-url";
import { countOrdersByStatus, listOrders, type OrderView } from "@/lib/orders/queries";
import type { TorqueStatus } from "@/lib/orders/status";
import { customerName, OrderStatusBadge, SourceBadge } from "./badges";
import { OrderFilters } from "./filters";

export const dynamic = "force-dynamic";

export const metadata = { title: "Orders" };

const PAGE_SIZE = 25;
const count = new Intl.NumberFormat("en-US");

type TabCounts = Record<"all" | TorqueStatus, number>;

export default async function OrdersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const staff = await requireStaff();
  const view = parseOrderListParams(await searchParams);
  const [page, internalCounts] = await Promise.all([
    listOrders(staff.business.id, {
      statuses: statusesOf(view.status),
      customerEmail: view.email,
      limit: PAGE_SIZE,
      offset: (view.page - 1) * PAGE_SIZE,
    }),
    countOrdersByStatus(staff.business.id, { customerEmail: view.email }),
  ]);
  const counts = tabCounts(internalCounts);
  const now = new Date();
  const filtered = Boolean(view.email || view.status);
  const header = <PageHeader title="Orders" description="Orders placed through your hosted checkout. Open one to see its payment and timeline." />;

  if (!view.email && counts.all === 0) {
    return (
      <div className="space-y-4">
        {header}
        <NoOrdersYet businessId={staff.business.id} canManageKeys={allowed(staff, "manageKeys")} />
      </div>
    );
  }

  return (
    <div className="space-y-4">
      {header}
      <Tabs view={view} counts={counts} />
      <OrderFilters status={view.status} email={view.email} />

      {page.orders.length === 0 ? (
        <NoMatches view={view} counts={counts} total={page.total} />
      ) : (
        <>
          {filtered && (
            <p className="text-sm text-slate-600 dark:text-slate-400" role="status">
              {count.format(page.total)} {page.total === 1 ? "order" : "orders"}
              {view.email && (
                <>
                  {" "}
                  for <span className="font-medium break-all text-slate-900 dark:text-slate-100">{view.email}</span>
                </>
              )}
              {view.status && <> · {ORDER_STATUS_LABELS[view.status]}</>}
              {" · "}
              <Link href="/orders" className="font-medium text-brand-600 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-blue-400">
                Clear filters
              </Link>
            </p>
          )}
          <OrdersTable orders={page.orders} now={now} />
          <Pagination view={view} shown={page.orders.length} total={page.total} />
        </>
      )}
    </div>
  );
}

function Tabs({ view, counts }: { view: OrderListParams; counts: TabCounts }) {
  const tabs: { status?: TorqueStatus; label: string; n: number }[] = [
    { label: "All", n: counts.all },
    ...ORDER_TABS.map((status) => ({ status, label: ORDER_STATUS_LABELS[status], n: counts[status] })),
  ];
  return (
    <StatusTabs
      label="Order status"
      tabs={tabs.map((tab) => ({ label: tab.label, n: tab.n, href: ordersHref({ status: tab.status, email: view.email }), active: tab.status === view.status }))}
    />
  );
}

// One grid template for the header and every row, so columns line up. Below lg each row is a
// card: customer and total on top, item count under the total, status and source at the bottom
// left, the time at the bottom right.
const ROW = "grid grid-cols-[minmax(0,1fr)_auto] gap-x-4 gap-y-1 lg:grid-cols-[minmax(0,1fr)_9.5rem_7.5rem_4rem_8rem_9rem] lg:items-center";
const AT = {
  customer: "[grid-area:1/1/3/2] lg:[grid-area:auto]",
  total: "[grid-area:1/2/2/3] lg:[grid-area:auto]",
  items: "[grid-area:2/2/3/3] lg:[grid-area:auto]",
  status: "[grid-area:3/1/4/2] lg:[grid-area:auto]",
  source: "hidden lg:block",
  when: "[grid-area:3/2/4/3] lg:[grid-area:auto]",
};

function OrdersTable({ orders, now }: { orders: OrderView[]; now: Date }) {
  return (
    <div data-testid="orders-table" className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <div role="table" aria-label="Orders">
        <div role="rowgroup" className="hidden lg:block">
          <div
            role="row"
            className={cx(ROW, "border-b border-slate-200 bg-slate-50 px-4 py-2.5 text-xs font-medium tracking-wide text-slate-500 uppercase dark:border-slate-800 dark:bg-slate-800/40 dark:text-slate-400")}
          >
            <div role="columnheader">Customer</div>
            <div role="columnheader">Status</div>
            <div role="columnheader">Source</div>
            <div role="columnheader" className="text-right">
              Items
            </div>
            <div role="columnheader" className="text-right">
              Total
            </div>
            <div role="columnheader">Created</div>
          </div>
        </div>
        <div role="rowgroup" className="divide-y divide-slate-100 dark:divide-slate-800">
          {orders.map((order) => (
            <OrderRow key={order.id} order={order} now={now} />
          ))}
        </div>
      </div>
    </div>
  );
}

function OrderRow({ order, now }: { order: OrderView; now: Date }) {
  const name = customerName(order.customer);
  const items = order.items.reduce((n, item) => n + item.quantity, 0);
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
          href={`/orders/${order.id}`}
          prefetch={false}
          className="block min-w-0 after:absolute after:inset-0 focus:outline-none focus-visible:after:ring-2 focus-visible:after:ring-brand-500 focus-visible:after:ring-inset"
        >
          {name ? (
            <>
              <span className="block truncate font-medium text-slate-900 dark:text-slate-100">{name}</span>{" "}
              <span className="block truncate text-sm text-slate-500 dark:text-slate-400">{order.customerEmail}</span>
            </>
          ) : (
            <span className="block truncate font-medium text-slate-900 dark:text-slate-100">{order.customerEmail}</span>
          )}
        </Link>
      </div>
      <div role="cell" className={cx(AT.status, "mt-1 flex items-center gap-2 lg:mt-0")}>
        <OrderStatusBadge order={order} />
        <span className="lg:hidden">
          <SourceBadge source={order.source} />
        </span>
      </div>
      <div role="cell" className={cx(AT.source, "text-sm")}>
        <SourceBadge source={order.source} />
      </div>
      <div role="cell" className={cx(AT.items, "text-right text-sm text-slate-500 tabular-nums lg:text-slate-700 dark:text-slate-400 lg:dark:text-slate-300")}>
        {count.format(items)}
        <span className="lg:hidden"> {items === 1 ? "item" : "items"}</span>
      </div>
      <div role="cell" className={cx(AT.total, "text-right font-semibold whitespace-nowrap text-slate-900 tabular-nums dark:text-slate-100")}>
        {formatMoney(order.totalMinor, order.currency)}
      </div>
      <div role="cell" className={cx(AT.when, "mt-1 self-center text-right text-sm whitespace-nowrap text-slate-500 lg:mt-0 lg:text-left dark:text-slate-400")}>
        <time dateTime={order.createdAt.toISOString()} title={`Created ${formatTime(order.createdAt)}`}>
          {relativeTime(order.createdAt, now)}
        </time>
      </div>
    </div>
  );
}

function Pagination({ view, shown, total }: { view: OrderListParams; shown: number; total: number }) {
  const first = (view.page - 1) * PAGE_SIZE + 1;
  const last = first + shown - 1;
  const hasPrev = view.page > 1;
  const hasNext = last < total;
  if (!hasPrev && !hasNext) return null; // one page: the tab already says how many
  const base = { status: view.status, email: view.email };
  const disabled = cx(buttonClass("secondary", "sm"), "pointer-events-none opacity-50");
  return (
    <nav aria-label="Pages" className="flex items-center justify-between gap-3">
      <p className="text-sm text-slate-500 dark:text-slate-400">
        {count.format(first)}–{count.format(last)} of {count.format(total)} orders
      </p>
      <div className="flex gap-2">
        {hasPrev ? (
          <ButtonLink href={ordersHref({ ...base, page: view.page - 1 })} size="sm">
            <span aria-hidden>←</span> Previous
          </ButtonLink>
        ) : (
          <span aria-disabled="true" className={disabled}>
            <span aria-hidden>←</span> Previous
          </span>
        )}
        {hasNext ? (
          <ButtonLink href={ordersHref({ ...base, page: view.page + 1 })} size="sm">
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

function NoOrdersYet({ businessId, canManageKeys }: { businessId: string; canManageKeys: boolean }) {
  const example = [
    `curl -X POST ${env().APP_URL}/v1/checkout/generate-link \\`,
    `  -H "Authorization: Bearer YOUR_API_KEY" \\`,
    `  -H "content-type: application/json" \\`,
    `  -d '{"businessId": "${businessId}",`,
    `    "cart": {"items": [{"productId": "prod_abc", "quantity": 2, "price": 10}]},`,
    `    "customerData": {"email": "jane@example.com", "firstName": "Jane", "lastName": "Doe"}}'`,
  ].join("\n");
  return (
    <div data-testid="orders-empty">
      <EmptyState
        title="No orders yet"
        action={
          canManageKeys ? (
            <ButtonLink href="/settings" variant="primary">
              Create an API key
            </ButtonLink>
          ) : undefined
        }
      >
        <p>
          Your shop&apos;s server creates a hosted checkout with <code className={code}>POST /v1/checkout/generate-link</code> and sends the customer to the{" "}
          <code className={code}>checkoutUrl</code> it answers with. When the customer confirms, the order appears here, and moves to processing once it is paid.{" "}
          {canManageKeys ? "Create an API key in Settings to get started." : "Ask an owner or admin for an API key from Settings."}
        </p>
        <pre className="mt-4 w-full rounded-lg bg-slate-900 p-3 text-left font-mono text-xs leading-relaxed whitespace-pre-wrap text-slate-100 [overflow-wrap:anywhere] dark:bg-slate-950 dark:ring-1 dark:ring-slate-800">
          <code>{example}</code>
        </pre>
      </EmptyState>
    </div>
  );
}

function NoMatches({ view, counts, total }: { view: OrderListParams; counts: TabCounts; total: number }) {
  const statusLabel = view.status ? ORDER_STATUS_LABELS[view.status].toLowerCase() : undefined;
  // Past the last page (an old link, or orders changed status): offer the first page instead.
  if (total > 0) {
    return (
      <div data-testid="orders-empty">
        <EmptyState title="No orders on this page" action={<ButtonLink href={ordersHref({ status: view.status, email: view.email })}>Go to the first page</ButtonLink>}>
          <p>This list has {count.format(total)} {total === 1 ? "order" : "orders"}; they fit on fewer pages.</p>
        </EmptyState>
      </div>
    );
  }
  const elsewhere = view.email && view.status ? counts.all : 0;
  const title = view.email ? `No ${statusLabel ? statusLabel + " " : ""}orders for ${view.email}` : statusLabel ? `No ${statusLabel} orders` : "No orders";
  return (
    <div data-testid="orders-empty">
      <EmptyState
        title={title}
        action={
          <div className="flex flex-wrap justify-center gap-2">
            {elsewhere > 0 && (
              <ButtonLink href={ordersHref({ email: view.email })} variant="primary">
                See {count.format(elsewhere)} in all statuses
              </ButtonLink>
            )}
            <ButtonLink href="/orders">Clear filters</ButtonLink>
          </div>
        }
      >
        {view.email ? (
          <p>Search matches the customer&apos;s whole email address (in any case), not part of it. Check the spelling.</p>
        ) : (
          <p>Orders move from pending to processing when paid, then to completed; unpaid ones are cancelled when their checkout expires.</p>
        )}
      </EmptyState>
    </div>
  );
}

function relativeTime(at: Date, now: Date): string {
  const days = Math.abs(at.getTime() - now.getTime()) / 86_400_000;
  return days < 7 ? formatRelative(at, now) : formatDay(at);
}
