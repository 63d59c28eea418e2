import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { executePrepared } from "@/db/prepared";
import { rowsOf } from "@/db/rows";
import { newId } from "@/lib/ids";
import { redeemDiscount } from "@/lib/recovery/discounts";
import { enqueueDeliveries } from "@/lib/webhooks/outbox";
import { writeCartPayment, type Owed } from "./cart-payment";
import { paymentWrites } from "./payment-writes";

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
  const written = await writeCartPayment(tx, p);
  await settleOwed(tx, p, written.owed);
  return written.outcome;
}

/** In the transaction of a cart payment's statement: the webhooks its events owe, and its discount code used up. */
export async function settleOwed(tx: Db, p: PaymentInput, owed: Owed): Promise<void> {
  if (owed.subscriptions.length > 0) {
    const rows = owed.events.map((e) => ({ ...e, businessId: p.businessId, subjectId: p.cartId, createdAt: p.paidAt }));
    await enqueueDeliveries(tx, rows, owed.subscriptions);
  }
  if (owed.discountCodeId) await redeemDiscount(tx, owed.discountCodeId, owed.paymentId, p.paidAt);
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
export async function insertPayment(tx: Db, p: ProviderPayment, subject: { orderId: string }): Promise<string | undefined> {
  const paymentId = newId("pay");
  const result = await executePrepared(tx, sql`
    with subject as (select ${subject.orderId}::text as id), ${paymentWrites(p, paymentId, { column: "order_id", from: "subject" })}
    select id from pay where id = ${paymentId}::text`);
  return rowsOf<{ id: string }>(result).length > 0 ? paymentId : undefined;
}
