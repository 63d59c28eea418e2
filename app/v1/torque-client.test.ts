import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getCheckoutSession } from "@/lib/checkout/service";
import { completeOrder, placeOrder } from "@/lib/orders/service";
import { newBusiness } from "@/lib/testing/fixtures";
import { payInTestMode } from "@/lib/testing/orders";
import { TorqueCheckout } from "@/lib/testing/torque-client";
import { POST as generateLink } from "./checkout/generate-link/route";
import { GET as listOrders } from "./checkout/orders/route";
import { GET as orderStatus } from "./checkout/order-status/[orderId]/route";

/**
 * Seed 001's own JavaScript client (lib/testing/torque-client.ts, unchanged) pointed at Cartback:
 * its fetch("https://api.torque.fi/v1/…") calls are routed to our route handlers.
 */

type Sent = { method: string; url: string; authorization: string | null };
let sent: Sent[] = [];

async function torqueApi(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.origin !== "https://api.torque.fi") throw new Error(`unexpected fetch to ${url.origin}`);
  const req = new Request(`http://cartback.test${url.pathname}${url.search}`, init);
  sent.push({ method: req.method, url: url.href, authorization: req.headers.get("authorization") });
  const none = { params: Promise.resolve({}) };
  if (url.pathname === "/v1/checkout/generate-link") return generateLink(req, none);
  if (url.pathname === "/v1/checkout/orders") return listOrders(req, none);
  const status = /^\/v1\/checkout\/order-status\/([^/]+)$/.exec(url.pathname);
  if (status) return orderStatus(req, { params: Promise.resolve({ orderId: decodeURIComponent(status[1]!) }) });
  return Response.json({ success: false, error: "No such endpoint" }, { status: 404 });
}

beforeEach(() => {
  sent = [];
  vi.stubGlobal("fetch", torqueApi);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("seed 001's TorqueCheckout class against Cartback", () => {
  it("runs the seed's usage example, then follows the order to completion", async () => {
    const { business, key } = await newBusiness();
    const checkout = new TorqueCheckout(key, business.id);

    // The seed's usage example, verbatim.
    const result = await checkout.generateCheckoutLink(
      {
        items: [{ productId: "prod_1", quantity: 2, price: 29.99 }],
      },
      {
        email: "customer@example.com",
        firstName: "John",
        lastName: "Doe",
      },
    );
    const { checkoutUrl } = result;
    expect(checkoutUrl).toMatch(/^http:\/\/cartback\.test\/checkout\/session_[0-9a-z]{28}$/);
    expect(result).toMatchObject({
      success: true,
      sessionId: checkoutUrl.split("/").pop(),
      cartSummary: { itemCount: 2, productCount: 1, subtotal: 59.98, total: 59.98, currency: "USD" },
      customerData: { email: "customer@example.com", firstName: "John", lastName: "Doe" },
    });
    expect(new Date(result.expiresAt).getTime() - Date.now()).toBeGreaterThan(3590_000); // default 1 hour
    expect(sent[0]).toEqual({ method: "POST", url: "https://api.torque.fi/v1/checkout/generate-link", authorization: `Bearer ${key}` });

    // Until the customer confirms the hosted checkout there is no order; the client throws our message.
    await expect(checkout.getOrderStatus(result.sessionId)).rejects.toThrow("Order not found");

    // The customer confirms and pays (test mode).
    const session = (await getCheckoutSession(result.sessionId))!;
    const order = await placeOrder(session.id, { email: "customer@example.com", firstName: "John", lastName: "Doe" });
    await payInTestMode(session, order);

    const bySession = await checkout.getOrderStatus(result.sessionId);
    expect(bySession).toEqual({
      success: true,
      order: { id: order.id, sessionId: session.id, status: "processing", createdAt: expect.any(String), updatedAt: expect.any(String) },
    });

    await completeOrder(business.id, order.id);
    // 001's documented answer with includeDetails=true
    const detailed = await checkout.getOrderStatus(order.id, true);
    expect(sent.at(-1)!.url).toBe(`https://api.torque.fi/v1/checkout/order-status/${order.id}?includeDetails=true`);
    expect(detailed).toMatchObject({
      success: true,
      order: {
        id: order.id,
        sessionId: session.id,
        status: "completed",
        customerData: { email: "customer@example.com", firstName: "John", lastName: "Doe" },
        cart: {
          items: [{ productId: "prod_1", quantity: 2, price: 29.99, total: 59.98 }],
          subtotal: 59.98,
          total: 59.98,
          currency: "USD",
        },
        payment: { method: "test", amount: 59.98, status: "confirmed", currency: "USD" },
      },
    });
    for (const field of ["createdAt", "updatedAt", "completedAt"]) {
      expect(detailed.order[field]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }

    // 001's documented list answer
    const listed = await checkout.listOrders();
    expect(listed).toEqual({
      success: true,
      orders: [
        {
          id: order.id,
          status: "completed",
          createdAt: order.createdAt.toISOString(),
          customerData: { email: "customer@example.com", firstName: "John", lastName: "Doe" },
          cart: { itemCount: 2, total: 59.98, currency: "USD" },
        },
      ],
      pagination: { total: 1, limit: 20, offset: 0, hasMore: false },
    });
    const filtered = await checkout.listOrders({ status: "pending", limit: 10 });
    expect(sent.at(-1)!.url).toBe("https://api.torque.fi/v1/checkout/orders?status=pending&limit=10");
    expect(filtered).toEqual({ success: true, orders: [], pagination: { total: 0, limit: 10, offset: 0, hasMore: false } });
    expect(sent.every((s) => s.authorization === `Bearer ${key}`)).toBe(true);
  });

  it("the client's error handling reads our 001 errors (error.error is the message)", async () => {
    const { business, key } = await newBusiness();
    const checkout = new TorqueCheckout(key, business.id);
    await expect(checkout.listOrders({ limit: 500 })).rejects.toThrow("limit: must be at most 100");
    await expect(checkout.getOrderStatus("order_abc123")).rejects.toThrow("Order not found");
    await expect(checkout.generateCheckoutLink({ items: [] }, { email: "customer@example.com", firstName: "John", lastName: "Doe" })).rejects.toThrow(
      "cart.items: at least one item is required",
    );
    const stranger = new TorqueCheckout(key, "business_someoneelse1");
    await expect(stranger.generateCheckoutLink({ items: [{ productId: "prod_1", quantity: 1, price: 1 }] }, { email: "a@b.co", firstName: "A", lastName: "B" })).rejects.toThrow(
      "businessId: does not match the API key's business",
    );
    const anonymous = new TorqueCheckout("cbk_not_a_key", business.id);
    await expect(anonymous.listOrders()).rejects.toThrow("Invalid or revoked API key");
  });
});
