import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, buttonClass, ButtonLink, Card, cx, EmptyState } from "@/components/ui";
import { disabledBySystem } from "@/components/webhook-alert";
import { allowed, requireStaff } from "@/lib/auth/current";
import { formatRelative, formatTime } from "@/lib/format/dates";
import { ApiError } from "@/lib/http/errors";
import { getEndpoint, listDeliveries, type WebhookDelivery, type WebhookEndpoint } from "@/lib/webhooks/endpoints";
import { EnableEndpointButton, ReplayButton, ReplayFailedForm } from "./delivery-actions";

export const dynamic = "force-dynamic";

export const metadata = { title: "Webhook deliveries" };

const PAGE_SIZE = 25;
const count = new Intl.NumberFormat("en-US");

type SearchParams = Record<string, string | string[] | undefined>;

/** `?page=` as a whole number from 1; anything else is the first page. */
function pageOf(params: SearchParams): number {
  const raw = Array.isArray(params.page) ? params.page[0] : params.page;
  return raw && /^\d{1,6}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : 1;
}

/** Another business's endpoint is not found, exactly like a missing one. */
async function findEndpoint(businessId: string, id: string): Promise<WebhookEndpoint> {
  try {
    return await getEndpoint(businessId, id);
  } catch (error) {
    if (error instanceof ApiError && error.kind === "not_found") notFound();
    throw error;
  }
}

export default async function WebhookDeliveriesPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const { id } = await params;
  const staff = await requireStaff();
  const endpoint = await findEndpoint(staff.business.id, id);
  const page = pageOf(await searchParams);
  const canManage = allowed(staff, "manageSettings");
  const [log, failed] = await Promise.all([
    listDeliveries(staff.business.id, endpoint.id, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    listDeliveries(staff.business.id, endpoint.id, { status: "failed", limit: 1, offset: 0 }),
  ]);
  const now = new Date();
  const active = endpoint.status === "active";
  const href = (p: number) => `/settings/webhooks/${encodeURIComponent(endpoint.id)}${p > 1 ? `?page=${p}` : ""}`;

  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <div>
        <Link
          href="/settings#webhooks"
          className="inline-flex items-center gap-1 rounded text-sm font-medium text-slate-600 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-slate-400 dark:hover:text-white"
        >
          <span aria-hidden>←</span> Back to settings
        </Link>
      </div>

      <header className="space-y-2">
        <p className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Webhook deliveries</p>
        <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
          <h1 className="font-mono text-lg font-semibold tracking-tight break-all sm:text-xl">{endpoint.url}</h1>
          <div className="shrink-0">
            {active ? <Badge tone="green">Active</Badge> : <Badge tone={disabledBySystem(endpoint) ? "red" : "slate"}>Disabled</Badge>}
          </div>
        </div>
        {endpoint.description && <p className="text-sm text-slate-500 dark:text-slate-400">{endpoint.description}</p>}
        <ul aria-label="Events sent to this endpoint" className="flex flex-wrap gap-1.5">
          {endpoint.events.map((event) => (
            <li key={event} className="rounded-md bg-slate-100 px-2 py-0.5 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">
              {event}
            </li>
          ))}
        </ul>
      </header>

      {!active && (
        <div
          className={cx(
            "flex flex-col gap-3 rounded-xl border px-4 py-3 text-sm sm:flex-row sm:items-center sm:justify-between",
            disabledBySystem(endpoint)
              ? "border-rose-200 bg-rose-50 text-rose-900 dark:border-rose-900/60 dark:bg-rose-950/40 dark:text-rose-100"
              : "border-slate-200 bg-slate-50 text-slate-700 dark:border-slate-800 dark:bg-slate-800/50 dark:text-slate-200",
          )}
        >
          <p>
            <span className="font-medium">
              {disabledBySystem(endpoint) ? `Disabled: ${endpoint.disabledReason ?? "deliveries kept failing"}.` : "Disabled by your team."}
            </span>{" "}
            {endpoint.disabledAt && <span title={formatTime(endpoint.disabledAt)}>Since {formatRelative(endpoint.disabledAt, now)}. </span>}
            No new events are sent to it; queued and replayed deliveries go out once it is enabled.
          </p>
          {canManage && (
            <div className="shrink-0">
              <EnableEndpointButton endpointId={endpoint.id} url={endpoint.url} />
            </div>
          )}
        </div>
      )}

      {active && endpoint.failingSince && (
        <p className="flex gap-1.5 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
          <span aria-hidden>⚠</span>
          <span>
            <span className="font-medium">
              Failing since <span title={formatTime(endpoint.failingSince)}>{formatRelative(endpoint.failingSince, now)}</span>.
            </span>{" "}
            Every delivery since then has failed; see the answers below.
          </span>
        </p>
      )}

      {canManage && (
        <Card title="Replay failed deliveries">
          <ReplayFailedForm endpointId={endpoint.id} endpointActive={active} failedTotal={failed.total} />
        </Card>
      )}

      <section aria-labelledby="deliveries-heading" className="space-y-3">
        <div className="flex items-baseline justify-between gap-3">
          <h2 id="deliveries-heading" className="text-sm font-semibold">
            Deliveries
          </h2>
          <p className="text-sm text-slate-500 dark:text-slate-400">Newest first</p>
        </div>
        {log.deliveries.length === 0 ? (
          log.total > 0 ? (
            <EmptyState title="No deliveries on this page" action={<ButtonLink href={href(1)}>Go to the first page</ButtonLink>}>
              This endpoint has {count.format(log.total)} {log.total === 1 ? "delivery" : "deliveries"}; they fit on fewer pages.
            </EmptyState>
          ) : (
            <EmptyState title="No deliveries yet">
              A delivery appears here each time a subscribed event happens.
              {canManage && " Send a test event from Settings to try the endpoint."}
            </EmptyState>
          )
        ) : (
          <>
            <ul
              aria-label="Deliveries"
              className="divide-y divide-slate-200 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900"
            >
              {log.deliveries.map((delivery) => (
                <DeliveryItem key={delivery.id} delivery={delivery} now={now} canManage={canManage} endpointActive={active} />
              ))}
            </ul>
            <Pagination page={page} shown={log.deliveries.length} total={log.total} href={href} />
          </>
        )}
      </section>
    </div>
  );
}

