import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { cache } from "react";
import { checkoutMetadata, CheckoutFrame, LockIcon, primaryButton, StateCard } from "@/app/checkout/[sessionId]/checkout-ui";
import { timeLeft } from "@/lib/checkout/page";
import { formatMoney } from "@/lib/money";
import type { OrderView } from "@/lib/orders/queries";
import { paymentMode } from "@/lib/payments/stripe";
import { returnUrl } from "@/lib/twig/customer";
import { addressLines, sameAddress, summarizeTwigOrder, twigTheme, viewTwigCheckout, type TwigSummary } from "@/lib/twig/page";
import type { TwigAddress } from "@/lib/twig/schema";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ orderId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** One lookup per request, shared by the metadata and the page. */
const view = cache((orderId: string) => viewTwigCheckout(orderId));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const v = await view((await params).orderId);
  return checkoutMetadata(v.state === "not_found" ? null : v.businessName);
}

/**
 * Seed 003's Twig checkout page (checkoutUrl + "/" + orderId): the customer reviews the order
 * the merchant sent, authorizes the payment (charged when the merchant captures) or cancels, and
 * goes back to the merchant's confirmUrl or cancelUrl. Plain form posts: no JavaScript needed.
 */
export default async function TwigCheckoutPage({ params, searchParams }: Props) {
  const { orderId } = await params;
  const query = await searchParams;
  const v = await view(orderId);
  if (v.state === "not_found") notFound();
  const { order, businessName } = v;
  const money = (minor: bigint) => formatMoney(minor, order.currency);

  return (
    <CheckoutFrame businessName={businessName} theme={twigTheme}>
      {v.state === "open" && <OpenOrder order={order} businessName={businessName} failed={query.failed === "1"} />}
      {v.state === "authorized" && <AuthorizedOrder order={order} businessName={businessName} money={money} />}
      {v.state === "cancelled" && (
        <StateCard tone="closed" title="This order was cancelled" action={<BackTo order={order} businessName={businessName} />}>
          {order.statusReason && <p>Reason: {order.statusReason}</p>}
          <p>{order.authorizedMinor > 0n ? "The hold on your card has been released: you were not charged." : "No payment was taken."}</p>
          <OrderNumber order={order} />
        </StateCard>
      )}
      {v.state === "expired" && (
        <StateCard tone="closed" title="This order has expired" action={<BackTo order={order} businessName={businessName} />}>
          <p>
            {order.authorizedMinor > 0n
              ? "The authorization on your card lapsed and was released: you were not charged."
              : `No payment was taken. This checkout link from ${businessName} is no longer active.`}
          </p>
          <p>Please return to {businessName} to place your order again.</p>
        </StateCard>
      )}
    </CheckoutFrame>
  );
}

