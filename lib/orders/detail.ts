import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { checkoutSessions, type Address, type DiscountSnapshot } from "@/db/schema";
import { stripePaymentUrl, TIMELINE_LABELS } from "@/lib/carts/detail";
import { env } from "@/lib/env";
import { eventsFor, type DomainEvent } from "@/lib/events";
import { twigOperations, twigStatus, type TwigOperationType, type TwigStatus } from "@/lib/twig/format";
import type { TwigAddress } from "@/lib/twig/schema";
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

/** What a Twig order adds: its Twig status, what may be done next, the money left, its addresses. */
export type TwigOrderDetail = {
  status: TwigStatus;
  operations: TwigOperationType[];
  /** Authorized and not captured yet. */
  capturableMinor: bigint;
  /** Captured and not refunded yet. */
  refundableMinor: bigint;
  shippingAddress: TwigAddress | null;
  billingAddress: TwigAddress | null;
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
  /** Null unless the order came from the Twig API. */
  twig: TwigOrderDetail | null;
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
    twig: order.source === "twig" ? twigDetail(order) : null,
  };
}

function twigDetail(order: OrderView): TwigOrderDetail {
  const shipping = (order.shipping ?? {}) as { address?: unknown };
  const billing = order.billing as { address?: unknown } | null;
  return {
    status: twigStatus(order),
    operations: twigOperations(order).map((op) => op.type),
    capturableMinor: order.status === "authorized" ? order.authorizedMinor - order.capturedMinor : 0n,
    refundableMinor: order.capturedMinor - order.refundedMinor,
    shippingAddress: isTwigAddress(shipping.address) ? shipping.address : null,
    billingAddress: isTwigAddress(billing?.address) ? billing.address : null,
  };
}

function isTwigAddress(value: unknown): value is TwigAddress {
  return typeof value === "object" && value !== null && typeof (value as TwigAddress).addressLine1 === "string";
}

function isAddress(value: unknown): value is Address {
  return typeof value === "object" && value !== null && typeof (value as Address).street === "string" && typeof (value as Address).city === "string";
}

const BY = new Set(["staff", "api", "system"]);

/** Events whose data carry the money they moved as { amountMinor, currency }. */
const WITH_AMOUNT = new Set(["order.paid", "payment.duplicate", "order.authorized", "order.captured", "order.refunded"]);

function toTimelineEntry(e: DomainEvent, orderId: string): OrderTimelineEntry {
  const data = e.data ?? {};
  const amount =
    WITH_AMOUNT.has(e.type) &&
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
    case "order.expired":
      return typeof data.reason === "string" && data.reason ? `Reason: ${data.reason}` : null;
    case "order.authorized":
      return data.provider === "stripe" ? "Through Stripe" : data.provider === "test" ? "Through the test-mode checkout" : null;
    case "order.captured":
      return data.final === true ? "The whole authorization is now captured." : null;
    case "order.validated":
      return data.ok === true ? "The merchant accepted the order." : typeof data.answer === "string" ? `The merchant did not accept it (${data.answer}).` : null;
    case "checkout.expired":
      // On the order: one Stripe payment page closed unpaid. On the checkout session: the whole checkout ran out.
      if (e.subjectId === orderId) return "A payment page closed without a payment.";
      return typeof data.cartId === "string" ? "Unpaid in time; it became an abandoned cart." : null;
    default:
      return null;
  }
}
