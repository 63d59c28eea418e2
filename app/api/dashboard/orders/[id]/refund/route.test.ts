import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiKey, Business } from "@/lib/auth/api-keys";
import { createCheckoutSession } from "@/lib/checkout/service";
import { getOrder } from "@/lib/orders/queries";
import { placeOrder } from "@/lib/orders/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { twigInitBody } from "@/lib/testing/twig";
import { fullRequest } from "@/lib/torque/validation";
import { parseTwigInit } from "@/lib/twig/schema";
import { authorize, initTwigOrder } from "@/lib/twig/service";
import { POST as capturePost } from "../capture/route";
import { POST } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;
type Tenant = { business: Business; key: string; apiKey: ApiKey };
let shop: Tenant;
let owner: Session;
let agent: Session;
let viewer: Session;

/** Seed 003's example order made consistent (220.00 USD), authorized in test mode. */
async function authorizedOrder(tenant = shop) {
  const order = await initTwigOrder(tenant.business, { apiKey: tenant.apiKey, secret: tenant.key }, parseTwigInit(twigInitBody(), new Date()));
  await authorize({ businessId: tenant.business.id, orderId: order.id, provider: "test", providerRef: `test_${order.id}`, amountMinor: order.totalMinor, currency: order.currency, at: new Date() });
  return order;
}

const post = (handler: typeof POST, action: string) => (id: string, headers: Record<string, string>, body: unknown) =>
  call(handler, { method: "POST", path: `/api/dashboard/orders/${id}/${action}`, params: { id }, headers, body });
const refund = post(POST, "refund");
const capture = post(capturePost, "capture");
const stored = async (id: string, businessId = shop.business.id) => (await getOrder(businessId, id))!;

async function capturedOrder(amount = "220.00", tenant = shop) {
  const order = await authorizedOrder(tenant);
  const staff = tenant === shop ? owner : await staffSession(tenant.business.id, "owner");
  expect((await capture(order.id, asStaff(staff), { amount, key: randomUUID() })).status).toBe(200);
  return order;
}

beforeAll(async () => {
  shop = await newBusiness();
  [owner, agent, viewer] = await Promise.all([staffSession(shop.business.id, "owner"), staffSession(shop.business.id, "agent"), staffSession(shop.business.id, "viewer")]);
});

describe("POST /api/dashboard/orders/:id/refund", () => {
  it("refunds part of a captured order, then the rest", async () => {
    const order = await capturedOrder();
    const part = await refund(order.id, asStaff(owner), { amount: "20.00", key: randomUUID() });
    expect(part.status).toBe(200);
    expect(part.body).toEqual({ success: true, data: { id: order.id, status: "partially_refunded", twigStatus: "PARTIALLY_REFUNDED" } });
    const rest = await refund(order.id, asStaff(owner), { amount: "200", key: randomUUID() });
    expect(rest.body.data).toEqual({ id: order.id, status: "refunded", twigStatus: "REFUNDED" });
    expect(await stored(order.id)).toMatchObject({ refundedMinor: 22000n, capturedMinor: 22000n });
  });

  it("refunds from a partly captured order, which keeps the rest of its authorization", async () => {
    const order = await capturedOrder("100.00");
    const res = await refund(order.id, asStaff(owner), { amount: "30.00", key: randomUUID() });
    expect(res.body.data).toEqual({ id: order.id, status: "authorized", twigStatus: "PARTIALLY_REFUNDED" });
    expect(await stored(order.id)).toMatchObject({ capturedMinor: 10000n, refundedMinor: 3000n });
  });

  it("refuses more than is left of what was captured, naming amount, and nothing before a capture", async () => {
    const order = await capturedOrder("50.00");
    const over = await refund(order.id, asStaff(owner), { amount: "50.01", key: randomUUID() });
    expect(over.status).toBe(422);
    expect(over.body.error.details.field).toBe("amount");
    expect(over.body.error.message).toContain("50.00 USD");

    const uncaptured = await authorizedOrder();
    expect((await refund(uncaptured.id, asStaff(owner), { amount: "1.00", key: randomUUID() })).status).toBe(409);
    expect((await stored(uncaptured.id)).refundedMinor).toBe(0n);
  });

  it("refunds once for the same key sent twice", async () => {
    const order = await capturedOrder();
    const key = randomUUID();
    expect((await refund(order.id, asStaff(owner), { amount: "10.00", key })).status).toBe(200);
    const again = await refund(order.id, asStaff(owner), { amount: "10.00", key });
    expect(again.status).toBe(200);
    expect(again.body.data.twigStatus).toBe("PARTIALLY_REFUNDED");
    expect((await stored(order.id)).refundedMinor).toBe(1000n);
  });

  it.each([
    ["an agent", () => agent],
    ["a viewer", () => viewer],
  ])("refuses %s with 403 and refunds nothing", async (_, who) => {
    const order = await capturedOrder();
    const res = await refund(order.id, asStaff(who()), { amount: "10.00", key: randomUUID() });
    expect(res.status).toBe(403);
    expect((await stored(order.id)).refundedMinor).toBe(0n);
  });

  it("refuses a request from another site", async () => {
    const order = await capturedOrder();
    const res = await refund(order.id, { cookie: owner.cookie, origin: "https://evil.example" }, { amount: "10.00", key: randomUUID() });
    expect(res.status).toBe(403);
    expect((await stored(order.id)).refundedMinor).toBe(0n);
  });

  it("answers 404 for another business's order and leaves it alone", async () => {
    const other = await newBusiness();
    const foreign = await capturedOrder("220.00", other);
    const res = await refund(foreign.id, asStaff(owner), { amount: "10.00", key: randomUUID() });
    expect(res.status).toBe(404);
    expect((await stored(foreign.id, other.business.id)).refundedMinor).toBe(0n);
  });

  it("refuses a checkout (Torque) order with 409", async () => {
    const customer = { email: "jane@example.com", firstName: "Jane", lastName: "Doe" };
    const body = fullRequest.parse({ businessId: shop.business.id, cart: { items: [{ productId: "prod_abc", quantity: 1, price: 10 }] }, customerData: customer });
    const { session } = await createCheckoutSession(shop.business, body);
    const order = await placeOrder(session.id, customer);
    const res = await refund(order.id, asStaff(owner), { amount: "10.00", key: randomUUID() });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe("Only Twig orders can be refunded from the dashboard");
  });
});