function OpenOrder({ order, businessName, failed }: { order: OrderView; businessName: string; failed: boolean }) {
  const summary = summarizeTwigOrder(order);
  const money = (minor: bigint) => formatMoney(minor, summary.currency);
  const testMode = paymentMode() === "test";
  const base = `/twig/checkout/${encodeURIComponent(order.id)}`;
  return (
    <>
      <div className="mb-6 sm:mb-8">
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">Review your order</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Your order from {businessName}
          {order.expiresAt && <> · this checkout expires {timeLeft(order.expiresAt)}</>}
        </p>
      </div>

      {testMode && (
        <p
          role="note"
          className="cb-test-mode mb-6 flex items-start gap-2 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700/60 dark:bg-amber-950/60 dark:text-amber-200"
        >
          <span className="mt-px shrink-0 rounded bg-amber-200 px-1.5 py-0.5 text-[11px] font-bold tracking-wide whitespace-nowrap dark:bg-amber-800">TEST MODE</span>
          <span>Stripe is not configured: the card authorization is simulated and no real money moves.</span>
        </p>
      )}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_380px] lg:items-start lg:gap-10">
        <OrderSummary summary={summary} money={money} />

        <div className="space-y-6 lg:order-first">
          {failed && (
            <div role="alert" className="rounded-xl border border-rose-300 bg-rose-50 p-4 text-sm text-rose-900 dark:border-rose-800 dark:bg-rose-950/60 dark:text-rose-200">
              <p className="font-semibold">We could not reach the payment provider.</p>
              <p>Nothing was authorized or charged; please try again in a moment.</p>
            </div>
          )}

          <Section title="Contact" description={`${businessName} sent these details with your order.`}>
            <dl className="space-y-1 text-sm">
              <Detail label="Name" value={summary.customer.name} />
              <Detail label="Email" value={summary.customer.email} />
              {summary.customer.phone && <Detail label="Phone" value={summary.customer.phone} />}
            </dl>
          </Section>

          <div className="grid gap-6 sm:grid-cols-2">
            <Section title="Shipping address">
              {summary.shippingAddress ? <Address address={summary.shippingAddress} /> : <p className="text-sm text-slate-500 dark:text-slate-400">None given</p>}
              {summary.shipping.method && <p className="text-sm text-slate-500 dark:text-slate-400">Ships by {summary.shipping.method}</p>}
            </Section>
            <Section title="Billing address">
              {!summary.billingAddress ? (
                <p className="text-sm text-slate-500 dark:text-slate-400">None given</p>
              ) : sameAddress(summary.billingAddress, summary.shippingAddress) ? (
                <p className="text-sm text-slate-600 dark:text-slate-300">Same as the shipping address</p>
              ) : (
                <Address address={summary.billingAddress} />
              )}
            </Section>
          </div>

          <div className="cb-pay space-y-3">
            <form method="post" action={`${base}/authorize`}>
              <button type="submit" className={primaryButton}>
                <LockIcon className="size-4" />
                Authorize {money(summary.totalMinor)}
              </button>
            </form>
            <p className="text-center text-xs text-pretty text-slate-500 dark:text-slate-400">
              Your card is authorized now and charged only when {businessName} ships or confirms your order.{" "}
              {testMode ? "Test mode: the authorization is simulated." : "Next: you authorize on Stripe's secure payment page. Card details never touch this site."}
            </p>
            <form method="post" action={`${base}/cancel`}>
              <button type="submit" className={secondaryButton}>
                Cancel order
              </button>
            </form>
          </div>
        </div>
      </div>
    </>
  );
}

function AuthorizedOrder({ order, businessName, money }: { order: OrderView; businessName: string; money: (minor: bigint) => string }) {
  // The merchant's answer decides whether the order goes on: wait for it (the sweep makes it if nobody else does).
  if (order.validationStatus === "pending" || order.validationStatus === "running") {
    return (
      <StateCard tone="waiting" title="Confirming your order…">
        <meta httpEquiv="refresh" content="3" />
        <p role="status">Your payment is authorized. {businessName} is confirming your order: this page refreshes by itself, please keep it open.</p>
        <OrderNumber order={order} />
      </StateCard>
    );
  }
  const next = order.merchant?.confirmUrl ? returnUrl(order) : null;
  return (
    <StateCard
      tone="success"
      title="Payment authorized"
      action={
        next ? (
          <a href={next} className={primaryButton}>
            Continue to {businessName}
          </a>
        ) : undefined
      }
    >
      {order.capturedMinor === 0n ? (
        <p>
          Your card is authorized for {money(order.authorizedMinor)}. {businessName} charges it when your order ships. Thank you for your order!
        </p>
      ) : (
        <p>
          Your order from {businessName} is confirmed: {money(order.capturedMinor)} has been charged
          {order.refundedMinor > 0n && <>, and {money(order.refundedMinor)} refunded</>}.
        </p>
      )}
      <OrderNumber order={order} />
    </StateCard>
  );
}

function OrderNumber({ order }: { order: OrderView }) {
  return (
    <p>
      Order number <span className="font-mono font-medium break-all text-slate-900 dark:text-slate-100">{order.id}</span>
    </p>
  );
}

/** The merchant's cancelUrl, when it gave one. */
function BackTo({ order, businessName }: { order: OrderView; businessName: string }) {
  if (!order.merchant?.cancelUrl) return null;
  return (
    <a href={returnUrl(order)} className={primaryButton}>
      Back to {businessName}
    </a>
  );
}