function DeliveryStatus({ delivery }: { delivery: WebhookDelivery }) {
  if (delivery.status === "delivered") return <Badge tone="green">Delivered</Badge>;
  if (delivery.status === "failed") return <Badge tone="red">Failed</Badge>;
  return delivery.attempts > 0 ? <Badge tone="amber">Retrying</Badge> : <Badge tone="blue">Queued</Badge>;
}

function DeliveryItem({ delivery, now, canManage, endpointActive }: { delivery: WebhookDelivery; now: Date; canManage: boolean; endpointActive: boolean }) {
  const pending = delivery.status === "pending";
  const created = formatTime(delivery.createdAt);
  const hasAnswer = Boolean(delivery.responseBody || delivery.error);
  return (
    <li className="space-y-2 px-4 py-3" data-testid="webhook-delivery">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-mono text-sm font-medium text-slate-900 dark:text-slate-100">{delivery.eventType}</span>
        <DeliveryStatus delivery={delivery} />
        <time dateTime={delivery.createdAt.toISOString()} title={created} className="text-sm text-slate-500 dark:text-slate-400">
          {formatRelative(delivery.createdAt, now)}
        </time>
        {canManage && !pending && (
          <div className="ml-auto">
            <ReplayButton endpointId={delivery.endpointId} deliveryId={delivery.id} label={`${delivery.eventType} delivery of ${created}`} endpointActive={endpointActive} />
          </div>
        )}
      </div>

      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
        <Fact label="Attempts">{count.format(delivery.attempts)}</Fact>
        <Fact label="Last attempt">
          {delivery.lastAttemptAt ? (
            <time dateTime={delivery.lastAttemptAt.toISOString()} title={formatTime(delivery.lastAttemptAt)}>
              {formatRelative(delivery.lastAttemptAt, now)}
            </time>
          ) : (
            "Not yet"
          )}
        </Fact>
        <Fact label="Next retry">
          {pending && delivery.nextAttemptAt ? (
            <time dateTime={delivery.nextAttemptAt.toISOString()} title={formatTime(delivery.nextAttemptAt)}>
              {!endpointActive ? "When enabled" : delivery.nextAttemptAt <= now ? "Due now" : formatRelative(delivery.nextAttemptAt, now)}
            </time>
          ) : (
            "—"
          )}
        </Fact>
        <Fact label="Response">
          {delivery.responseCode !== null ? (
            <span className={cx("font-mono", delivery.responseCode >= 200 && delivery.responseCode < 300 ? "text-emerald-700 dark:text-emerald-400" : "text-rose-700 dark:text-rose-400")}>
              {delivery.responseCode}
            </span>
          ) : delivery.lastAttemptAt ? (
            "No answer"
          ) : (
            "—"
          )}
        </Fact>
      </dl>

      <details className="group rounded-lg text-sm">
        <summary className="inline-flex cursor-pointer list-none items-center gap-1 rounded font-medium text-slate-600 select-none hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-slate-400 dark:hover:text-white [&::-webkit-details-marker]:hidden">
          <span aria-hidden className="inline-block transition-transform group-open:rotate-90">
            ▸
          </span>
          {hasAnswer ? (delivery.error ? "Error and response" : "Response body") : "Details"}
        </summary>
        <div className="mt-2 space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-3 dark:border-slate-800 dark:bg-slate-950/40">
          {delivery.error && (
            <div>
              <p className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Error</p>
              <p className="mt-1 font-mono text-xs break-words text-rose-700 dark:text-rose-400">{delivery.error}</p>
            </div>
          )}
          <div>
            <p className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">
              Response body <span className="font-normal normal-case">(first 1 KB)</span>
            </p>
            {delivery.responseBody ? (
              <pre className="mt-1 max-h-64 overflow-auto rounded-md bg-white p-2 font-mono text-xs whitespace-pre-wrap text-slate-800 [overflow-wrap:anywhere] dark:bg-slate-900 dark:text-slate-200">
                {delivery.responseBody}
              </pre>
            ) : (
              <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{delivery.lastAttemptAt ? "Empty" : "Not sent yet"}</p>
            )}
          </div>
          <dl className="grid gap-x-4 gap-y-1 text-xs sm:grid-cols-2">
            <div>
              <dt className="inline text-slate-500 dark:text-slate-400">Event id: </dt>
              <dd className="inline font-mono break-all">{delivery.eventId}</dd>
            </div>
            <div>
              <dt className="inline text-slate-500 dark:text-slate-400">Created: </dt>
              <dd className="inline">{created}</dd>
            </div>
            {delivery.deliveredAt && (
              <div>
                <dt className="inline text-slate-500 dark:text-slate-400">Delivered: </dt>
                <dd className="inline">{formatTime(delivery.deliveredAt)}</dd>
              </div>
            )}
          </dl>
        </div>
      </details>
    </li>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="truncate text-slate-800 dark:text-slate-200">{children}</dd>
    </div>
  );
}

function Pagination({ page, shown, total, href }: { page: number; shown: number; total: number; href: (page: number) => string }) {
  const first = (page - 1) * PAGE_SIZE + 1;
  const last = first + shown - 1;
  const hasPrev = page > 1;
  const hasNext = last < total;
  const summary = (
    <p className="text-sm text-slate-500 dark:text-slate-400">
      {count.format(first)}–{count.format(last)} of {count.format(total)} {total === 1 ? "delivery" : "deliveries"}
    </p>
  );
  if (!hasPrev && !hasNext) return summary;
  const disabled = cx(buttonClass("secondary", "sm"), "pointer-events-none opacity-50");
  return (
    <nav aria-label="Pages" className="flex items-center justify-between gap-3">
      {summary}
      <div className="flex gap-2">
        {hasPrev ? (
          <ButtonLink href={href(page - 1)} size="sm">
            <span aria-hidden>←</span> Previous
          </ButtonLink>
        ) : (
          <span aria-disabled="true" className={disabled}>
            <span aria-hidden>←</span> Previous
          </span>
        )}
        {hasNext ? (
          <ButtonLink href={href(page + 1)} size="sm">
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
