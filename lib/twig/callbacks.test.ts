import { createHmac, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { apiKeys, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { resetEnvForTests } from "@/lib/env";
import { getOrder } from "@/lib/orders/queries";
import { newBusiness } from "@/lib/testing/fixtures";
import { authorizedTwigOrder, twigOrder } from "@/lib/testing/twig";
import { allowLoopbackWebhooks, deliverFor, startReceiver, type Received } from "@/lib/testing/webhook-receiver";
import { authorizeTestPayment, runValidation } from "./customer";
import { operate } from "./operations";

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let restore: () => void;

beforeAll(async () => {
  receiver = await startReceiver();
  restore = allowLoopbackWebhooks();
});
afterAll(async () => {
  restore();
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  receiver.reply(200, "ok");
});

/** Seed 003's verification example, as the merchant would paste it. */
function verifiedByMerchant(request: Received, apiKey: string): boolean {
  const msg = JSON.parse(request.body);
  const timestamp = request.headers["timestamp"] as string;
  const payload = `${JSON.stringify(msg)}${timestamp}`;
  const hmac = createHmac("sha256", apiKey).update(payload).digest("base64");
  return request.headers["twig-hmac"] === hmac;
}

const pushesFor = (orderId: string) => receiver.received.filter((r) => r.json?.orderId === orderId && "status" in r.json);
const capture = (businessId: string, orderId: string, amount: bigint, key: string | null = randomUUID()) =>
  operate(businessId, "capture", { orderId, key, amountMinor: amount, currency: "USD", message: null, dateCreated: null }, "api");

describe("Twig push notifications", () => {
  it("tells the pushUrl each status change, signed with the merchant's API key as the seed verifies it", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant, {}, { pushUrl: receiver.url });
    await deliverFor(tenant.key);
    await capture(tenant.business.id, order.id, 10000n);
    await deliverFor(tenant.key);
    // Another partial capture is no change of Twig status: no push.
    await capture(tenant.business.id, order.id, 2000n);
    await deliverFor(tenant.key);
    await capture(tenant.business.id, order.id, 10000n);
    await deliverFor(tenant.key);

    const pushes = pushesFor(order.id);
    expect(pushes.map((p) => p.json.status)).toEqual(["AUTHORIZED", "PARTIALLY_CAPTURED", "CAPTURED"]);
    for (const push of pushes) {
      expect(Object.keys(push.json).sort()).toEqual(["merchantOrderReference", "orderId", "reason", "status", "updatedAt"]);
      expect(verifiedByMerchant(push, tenant.key)).toBe(true);
      expect(verifiedByMerchant(push, "cbk_someone_else")).toBe(false);
      expect(push.headers["twig-api-version"]).toBe("2022-01-01");
      // "Timestamp is set to now + 15 mins" (milliseconds, like the seed's example).
      const timestamp = Number(push.headers["timestamp"]);
      expect(timestamp - Date.now()).toBeGreaterThan(14 * 60e3);
      expect(timestamp - Date.now()).toBeLessThan(16 * 60e3);
    }
  });

  it("says why in `reason` when an order is cancelled, and retries a push the merchant failed", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, { pushUrl: receiver.url });
    await operate(tenant.business.id, "void", { orderId: order.id, key: randomUUID(), message: "Out of stock", dateCreated: null }, "api");
    receiver.reply(500, "down");
    await deliverFor(tenant.key);
    const db = await getDb();
    const [pending] = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.businessId, tenant.business.id), eq(webhookDeliveries.eventType, "order.status")));
    expect(pending).toMatchObject({ status: "pending", attempts: 1, responseCode: 500 });
    expect(pending!.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(20e3);
    receiver.reply(200, "ok");
    await deliverFor(tenant.key, new Date(Date.now() + 60e3));
    const pushes = pushesFor(order.id);
    expect(pushes).toHaveLength(2);
    expect(pushes[1]!.json).toMatchObject({ status: "CANCELLED", reason: "Out of stock" });
    expect(pushes[1]!.headers["webhook-id"]).toBe(pushes[0]!.headers["webhook-id"]);
  });

  it("sends an order's pushes one at a time, oldest first, even while the merchant fails", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant, {}, { pushUrl: receiver.url });
    await operate(tenant.business.id, "void", { orderId: order.id, key: randomUUID(), message: "Changed my mind", dateCreated: null }, "api");
    receiver.reply(500, "down");
    expect(await deliverFor(tenant.key)).toBe(1);
    expect(pushesFor(order.id).map((p) => p.json.status)).toEqual(["AUTHORIZED"]);
    receiver.reply(200, "ok");
    // The retry of AUTHORIZED goes first; CANCELLED waits for it.
    expect(await deliverFor(tenant.key, new Date(Date.now() + 60e3))).toBe(1);
    expect(await deliverFor(tenant.key, new Date(Date.now() + 60e3))).toBe(1);
    expect(pushesFor(order.id).map((p) => p.json.status)).toEqual(["AUTHORIZED", "AUTHORIZED", "CANCELLED"]);
  });

  it("keeps signing with the key the order was made with after it is revoked; an unsealable key fails clearly", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, { pushUrl: receiver.url });
    await revokeApiKey(tenant.business.id, tenant.apiKey.id);
    await authorizeTestPayment(tenant.business.id, order.id);
    await deliverFor(tenant.key).catch(() => undefined);
    const db = await getDb();
    // deliverFor authenticates with the key, which is revoked now: run the worker through the business id instead.
    const { deliverDue } = await import("@/lib/webhooks/worker");
    await deliverDue(new Date(), 100, { businessId: tenant.business.id });
    expect(pushesFor(order.id).map((p) => p.json.status)).toEqual(["AUTHORIZED"]);
    expect(verifiedByMerchant(pushesFor(order.id)[0]!, tenant.key)).toBe(true);

    await db.update(apiKeys).set({ sealedKey: "v1.broken.seal.x" }).where(eq(apiKeys.id, tenant.apiKey.id));
    await operate(tenant.business.id, "void", { orderId: order.id, key: randomUUID(), message: null, dateCreated: null }, "api");
    await deliverDue(new Date(), 100, { businessId: tenant.business.id });
    const [failed] = await db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.businessId, tenant.business.id), eq(webhookDeliveries.status, "pending")));
    expect(failed!.error).toContain("not available");
    expect(pushesFor(order.id)).toHaveLength(1);
  });

  it("keeps the API key sealed, never in the clear", async () => {
    const tenant = await newBusiness();
    await twigOrder(tenant);
    const db = await getDb();
    const [row] = await db.select({ sealedKey: apiKeys.sealedKey }).from(apiKeys).where(eq(apiKeys.id, tenant.apiKey.id));
    expect(row!.sealedKey).toMatch(/^v1\./);
    expect(row!.sealedKey).not.toContain(tenant.key);
    const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.businessId, tenant.business.id));
    expect(endpoint).toBeUndefined();
  });
});

