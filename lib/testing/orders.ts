import type { Business } from "@/lib/auth/api-keys";
import { createCheckoutSession, type CheckoutSession } from "@/lib/checkout/service";
import { cancelOrder, completeOrder, placeOrder, type CustomerForm, type Order } from "@/lib/orders/service";
import { payTestSession, startOrderPaymentSession } from "@/lib/payments/checkout";
import { fullRequest } from "@/lib/torque/validation";

/**
 * Orders made the way customers make them: generate-link's session (createCheckoutSession), the
 * hosted page's confirm (placeOrder), then a test-mode payment (startOrderPaymentSession +
 * payTestSession). Tests of the Torque order endpoints build their data with these.
 */

type CheckoutBody = {
  cart: Record<string, unknown> & { items: Record<string, unknown>[] };
  customerData?: Record<string, unknown>;
  options?: Record<string, unknown>;
};

/** 001's example: two of prod_1 at 29.99 for John Doe. */
export const seedCheckout: CheckoutBody = {
  cart: { items: [{ productId: "prod_1", quantity: 2, price: 29.99 }] },
  customerData: { email: "customer@example.com", firstName: "John", lastName: "Doe" },
};

export const customerForm: CustomerForm = { email: "customer@example.com", firstName: "John", lastName: "Doe" };

/** An open checkout session of the business, from a 001-shaped body (validated like the route does). */
export async function newCheckout(business: Business, body: CheckoutBody = seedCheckout, now?: Date): Promise<CheckoutSession> {
  const parsed = fullRequest.parse({ businessId: business.id, customerData: seedCheckout.customerData, ...body });
  return (await createCheckoutSession(business, parsed, now)).session;
}

/** A pending order: the customer confirmed the hosted checkout. */
export async function placedOrder(business: Business, body?: CheckoutBody, form: Partial<CustomerForm> = {}, now?: Date): Promise<{ session: CheckoutSession; order: Order }> {
  const session = await newCheckout(business, body, now);
  const order = await placeOrder(session.id, { ...customerForm, ...form }, now);
  return { session, order };
}

/** Starts the order's payment page (test mode without Stripe keys, Stripe Checkout with them); returns its URL. */
export function startPayment(session: CheckoutSession, order: Order, now?: Date): Promise<string> {
  const lines = session.items.map((item) => ({
    label: item.variant ? `${item.name ?? item.productId} (${item.variant})` : (item.name ?? item.productId),
    quantity: item.quantity,
    unitPriceMinor: BigInt(item.unitPriceMinor),
  }));
  return startOrderPaymentSession(order, lines, session.shipping?.method ?? null, now);
}

/** The customer pays the test checkout of the order; returns the payment session id. */
export async function payInTestMode(session: CheckoutSession, order: Order, now?: Date): Promise<string> {
  const url = await startPayment(session, order, now);
  const paymentSessionId = url.split("/").pop()!;
  await payTestSession(paymentSessionId, now);
  return paymentSessionId;
}

/** A paid order (Torque "processing"). */
export async function paidOrder(business: Business, body?: CheckoutBody, form?: Partial<CustomerForm>): Promise<{ session: CheckoutSession; order: Order; paymentSessionId: string }> {
  const placed = await placedOrder(business, body, form);
  const paymentSessionId = await payInTestMode(placed.session, placed.order);
  return { ...placed, paymentSessionId };
}

/**
 * Five orders of one business at known times, for list filters and pagination (newest last):
 * a pending (Jan 14 23:59:59Z), b processing (Jan 15 10:00Z), c completed (Jan 16 00:00Z),
 * d cancelled (Jan 16 12:00Z), e pending for shopper@example.com (Jan 17 08:00Z).
 */
export async function orderBook(business: Business) {
  const at = (iso: string) => new Date(iso);
  const a = await placedOrder(business, undefined, {}, at("2024-01-14T23:59:59Z"));
  const b = await placedOrder(business, { cart: { items: [{ productId: "prod_2", quantity: 1, price: 49.99 }] } }, {}, at("2024-01-15T10:00:00Z"));
  await payInTestMode(b.session, b.order);
  const c = await placedOrder(business, { cart: { items: [{ productId: "prod_3", quantity: 4, price: 5 }] } }, {}, at("2024-01-16T00:00:00Z"));
  await payInTestMode(c.session, c.order);
  await completeOrder(business.id, c.order.id);
  const d = await placedOrder(business, undefined, {}, at("2024-01-16T12:00:00Z"));
  await cancelOrder(business.id, d.order.id, { reason: "Customer request" });
  const e = await placedOrder(business, undefined, { email: "Shopper@Example.com", firstName: "Sam", lastName: "Shopper" }, at("2024-01-17T08:00:00Z"));
  return { a: a.order, b: b.order, c: c.order, d: d.order, e: e.order };
}
