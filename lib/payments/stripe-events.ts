import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { getDb, type Db } from "@/db/client";
import { carts, orders, paymentSessions, stripeEvents } from "@/db/schema";
import { recordOrderPayment } from "@/lib/orders/service";
import { recordEvent } from "@/lib/events";
import { fromStripeAmount, isCurrency } from "@/lib/money";
import { releaseHold } from "@/lib/twig/provider";
import { recordAuthorization } from "@/lib/twig/service";
import { closeOpenSessions, expireAtStripe } from "./checkout";
import { stripeOutcome, writeStripeCartPayment } from "./cart-payment";
import { settleOwed, type PaymentInput, type ProviderPayment } from "./service";

export type StripeEventOutcome = "duplicate" | "applied" | "recorded" | "ignored" | "unmatched";

/** What our metadata names: a recovery link's cart, or a checkout's order. */
type Ours = { businessId: string; cartId?: string; orderId?: string; paymentSessionId: string | null };

/** Twig orders are authorized on Stripe and captured later (capture_method manual). */
function isHold(metadata: Stripe.Metadata | null | undefined): boolean {
  return metadata?.capture === "manual";
}

/** Only objects we created carry our metadata; anything else on the Stripe account is not ours. */
function ours(metadata: Stripe.Metadata | null | undefined): Ours | undefined {
  if (!metadata?.business_id || !(metadata.cart_id || metadata.order_id)) return undefined;
  return {
    businessId: metadata.business_id,
    ...(metadata.order_id ? { orderId: metadata.order_id } : { cartId: metadata.cart_id }),
    paymentSessionId: metadata.payment_session_id ?? null,
  };
}

/**
 * Applies one verified Stripe event exactly once. The event id is inserted in the same
 * transaction as its effects: a duplicate (even a concurrent one, which waits on the unique id)
 * changes nothing, and a crash leaves neither the record nor the effect. A paid cart, the
 * commonest event, is applied by one statement that records the event with its effects.
 */
export async function handleStripeEvent(event: Stripe.Event): Promise<StripeEventOutcome> {
  const db = await getDb();
  const fast = await paidCartInOneStatement(db, event);
  if (fast) return fast;
  const result = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(stripeEvents)
      .values({
        id: event.id,
        type: event.type,
        livemode: event.livemode,
        stripeCreatedAt: new Date(event.created * 1000),
        outcome: "pending",
      })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    if (inserted.length === 0) return { outcome: "duplicate" as const };

    const { outcome, ref, release } = await apply(tx, event);
    const settled = outcome === "applied" ? ref : undefined;
    // Sent together (one round trip). Once paid, other open tabs of the cart or order must not
    // take a second payment: their sessions close with this change, and at Stripe after it.
    const [, toExpire] = await Promise.all([
      tx
        .update(stripeEvents)
        .set({ outcome, businessId: ref?.businessId ?? null, cartId: ref?.cartId ?? null })
        .where(eq(stripeEvents.id, event.id)),
      settled ? closeOpenSessions(tx, settled.orderId ? { orderId: settled.orderId } : { cartId: settled.cartId! }) : [],
    ]);
    return { outcome, release, toExpire };
  });
  if ("release" in result && result.release) await releaseHold(result.release);
  if ("toExpire" in result && result.toExpire?.length) await expireAtStripe(result.toExpire);
  return result.outcome;
}

/**
 * The commonest event, a recovery link's cart paid, in one statement (writeStripeCartPayment);
 * when it owes webhooks or a discount code, the same statement and those in a transaction.
 * Undefined for any other event.
 */
async function paidCartInOneStatement(db: Db, event: Stripe.Event): Promise<StripeEventOutcome | undefined> {
  const reported = reportedPayment(event);
  const payment = reported?.ref.cartId ? cartPayment(reported.ref, reported.payment) : undefined;
  if (!payment) return undefined;
  const receipt = { id: event.id, type: event.type, livemode: event.livemode, createdAt: new Date(event.created * 1000) };
  let written = await writeStripeCartPayment(db, receipt, payment);
  if (written.kind === "needs_transaction") {
    written = await db.transaction(async (tx) => {
      const inside = await writeStripeCartPayment(tx, receipt, payment, { inTransaction: true });
      if (inside.kind === "written") await settleOwed(tx, payment, inside.owed);
      return inside;
    });
  }
  if (written.kind !== "written") throw new Error(`Stripe event ${event.id}: the payment statement wrote nothing inside a transaction`);
  if (written.duplicate) return "duplicate";
  await expireAtStripe(written.toExpire);
  return stripeOutcome(written.outcome);
}

type ReportedPayment = { providerPaymentId: string; providerSessionId: string | null; amount: number; currency: string | null; paidAt: number };

/** The payment a paid Checkout Session or PaymentIntent of ours reports; holds and unpaid sessions report none. */
function reportedPayment(event: Stripe.Event): { ref: Ours; payment: ReportedPayment } | undefined {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      const ref = ours(session.metadata);
      // Delayed methods (bank debits) complete unpaid and succeed later in async_payment_succeeded.
      if (!ref || isHold(session.metadata) || session.payment_status === "unpaid") return undefined;
      const paymentId = typeof session.payment_intent === "string" ? session.payment_intent : session.payment_intent?.id;
      return {
        ref,
        payment: { providerPaymentId: paymentId ?? session.id, providerSessionId: session.id, amount: session.amount_total ?? 0, currency: session.currency, paidAt: event.created },
      };
    }
    case "payment_intent.succeeded": {
      const intent = event.data.object;
      const ref = ours(intent.metadata);
      // A held intent succeeds when we capture it; the capture call itself recorded that.
      if (!ref || isHold(intent.metadata)) return undefined;
      return {
        ref,
        payment: { providerPaymentId: intent.id, providerSessionId: null, amount: intent.amount_received, currency: intent.currency, paidAt: event.created },
      };
    }
    default:
      return undefined;
  }
}

