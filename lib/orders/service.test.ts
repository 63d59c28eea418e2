import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { checkoutSessions, orders, paymentSessions, payments } from "@/db/schema";
import { eventsFor } from "@/lib/events";
import { ApiError } from "@/lib/http/errors";
import { payTestSession } from "@/lib/payments/checkout";
import { newBusiness } from "@/lib/testing/fixtures";
import { customerForm, newCheckout, payInTestMode, placedOrder, startPayment } from "@/lib/testing/orders";
import { getOrder } from "./queries";
import { cancelOrder, completeOrder, placeOrder, recordOrderPayment } from "./service";
import { toOrderStatus, toTorqueOrder } from "./torque";

// Stripe ids are unique across the whole database, which test files share on Postgres.
const RUN = randomUUID().slice(0, 8);

async function orderView(businessId: string, orderId: string) {
  return (await getOrder(businessId, orderId))!;
}

async function eventTypes(businessId: string, subjectId: string) {
  return (await eventsFor(await getDb(), businessId, subjectId)).map((e) => e.type);
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("the order flow: pending → processing → completed", () => {
  it("places, pays and completes an order, and Torque sees each status", async () => {
    const { business } = await newBusiness();
    const { session, order } = await placedOrder(business);
    expect(order).toMatchObject({ status: "pending", source: "checkout", checkoutSessionId: session.id, totalMinor: 5998n, currency: "USD", customerEmail: "customer@example.com" });
    const pending = await orderView(business.id, order.id);
    expect(toOrderStatus(pending, true)).toMatchObject({
      status: "pending",
      payment: { method: "test", transactionId: null, amount: 59.98, status: "pending", currency: "USD", processedAt: null },
    });

    const paymentSessionId = await payInTestMode(session, order);
    const paid = await orderView(business.id, order.id);
    expect(paid).toMatchObject({ status: "processing", capturedMinor: 5998n });
    expect(paid.paidAt).toBeInstanceOf(Date);
    expect(paid.payments).toHaveLength(1);
    expect(toOrderStatus(paid, true)).toMatchObject({
      status: "processing",
      payment: { method: "test", transactionId: paymentSessionId, amount: 59.98, status: "confirmed", currency: "USD" },
    });
    const [checkout] = await (await getDb()).select().from(checkoutSessions).where(eq(checkoutSessions.id, session.id));
    expect(checkout).toMatchObject({ status: "completed", orderId: order.id });

    const completed = await completeOrder(business.id, order.id);
    expect(completed.status).toBe("completed");
    const view = toTorqueOrder(await orderView(business.id, order.id));
    expect(view).toMatchObject({ status: "completed", completedAt: completed.completedAt!.toISOString(), sessionId: session.id, businessId: business.id });
    expect(view).not.toHaveProperty("cancelledAt");
    expect(await eventTypes(business.id, order.id)).toEqual(["order.created", "order.paid", "order.completed"]);
  });

  it("a pending order cannot be completed", async () => {
    const { business } = await newBusiness();
    const { order } = await placedOrder(business);
    const error = await rejection(completeOrder(business.id, order.id));
    expect(error.kind).toBe("conflict");
    expect((await orderView(business.id, order.id)).status).toBe("pending");
  });

  it("another business cannot complete or cancel the order (ORDER_NOT_FOUND)", async () => {
    const { business } = await newBusiness();
    const other = await newBusiness();
    const { order } = await placedOrder(business);
    // One at a time: a second promise made up front could reject before it is awaited.
    for (const attempt of [() => completeOrder(other.business.id, order.id), () => cancelOrder(other.business.id, order.id, {})]) {
      const error = await rejection(attempt());
      expect(error.kind).toBe("not_found");
      expect(error.options.code).toBe("ORDER_NOT_FOUND");
    }
    expect((await orderView(business.id, order.id)).status).toBe("pending");
  });
});

describe("payments are applied once", () => {
  it("paying the same test session twice records one payment and one order.paid", async () => {
    const { business } = await newBusiness();
    const { session, order } = await placedOrder(business);
    const paymentSessionId = await payInTestMode(session, order);
    await payTestSession(paymentSessionId);
    const view = await orderView(business.id, order.id);
    expect(view.payments).toHaveLength(1);
    expect((await eventTypes(business.id, order.id)).filter((t) => t === "order.paid")).toHaveLength(1);
  });

  it("the same provider payment reported again (or concurrently) is already_recorded", async () => {
    const { business } = await newBusiness();
    const { order } = await placedOrder(business);
    const db = await getDb();
    const report = () =>
      db.transaction((tx) =>
        recordOrderPayment(tx, { businessId: business.id, orderId: order.id, provider: "stripe", providerPaymentId: `pi_once_${RUN}`, amountMinor: 5998n, currency: "USD", paidAt: new Date() }),
      );
    const outcomes = await Promise.all([report(), report(), report()]);
    expect(outcomes.sort()).toEqual(["already_recorded", "already_recorded", "paid"]);
    expect(await report()).toBe("already_recorded");
    expect((await orderView(business.id, order.id)).payments).toHaveLength(1);
    expect((await eventTypes(business.id, order.id)).filter((t) => t === "order.paid")).toHaveLength(1);
  });

  it("a second, different payment of a paid order is kept as payment.duplicate", async () => {
    const { business } = await newBusiness();
    const { session, order } = await placedOrder(business);
    await payInTestMode(session, order);
    const db = await getDb();
    const outcome = await db.transaction((tx) =>
      recordOrderPayment(tx, { businessId: business.id, orderId: order.id, provider: "stripe", providerPaymentId: `pi_second_${RUN}`, amountMinor: 5998n, currency: "USD", paidAt: new Date() }),
    );
    expect(outcome).toBe("duplicate_payment");
    const view = await orderView(business.id, order.id);
    expect(view.status).toBe("processing");
    expect(view.payments).toHaveLength(2);
    expect(await eventTypes(business.id, order.id)).toContain("payment.duplicate");
  });

  it("a payment for a cancelled order is kept as payment.duplicate and the order stays cancelled", async () => {
    const { business } = await newBusiness();
    const { order } = await placedOrder(business);
    await cancelOrder(business.id, order.id, { reason: "Changed my mind" });
    const db = await getDb();
    const outcome = await db.transaction((tx) =>
      recordOrderPayment(tx, { businessId: business.id, orderId: order.id, provider: "stripe", providerPaymentId: `pi_late_${RUN}`, amountMinor: 5998n, currency: "USD", paidAt: new Date() }),
    );
    expect(outcome).toBe("duplicate_payment");
    const view = await orderView(business.id, order.id);
    expect(view.status).toBe("cancelled");
    expect(view.payments.map((p) => p.providerPaymentId)).toEqual([`pi_late_${RUN}`]);
    const events = await eventsFor(db, business.id, order.id);
    expect(events.find((e) => e.type === "payment.duplicate")?.data).toMatchObject({ orderStatus: "cancelled", providerPaymentId: `pi_late_${RUN}` });
    expect(events.map((e) => e.type)).not.toContain("order.paid");
  });

  it("a payment naming another business's order changes nothing", async () => {
    const { business } = await newBusiness();
    const other = await newBusiness();
    const { order } = await placedOrder(business);
    const db = await getDb();
    const outcome = await db.transaction((tx) =>
      recordOrderPayment(tx, { businessId: other.business.id, orderId: order.id, provider: "stripe", providerPaymentId: `pi_wrong_${RUN}`, amountMinor: 5998n, currency: "USD", paidAt: new Date() }),
    );
    expect(outcome).toBe("no_order");
    expect((await orderView(business.id, order.id)).status).toBe("pending");
  });
});

describe("cancelOrder (Torque: pending only)", () => {
  it("cancels a pending order with the reason, closes its checkout and its open payment pages", async () => {
    const { business } = await newBusiness();
    const { session, order } = await placedOrder(business);
    const url = await startPayment(session, order);
    const now = new Date();
    const cancelled = await cancelOrder(business.id, order.id, { reason: "Customer request", refundCustomer: true }, now);
    expect(cancelled).toMatchObject({ status: "cancelled", cancellationReason: "Customer request", cancelledAt: now });
    const db = await getDb();
    const [checkout] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, session.id));
    expect(checkout!.status).toBe("expired");
    const open = await db.select().from(paymentSessions).where(and(eq(paymentSessions.orderId, order.id), eq(paymentSessions.status, "open")));
    expect(open).toHaveLength(0);
    // the payment page opened before the cancel can no longer take money
    const error = await rejection(payTestSession(url.split("/").pop()!));
    expect(error.kind).toBe("conflict");
    expect(await db.select().from(payments).where(eq(payments.orderId, order.id))).toHaveLength(0);
    const events = await eventsFor(db, business.id, order.id);
    expect(events.at(-1)).toMatchObject({ type: "order.cancelled", data: { reason: "Customer request", refundCustomer: true, by: "api" } });
  });

  it("refuses a paid order and a second cancel with 409 ORDER_NOT_CANCELLABLE", async () => {
    const { business } = await newBusiness();
    const paid = await placedOrder(business);
    await payInTestMode(paid.session, paid.order);
    const refused = await rejection(cancelOrder(business.id, paid.order.id, {}));
    expect(refused).toMatchObject({ kind: "conflict", options: { code: "ORDER_NOT_CANCELLABLE", field: "status" } });
    expect(refused.message).toBe("Only pending orders can be cancelled; this one is processing");
    expect((await orderView(business.id, paid.order.id)).status).toBe("processing");

    const { order } = await placedOrder(business);
    await cancelOrder(business.id, order.id, {});
    const again = await rejection(cancelOrder(business.id, order.id, {}));
    expect(again).toMatchObject({ kind: "conflict", options: { code: "ORDER_NOT_CANCELLABLE" } });
    expect(again.message).toBe("Only pending orders can be cancelled; this one is cancelled");
    expect((await eventTypes(business.id, order.id)).filter((t) => t === "order.cancelled")).toHaveLength(1);
  });

  it("two cancels at once: one succeeds, the other is refused", async () => {
    const { business } = await newBusiness();
    const { order } = await placedOrder(business);
    const results = await Promise.allSettled([cancelOrder(business.id, order.id, {}), cancelOrder(business.id, order.id, {})]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
  });
});

