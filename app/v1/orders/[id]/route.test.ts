import { describe, expect, it } from "vitest";
import { getOrder } from "@/lib/orders/queries";
import { completeOrder } from "@/lib/orders/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { paidOrder, placedOrder } from "@/lib/testing/orders";
import { GET } from "./route";

const get = (key: string | null, id: string) => call(GET, { params: { id }, path: `/v1/orders/${id}`, headers: key ? { authorization: `Bearer ${key}` } : {} });

describe("GET /v1/orders/{orderId}", () => {
  it("answers 002's Order, exactly", async () => {
    const { business, key } = await newBusiness();
    const { session, order, paymentSessionId } = await paidOrder(business, {
      cart: {
        items: [
          { productId: "prod_1", quantity: 2, price: 29.99, variant: "large", metadata: { color: "blue", size: "L" } },
          { productId: "prod_2", quantity: 1, price: 49.99 },
        ],
        discounts: [{ code: "SAVE20", amount: 20, type: "percentage", description: "20% off your order" }],
        shipping: { method: "standard", cost: 5.99, estimatedDays: 3, description: "Standard shipping (3-5 business days)" },
        metadata: { channel: "web" },
      },
      customerData: {
        email: "customer@example.com",
        firstName: "John",
        lastName: "Doe",
        phone: "+1234567890",
        address: { street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US", apartment: "Apt 4B" },
        preferences: { newsletter: true, marketing: false, language: "en" },
      },
    });
    const completed = await completeOrder(business.id, order.id);
    const view = (await getOrder(business.id, order.id))!;
    const res = await get(key, order.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: order.id,
      sessionId: session.id,
      businessId: business.id,
      status: "completed",
      customerData: {
        email: "customer@example.com",
        firstName: "John",
        lastName: "Doe",
        phone: "+1234567890",
        address: { street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US", apartment: "Apt 4B" },
        preferences: { newsletter: true, marketing: false, language: "en" },
      },
      cart: {
        items: [
          { productId: "prod_1", quantity: 2, price: 29.99, variant: "large", metadata: { color: "blue", size: "L" } },
          { productId: "prod_2", quantity: 1, price: 49.99 },
        ],
        currency: "USD",
        subtotal: 109.97,
        discount: 21.99,
        total: 93.97,
        discounts: [{ code: "SAVE20", amount: 20, type: "percentage", description: "20% off your order" }],
        shipping: { method: "standard", cost: 5.99, estimatedDays: 3, description: "Standard shipping (3-5 business days)" },
      },
      payment: { method: "test", transactionId: paymentSessionId, amount: 93.97, status: "confirmed", currency: "USD", processedAt: view.paidAt!.toISOString() },
      createdAt: view.createdAt.toISOString(),
      updatedAt: view.updatedAt.toISOString(),
      completedAt: completed.completedAt!.toISOString(),
      metadata: { channel: "web" },
    });
  });

  it("a pending order has a pending payment for its total", async () => {
    const { business, key } = await newBusiness();
    const { order } = await placedOrder(business);
    expect((await get(key, order.id)).body).toMatchObject({
      status: "pending",
      payment: { method: "test", transactionId: null, amount: 59.98, status: "pending", currency: "USD", processedAt: null },
    });
  });

  it("a missing order and another business's order get the identical 000-shaped 404", async () => {
    const { business } = await newBusiness();
    const other = await newBusiness();
    const { order } = await placedOrder(business);
    const missing = await get(other.key, "order_abc123");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: "ORDER_NOT_FOUND", message: "Order not found" } });
    const foreign = await get(other.key, order.id);
    expect(foreign.status).toBe(404);
    expect(foreign.text).toBe(missing.text);
  });

  it("a malformed id is a 400 INVALID_REQUEST naming orderId", async () => {
    const { key } = await newBusiness();
    const res = await get(key, "order_2024_001");
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: "INVALID_REQUEST", message: "orderId: must be order_ followed by letters and digits", details: { field: "orderId", reason: "must be order_ followed by letters and digits" } },
    });
  });

  it("money is exact in JPY and KWD", async () => {
    const { business, key } = await newBusiness();
    const yen = await paidOrder(business, { cart: { currency: "JPY", items: [{ productId: "prod_1", quantity: 2, price: 1500 }], shipping: { method: "post", cost: 500 } } });
    expect((await get(key, yen.order.id)).body.cart).toMatchObject({ items: [{ price: 1500 }], subtotal: 3000, total: 3500, shipping: { method: "post", cost: 500 }, currency: "JPY" });
    const dinar = await paidOrder(business, { cart: { currency: "KWD", items: [{ productId: "prod_1", quantity: 1, price: "12.345" }] } });
    const res = await get(key, dinar.order.id);
    expect(res.body).toMatchObject({ cart: { items: [{ price: 12.345 }], total: 12.345, currency: "KWD" }, payment: { amount: 12.345, currency: "KWD" } });
    expect(res.text).toContain('"total":12.345');
  });

  it("answers 401 without a key", async () => {
    const res = await get(null, "order_abc123");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHORIZED");
  });
});