describe("Twig validation callback", () => {
  const validationCalls = (orderId: string) => receiver.received.filter((r) => r.json?.orderId === orderId && "lineItems" in r.json);

  it("sends the order to validationUrl, signed; a 2xx lets it proceed", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant, {}, { validationUrl: receiver.url, requiresValidateCallbackSuccess: true });
    await runValidation(tenant.business.id, order.id);
    const [call] = validationCalls(order.id);
    expect(call!.json).toMatchObject({ orderId: order.id, merchantOrderReference: order.merchantReference, amount: { value: "220.00" }, merchant: { validationUrl: receiver.url } });
    expect(Object.keys(call!.json)).toEqual(expect.arrayContaining(["lineItems", "shipping", "billing", "merchantDateCreated"]));
    expect(verifiedByMerchant(call!, tenant.key)).toBe(true);
    expect((await getOrder(tenant.business.id, order.id))!).toMatchObject({ status: "authorized", validationStatus: "passed" });
    // Made once, however often it is asked for.
    await runValidation(tenant.business.id, order.id);
    expect(validationCalls(order.id)).toHaveLength(1);
  });

  it("cancels (voiding the authorization) when a required validation fails, and pushes why", async () => {
    const tenant = await newBusiness();
    receiver.reply(400, "bad order");
    const order = await authorizedTwigOrder(tenant, {}, { validationUrl: receiver.url, pushUrl: receiver.url, requiresValidateCallbackSuccess: true });
    await runValidation(tenant.business.id, order.id);
    const after = (await getOrder(tenant.business.id, order.id))!;
    expect(after).toMatchObject({ status: "cancelled", validationStatus: "failed" });
    expect(after.statusReason).toContain("HTTP 400");
    receiver.reply(200, "ok");
    // One at a time, in order: AUTHORIZED, then CANCELLED.
    await deliverFor(tenant.key);
    await deliverFor(tenant.key);
    expect(pushesFor(order.id).map((p) => p.json.status)).toEqual(["AUTHORIZED", "CANCELLED"]);
  });

  it("cancels when a required validation gets no answer at all", async () => {
    const tenant = await newBusiness();
    const closed = await startReceiver();
    await closed.close();
    const order = await authorizedTwigOrder(tenant, {}, { validationUrl: closed.url, requiresValidateCallbackSuccess: true });
    await runValidation(tenant.business.id, order.id);
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("cancelled");
  });

  it("proceeds after a failed validation the merchant did not require, and records it", async () => {
    const tenant = await newBusiness();
    receiver.reply(503, "busy");
    const order = await authorizedTwigOrder(tenant, {}, { validationUrl: receiver.url, requiresValidateCallbackSuccess: false });
    await runValidation(tenant.business.id, order.id);
    expect((await getOrder(tenant.business.id, order.id))!).toMatchObject({ status: "authorized", validationStatus: "failed" });
    const db = await getDb();
    const [logged] = await db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.businessId, tenant.business.id), eq(webhookDeliveries.eventType, "order.validation")));
    expect(logged).toMatchObject({ status: "failed", responseCode: 503, attempts: 1 });
  });

  it("refuses a validationUrl on a private address (SSRF rules) and so cancels a required validation", async () => {
    restore();
    try {
      const tenant = await newBusiness();
      const order = await authorizedTwigOrder(tenant, {}, { validationUrl: receiver.url, requiresValidateCallbackSuccess: true });
      await runValidation(tenant.business.id, order.id);
      expect(validationCalls(order.id)).toHaveLength(0);
      expect((await getOrder(tenant.business.id, order.id))!.status).toBe("cancelled");
    } finally {
      restore = allowLoopbackWebhooks();
      resetEnvForTests();
    }
  });
});

