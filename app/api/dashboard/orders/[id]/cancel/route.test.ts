import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { orderOperations, webhookDeliveries } from "@/db/schema";
import type { ApiKey, Business } from "@/lib/auth/api-keys";
import { createCheckoutSession } from "@/lib/checkout/service";
import { getOrderDetail } from "@/lib/orders/detail";
import { getOrder } from "@/lib/orders/queries";
import { placeOrder } from "@/lib/orders/service";
import { payTestSession, startOrderPaymentSession } from "@/lib/payments/checkout";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession, TEST_ORIGIN } from "@/lib/testing/staff";
import { twigInitBody } from "@/lib/testing/twig";
import { fullRequest } from "@/lib/torque/validation";
import { parseTwigInit } from "@/lib/twig/schema";
import { authorize, initTwigOrder } from "@/lib/twig/service";
import { POST } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;
let shop: Business;
let tenant: { business: Business; key: string; apiKey: ApiKey };
let agent: Session;
let viewer: Session;

const customer = { email: "jane@example.com", firstName: "Jane", lastName: "Doe" };

/** A pending order the way a customer makes one: 001's generate-link body, then the hosted page's confirm. */
async function pendingOrder(business = shop) {
  const body = fullRequest.parse({
    businessId: business.id,
    cart: { items: [{ productId: "prod_abc", quantity: 2, price: 10 }] },
    customerData: customer,
  });
  const { session } = await createCheckoutSession(business, body);
  return placeOrder(session.id, customer);
}

async function paidOrder() {
  const order = await pendingOrder();
  const url = await startOrderPaymentSession(order, [{ label: "prod_abc", quantity: 2, unitPriceMinor: 1000n }], null);
  await payTestSession(url.split("/").pop()!);
  return order;
}

const cancel = (id: string, headers: Record<string, string>, body?: unknown) =>
  call(POST, { method: "POST", path: `/api/dashboard/orders/${id}/cancel`, params: { id }, headers, body });
const statusOf = async (id: string, businessId = shop.id) => (await getOrder(businessId, id))?.status;

beforeAll(async () => {
  tenant = await newBusiness();
  shop = tenant.business;
  [agent, viewer] = await Promise.all([staffSession(shop.id, "agent"), staffSession(shop.id, "viewer")]);
});

describe("POST /api/dashboard/orders/:id/cancel", () => {
  it("an agent cancels a pending order with a reason; the timeline says staff did", async () => {
    const order = await pendingOrder();
    const res = await cancel(order.id, asStaff(agent), { reason: "  Customer asked to cancel  " });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id: order.id, status: "cancelled" } });
    const detail = (await getOrderDetail(shop.id, order.id))!;
    expect(detail.order).toMatchObject({ status: "cancelled", cancellationReason: "Customer asked to cancel" });
    expect(detail.order.cancelledAt).toBeInstanceOf(Date);
    expect(detail.checkout?.status).toBe("expired"); // the checkout stops taking payments
    expect(detail.timeline.at(-1)).toMatchObject({ type: "order.cancelled", label: "Order cancelled", by: "staff", detail: "Reason: Customer asked to cancel" });
  });

  it.each([[undefined], [{}], [{ reason: "" }], [{ reason: "   " }]])("takes %j as no reason", async (body) => {
    const order = await pendingOrder();
    const res = await cancel(order.id, asStaff(agent), body);
    expect(res.status).toBe(200);
    expect(await getOrder(shop.id, order.id)).toMatchObject({ status: "cancelled", cancellationReason: null });
  });

  it.each([
    [{ reason: "x".repeat(501) }, "reason"],
    [{ reason: 42 }, "reason"],
    [{ refundCustomer: true }, "refundCustomer"],
  ])("refuses %j with 422 naming the field", async (body, field) => {
    const order = await pendingOrder();
    const res = await cancel(order.id, asStaff(agent), body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
    expect(await statusOf(order.id)).toBe("pending");
  });

  it("answers 409 for an order that is no longer pending and leaves it alone", async () => {
    const order = await paidOrder();
    expect(await statusOf(order.id)).toBe("processing");
    const res = await cancel(order.id, asStaff(agent), {});
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "CONFLICT", message: "Only pending orders can be cancelled; this one is processing" });
    expect(await statusOf(order.id)).toBe("processing");

    const cancelled = await pendingOrder();
    await cancel(cancelled.id, asStaff(agent), {});
    expect((await cancel(cancelled.id, asStaff(agent), {})).status).toBe(409);
  });

  it.each([
    ["a viewer", () => asStaff(viewer), 403],
    ["no session", () => ({ origin: TEST_ORIGIN }), 401],
    ["no Origin or Sec-Fetch-Site", () => ({ cookie: agent.cookie }), 403],
    ["another site", () => ({ cookie: agent.cookie, origin: "https://evil.example" }), 403],
  ])("refuses %s and the order stays pending", async (_, headers, status) => {
    const order = await pendingOrder();
    const res = await cancel(order.id, headers(), {});
    expect(res.status).toBe(status);
    expect(await statusOf(order.id)).toBe("pending");
  });

  it("answers 404 for another business's order and leaves it alone", async () => {
    const { business: other } = await newBusiness();
    const foreign = await pendingOrder(other);
    const res = await cancel(foreign.id, asStaff(agent), {});
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Order not found");
    expect(await statusOf(foreign.id, other.id)).toBe("pending");
    expect((await cancel("order_doesnotexist1", asStaff(agent), {})).status).toBe(404);
  });
});

