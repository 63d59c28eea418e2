import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { orderOperations } from "@/db/schema";
import type { ApiKey, Business } from "@/lib/auth/api-keys";
import { getOrder } from "@/lib/orders/queries";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession, TEST_ORIGIN } from "@/lib/testing/staff";
import { twigInitBody } from "@/lib/testing/twig";
import { parseTwigInit } from "@/lib/twig/schema";
import { authorize, initTwigOrder } from "@/lib/twig/service";
import { POST } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;
type Tenant = { business: Business; key: string; apiKey: ApiKey };
let shop: Tenant;
let admin: Session;
let agent: Session;
let viewer: Session;

/** Seed 003's example order made consistent (220.00 USD), authorized by the customer in test mode. */
async function authorizedOrder(tenant = shop) {
  const order = await initTwigOrder(tenant.business, { apiKey: tenant.apiKey, secret: tenant.key }, parseTwigInit(twigInitBody(), new Date()));
  await authorize({ businessId: tenant.business.id, orderId: order.id, provider: "test", providerRef: `test_${order.id}`, amountMinor: order.totalMinor, currency: order.currency, at: new Date() });
  return order;
}

const capture = (id: string, headers: Record<string, string>, body: unknown) =>
  call(POST, { method: "POST", path: `/api/dashboard/orders/${id}/capture`, params: { id }, headers, body });
const stored = async (id: string, businessId = shop.business.id) => (await getOrder(businessId, id))!;

beforeAll(async () => {
  shop = await newBusiness();
  [admin, agent, viewer] = await Promise.all([staffSession(shop.business.id, "admin"), staffSession(shop.business.id, "agent"), staffSession(shop.business.id, "viewer")]);
});

describe("POST /api/dashboard/orders/:id/capture", () => {
  it("an admin captures part of the authorization, then the rest", async () => {
    const order = await authorizedOrder();
    const first = await capture(order.id, asStaff(admin), { amount: "100.00", key: randomUUID() });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ success: true, data: { id: order.id, status: "authorized", twigStatus: "PARTIALLY_CAPTURED" } });
    expect(await stored(order.id)).toMatchObject({ capturedMinor: 10000n, authorizedMinor: 22000n });

    const rest = await capture(order.id, asStaff(admin), { amount: "120", key: randomUUID() });
    expect(rest.body.data).toEqual({ id: order.id, status: "completed", twigStatus: "CAPTURED" });
    expect(await stored(order.id)).toMatchObject({ capturedMinor: 22000n, status: "completed" });

    const db = await getDb();
    const ops = await db.select().from(orderOperations).where(and(eq(orderOperations.orderId, order.id), eq(orderOperations.kind, "capture")));
    expect(ops.map((op) => [op.amountMinor, op.actor])).toEqual([
      [10000n, "staff"],
      [12000n, "staff"],
    ]);
  });

  it("captures once for the same key sent twice (a double click or a retry)", async () => {
    const order = await authorizedOrder();
    const key = randomUUID();
    const [a, b] = await Promise.all([
      capture(order.id, asStaff(admin), { amount: "50.00", key }),
      capture(order.id, asStaff(admin), { amount: "50.00", key }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const again = await capture(order.id, asStaff(admin), { amount: "50.00", key: key.toUpperCase() });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ id: order.id, status: "authorized", twigStatus: "PARTIALLY_CAPTURED" });
    expect((await stored(order.id)).capturedMinor).toBe(5000n);

    const otherAmount = await capture(order.id, asStaff(admin), { amount: "60.00", key });
    expect(otherAmount.status).toBe(409);
    expect((await stored(order.id)).capturedMinor).toBe(5000n);
  });

  it("refuses more than is left of the authorization, naming amount", async () => {
    const order = await authorizedOrder();
    await capture(order.id, asStaff(admin), { amount: "200.00", key: randomUUID() });
    const res = await capture(order.id, asStaff(admin), { amount: "20.01", key: randomUUID() });
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe("amount");
    expect(res.body.error.message).toContain("20.00 USD");
    expect((await stored(order.id)).capturedMinor).toBe(20000n);
  });

  it.each([
    [{ amount: "abc", key: randomUUID() }, "amount"],
    [{ amount: "12.505", key: randomUUID() }, "amount"],
    [{ amount: "0", key: randomUUID() }, "amount"],
    [{ amount: "-5", key: randomUUID() }, "amount"],
    [{ amount: 12.5, key: randomUUID() }, "amount"],
    [{ key: randomUUID() }, "amount"],
    [{ amount: "12.50" }, "key"],
    [{ amount: "12.50", key: "not-a-uuid" }, "key"],
    [{ amount: "12.50", key: randomUUID(), note: "x" }, "note"],
  ])("refuses %j with 422 naming %s", async (body, field) => {
    const order = await authorizedOrder();
    const res = await capture(order.id, asStaff(admin), body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
    expect((await stored(order.id)).capturedMinor).toBe(0n);
  });

  it("refuses an order the customer has not authorized yet (409)", async () => {
    const order = await initTwigOrder(shop.business, { apiKey: shop.apiKey, secret: shop.key }, parseTwigInit(twigInitBody(), new Date()));
    const res = await capture(order.id, asStaff(admin), { amount: "10.00", key: randomUUID() });
    expect(res.status).toBe(409);
    expect(await stored(order.id)).toMatchObject({ status: "pending", capturedMinor: 0n });
  });

  it.each([
    ["an agent", () => asStaff(agent), 403],
    ["a viewer", () => asStaff(viewer), 403],
    ["no session", () => ({ origin: TEST_ORIGIN }), 401],
    ["another site", () => ({ cookie: admin.cookie, origin: "https://evil.example" }), 403],
    ["no Origin or Sec-Fetch-Site", () => ({ cookie: admin.cookie }), 403],
  ])("refuses %s and captures nothing", async (_, headers, status) => {
    const order = await authorizedOrder();
    const res = await capture(order.id, headers(), { amount: "10.00", key: randomUUID() });
    expect(res.status).toBe(status);
    expect((await stored(order.id)).capturedMinor).toBe(0n);
  });

  it("answers 404 for another business's order and leaves it alone", async () => {
    const other = await newBusiness();
    const foreign = await authorizedOrder(other);
    const res = await capture(foreign.id, asStaff(admin), { amount: "10.00", key: randomUUID() });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Order not found");
    expect((await stored(foreign.id, other.business.id)).capturedMinor).toBe(0n);
    expect((await capture("order_doesnotexist1", asStaff(admin), { amount: "10.00", key: randomUUID() })).status).toBe(404);
  });
});