describe("Twig orders and subscribed (Torque-style) webhooks", () => {
  it("delivers order.created, order.paid and order.refunded for a Twig order to a subscribed endpoint", async () => {
    const tenant = await newBusiness();
    const { createEndpoint } = await import("@/lib/webhooks/endpoints");
    await createEndpoint(tenant.business.id, { url: receiver.url, events: ["order.created", "order.paid", "order.refunded", "order.cancelled"] });
    const order = await authorizedTwigOrder(tenant);
    await capture(tenant.business.id, order.id, 22000n);
    await operate(tenant.business.id, "refund", { orderId: order.id, key: randomUUID(), amountMinor: 1000n, currency: "USD", message: null, dateCreated: null }, "api");
    await deliverFor(tenant.key);
    const events = receiver.received.filter((r) => r.json?.data?.order?.id === order.id);
    expect(events.map((e) => e.json.type)).toEqual(["order.created", "order.paid", "order.refunded"]);
    expect(events[2]!.json.data.order).toMatchObject({ id: order.id, amount: 220 });
  });
});

describe("Twig callback endpoints", () => {
  it("appear in the delivery log, are not Torque subscriptions, and keep their URL and signing", async () => {
    const tenant = await newBusiness();
    await authorizedTwigOrder(tenant, {}, { pushUrl: receiver.url });
    const { listEndpoints, rotateSecret, updateEndpoint } = await import("@/lib/webhooks/endpoints");
    const [endpoint] = await listEndpoints(tenant.business.id);
    expect(endpoint).toMatchObject({ dialect: "twig", url: receiver.url, apiKeyId: tenant.apiKey.id, events: [] });
    expect(await listEndpoints(tenant.business.id, "torque")).toEqual([]);
    await expect(updateEndpoint(tenant.business.id, endpoint!.id, { url: "https://elsewhere.example/hook" })).rejects.toMatchObject({ kind: "conflict" });
    await expect(rotateSecret(tenant.business.id, endpoint!.id)).rejects.toMatchObject({ kind: "conflict" });
    // Staff may still pause and resume it.
    expect((await updateEndpoint(tenant.business.id, endpoint!.id, { status: "disabled" })).status).toBe("disabled");
  });
});
