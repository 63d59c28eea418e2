import type { Address, CustomerSnapshot, DiscountSnapshot } from "@/db/schema";
import { toDecimalNumber } from "@/lib/money";
import { paymentMode } from "@/lib/payments/stripe";
import type { OrderView } from "./queries";
import type { Order } from "./service";
import { TORQUE_STATUS } from "./status";

/**
 * How orders read in the Torque API: 001's order-status, list item and cancel answers, and
 * 002's `Order`. Amounts are the seeds' decimal numbers in the order's currency (exact: the
 * decimal text of the minor units), statuses are the Torque projection of our state machine.
 */

const iso = (d: Date) => d.toISOString();
const amountOf = (order: { currency: string }) => (minor: bigint) => toDecimalNumber(minor, order.currency);

/** completedAt / cancelledAt / cancellationReason, each only when set. */
function milestones(order: Order) {
  return {
    ...(order.completedAt ? { completedAt: iso(order.completedAt) } : {}),
    ...(order.cancelledAt ? { cancelledAt: iso(order.cancelledAt) } : {}),
    ...(order.cancellationReason ? { cancellationReason: order.cancellationReason } : {}),
  };
}

function customerData(c: CustomerSnapshot) {
  return {
    email: c.email,
    firstName: c.firstName,
    lastName: c.lastName,
    ...(c.phone ? { phone: c.phone } : {}),
    ...(c.address ? { address: address(c.address) } : {}),
  };
}

function address(a: Address): Address {
  return { street: a.street, city: a.city, state: a.state, postalCode: a.postalCode, country: a.country, ...(a.apartment ? { apartment: a.apartment } : {}) };
}

export type TorquePaymentInfo = {
  method: string;
  transactionId: string | null;
  amount: number;
  status: "pending" | "confirmed" | "refunded";
  currency: string;
  processedAt: string | null;
};

/**
 * 002's PaymentInfo. The payment that paid the order (the first one recorded) when there is one;
 * while the order still awaits payment, a "pending" payment for its total (no transaction yet);
 * null for an order closed without any payment.
 */
export function paymentInfo(order: OrderView): TorquePaymentInfo | null {
  const paid = [...order.payments].sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime())[0];
  if (paid) {
    return {
      method: paid.provider === "stripe" ? "card" : "test",
      transactionId: paid.providerPaymentId,
      amount: toDecimalNumber(paid.amountMinor, paid.currency),
      status: order.status === "refunded" ? "refunded" : "confirmed",
      currency: paid.currency,
      processedAt: iso(paid.paidAt),
    };
  }
  if (TORQUE_STATUS[order.status] !== "pending") return null;
  return {
    method: paymentMode() === "stripe" ? "card" : "test",
    transactionId: null,
    amount: toDecimalNumber(order.totalMinor, order.currency),
    status: "pending",
    currency: order.currency,
    processedAt: null,
  };
}

/** 001 GET /v1/checkout/order-status/{orderId}; details (customer, cart, payment) with includeDetails=true. */
export function toOrderStatus(order: OrderView, includeDetails: boolean) {
  const base = {
    id: order.id,
    sessionId: order.checkoutSessionId,
    status: TORQUE_STATUS[order.status],
    createdAt: iso(order.createdAt),
    updatedAt: iso(order.updatedAt),
    ...milestones(order),
  };
  if (!includeDetails) return base;
  const amount = amountOf(order);
  return {
    ...base,
    customerData: customerData(order.customer),
    cart: {
      items: order.items.map((item) => ({
        productId: item.itemId,
        quantity: item.quantity,
        price: amount(item.unitPriceMinor),
        total: amount(item.unitPriceMinor * BigInt(item.quantity)),
        ...(item.variant ? { variant: item.variant } : {}),
      })),
      subtotal: amount(order.subtotalMinor),
      discount: amount(order.discountMinor),
      shipping: amount(order.shippingMinor),
      total: amount(order.totalMinor),
      currency: order.currency,
    },
    payment: paymentInfo(order),
  };
}