describe("POST /api/dashboard/orders/:id/cancel for a Twig order", () => {
  const pushUrl = "https://merchant.example/twig/push";

  /** Seed 003's example order (made consistent) with a pushUrl, optionally authorized by the customer. */
  async function twigOrder({ authorized = true } = {}) {
    const order = await initTwigOrder(tenant.business, { apiKey: tenant.apiKey, secret: tenant.key }, parseTwigInit(twigInitBody({ merchant: { pushUrl } }), new Date()));
    if (authorized) {
      await authorize({ businessId: shop.id, orderId: order.id, provider: "test", providerRef: `test_${order.id}`, amountMinor: order.totalMinor, currency: order.currency, at: new Date() });
    }
    return order;
  }

  const pushes = async (orderId: string) => {
    const db = await getDb();
    // In the order they were written: a table scan's order changes as rows are updated.
    const rows = await db
      .select({ payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.businessId, shop.id))
      .orderBy(webhookDeliveries.createdAt, webhookDeliveries.id);
    return rows.map((r) => JSON.parse(r.payload)).filter((p) => p.orderId === orderId);
  };

  it("an agent voids the authorization; the merchant's pushUrl is told CANCELLED with the reason", async () => {
    const order = await twigOrder();
    const res = await cancel(order.id, asStaff(agent), { reason: "Out of stock", key: randomUUID() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id: order.id, status: "cancelled", twigStatus: "CANCELLED" } });
    expect(await getOrder(shop.id, order.id)).toMatchObject({ status: "cancelled", statusReason: "Out of stock", cancellationReason: "Out of stock" });
    const db = await getDb();
    const [op] = await db.select().from(orderOperations).where(and(eq(orderOperations.orderId, order.id), eq(orderOperations.kind, "void")));
    expect(op).toMatchObject({ actor: "staff", amountMinor: order.totalMinor, message: "Out of stock" });
    expect((await pushes(order.id)).map((p) => p.status)).toEqual(["AUTHORIZED", "CANCELLED"]);
    expect((await pushes(order.id)).at(-1)).toMatchObject({ reason: "Out of stock" });
  });

  it("cancels a Twig order still awaiting the customer, without a reason or key", async () => {
    const order = await twigOrder({ authorized: false });
    const res = await cancel(order.id, asStaff(agent));
    expect(res.body.data).toEqual({ id: order.id, status: "cancelled", twigStatus: "CANCELLED" });
  });

  it("replays a retry with the same key; without one the second cancel is a 409", async () => {
    const order = await twigOrder();
    const key = randomUUID();
    expect((await cancel(order.id, asStaff(agent), { key })).status).toBe(200);
    const again = await cancel(order.id, asStaff(agent), { key });
    expect(again.status).toBe(200);
    expect(again.body.data.twigStatus).toBe("CANCELLED");
    expect((await pushes(order.id)).filter((p) => p.status === "CANCELLED")).toHaveLength(1);
    expect((await cancel(order.id, asStaff(agent), {})).status).toBe(409);
  });

  it("refuses a captured order (refund it instead) and a malformed key", async () => {
    const order = await twigOrder();
    const admin = await staffSession(shop.id, "admin");
    const { POST: capture } = await import("../capture/route");
    await call(capture, { method: "POST", path: `/api/dashboard/orders/${order.id}/capture`, params: { id: order.id }, headers: asStaff(admin), body: { amount: "10.00", key: randomUUID() } });
    const res = await cancel(order.id, asStaff(agent), { key: randomUUID() });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain("refund it instead");
    const bad = await cancel(order.id, asStaff(agent), { key: "twice" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.field).toBe("key");
  });

  it.each([
    ["a viewer", () => asStaff(viewer), 403],
    ["another site", () => ({ cookie: agent.cookie, origin: "https://evil.example" }), 403],
  ])("refuses %s and the authorization stands", async (_, headers, status) => {
    const order = await twigOrder();
    expect((await cancel(order.id, headers(), { key: randomUUID() })).status).toBe(status);
    expect(await statusOf(order.id)).toBe("authorized");
  });

  it("answers 404 for another business's Twig order", async () => {
    const other = await newBusiness();
    const foreign = await initTwigOrder(other.business, { apiKey: other.apiKey, secret: other.key }, parseTwigInit(twigInitBody(), new Date()));
    expect((await cancel(foreign.id, asStaff(agent), { key: randomUUID() })).status).toBe(404);
    expect(await statusOf(foreign.id, other.business.id)).toBe("pending");
  });
});
