import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { checkoutSessions, type Address, type DiscountSnapshot } from "@/db/schema";
import { stripePaymentUrl, TIMELINE_LABELS } from "@/lib/carts/detail";
import { env } from "@/lib/env";
import { eventsFor, type DomainEvent } from "@/lib/events";
import { getOrder, type OrderView } from "./queries";

/**
 * Everything the staff order page shows, read once: the order with its items, its payments
 * (duplicates flagged for a refund), the checkout session that made it, and one timeline of the
 * order's and its checkout session's events.
 */

export type OrderTimelineEntry = {
  id: string;
  type: string;
  label: string;
  at: Date;
  /** Who did it, when the event says: staff, the merchant's server, or Cartback itself (expiry). */
  by: "staff" | "api" | "system" | null;
  detail: string | null;
  amount: { minor: bigint; currency: string } | null;
};

export type OrderPaymentView = {
  id: string;
  provider: "stripe" | "test";
  providerPaymentId: string;
  amountMinor: bigint;
  currency: string;
  status: string;
  paidAt: Date;
  /** The payment in Stripe's dashboard; null for test-mode payments. */
  stripeUrl: string | null;
  /** Arrived when the order was already paid or closed: the customer should get it back. */
  duplicate: boolean;
};

export type OrderCheckout = {
  id: string;
  status: "open" | "completed" | "expired";
  expiresAt: Date;
  discounts: DiscountSnapshot[];
};

export type OrderDetail = {
  order: OrderView;
  timeline: OrderTimelineEntry[];
  payments: OrderPaymentView[];
  checkout: OrderCheckout | null;
  /** Where the order ships: the shipping snapshot's address, else the customer's. */
  shippingAddress: Address | null;
  /** The shipping method the merchant offered (001's shipping.method), when there was one. */
  shippingMethod: string | null;
};

/** Undefined for a missing order or another business's order. */
export async function getOrderDetail(businessId: string, orderId: string): Promise<OrderDetail | undefined> {
  const db = await getDb();
  const order = await getOrder(businessId, orderId, db);
  if (!order) return undefined;
  const sessionId = order.checkoutSessionId;
  const [own, ofSession, [session]] = await Promise.all([
    eventsFor(db, businessId, order.id),
    sessionId ? eventsFor(db, businessId, sessionId) : Promise.resolve([]),
    sessionId
      ? db
          .select({ id: checkoutSessions.id, status: checkoutSessions.status, expiresAt: checkoutSessions.expiresAt, discounts: checkoutSessions.discounts })
          .from(checkoutSessions)
          .where(and(eq(checkoutSessions.businessId, businessId), eq(checkoutSessions.id, sessionId)))
      : Promise.resolve([]),
  ]);
  const events = [...own, ...ofSession]
    .filter((e) => e.type in TIMELINE_LABELS)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.seq - b.seq);

  const duplicates = new Set(
    events.filter((e) => e.type === "payment.duplicate" && typeof e.data.paymentId === "string").map((e) => e.data.paymentId as string),
  );
  const secretKey = env().STRIPE_SECRET_KEY;
  const shipping = order.shipping ?? {};
  const shippingAddress = isAddress(shipping.address) ? shipping.address : (order.customer.address ?? null);

  return {
    order,
    timeline: events.map((e) => toTimelineEntry(e, order.id)),
    payments: order.payments.map((p) => ({
      id: p.id,
      provider: p.provider,
      providerPaymentId: p.providerPaymentId,
      amountMinor: p.amountMinor,
      currency: p.currency,
      status: p.status,
      paidAt: p.paidAt,
      stripeUrl: p.provider === "stripe" ? stripePaymentUrl(p.providerPaymentId, secretKey) : null,
      duplicate: duplicates.has(p.id),
    })),
    checkout: session ?? null,
    shippingAddress,
    shippingMethod: typeof shipping.method === "string" && shipping.method ? shipping.method : null,
  };
}

function isAddress(value: unknown): value is Address {
  return typeof value === "object" && value !== null && typeof (value as Address).street === "string" && typeof (value as Address).city === "string";
}

const BY = new Set(["staff", "api", "system"]);

function toTimelineEntry(e: DomainEvent, orderId: string): OrderTimelineEntry {
  const data = e.data ?? {};
  const amount =
    (e.type === "order.paid" || e.type === "payment.duplicate") &&
    typeof data.amountMinor === "string" &&
    /^-?\d+$/.test(data.amountMinor) &&
    typeof data.currency === "string"
      ? { minor: BigInt(data.amountMinor), currency: data.currency }
      : null;
  return {
    id: e.id,
    type: e.type,
    label: TIMELINE_LABELS[e.type as keyof typeof TIMELINE_LABELS],
    at: e.createdAt,
    by: typeof data.by === "string" && BY.has(data.by) ? (data.by as OrderTimelineEntry["by"]) : null,
    detail: detailOf(e, data, orderId),
    amount,
  };
}

function detailOf(e: DomainEvent, data: Record<string, unknown>, orderId: string): string | null {
  switch (e.type) {
    case "order.paid":
      return data.provider === "stripe" ? "Through Stripe" : data.provider === "test" ? "Through the test-mode checkout" : null;
    case "payment.duplicate":
      return typeof data.orderStatus === "string" ? `The order was already ${data.orderStatus.replace("_", " ")} when this payment arrived.` : null;
    case "order.cancelled":
      return typeof data.reason === "string" && data.reason ? `Reason: ${data.reason}` : null;
    case "checkout.expired":
      // On the order: one Stripe payment page closed unpaid. On the checkout session: the whole checkout ran out.
      if (e.subjectId === orderId) return "A payment page closed without a payment.";
      return typeof data.cartId === "string" ? "Unpaid in time; it became an abandoned cart." : null;
    default:
      return null;
  }
}
