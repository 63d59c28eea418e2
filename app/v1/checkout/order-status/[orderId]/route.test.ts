import { describe, expect, it } from "vitest";
import { getOrder } from "@/lib/orders/queries";
import { cancelOrder, completeOrder, placeOrder } from "@/lib/orders/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { newCheckout, paidOrder, placedOrder } from "@/lib/testing/orders";
import { GET } from "./route";

const status = (key: string | null, orderId: string, query = "") =>
  call(GET, {
    params: { orderId },
    path: `/v1/checkout/order-status/${orderId}${query}`,
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });

describe("GET /v1/checkout/order-status/{orderId}", () => {
  it("answers 001's status shape for a pending order", async () => {
    const { business, key } = await newBusiness();
    const { session, order } = await placedOrder(business);
    const res = await status(key, order.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      order: { id: order.id, sessionId: session.id, status: "pending", createdAt: order.createdAt.toISOString(), updatedAt: order.updatedAt.toISOString() },
    });
    expect(res.headers.get("x-ratelimit-limit")).toBe("100");
  });

  it("includeDetails=true adds the customer, the cart with exact amounts and the payment", async () => {
    const { business, key } = await newBusiness();
    const { session, order, paymentSessionId } = await paidOrder(
      business,
      {
        cart: {
          items: [
            { productId: "prod_1", quantity: 2, price: 29.99, variant: "large" },
            { productId: "prod_2", quantity: 1, price: 0.1 },
          ],
          discounts: [{ code: "FIVE", amount: 5, type: "fixed" }],
          shipping: { method: "express", cost: 9.5 },
        },
        customerData: {
          email: "customer@example.com",
          firstName: "John",
          lastName: "Doe",
          phone: "+1234567890",
          address: { street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US" },
        },
      },
    );
    const view = (await getOrder(business.id, order.id))!;
    const res = await status(key, order.id, "?includeDetails=true");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      order: {
        id: order.id,
        sessionId: session.id,
        status: "processing",
        createdAt: view.createdAt.toISOString(),
        updatedAt: view.updatedAt.toISOString(),
        customerData: {
          email: "customer@example.com",
          firstName: "John",
          lastName: "Doe",
          phone: "+1234567890",
          address: { street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US" },
        },
        cart: {
          items: [
            { productId: "prod_1", quantity: 2, price: 29.99, total: 59.98, variant: "large" },
            { productId: "prod_2", quantity: 1, price: 0.1, total: 0.1 },
          ],
          subtotal: 60.08,
          discount: 5,
          shipping: 9.5,
          total: 64.58,
          currency: "USD",
        },
        payment: {
          method: "test",
          transactionId: paymentSessionId,
          amount: 64.58,
          status: "confirmed",
          currency: "USD",
          processedAt: view.paidAt!.toISOString(),
        },
      },
    });
    // the seed's exact decimal text, not a float artefact
    expect(res.text).toContain('"subtotal":60.08');
    expect(res.text).toContain('"total":64.58');
  });

  it("includeDetails=false (or absent) leaves the details out; other values are refused", async () => {
    const { business, key } = await newBusiness();
    const { order } = await placedOrder(business);
    expect(Object.keys((await status(key, order.id, "?includeDetails=false")).body.order)).toEqual(["id", "sessionId", "status", "createdAt", "updatedAt"]);
    for (const bad of ["yes", "1", "TRUE", ""]) {
      const res = await status(key, order.id, `?includeDetails=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "CHECKOUT_001", details: { field: "includeDetails" } });
    }
    const unknown = await status(key, order.id, "?expand=cart");
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual({ field: "expand", message: "is not a known field" });
  });

  it("shows completedAt, and cancelledAt with the reason", async () => {
    const { business, key } = await newBusiness();
    const paid = await paidOrder(business);
    const completed = await completeOrder(business.id, paid.order.id);
    expect((await status(key, paid.order.id)).body.order).toMatchObject({ status: "completed", completedAt: completed.completedAt!.toISOString() });

    const { order } = await placedOrder(business);
    const cancelled = await cancelOrder(business.id, order.id, { reason: "Customer request" });
    const res = await status(key, order.id, "?includeDetails=true");
    expect(res.body.order).toMatchObject({ status: "cancelled", cancelledAt: cancelled.cancelledAt!.toISOString(), cancellationReason: "Customer request", payment: null });
    expect(res.body.order).not.toHaveProperty("completedAt");
  });

  it("accepts the sessionId generate-link returned: 404 until the customer places the order, then the order", async () => {
    const { business, key } = await newBusiness();
    const session = await newCheckout(business);
    const before = await status(key, session.id);
    expect(before.status).toBe(404);
    expect(before.body).toEqual({ success: false, error: "Order not found", code: "ORDER_NOT_FOUND" });
    const order = await placeOrder(session.id, { email: "customer@example.com", firstName: "John", lastName: "Doe" });
    const after = await status(key, session.id);
    expect(after.status).toBe(200);
    expect(after.body.order).toMatchObject({ id: order.id, sessionId: session.id, status: "pending" });
  });

  it("a missing order and another business's order get the identical 404", async () => {
    const { business } = await newBusiness();
    const other = await newBusiness();
    const { order, session } = await placedOrder(business);
    const missing = await status(other.key, "order_abc123");
    const foreign = await status(other.key, order.id);
    const foreignSession = await status(other.key, session.id);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ success: false, error: "Order not found", code: "ORDER_NOT_FOUND" });
    expect(foreign.status).toBe(404);
    expect(foreign.text).toBe(missing.text);
    expect(foreignSession.text).toBe(missing.text);
  });

  it("a malformed id is a 400 naming orderId (002's OrderId rule)", async () => {
    const { key } = await newBusiness();
    for (const bad of ["123", "order_", "order_2024_001", "session_x", `order_${"a".repeat(30)}`]) {
      const res = await status(key, bad);
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "CHECKOUT_001", details: { field: "orderId" } });
    }
  });

  it("answers 401 without a valid key", async () => {
    const { business } = await newBusiness();
    const { order } = await placedOrder(business);
    const none = await status(null, order.id);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ success: false, code: "UNAUTHORIZED" });
    expect((await status("cbk_wrong", order.id)).status).toBe(401);
  });

  it("money is exact in zero- and three-decimal currencies", async () => {
    const { business, key } = await newBusiness();
    const yen = await paidOrder(business, { cart: { currency: "JPY", items: [{ productId: "prod_1", quantity: 3, price: 1999 }] } });
    expect((await status(key, yen.order.id, "?includeDetails=true")).body.order).toMatchObject({
      cart: { items: [{ price: 1999, total: 5997 }], subtotal: 5997, total: 5997, currency: "JPY" },
      payment: { amount: 5997, currency: "JPY" },
    });
    const dinar = await paidOrder(business, {
      cart: { currency: "KWD", items: [{ productId: "prod_1", quantity: 3, price: "0.335" }], discounts: [{ code: "X", amount: 12.5, type: "percentage" }] },
    });
    // 1.005 − 12.5% (0.125625 → 0.126) = 0.879
    const res = await status(key, dinar.order.id, "?includeDetails=true");
    expect(res.body.order).toMatchObject({
      cart: { items: [{ price: 0.335, total: 1.005 }], subtotal: 1.005, discount: 0.126, total: 0.879, currency: "KWD" },
      payment: { amount: 0.879, currency: "KWD" },
    });
  });
});