async function apply(tx: Db, event: Stripe.Event): Promise<{ outcome: Exclude<StripeEventOutcome, "duplicate">; ref?: Ours; release?: string }> {
  const reported = reportedPayment(event);
  if (reported) return paid(tx, reported.ref, reported.payment);
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      const ref = ours(session.metadata);
      if (!ref) return { outcome: "ignored" };
      // A hold completes unpaid: the funds are authorized, not yet captured.
      if (isHold(session.metadata) && event.type === "checkout.session.completed") {
        const intentId = typeof session.payment_intent === "string" ? session.payment_intent : session.payment_intent?.id;
        return authorized(tx, ref, { intentId, amount: session.amount_total, currency: session.currency, at: event.created });
      }
      // Unpaid (a bank debit succeeds later, in async_payment_succeeded), or a hold's later event.
      return { outcome: "recorded", ref };
    }
    case "payment_intent.succeeded": {
      const ref = ours(event.data.object.metadata);
      return ref ? { outcome: "recorded", ref } : { outcome: "ignored" };
    }
    case "payment_intent.amount_capturable_updated": {
      const intent = event.data.object;
      const ref = ours(intent.metadata);
      if (!ref || !isHold(intent.metadata)) return { outcome: "ignored" };
      if (intent.status !== "requires_capture") return { outcome: "recorded", ref };
      return authorized(tx, ref, {
        intentId: intent.id,
        amount: intent.amount_capturable + intent.amount_received,
        currency: intent.currency,
        at: event.created,
      });
    }
    case "checkout.session.expired": {
      const session = event.data.object;
      const ref = ours(session.metadata);
      if (!ref) return { outcome: "ignored" };
      const closed = await tx
        .update(paymentSessions)
        .set({ status: "expired" })
        .where(and(eq(paymentSessions.providerSessionId, session.id), eq(paymentSessions.status, "open")))
        .returning({ id: paymentSessions.id });
      const subject = ref.cartId
        ? (await tx.select({ id: carts.id }).from(carts).where(and(eq(carts.businessId, ref.businessId), eq(carts.id, ref.cartId))))[0]
        : (await tx.select({ id: orders.id }).from(orders).where(and(eq(orders.businessId, ref.businessId), eq(orders.id, ref.orderId!))))[0];
      if (subject && closed.length) {
        await recordEvent(tx, { businessId: ref.businessId, type: "checkout.expired", subjectId: subject.id, data: { sessionId: session.id } });
      }
      return { outcome: "recorded", ref };
    }
    default:
      return { outcome: "ignored" };
  }
}

/** The customer's card holds the order's money: the order becomes authorized, once. */
async function authorized(
  tx: Db,
  ref: Ours,
  a: { intentId: string | undefined; amount: number | null; currency: string | null; at: number },
): Promise<{ outcome: "applied" | "recorded" | "unmatched"; ref: Ours; release?: string }> {
  const currency = (a.currency ?? "").toUpperCase();
  if (!ref.orderId || !a.intentId || a.amount === null || !isCurrency(currency)) return { outcome: "unmatched", ref };
  const at = new Date(a.at * 1000);
  const outcome = await recordAuthorization(tx, {
    businessId: ref.businessId,
    orderId: ref.orderId,
    provider: "stripe",
    providerRef: a.intentId,
    amountMinor: fromStripeAmount(a.amount, currency),
    currency,
    at,
    paymentSessionId: ref.paymentSessionId,
  });
  if (outcome === "no_order") return { outcome: "unmatched", ref };
  // A hold for an order that can no longer take it (expired, cancelled meanwhile) is released.
  return { outcome: outcome === "authorized" ? "applied" : "recorded", ref, release: outcome === "not_authorizable" ? a.intentId : undefined };
}

/** An order's payment; a cart's gets here only in a currency we do not know (else paidCartInOneStatement took it). */
async function paid(tx: Db, ref: Ours, p: ReportedPayment): Promise<{ outcome: "applied" | "recorded" | "unmatched"; ref: Ours }> {
  const payment = providerPayment(ref, p);
  if (!ref.orderId || !payment) return { outcome: "unmatched", ref };
  const outcome = await recordOrderPayment(tx, { ...payment, orderId: ref.orderId });
  if (outcome === "no_order") return { outcome: "unmatched", ref };
  return { outcome: outcome === "paid" ? "applied" : "recorded", ref };
}

/** A recovery link's cart payment as writeStripeCartPayment takes it; undefined for a currency we do not know. */
function cartPayment(ref: Ours, p: ReportedPayment): PaymentInput | undefined {
  const payment = providerPayment(ref, p);
  return payment && { ...payment, cartId: ref.cartId!, channel: "link" };
}

/** What Stripe reports, in our minor units and currency code; undefined for a currency we do not know. */
function providerPayment(ref: Ours, p: ReportedPayment): ProviderPayment | undefined {
  const currency = (p.currency ?? "").toUpperCase();
  if (!isCurrency(currency)) return undefined;
  return {
    businessId: ref.businessId,
    provider: "stripe",
    providerPaymentId: p.providerPaymentId,
    providerSessionId: p.providerSessionId,
    paymentSessionId: ref.paymentSessionId,
    amountMinor: fromStripeAmount(p.amount, currency),
    currency,
    paidAt: new Date(p.paidAt * 1000),
  };
}
