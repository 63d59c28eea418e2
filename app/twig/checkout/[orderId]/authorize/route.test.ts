import { createHmac } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { orderOperations, orders } from "@/db/schema";
import { getOrder } from "@/lib/orders/queries";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { twigOrder } from "@/lib/testing/twig";
import { allowLoopbackWebhooks, startReceiver } from "@/lib/testing/webhook-receiver";
import { POST } from "./route";

const MERCHANT = { confirmUrl: "https://shop.example/twig/confirm", cancelUrl: "https://shop.example/twig/cancel?from=twig" };

const authorize = (orderId: string, headers: Record<string, string> = { origin: "http://cartback.test" }) =>
  call(POST, {
    method: "POST",
    path: `/twig/checkout/${orderId}/authorize`,
    params: { orderId },
    rawBody: "",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });

describe("POST /twig/checkout/{orderId}/authorize in test mode", () => {
  it("authorizes the total and sends the customer to the merchant's confirmUrl with the order id", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    const res = await authorize(order.id);
    expect(res.status).toBe(303);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const location = new URL(res.headers.get("location")!);
    expect(location.origin + location.pathname).toBe("https://shop.example/twig/confirm");
    expect(location.searchParams.get("orderId")).toBe(order.id);
    expect(location.searchParams.get("merchantOrderReference")).toBe(order.merchantReference);

    const stored = (await getOrder(tenant.business.id, order.id))!;
    expect(stored).toMatchObject({ status: "authorized", authorizedMinor: 22000n, capturedMinor: 0n, validationStatus: "skipped" });
    const db = await getDb();
    const ops = await db.select().from(orderOperations).where(eq(orderOperations.orderId, order.id));
    expect(ops).toMatchObject([{ kind: "authorize", amountMinor: 22000n, currency: "USD", provider: "test", actor: "customer" }]);
  });

  it("a second click authorizes once and goes to the same place", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    const [a, b] = await Promise.all([authorize(order.id), authorize(order.id)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    const db = await getDb();
    const ops = await db.select().from(orderOperations).where(and(eq(orderOperations.orderId, order.id), eq(orderOperations.kind, "authorize")));
    expect(ops).toHaveLength(1);
    // A click after the order is decided goes back to the page, which says so.
    const late = await authorize(order.id);
    expect(late.headers.get("location")).toBe(`/twig/checkout/${order.id}`);
  });

  it("without a confirmUrl the customer stays on our page, which shows the authorization", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant);
    const res = await authorize(order.id);
    expect(res.headers.get("location")).toBe(`http://cartback.test/twig/checkout/${order.id}`);
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("authorized");
  });

  it("refuses a cross-site post, and one without Origin or Sec-Fetch-Site", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    const evil = await authorize(order.id, { origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.text).toContain("checkout page");
    expect((await authorize(order.id, {})).status).toBe(403);
    expect((await authorize(order.id, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await authorize(order.id, { "sec-fetch-site": "same-origin" })).status).toBe(303);
  });

  it("sends an expired, cancelled or unknown order back to the page (404 for unknown), authorizing nothing", async () => {
    const tenant = await newBusiness();
    const db = await getDb();
    const expired = await twigOrder(tenant, {}, MERCHANT);
    await db.update(orders).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(orders.id, expired.id));
    const res = await authorize(expired.id);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/twig/checkout/${expired.id}`);
    expect((await getOrder(tenant.business.id, expired.id))!).toMatchObject({ status: "pending", authorizedMinor: 0n });

    const cancelled = await twigOrder(tenant, {}, MERCHANT);
    await db.update(orders).set({ status: "cancelled" }).where(eq(orders.id, cancelled.id));
    expect((await authorize(cancelled.id)).headers.get("location")).toBe(`/twig/checkout/${cancelled.id}`);

    expect((await authorize("order_doesnotexist")).status).toBe(404);
  });
});

describe("the merchant's validationUrl after the customer authorizes", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let restore: () => void;
  beforeAll(async () => {
    restore = allowLoopbackWebhooks();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    restore();
    await receiver.close();
  });

  const validated = (tenant: Awaited<ReturnType<typeof newBusiness>>, required: boolean) =>
    twigOrder(tenant, {}, { ...MERCHANT, validationUrl: receiver.url, requiresValidateCallbackSuccess: required });

  it("200: the order proceeds to the confirmUrl; the call carries the order and a twig-hmac the seed's snippet verifies", async () => {
    receiver.reply(200, "ok");
    const tenant = await newBusiness();
    const order = await validated(tenant, true);
    const seen = receiver.received.length;
    const res = await authorize(order.id);
    expect(res.headers.get("location")).toMatch(/^https:\/\/shop\.example\/twig\/confirm\?orderId=/);
    expect((await getOrder(tenant.business.id, order.id))!).toMatchObject({ status: "authorized", validationStatus: "passed" });

    const calls = receiver.received.slice(seen);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.json).toMatchObject({
      orderId: order.id,
      merchantOrderReference: order.merchantReference,
      amount: { currencyCode: "USD", value: "220.00" },
      merchant: { validationUrl: receiver.url, requiresValidateCallbackSuccess: true },
    });
    expect(call.json.lineItems).toHaveLength(2);
    // Seed 003: `${JSON.stringify(msg)}${timestamp}`, HMAC-SHA256 with the API key, base64.
    const timestamp = String(call.headers.timestamp);
    const expected = createHmac("sha256", tenant.key)
      .update(JSON.stringify(JSON.parse(call.body)) + timestamp)
      .digest("base64");
    expect(call.headers["twig-hmac"]).toBe(expected);
  });

  it("400 with requiresValidateCallbackSuccess: the order is cancelled and the customer goes to the cancelUrl", async () => {
    receiver.reply(400, "out of stock");
    const tenant = await newBusiness();
    const order = await validated(tenant, true);
    const res = await authorize(order.id);
    const location = new URL(res.headers.get("location")!);
    expect(location.origin + location.pathname).toBe("https://shop.example/twig/cancel");
    expect(location.searchParams.get("from")).toBe("twig");
    expect(location.searchParams.get("orderId")).toBe(order.id);
    const stored = (await getOrder(tenant.business.id, order.id))!;
    expect(stored).toMatchObject({ status: "cancelled", validationStatus: "failed" });
    expect(stored.statusReason).toContain("HTTP 400");
  });

  it("400 without requiresValidateCallbackSuccess: the order proceeds and the failure is recorded", async () => {
    receiver.reply(400, "nope");
    const tenant = await newBusiness();
    const order = await validated(tenant, false);
    const res = await authorize(order.id);
    expect(res.headers.get("location")).toMatch(/^https:\/\/shop\.example\/twig\/confirm\?/);
    expect((await getOrder(tenant.business.id, order.id))!).toMatchObject({ status: "authorized", validationStatus: "failed" });
  });
});
