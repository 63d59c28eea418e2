import Link from "next/link";
import { notFound } from "next/navigation";
import { Detail, ItemImage, Time, TimelineItem } from "@/components/record-parts";
import { Badge, Card } from "@/components/ui";
import type { Address, OrderStatus } from "@/db/schema";
import { allowed, requireStaff } from "@/lib/auth/current";
import { ROLE_LABELS } from "@/lib/auth/roles";
import type { Staff } from "@/lib/auth/staff";
import { fieldLabel } from "@/lib/checkout/page";
import { formatMoney, toDecimalString } from "@/lib/money";
import { getOrderDetail, type OrderDetail, type OrderPaymentView, type TwigOrderDetail } from "@/lib/orders/detail";
import { ORDER_SOURCE_LABELS } from "@/lib/orders/list-url";
import type { OrderItem, OrderView } from "@/lib/orders/queries";
import type { TwigOperationType } from "@/lib/twig/format";
import type { TwigAddress } from "@/lib/twig/schema";
import { customerName, OrderStatusBadge, SourceBadge } from "../badges";
import { OrderActions, type OrderActionKey, type OrderMoneyLeft } from "./order-actions";

export const dynamic = "force-dynamic";

export const metadata = { title: "Order" };

/** What staff can do to a checkout order in each status (the services enforce the same rules). */
function torqueActions(status: OrderStatus): OrderActionKey[] {
  if (status === "pending") return ["cancel"];
  if (status === "processing") return ["complete"];
  return [];
}

/** A Twig order offers its `operations` (seed 003); moving money needs more than cancelling. */
const TWIG_ACTIONS: Record<TwigOperationType, { action: OrderActionKey; permission: "moveMoney" | "changeCarts" }> = {
  CAPTURE: { action: "capture", permission: "moveMoney" },
  REFUND: { action: "refund", permission: "moveMoney" },
  VOID: { action: "void", permission: "changeCarts" },
};

/** The actions the order offers, and whether the staff member's role hides some of them. */
function actionsFor(detail: OrderDetail, staff: Staff): { shown: OrderActionKey[]; hidden: boolean } {
  const offered = detail.twig
    ? detail.twig.operations.map((op) => TWIG_ACTIONS[op])
    : torqueActions(detail.order.status).map((action) => ({ action, permission: "changeCarts" as const }));
  const shown = offered.filter((a) => allowed(staff, a.permission)).map((a) => a.action);
  return { shown, hidden: shown.length < offered.length };
}

const VALIDATION_LABELS: Record<NonNullable<OrderView["validationStatus"]>, string> = {
  pending: "Waiting to call the merchant",
  running: "Asking the merchant",
  passed: "Accepted by the merchant",
  failed: "Not accepted by the merchant",
  skipped: "Not needed (no validation URL)",
};