describe("placeOrder", () => {
  it("confirming twice gives one order with the latest details", async () => {
    const { business } = await newBusiness();
    const session = await newCheckout(business);
    const first = await placeOrder(session.id, customerForm);
    const second = await placeOrder(session.id, { ...customerForm, firstName: "Jane", phone: "+1 555 010 9999" });
    expect(second.id).toBe(first.id);
    expect(second.customer).toMatchObject({ firstName: "Jane", phone: "+1 555 010 9999" });
    const rows = await (await getDb()).select().from(orders).where(eq(orders.checkoutSessionId, session.id));
    expect(rows).toHaveLength(1);
    expect((await eventTypes(business.id, first.id)).filter((t) => t === "order.created")).toHaveLength(1);
  });

  it("confirming twice at the same moment still gives one order", async () => {
    const { business } = await newBusiness();
    const session = await newCheckout(business);
    const placed = await Promise.all([placeOrder(session.id, customerForm), placeOrder(session.id, customerForm)]);
    expect(placed[0].id).toBe(placed[1].id);
    const rows = await (await getDb()).select().from(orders).where(eq(orders.checkoutSessionId, session.id));
    expect(rows).toHaveLength(1);
  });

  it("stores the email lowercased, so the customerEmail filter finds it", async () => {
    const { business } = await newBusiness();
    const { order } = await placedOrder(business, undefined, { email: " John.Doe@Example.COM " });
    expect(order.customerEmail).toBe("john.doe@example.com");
    expect(order.customer.email).toBe("john.doe@example.com");
  });

  it("copies the snapshot exactly: items, discount, shipping and total", async () => {
    const { business } = await newBusiness();
    const { order } = await placedOrder(business, {
      cart: {
        items: [
          { productId: "prod_1", quantity: 3, price: "0.10", variant: "red" },
          { productId: "prod_2", quantity: 1, price: 19.99 },
        ],
        discounts: [{ code: "SAVE15", amount: 15, type: "percentage" }],
        shipping: { method: "standard", cost: 5.99 },
      },
    });
    // subtotal 20.29; 15% = 3.0435 → 3.04 (half up); total 20.29 − 3.04 + 5.99 = 23.24
    expect(order).toMatchObject({ subtotalMinor: 2029n, discountMinor: 304n, shippingMinor: 599n, totalMinor: 2324n });
    const view = await orderView(business.id, order.id);
    expect(view.items.map((i) => [i.itemId, i.quantity, i.unitPriceMinor, i.variant])).toEqual([
      ["prod_1", 3, 10n, "red"],
      ["prod_2", 1, 1999n, null],
    ]);
    expect(toOrderStatus(view, true)).toHaveProperty("cart", {
      items: [
        { productId: "prod_1", quantity: 3, price: 0.1, total: 0.3, variant: "red" },
        { productId: "prod_2", quantity: 1, price: 19.99, total: 19.99 },
      ],
      subtotal: 20.29,
      discount: 3.04,
      shipping: 5.99,
      total: 23.24,
      currency: "USD",
    });
  });

  it("requireShipping without an address is a validation error on the address field", async () => {
    const { business } = await newBusiness();
    const session = await newCheckout(business, { ...{ cart: { items: [{ productId: "prod_1", quantity: 1, price: 5 }] } }, options: { requireShipping: true } });
    const error = await rejection(placeOrder(session.id, customerForm));
    expect(error).toMatchObject({ kind: "validation", options: { field: "address" } });
    const address = { street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US" };
    const order = await placeOrder(session.id, { ...customerForm, address });
    expect(order.customer.address).toEqual(address);
    expect(order.shipping).toMatchObject({ address });
  });

  it("an expired checkout refuses the order", async () => {
    const { business } = await newBusiness();
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const session = await newCheckout(business, { cart: { items: [{ productId: "prod_1", quantity: 1, price: 5 }] }, options: { expiresIn: 60 } }, twoHoursAgo);
    const error = await rejection(placeOrder(session.id, customerForm));
    expect(error.kind).toBe("conflict");
    expect(await (await getDb()).select().from(orders).where(eq(orders.checkoutSessionId, session.id))).toHaveLength(0);
  });

  it("a paid checkout refuses another confirm", async () => {
    const { business } = await newBusiness();
    const { session, order } = await placedOrder(business);
    await payInTestMode(session, order);
    const error = await rejection(placeOrder(session.id, customerForm));
    expect(error.kind).toBe("conflict");
  });

  it("an unknown session is not found", async () => {
    const error = await rejection(placeOrder("session_doesnotexist", customerForm));
    expect(error.kind).toBe("not_found");
  });
});
