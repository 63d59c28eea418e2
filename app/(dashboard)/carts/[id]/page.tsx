import Link from "next/link";
import { notFound } from "next/navigation";
import { Detail, ItemImage, Time, TimelineItem } from "@/components/record-parts";
import { formatTime } from "@/lib/format/dates";
import { Badge, Card, StatusBadge } from "@/components/ui";
import { allowed, requireStaff } from "@/lib/auth/current";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { getCartDetail, type CartPayment } from "@/lib/carts/detail";
import { contactForCart } from "@/lib/contacts/queries";
import { canTransition, LINKABLE } from "@/lib/carts/status";
import { formatMoney } from "@/lib/money";
import { LinkPanel, StatusActions, type LinkPanelProps } from "./cart-actions";
import { ContactCard } from "./contact-card";

export const dynamic = "force-dynamic";

export const metadata = { title: "Cart" };

export default async function CartPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const staff = await requireStaff();
  const [detail, contact] = await Promise.all([getCartDetail(staff.business.id, id), contactForCart(staff.business.id, id)]);
  if (!detail || !contact) notFound();
  const { cart, timeline, link, payments } = detail;
  const canChange = allowed(staff, "changeCarts");
  const money = (minor: bigint) => formatMoney(minor, cart.currency);
  const linkable = LINKABLE.includes(cart.status);

  const linkProps: LinkPanelProps = {
    cartId: cart.id,
    canChange,
    linkable,
    notLinkableReason: linkable
      ? null
      : cart.status === "recovered"
        ? "This cart is recovered, so it needs no payment link. Links are only offered while a cart can still be paid."
        : "This cart has expired: its link was revoked and it can no longer be paid, so no new link can be generated. Mark it recovered if the customer paid another way.",
    link: link && {
      url: link.url,
      expired: link.expired,
      expiresLabel: formatTime(link.expiresAt),
      expiresIso: link.expiresAt.toISOString(),
      openCount: link.openCount,
      lastOpenedLabel: link.lastOpenedAt && formatTime(link.lastOpenedAt),
      createdBy: link.createdBy,
    },
  };

  return (
    <div className="space-y-6">
      <div>
        <Link
          href="/carts"
          className="inline-flex items-center gap-1 rounded text-sm font-medium text-slate-600 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-slate-400 dark:hover:text-white"
        >
          <span aria-hidden>←</span> Back to carts
        </Link>
      </div>

      <header className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="truncate text-2xl font-semibold tracking-tight">{cart.customerName ?? cart.customerEmail}</h1>
            <span data-testid="cart-status">
              <StatusBadge status={cart.status} />
            </span>
          </div>
          <p className="mt-1 break-words text-sm text-slate-500 dark:text-slate-400">
            {cart.customerName && (
              <>
                <a href={`mailto:${cart.customerEmail}`} className="break-all hover:underline">
                  {cart.customerEmail}
                </a>
                {" · "}
              </>
            )}
            <span className="whitespace-nowrap">{money(cart.totalMinor)}</span> ·{" "}
            <span className="whitespace-nowrap">
              created <Time at={cart.createdAt} />
            </span>
          </p>
        </div>
        {canChange ? (
          <div className="flex flex-wrap gap-2">
            <StatusActions
              cartId={cart.id}
              canRecover={canTransition(cart.status, "recovered")}
              canExpire={canTransition(cart.status, "expired")}
              totalLabel={money(cart.totalMinor)}
            />
          </div>
        ) : (
          <p role="note" className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm text-slate-600 sm:max-w-xs dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
            Your role ({ROLE_LABELS[staff.role]}) is read-only: you can look at carts but not send links or change them.
          </p>
        )}
      </header>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card title={`Items (${cart.itemCount})`}>
            <ul className="-my-3 divide-y divide-slate-200 dark:divide-slate-800">
              {cart.items.map((item) => (
                <li key={item.position} className="flex items-center gap-3 py-3">
                  <ItemImage name={item.name} url={item.imageUrl} />
                  <div className="min-w-0 flex-1">
                    <p className="truncate font-medium">{item.name}</p>
                    <p className="text-sm text-slate-500 tabular-nums dark:text-slate-400">
                      {item.quantity} × {money(item.unitPriceMinor)}
                      {item.productId && <span className="ml-2 hidden font-mono text-xs sm:inline">{item.productId}</span>}
                    </p>
                  </div>
                  <p className="shrink-0 font-medium tabular-nums">{money(item.unitPriceMinor * BigInt(item.quantity))}</p>
                </li>
              ))}
            </ul>
            <dl className="mt-3 space-y-1 border-t border-slate-200 pt-3 dark:border-slate-800">
              <div className="flex justify-between text-base font-semibold">
                <dt>Total</dt>
                <dd className="tabular-nums" data-testid="cart-total">
                  {money(cart.totalMinor)}
                </dd>
              </div>
              {cart.recoveredAmountMinor !== null && cart.recoveredAmountMinor !== cart.totalMinor && (
                <div className="flex justify-between text-sm text-slate-600 dark:text-slate-300">
                  <dt>Recovered</dt>
                  <dd className="tabular-nums">{money(cart.recoveredAmountMinor)}</dd>
                </div>
              )}
            </dl>
          </Card>

          <Card title="Timeline">
            {timeline.length === 0 ? (
              <p className="text-sm text-slate-500 dark:text-slate-400">Nothing has happened to this cart yet.</p>
            ) : (
              <ol aria-label="Timeline" className="relative space-y-4 border-l border-slate-200 pl-5 dark:border-slate-800">
                {timeline.map((entry) => (
                  <TimelineItem key={entry.id} entry={entry} />
                ))}
              </ol>
            )}
          </Card>
        </div>

        <div className="space-y-6">
          <Card title="Payment link">
            <LinkPanel {...linkProps} />
          </Card>

          <Card title="Payment">
            <PaymentSummary payments={payments} recoveredManually={cart.status === "recovered" && cart.recoveryChannel === "manual"} />
          </Card>

          <Card title="Contact">
            <ContactCard contact={contact} />
          </Card>

          <Card title="Details">
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <Detail label="Customer">
                <span className="break-all">{cart.customerEmail}</span>
              </Detail>
              <Detail label="Cart ID">
                <span className="break-all font-mono text-xs">{cart.id}</span>
              </Detail>
              <Detail label="Source">{SOURCES[cart.source] ?? cart.source}</Detail>
              <Detail label="Currency">{cart.currency}</Detail>
              <Detail label="Created">
                <Time at={cart.createdAt} />
              </Detail>
              {cart.abandonedAt && (
                <Detail label="Abandoned">
                  <Time at={cart.abandonedAt} />
                </Detail>
              )}
              {cart.recoveredAt && (
                <Detail label="Recovered">
                  <Time at={cart.recoveredAt} />
                  {cart.recoveryChannel && <span className="text-slate-500 dark:text-slate-400"> · {CHANNELS[cart.recoveryChannel] ?? cart.recoveryChannel}</span>}
                </Detail>
              )}
              {cart.expiredAt && (
                <Detail label="Expired">
                  <Time at={cart.expiredAt} />
                </Detail>
              )}
            </dl>
          </Card>
        </div>
      </div>
    </div>
  );
}