/** The internal status where the Torque badge hides something staff should know. */
const STATUS_NOTES: Partial<Record<OrderStatus, string>> = {
  authorized: "Payment authorized, not yet captured",
  expired: "The checkout expired unpaid",
  partially_refunded: "Partially refunded",
};

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const staff = await requireStaff();
  const detail = await getOrderDetail(staff.business.id, id);
  if (!detail) notFound();
  const { order, timeline, payments, checkout, shippingAddress, shippingMethod, twig } = detail;
  const canChange = allowed(staff, "changeCarts");
  const money = (minor: bigint) => formatMoney(minor, order.currency);
  const name = customerName(order.customer);
  const actions = actionsFor(detail, staff);
  const left: OrderMoneyLeft | null = twig && {
    capturable: toDecimalString(twig.capturableMinor, order.currency),
    capturableLabel: money(twig.capturableMinor),
    refundable: toDecimalString(twig.refundableMinor, order.currency),
    refundableLabel: money(twig.refundableMinor),
  };
  const itemCount = order.items.reduce((n, item) => n + item.quantity, 0);
  const customFields = Object.entries(order.customFields ?? {});
  const discountCodes = checkout?.discounts.map((d) => d.code).filter(Boolean) ?? [];

  return (
    <div className="space-y-6">
      <div>
        <Link
          href="/orders"
          className="inline-flex items-center gap-1 rounded text-sm font-medium text-slate-600 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-slate-400 dark:hover:text-white"
        >
          <span aria-hidden>←</span> Back to orders
        </Link>
      </div>

      <header className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <p className="text-sm text-slate-500 dark:text-slate-400">
            Order <span className="font-mono text-xs break-all text-slate-700 dark:text-slate-300">{order.id}</span>
          </p>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <h1 className="truncate text-2xl font-semibold tracking-tight">{name ?? order.customerEmail}</h1>
            <span data-testid="order-status">
              <OrderStatusBadge order={order} />
            </span>
            <SourceBadge source={order.source} />
          </div>
          <p className="mt-1 text-sm break-words text-slate-500 dark:text-slate-400">
            {name && (
              <>
                <a href={`mailto:${order.customerEmail}`} className="break-all hover:underline">
                  {order.customerEmail}
                </a>
                {" · "}
              </>
            )}
            <span className="whitespace-nowrap">{money(order.totalMinor)}</span> ·{" "}
            <span className="whitespace-nowrap">
              placed <Time at={order.createdAt} />
            </span>
            {twig && order.merchantReference && (
              <>
                {" · "}
                <span className="break-all">
                  reference <span className="font-mono text-xs text-slate-700 dark:text-slate-300">{order.merchantReference}</span>
                </span>
              </>
            )}
          </p>
          {twig
            ? order.statusReason && <p className="mt-1 text-sm break-words text-slate-600 dark:text-slate-300">{order.statusReason}</p>
            : STATUS_NOTES[order.status] && <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{STATUS_NOTES[order.status]}.</p>}
        </div>
        {canChange ? (
          (actions.shown.length > 0 || actions.hidden) && (
            <div className="flex flex-col gap-2 sm:items-end">
              {actions.shown.length > 0 && (
                <div className="flex flex-wrap gap-2" data-testid="order-actions">
                  <OrderActions orderId={order.id} actions={actions.shown} totalLabel={money(order.totalMinor)} left={left} />
                </div>
              )}
              {actions.hidden && <p className="text-sm text-slate-500 sm:max-w-xs sm:text-right dark:text-slate-400">Only admins and owners can capture or refund payments.</p>}
            </div>
          )
        ) : (
          <p role="note" className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm text-slate-600 sm:max-w-xs dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300">
            Your role ({ROLE_LABELS[staff.role]}) is read-only: you can look at orders but not {twig ? "capture, refund or cancel" : "cancel or complete"} them.
          </p>
        )}
      </header>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card title={`Items (${itemCount})`}>
            <ul className="-my-3 divide-y divide-slate-200 dark:divide-slate-800">
              {order.items.map((item) => (
                <ItemRow key={item.id} item={item} money={money} />
              ))}
            </ul>
            <dl className="mt-3 space-y-1.5 border-t border-slate-200 pt-3 text-sm dark:border-slate-800">
              <Total label="Subtotal" value={money(order.subtotalMinor)} />
              {order.discountMinor > 0n && (
                <Total
                  label={
                    <>
                      Discount
                      {discountCodes.map((code) => (
                        <span key={code} className="ml-1.5 rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                          {code}
                        </span>
                      ))}
                    </>
                  }
                  value={`−${money(order.discountMinor)}`}
                />
              )}
              {(order.shippingMinor > 0n || shippingMethod) && (
                <Total label={shippingMethod ? `Shipping (${shippingMethod})` : "Shipping"} value={order.shippingMinor > 0n ? money(order.shippingMinor) : "Free"} />
              )}
              {order.taxMinor > 0n && <Total label="Tax" value={money(order.taxMinor)} />}
              <div className="flex justify-between gap-4 pt-1 text-base font-semibold">
                <dt>Total</dt>
                <dd className="tabular-nums" data-testid="order-total">
                  {money(order.totalMinor)}
                </dd>
              </div>
              {!twig && order.refundedMinor > 0n && (
                <div className="flex justify-between gap-4 text-rose-700 dark:text-rose-400">
                  <dt>Refunded</dt>
                  <dd className="tabular-nums">−{money(order.refundedMinor)}</dd>
                </div>
              )}
            </dl>
          </Card>

          <Card title="Timeline">
            {timeline.length === 0 ? (
              <p className="text-sm text-slate-500 dark:text-slate-400">Nothing has happened to this order yet.</p>
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
          <Card title="Payment">
            {twig ? <TwigMoney order={order} twig={twig} money={money} /> : <PaymentSummary payments={payments} status={order.status} />}
          </Card>

          <Card title="Customer">
            <div className="space-y-3 text-sm">
              <div>
                {name && <p className="font-medium">{name}</p>}
                <a href={`mailto:${order.customerEmail}`} className="break-all text-brand-600 hover:underline dark:text-blue-400">
                  {order.customerEmail}
                </a>
                {order.customer.phone && (
                  <p>
                    <a href={`tel:${order.customer.phone}`} className="hover:underline">
                      {order.customer.phone}
                    </a>
                  </p>
                )}
              </div>
              {twig ? (
                <>
                  <div>
                    <h3 className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Shipping address</h3>
                    {twig.shippingAddress ? <TwigAddressLines address={twig.shippingAddress} /> : <p className="mt-1 text-slate-500 dark:text-slate-400">No address given.</p>}
                  </div>
                  <div>
                    <h3 className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Billing address</h3>
                    {!twig.billingAddress ? (
                      <p className="mt-1 text-slate-500 dark:text-slate-400">None given.</p>
                    ) : twig.shippingAddress && sameAddress(twig.billingAddress, twig.shippingAddress) ? (
                      <p className="mt-1">Same as shipping.</p>
                    ) : (
                      <TwigAddressLines address={twig.billingAddress} />
                    )}
                  </div>
                  {order.customer.locale && (
                    <p className="text-slate-500 dark:text-slate-400">
                      Locale <span className="font-mono text-xs">{order.customer.locale}</span>
                    </p>
                  )}
                </>
              ) : (
                <div>
                  <h3 className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">Shipping address</h3>
                  {shippingAddress ? (
                    <AddressLines address={shippingAddress} />
                  ) : (
                    <p className="mt-1 text-slate-500 dark:text-slate-400">No address given.</p>
                  )}
                </div>
              )}
            </div>
          </Card>

          {customFields.length > 0 && (
            <Card title="Custom fields">
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
                {customFields.map(([key, value]) => (
                  <Detail key={key} label={fieldLabel(key)}>
                    <span className="break-words whitespace-pre-line">{value}</span>
                  </Detail>
                ))}
              </dl>
            </Card>
          )}

          <Card title="Details">
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <Detail label="Order ID">
                <span className="font-mono text-xs break-all">{order.id}</span>
              </Detail>
              <Detail label="Source">{ORDER_SOURCE_LABELS[order.source] ?? order.source}</Detail>
              <Detail label="Currency">{order.currency}</Detail>
              <Detail label="Placed">
                <Time at={order.createdAt} />
              </Detail>
              {order.paidAt && (
                <Detail label="Paid">
                  <Time at={order.paidAt} />
                </Detail>
              )}
              {order.completedAt && (
                <Detail label="Completed">
                  <Time at={order.completedAt} />
                </Detail>
              )}
              {order.cancelledAt && (
                <Detail label={order.status === "expired" ? "Expired" : "Cancelled"}>
                  <Time at={order.cancelledAt} />
                </Detail>
              )}
              {!twig && order.cancellationReason && (
                <Detail label="Reason">
                  <span className="break-words">{order.cancellationReason}</span>
                </Detail>
              )}
              {checkout && (
                <>
                  <Detail label="Checkout">
                    <span className="font-mono text-xs break-all">{checkout.id}</span>
                  </Detail>
                  {checkout.status !== "completed" && (
                    <Detail label={checkout.status === "expired" || checkout.expiresAt <= new Date() ? "Checkout ended" : "Checkout expires"}>
                      <Time at={checkout.expiresAt} />
                    </Detail>
                  )}
                </>
              )}
              {order.cartId && (
                <Detail label="Abandoned cart">
                  <Link href={`/carts/${order.cartId}`} className="font-medium text-brand-600 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-blue-400">
                    Open the cart
                  </Link>
                </Detail>
              )}
              {order.merchantReference && (
                <Detail label="Reference">
                  <span className="break-all">{order.merchantReference}</span>
                </Detail>
              )}
              {twig && order.statusReason && (
                <Detail label="Status reason">
                  <span className="break-words">{order.statusReason}</span>
                </Detail>
              )}
              {twig && order.merchantCreatedAt && (
                <Detail label="Merchant created">
                  <Time at={order.merchantCreatedAt} />
                </Detail>
              )}
              {twig && order.validationStatus && <Detail label="Validation">{VALIDATION_LABELS[order.validationStatus] ?? order.validationStatus}</Detail>}
              {twig && order.status === "pending" && order.expiresAt && (
                <Detail label="Expires">
                  <Time at={order.expiresAt} />
                </Detail>
              )}
            </dl>
          </Card>
        </div>
      </div>
    </div>
  );
}

function Total({ label, value }: { label: React.ReactNode; value: string }) {
  return (
    <div className="flex justify-between gap-4 text-slate-600 dark:text-slate-300">
      <dt>{label}</dt>
      <dd className="tabular-nums">{value}</dd>
    </div>
  );
}

function ItemRow({ item, money }: { item: OrderItem; money: (minor: bigint) => string }) {
  const label = item.name ?? item.itemId;
  // Twig sends any text as imageUrl (its example: "imageurl"); only a web address is an image.
  const image = item.imageUrl && /^https?:\/\//i.test(item.imageUrl) ? item.imageUrl : null;
  return (
    <li className="flex items-center gap-3 py-3">
      <ItemImage name={label} url={image} />
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium">{label}</p>
        {item.variant && <p className="truncate text-sm text-slate-600 dark:text-slate-300">{item.variant}</p>}
        {item.description && <p className="text-sm break-words text-slate-600 dark:text-slate-300">{item.description}</p>}
        <p className="text-sm text-slate-500 tabular-nums dark:text-slate-400">
          {item.quantity} × {money(item.unitPriceMinor)}
          {item.taxMinor > 0n && <> + {money(item.taxMinor)} tax</>}
          {item.name && <span className="ml-2 hidden font-mono text-xs sm:inline">{item.itemId}</span>}
        </p>
      </div>
      <p className="shrink-0 font-medium tabular-nums">{money(item.unitPriceMinor * BigInt(item.quantity))}</p>
    </li>
  );
}

function AddressLines({ address }: { address: Address }) {
  const lines = [
    [address.street, address.apartment].filter(Boolean).join(", "),
    [address.city, address.state, address.postalCode].filter(Boolean).join(", "),
    address.country,
  ].filter(Boolean);
  return (
    <address className="mt-1 not-italic">
      {lines.map((line, i) => (
        <span key={i} className="block break-words">
          {line}
        </span>
      ))}
    </address>
  );
}

function TwigAddressLines({ address }: { address: TwigAddress }) {
  const lines = [
    [address.firstName, address.lastName].filter(Boolean).join(" "),
    address.addressLine1,
    address.addressLine2,
    [address.city, address.country, address.postalCode].filter(Boolean).join(", "),
    address.countryCode,
  ].filter(Boolean);
  return (
    <address className="mt-1 not-italic">
      {lines.map((line, i) => (
        <span key={i} className="block break-words">
          {line}
        </span>
      ))}
    </address>
  );
}

function sameAddress(a: TwigAddress, b: TwigAddress): boolean {
  const keys = ["firstName", "lastName", "addressLine1", "addressLine2", "city", "country", "postalCode", "countryCode"] as const;
  return keys.every((k) => (a[k] ?? null) === (b[k] ?? null));
}

/** A Twig order's money: what the customer authorized, what was captured and refunded, and what is left of each. */
function TwigMoney({ order, twig, money }: { order: OrderView; twig: TwigOrderDetail; money: (minor: bigint) => string }) {
  if (order.authorizedMinor === 0n) {
    const text =
      order.status === "pending"
        ? "Awaiting the customer: they authorize the payment on the Twig checkout page, and it shows here as soon as they do."
        : "Closed before the customer authorized a payment.";
    return <p className="text-sm text-slate-500 dark:text-slate-400">{text}</p>;
  }
  const open = order.status === "authorized";
  return (
    <div className="space-y-3 text-sm" data-testid="twig-money">
      <dl className="space-y-1.5">
        <MoneyLine label="Authorized" value={money(order.authorizedMinor)} />
        <MoneyLine label="Captured" value={money(order.capturedMinor)} />
        {order.refundedMinor > 0n && <MoneyLine label="Refunded" value={`−${money(order.refundedMinor)}`} tone="text-rose-700 dark:text-rose-400" />}
        {open && <MoneyLine label="Still capturable" value={money(twig.capturableMinor)} strong />}
        <MoneyLine label="Still refundable" value={money(twig.refundableMinor)} strong={twig.refundableMinor > 0n} />
      </dl>
      {order.authorizedAt && (
        <p className="text-slate-500 dark:text-slate-400">
          Authorized <Time at={order.authorizedAt} />
        </p>
      )}
      {open && order.authorizationExpiresAt && (
        <p className="text-slate-500 dark:text-slate-400">
          The authorization lapses <Time at={order.authorizationExpiresAt} />; what is not captured by then is{" "}
          {order.merchant?.captureOnExpire ? "captured automatically (captureOnExpire)" : "released to the customer"}.
        </p>
      )}
    </div>
  );
}

function MoneyLine({ label, value, strong, tone }: { label: string; value: string; strong?: boolean; tone?: string }) {
  return (
    <div className={"flex justify-between gap-4 " + (tone ?? (strong ? "font-semibold" : "text-slate-600 dark:text-slate-300"))}>
      <dt>{label}</dt>
      <dd className="tabular-nums">{value}</dd>
    </div>
  );
}

function PaymentSummary({ payments, status }: { payments: OrderPaymentView[]; status: OrderStatus }) {
  if (payments.length === 0) {
    const text =
      status === "pending"
        ? "Awaiting payment. The customer pays on the hosted checkout; the payment shows here as soon as it is made."
        : status === "cancelled" || status === "expired"
          ? "Closed before any payment was made."
          : "Cartback recorded no payment for this order.";
    return <p className="text-sm text-slate-500 dark:text-slate-400">{text}</p>;
  }
  const extra = payments.filter((p) => p.duplicate).length;
  return (
    <div className="space-y-3">
      {extra > 0 && (
        <p role="note" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200">
          {extra === 1 ? "A payment" : `${extra} payments`} arrived after the order was already paid or closed. Refund {extra === 1 ? "it" : "them"} to the customer.
        </p>
      )}
      <ul className="-my-3 divide-y divide-slate-200 dark:divide-slate-800">
        {payments.map((p) => (
          <li key={p.id} className="space-y-1 py-3" data-testid="order-payment">
            <div className="flex items-baseline justify-between gap-3">
              <p className="text-lg font-semibold tabular-nums">{formatMoney(p.amountMinor, p.currency)}</p>
              <span className="flex flex-wrap justify-end gap-1.5">
                {p.duplicate && <Badge tone="red">Refund</Badge>}
                <Badge tone={p.provider === "stripe" ? "blue" : "amber"}>{p.provider === "stripe" ? "Stripe" : "Test mode"}</Badge>
              </span>
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
            <p className="font-mono text-xs break-all text-slate-400 dark:text-slate-500">{p.providerPaymentId}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
