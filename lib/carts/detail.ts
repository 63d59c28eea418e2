import { and, asc, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { payments, recoveryLinks } from "@/db/schema";
import { env } from "@/lib/env";
import { eventsFor, type DomainEvent, type EventType } from "@/lib/events";
import { linkUrl } from "@/lib/links/url";
import { getCart, type CartView } from "./queries";

/** What people read in a cart's timeline for each domain event. */
export const TIMELINE_LABELS: Record<Exclude<EventType, "cart.deleted">, string> = {
  "cart.created": "Cart created",
  "cart.abandoned": "Abandoned",
  "link.generated": "Payment link generated",
  "link.rotated": "Payment link replaced",
  "link.revoked": "Payment link revoked",
  "link.opened": "Customer opened the link",
  "payment.succeeded": "Paid",
  "payment.duplicate": "Extra payment received — refund it",
  "cart.recovered": "Recovered",
  "cart.expired": "Expired",
  "cart.reopened": "Reopened",
  "cart.updated": "Updated",
  "checkout.expired": "Checkout session expired",
  "checkout.created": "Checkout link created",
  "checkout.viewed": "Customer opened the checkout",
  "order.created": "Order placed",
  "order.paid": "Order paid",
  "order.completed": "Order completed",
  "order.cancelled": "Order cancelled",
  "order.refunded": "Refunded",
  "order.updated": "Order updated",
  "order.authorized": "Payment authorized",
  "order.captured": "Payment captured",
  "order.validated": "Merchant validation",
  "order.expired": "Expired",
  "email.sent": "Recovery email sent",
  "email.queued": "Recovery email in the outbox (no SMTP)",
  "email.suppressed": "Recovery email not sent",
  "email.failed": "Recovery email failed",
  "email.clicked": "Customer clicked the email's link",
  "discount.redeemed": "Discount code used",
  "contact.unsubscribed": "Customer unsubscribed",
};

export type TimelineEntry = {
  id: string;
  type: string;
  label: string;
  at: Date;
  /** Who did it, when the event says: "staff" or "api" (the merchant's server). */
  by: "staff" | "api" | null;
  /** Something the event carries that staff care about, e.g. which fields changed. */
  detail: string | null;
  /** A payment in the event (payment.succeeded, payment.duplicate). */
  amount: { minor: bigint; currency: string } | null;
};

/** The cart's current (not revoked) link, live or past its expiry. */
export type CurrentLink = {
  url: string;
  expiresAt: Date;
  /** Past its expiry: opening it tells the customer so; a new one can be generated. */
  expired: boolean;
  openCount: number;
  lastOpenedAt: Date | null;
  createdBy: string;
  createdAt: Date;
};

export type CartPayment = {
  id: string;
  provider: "stripe" | "test";
  providerPaymentId: string;
  providerSessionId: string | null;
  amountMinor: bigint;
  currency: string;
  status: string;
  paidAt: Date;
  /** The payment in Stripe's dashboard; null for test-mode payments. */
  stripeUrl: string | null;
};

export type CartDetail = {
  cart: CartView;
  timeline: TimelineEntry[];
  link: CurrentLink | null;
  payments: CartPayment[];
};

/**
 * Everything the cart page shows, read once: the cart, its timeline, its current link and its
 * payments. Undefined for a missing cart or another business's cart.
 */
export async function getCartDetail(businessId: string, cartId: string, now = new Date()): Promise<CartDetail | undefined> {
  const db = await getDb();
  const cart = await getCart(businessId, cartId, db);
  if (!cart) return undefined;
  const [events, [linkRow], paymentRows] = await Promise.all([
    eventsFor(db, businessId, cart.id),
    db
      .select()
      .from(recoveryLinks)
      .where(and(eq(recoveryLinks.businessId, businessId), eq(recoveryLinks.cartId, cart.id), isNull(recoveryLinks.revokedAt)))
      .limit(1),
    db
      .select()
      .from(payments)
      .where(and(eq(payments.businessId, businessId), eq(payments.cartId, cart.id)))
      .orderBy(asc(payments.paidAt), asc(payments.id)),
  ]);
  const secretKey = env().STRIPE_SECRET_KEY;
  return {
    cart,
    timeline: events.filter((e) => e.type in TIMELINE_LABELS).map(toTimelineEntry),
    link: linkRow
      ? {
          url: linkUrl(linkRow.token),
          expiresAt: linkRow.expiresAt,
          expired: linkRow.expiresAt <= now,
          openCount: linkRow.openCount,
          lastOpenedAt: linkRow.lastOpenedAt,
          createdBy: linkRow.createdBy,
          createdAt: linkRow.createdAt,
        }
      : null,
    payments: paymentRows.map((p) => ({
      id: p.id,
      provider: p.provider,
      providerPaymentId: p.providerPaymentId,
      providerSessionId: p.providerSessionId,
      amountMinor: p.amountMinor,
      currency: p.currency,
      status: p.status,
      paidAt: p.paidAt,
      stripeUrl: p.provider === "stripe" ? stripePaymentUrl(p.providerPaymentId, secretKey) : null,
    })),
  };
}

/** The payment's page in Stripe's dashboard; test-mode keys see it under /test. */
export function stripePaymentUrl(paymentIntentId: string, secretKey: string | undefined): string {
  const test = secretKey ? /^(sk|rk)_test_/.test(secretKey) : false;
  return `https://dashboard.stripe.com${test ? "/test" : ""}/payments/${encodeURIComponent(paymentIntentId)}`;
}

function toTimelineEntry(e: DomainEvent): TimelineEntry {
  const data = e.data ?? {};
  const by = data.by === "staff" || data.by === "api" ? data.by : null;
  const amount =
    typeof data.amountMinor === "string" && /^-?\d+$/.test(data.amountMinor) && typeof data.currency === "string" && e.type.startsWith("payment.")
      ? { minor: BigInt(data.amountMinor), currency: data.currency }
      : null;
  return {
    id: e.id,
    type: e.type,
    label: TIMELINE_LABELS[e.type as keyof typeof TIMELINE_LABELS],
    at: e.createdAt,
    by,
    detail: detailOf(e.type, data),
    amount,
  };
}

function detailOf(type: string, data: Record<string, unknown>): string | null {
  if (type === "cart.updated" && Array.isArray(data.changed) && data.changed.length) {
    return `Changed ${data.changed.map(String).join(", ")}`;
  }
  if ((type === "payment.succeeded" || type === "payment.duplicate") && typeof data.provider === "string") {
    return data.provider === "stripe" ? "Through Stripe" : "Through the test-mode checkout";
  }
  return null;
}