const SOURCES: Record<string, string> = { api: "Tracker API", torque: "Torque checkout", twig: "Twig order" };
const CHANNELS: Record<string, string> = { email: "paid from a recovery email", link: "paid through the link", manual: "marked by staff", checkout: "paid at checkout", direct: "reported recovered by the shop" };

function PaymentSummary({ payments, recoveredManually }: { payments: CartPayment[]; recoveredManually: boolean }) {
  if (payments.length === 0) {
    return (
      <p className="text-sm text-slate-500 dark:text-slate-400">
        {recoveredManually
          ? "Marked recovered by staff. Cartback recorded no payment for this cart."
          : "Not paid yet. The payment appears here as soon as the customer pays."}
      </p>
    );
  }
  return (
    <div className="space-y-3">
      {payments.length > 1 && (
        <p role="note" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200">
          This cart was paid {payments.length} times. Refund the extra payment{payments.length > 2 ? "s" : ""}.
        </p>
      )}
      <ul className="-my-3 divide-y divide-slate-200 dark:divide-slate-800">
        {payments.map((p) => (
          <li key={p.id} className="space-y-1 py-3">
            <div className="flex items-baseline justify-between gap-3">
              <p className="text-lg font-semibold tabular-nums">{formatMoney(p.amountMinor, p.currency)}</p>
              <Badge tone={p.provider === "stripe" ? "blue" : "amber"}>{p.provider === "stripe" ? "Stripe" : "Test mode"}</Badge>
            </div>
            <p className="text-sm text-slate-500 dark:text-slate-400">
              Paid <Time at={p.paidAt} />
            </p>
            {p.stripeUrl ? (
              <a
                href={p.stripeUrl}
                target="_blank"
                rel="noopener noreferrer"
                className="inline-flex items-center gap-1 rounded text-sm font-medium text-brand-600 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-blue-400"
              >
                View in Stripe<span aria-hidden>↗</span>
                <span className="sr-only"> (opens in a new tab)</span>
              </a>
            ) : (
              <p className="text-sm text-slate-500 dark:text-slate-400">Test mode payment</p>
            )}
            <p className="break-all font-mono text-xs text-slate-400 dark:text-slate-500">{p.providerPaymentId}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