function OrderSummary({ summary, money }: { summary: TwigSummary; money: (minor: bigint) => string }) {
  return (
    <section aria-labelledby="summary-heading" className="cb-summary rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6 lg:sticky lg:top-6 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-baseline justify-between gap-3">
        <h2 id="summary-heading" className="text-base font-semibold">
          Order summary
        </h2>
        <span className="text-sm text-slate-500 dark:text-slate-400">
          {summary.itemCount} {summary.itemCount === 1 ? "item" : "items"}
        </span>
      </div>

      <ul className="mt-4 divide-y divide-slate-100 dark:divide-slate-800">
        {summary.lines.map((line) => (
          <li key={line.key} className="flex items-start gap-3 py-3 first:pt-0">
            {line.imageUrl ? (
              // A merchant's image on any host: next/image would need each host configured.
              <img src={line.imageUrl} alt="" loading="lazy" referrerPolicy="no-referrer" className="size-11 shrink-0 rounded-lg bg-slate-100 object-cover dark:bg-slate-800" />
            ) : (
              <span aria-hidden className="grid size-11 shrink-0 place-items-center rounded-lg bg-(--cb-primary)/10 text-sm font-semibold text-(--cb-primary)">
                {line.name.trim()[0]?.toUpperCase() ?? "·"}
              </span>
            )}
            <div className="min-w-0 flex-1">
              <p className="font-medium break-words">{line.name}</p>
              {line.description && <p className="text-sm break-words text-slate-500 dark:text-slate-400">{line.description}</p>}
              <p className="text-sm text-slate-500 dark:text-slate-400">
                {line.quantity} × {money(line.unitMinor)}
                {line.taxMinor > 0n && <> · tax {money(line.taxMinor)}</>}
              </p>
            </div>
            <span className="font-medium tabular-nums">{money(line.totalMinor)}</span>
          </li>
        ))}
      </ul>

      <dl className="mt-2 space-y-2 border-t border-slate-200 pt-4 text-sm dark:border-slate-800">
        <Row label="Items" value={money(summary.itemsMinor)} testId="summary-items" />
        <Row label="Tax" value={money(summary.taxMinor)} testId="summary-tax" />
        <Row
          testId="summary-shipping"
          label={
            <span>
              Shipping
              {summary.shipping.method && <span className="text-slate-500 dark:text-slate-400"> · {summary.shipping.method}</span>}
            </span>
          }
          value={summary.shipping.amountMinor === 0n ? "Free" : money(summary.shipping.amountMinor)}
        />
        <div className="flex items-baseline justify-between gap-4 border-t border-slate-200 pt-3 dark:border-slate-800">
          <dt className="text-base font-semibold">Total</dt>
          <dd className="text-right">
            <span className="mr-1.5 text-xs font-medium text-slate-500 dark:text-slate-400">{summary.currency}</span>
            <span className="text-xl font-semibold tabular-nums" data-testid="summary-total">
              {money(summary.totalMinor)}
            </span>
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Row({ label, value, testId }: { label: ReactNode; value: ReactNode; testId?: string }) {
  return (
    <div className="flex items-start justify-between gap-4">
      <dt className="min-w-0 break-words text-slate-600 dark:text-slate-300">{label}</dt>
      <dd className="shrink-0 tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function Detail({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-3">
      <dt className="w-14 shrink-0 text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="min-w-0 break-words">{value}</dd>
    </div>
  );
}

function Address({ address }: { address: TwigAddress }) {
  return (
    <address className="text-sm leading-6 not-italic break-words">
      {addressLines(address).map((line, i) => (
        <span key={i} className="block">
          {line}
        </span>
      ))}
    </address>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="cb-section rounded-2xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900">
      <div className="mb-3">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {description && <p className="text-sm text-slate-500 dark:text-slate-400">{description}</p>}
      </div>
      <div className="space-y-2">{children}</div>
    </section>
  );
}

const secondaryButton =
  "cb-button-secondary inline-flex w-full items-center justify-center rounded-xl border border-slate-300 bg-white px-5 py-3 text-base font-medium text-slate-700 shadow-sm transition hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-(--cb-primary) focus-visible:ring-offset-2 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800 dark:focus-visible:ring-offset-slate-900";