/** 001 GET /v1/checkout/orders: one row of the list. `itemCount` counts units, as in generate-link's cartSummary. */
export function toOrderListItem(order: OrderView) {
  return {
    id: order.id,
    status: TORQUE_STATUS[order.status],
    createdAt: iso(order.createdAt),
    customerData: { email: order.customer.email, firstName: order.customer.firstName, lastName: order.customer.lastName },
    cart: {
      itemCount: order.items.reduce((n, item) => n + item.quantity, 0),
      total: toDecimalNumber(order.totalMinor, order.currency),
      currency: order.currency,
    },
  };
}

/** The shipping method the order was placed with (the checkout's `cart.shipping`), as 002's ShippingInfo. */
function shippingInfo(order: Order) {
  const s = order.shipping as { method?: unknown; costMinor?: unknown; estimatedDays?: unknown; description?: unknown } | null;
  if (!s || typeof s.method !== "string") return undefined;
  return {
    method: s.method,
    cost: toDecimalNumber(order.shippingMinor, order.currency),
    ...(typeof s.estimatedDays === "number" ? { estimatedDays: s.estimatedDays } : {}),
    ...(typeof s.description === "string" && s.description ? { description: s.description } : {}),
  };
}

/**
 * 002's `Order` (GET /v1/orders/{id}, GET /v1/orders). Its `cart` follows 002's Cart (items,
 * currency, discounts as sent, shipping as ShippingInfo) plus our exact subtotal, discount and
 * total. `discounts` comes from the checkout session (see checkoutDiscounts in queries.ts).
 */
export function toTorqueOrder(order: OrderView, discounts: DiscountSnapshot[] = []) {
  const amount = amountOf(order);
  const shipping = shippingInfo(order);
  return {
    id: order.id,
    sessionId: order.checkoutSessionId,
    businessId: order.businessId,
    status: TORQUE_STATUS[order.status],
    customerData: {
      ...customerData(order.customer),
      ...(order.customer.preferences ? { preferences: order.customer.preferences } : {}),
    },
    cart: {
      items: order.items.map((item) => ({
        productId: item.itemId,
        quantity: item.quantity,
        price: amount(item.unitPriceMinor),
        ...(item.variant ? { variant: item.variant } : {}),
        ...(item.metadata && typeof item.metadata === "object" ? { metadata: item.metadata } : {}),
      })),
      currency: order.currency,
      subtotal: amount(order.subtotalMinor),
      discount: amount(order.discountMinor),
      total: amount(order.totalMinor),
      ...(discounts.length
        ? {
            discounts: discounts.map((d) => ({
              code: d.code,
              amount: Number(d.amount),
              type: d.type,
              ...(d.description ? { description: d.description } : {}),
            })),
          }
        : {}),
      ...(shipping ? { shipping } : {}),
    },
    payment: paymentInfo(order),
    createdAt: iso(order.createdAt),
    updatedAt: iso(order.updatedAt),
    ...(order.completedAt ? { completedAt: iso(order.completedAt) } : {}),
    ...(order.cancelledAt ? { cancelledAt: iso(order.cancelledAt) } : {}),
    ...(order.metadata ? { metadata: order.metadata } : {}),
  };
}

/** 001's cancel answer. */
export function toCancelResponse(order: Order) {
  return {
    message: "Order cancelled successfully",
    order: {
      id: order.id,
      status: TORQUE_STATUS[order.status],
      cancelledAt: order.cancelledAt ? iso(order.cancelledAt) : null,
      cancellationReason: order.cancellationReason,
    },
  };
}

/** `{ orders, pagination }` of both list endpoints; `hasMore` says whether a next page exists. */
export function paginated<T>(items: T[], total: number, q: { limit: number; offset: number }) {
  return { orders: items, pagination: { total, limit: q.limit, offset: q.offset, hasMore: q.offset + items.length < total } };
}
