import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { carts, paymentSessions, payments, recoveryMessages } from "@/db/schema";
import { recordEvent, recordEvents } from "@/lib/events";
import { newId } from "@/lib/ids";
import { redeemDiscount } from "@/lib/recovery/discounts";

export type PaymentInput = ProviderPayment & { cartId: string; channel: "link" | "checkout" | "direct" };

export type PaymentOutcome = "recovered" | "already_recorded" | "duplicate_payment" | "no_cart";

/**
 * Records a successful payment and recovers its cart, inside the caller's transaction.
 * The payment's provider id is unique, so a payment reported twice (two events, two deliveries,
 * two concurrent requests) changes nothing the second time; a cart is recovered once.
 *
 * Attribution (docs/recovery.md): a payment through a session opened from a recovery email's link
 * recovers the cart with channel "email" and that email's step; otherwise with `p.channel`. The
 * session's discount code is used up with the payment that recovers the cart, never by a second one.
 */
export async function recordPayment(tx: Db, p: PaymentInput): Promise<PaymentOutcome> {
  const [cart] = await tx
    .select({ id: carts.id, status: carts.status })
    .from(carts)
    .where(and(eq(carts.businessId, p.businessId), eq(carts.id, p.cartId)))
    .for("update");
  if (!cart) return "no_cart";

  const paymentId = await insertPayment(tx, p, { cartId: cart.id });
  if (!paymentId) return "already_recorded";

  const source = await sessionSource(tx, p);
  const attribution = source?.messageId ? { channel: "email", step: source.stepPosition } : { channel: p.channel, step: null };
  const data = {
    paymentId,
    provider: p.provider,
    providerPaymentId: p.providerPaymentId,
    amountMinor: String(p.amountMinor),
    currency: p.currency,
    channel: attribution.channel,
    ...(attribution.step !== null ? { step: attribution.step } : {}),
  };
  if (cart.status === "recovered") {
    // A second, different payment for a cart already paid: keep it visible so staff can refund it.
    await recordEvent(tx, { businessId: p.businessId, type: "payment.duplicate", subjectId: cart.id, data, at: p.paidAt });
    return "duplicate_payment";
  }
  await tx
    .update(carts)
    .set({
      status: "recovered",
      recoveredAt: p.paidAt,
      recoveredAmountMinor: p.amountMinor,
      recoveryChannel: attribution.channel,
      recoveryStep: attribution.step,
      updatedAt: new Date(),
    })
    .where(eq(carts.id, cart.id));
  await recordEvents(tx, [
    { businessId: p.businessId, type: "payment.succeeded", subjectId: cart.id, data, at: p.paidAt },
    { businessId: p.businessId, type: "cart.recovered", subjectId: cart.id, data: { ...data, from: cart.status }, at: p.paidAt },
  ]);
  if (source?.discountCodeId) await redeemDiscount(tx, source.discountCodeId, paymentId, p.paidAt);
  return "recovered";
}

/** The recovery email (and its step) and the discount code of the session that took the payment. */
async function sessionSource(tx: Db, p: PaymentInput) {
  if (!p.paymentSessionId) return undefined;
  const [row] = await tx
    .select({ messageId: paymentSessions.messageId, discountCodeId: paymentSessions.discountCodeId, stepPosition: recoveryMessages.stepPosition })
    .from(paymentSessions)
    .leftJoin(recoveryMessages, and(eq(recoveryMessages.id, paymentSessions.messageId), eq(recoveryMessages.cartId, paymentSessions.cartId)))
    .where(and(eq(paymentSessions.id, p.paymentSessionId), eq(paymentSessions.businessId, p.businessId), eq(paymentSessions.cartId, p.cartId)));
  return row;
}

/** What every recorded payment has, whether it pays for a cart or an order. */
export type ProviderPayment = {
  businessId: string;
  provider: "stripe" | "test";
  /** Stripe PaymentIntent id, or our test session id: the key that makes a payment count once. */
  providerPaymentId: string;
  providerSessionId?: string | null;
  /** Our payment_sessions id, when the payment came through one of our sessions. */
  paymentSessionId?: string | null;
  amountMinor: bigint;
  currency: string;
  paidAt: Date;
};

/**
 * Inserts the payment once per provider payment id and closes our payment session. Returns the
 * new payment's id, or undefined when it was already recorded (then only a missing Checkout
 * Session id is filled in: payment_intent.succeeded may have arrived first, without it).
 */
export async function insertPayment(tx: Db, p: ProviderPayment, subject: { cartId: string } | { orderId: string }): Promise<string | undefined> {
  const inserted = await tx
    .insert(payments)
    .values({
      id: newId("pay"),
      businessId: p.businessId,
      ...subject,
      provider: p.provider,
      providerPaymentId: p.providerPaymentId,
      providerSessionId: p.providerSessionId ?? null,
      amountMinor: p.amountMinor,
      currency: p.currency,
      paidAt: p.paidAt,
    })
    .onConflictDoNothing({ target: [payments.provider, payments.providerPaymentId] })
    .returning({ id: payments.id });
  if (p.paymentSessionId) {
    await tx
      .update(paymentSessions)
      .set({ status: "complete", completedAt: p.paidAt })
      .where(and(eq(paymentSessions.id, p.paymentSessionId), eq(paymentSessions.businessId, p.businessId)));
  }
  if (inserted.length > 0) return inserted[0]!.id;
  if (p.providerSessionId) {
    await tx
      .update(payments)
      .set({ providerSessionId: sql`coalesce(${payments.providerSessionId}, ${p.providerSessionId})` })
      .where(and(eq(payments.provider, p.provider), eq(payments.providerPaymentId, p.providerPaymentId)));
  }
  return undefined;
}
