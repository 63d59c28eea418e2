import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, inArray } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { events, webhookDeliveries, webhookEndpoints, type WebhookEventType } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { createCart, insertCart, updateCart } from "@/lib/carts/service";
import { resetEnvForTests } from "@/lib/env";
import { newId } from "@/lib/ids";
import { newBusiness, seedCart } from "@/lib/testing/fixtures";
import { paidOrder, placedOrder } from "@/lib/testing/orders";
import { cancelOrder, completeOrder } from "@/lib/orders/service";
import { replayDelivery, rotateSecret, sendTestEvent } from "./endpoints";
import { newWebhookSecret } from "./signing";
import { DISABLE_AFTER_MS, RETRY_DELAYS_MS, deliverDue, retryDelay } from "./worker";

// ---------------------------------------------------------------------------------------------
// A real receiver on loopback. Each endpoint gets its own path; a test says how a path answers.

type Received = { path: string; headers: http.IncomingHttpHeaders; raw: Buffer; body: string };
type Behaviour = (res: http.ServerResponse) => void;

const received: Received[] = [];
const behaviours = new Map<string, Behaviour>();
const hanging: http.ServerResponse[] = [];
let server: http.Server;
let port: number;

const ok: Behaviour = (res) => res.writeHead(200, { "content-type": "text/plain" }).end("thanks");
const status =
  (code: number, body = "", headers: Record<string, string> = {}): Behaviour =>
  (res) =>
    res.writeHead(code, headers).end(body);
const never: Behaviour = (res) => void hanging.push(res);

const savedRanges = process.env.WEBHOOK_ALLOWED_RANGES;

beforeAll(async () => {
  process.env.WEBHOOK_ALLOWED_RANGES = "127.0.0.0/8,::1/128";
  resetEnvForTests();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, raw, body: raw.toString("utf8") });
      (behaviours.get(path) ?? ok)(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  if (savedRanges === undefined) delete process.env.WEBHOOK_ALLOWED_RANGES;
  else process.env.WEBHOOK_ALLOWED_RANGES = savedRanges;
  resetEnvForTests();
});

afterEach(async () => {
  // Each test starts with nothing of this file due: leftovers must not be sent during the next test.
  const db = await getDb();
  if (mine.length) {
    await db
      .update(webhookDeliveries)
      .set({ status: "failed", nextAttemptAt: null })
      .where(and(eq(webhookDeliveries.status, "pending"), inArray(webhookDeliveries.endpointId, mine.splice(0))));
  }
  for (const res of hanging.splice(0)) res.destroy();
  behaviours.clear();
  vi.useRealTimers();
});

// ---------------------------------------------------------------------------------------------
// Helpers

type Endpoint = { id: string; secret: string; path: string; hits: () => Received[] };

/** Endpoints this file made (the only ones it cleans up). */
const mine: string[] = [];

async function endpointFor(
  business: Business,
  options: { events?: WebhookEventType[]; status?: "active" | "disabled"; url?: string; failingSince?: Date | null } = {},
): Promise<Endpoint> {
  const db = await getDb();
  const id = newId("wh");
  mine.push(id);
  const secret = newWebhookSecret();
  const path = `/hooks/${id}`;
  await db.insert(webhookEndpoints).values({
    id,
    businessId: business.id,
    url: options.url ?? `http://127.0.0.1:${port}${path}`,
    events: options.events ?? ["cart.abandoned", "cart.recovered"],
    secret,
    status: options.status ?? "active",
    failingSince: options.failingSince ?? null,
  });
  return { id, secret, path, hits: () => received.filter((r) => r.path === path) };
}

async function deliveriesOf(endpointId: string) {
  const db = await getDb();
  return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).orderBy(webhookDeliveries.createdAt, webhookDeliveries.id);
}

async function onlyDelivery(endpointId: string) {
  const rows = await deliveriesOf(endpointId);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

async function endpointRow(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row!;
}

async function setDelivery(id: string, set: Partial<typeof webhookDeliveries.$inferInsert>) {
  const db = await getDb();
  await db.update(webhookDeliveries).set(set).where(eq(webhookDeliveries.id, id));
}

async function setEndpoint(id: string, set: Partial<typeof webhookEndpoints.$inferInsert>) {
  const db = await getDb();
  await db.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, id));
}

/**
 * The worker, limited to the test's business: CI runs test files at once against one Postgres
 * database, and a worker of another file must not take (or be given) this file's deliveries.
 */
function due(business: Business, options: { now?: Date; limit?: number; timeoutMs?: number } = {}) {
  return deliverDue(options.now ?? new Date(), options.limit ?? 25, { businessId: business.id, timeoutMs: options.timeoutMs });
}

/** Seed 000's verification snippet, as a receiver would paste it. */
function verifyWebhookSignature(payload: string | Buffer, signature: string | undefined, secret: string): boolean {
  const expectedSignature = createHmac("sha256", secret).update(payload).digest("hex");
  return signature === `sha256=${expectedSignature}`;
}

/**
 * The Standard Webhooks check written from the spec (not from our signing.ts): HMAC-SHA256 over
 * `id.timestamp.body` keyed with the base64-decoded part of whsec_…, base64, prefixed `v1,`;
 * the header may list several space-separated signatures.
 */
function standardSignatureMatches(headers: http.IncomingHttpHeaders, raw: Buffer, secret: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const content = Buffer.concat([Buffer.from(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.`), raw]);
  const expected = Buffer.from(createHmac("sha256", key).update(content).digest("base64"));
  return String(headers["webhook-signature"])
    .split(" ")
    .some((part) => {
      const [version, signature] = part.split(",");
      const given = Buffer.from(signature ?? "");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

function standardHeaders(h: http.IncomingHttpHeaders) {
  return { "webhook-id": String(h["webhook-id"]), "webhook-timestamp": String(h["webhook-timestamp"]), "webhook-signature": String(h["webhook-signature"]) };
}

const cartInput = { ...seedCart };

// ---------------------------------------------------------------------------------------------

describe("outbox: deliveries are written with the event, in its transaction", () => {
  it("queues one pending delivery for a cart.abandoned event, committed with the cart", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    const cart = await createCart(business, cartInput);

    const delivery = await onlyDelivery(endpoint.id);
    const db = await getDb();
    const [event] = await db.select().from(events).where(and(eq(events.subjectId, cart.id), eq(events.type, "cart.abandoned")));
    expect(delivery).toMatchObject({ status: "pending", attempts: 0, eventType: "cart.abandoned", eventId: event!.id, businessId: business.id });
    expect(delivery.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now());
    // Nothing was sent: only the worker sends.
    expect(endpoint.hits()).toEqual([]);
  });

  it("writes neither the event nor a delivery when the transaction rolls back", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    const db = await getDb();
    let cartId = "";
    await expect(
      db.transaction(async (tx) => {
        cartId = (await insertCart(tx, business, cartInput)).id;
        throw new Error("crash before commit");
      }),
    ).rejects.toThrow("crash before commit");
    expect(cartId).toMatch(/^cart_/);
    expect(await db.select().from(events).where(eq(events.subjectId, cartId))).toEqual([]);
    expect(await deliveriesOf(endpoint.id)).toEqual([]);
    await due(business);
    expect(endpoint.hits()).toEqual([]);
  });

  it("gives unsubscribed events, internal events and disabled endpoints no delivery", async () => {
    const { business } = await newBusiness();
    const recoveredOnly = await endpointFor(business, { events: ["cart.recovered"] });
    const disabled = await endpointFor(business, { status: "disabled" });
    const orders = await endpointFor(business, { events: ["order.paid"] });

    const cart = await createCart(business, cartInput); // cart.created (internal) + cart.abandoned
    expect(await deliveriesOf(recoveredOnly.id)).toEqual([]);
    expect(await deliveriesOf(disabled.id)).toEqual([]);
    expect(await deliveriesOf(orders.id)).toEqual([]);

    await updateCart(business.id, cart.id, { status: "recovered" });
    const [delivery] = await deliveriesOf(recoveredOnly.id);
    expect(delivery).toMatchObject({ eventType: "cart.recovered", status: "pending" });
    expect(await deliveriesOf(disabled.id)).toEqual([]);

    await due(business);
    expect(recoveredOnly.hits().map((h) => JSON.parse(h.body).type)).toEqual(["cart.recovered"]);
    expect(disabled.hits()).toEqual([]);
    expect(orders.hits()).toEqual([]);
  });

  it("never sends one business's events to another business's endpoint", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    const endpointA = await endpointFor(a.business);
    const endpointB = await endpointFor(b.business);
    await createCart(a.business, cartInput);
    await createCart(a.business, { ...cartInput, customerEmail: "other@example.com" });

    expect(await deliveriesOf(endpointB.id)).toEqual([]);
    expect(await deliveriesOf(endpointA.id)).toHaveLength(2);
    await due(a.business);
    await due(b.business);
    expect(endpointA.hits()).toHaveLength(2);
    expect(endpointB.hits()).toEqual([]);
    for (const hit of endpointA.hits()) expect(verifyWebhookSignature(hit.raw, hit.headers["x-cartback-signature"] as string, endpointB.secret)).toBe(false);
  });

  it("fixes the payload when the event happens: later changes to the cart do not alter it", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    const cart = await createCart(business, cartInput);
    await updateCart(business.id, cart.id, { items: [{ name: "Cheaper thing", quantity: 1, price: 10 }], status: "recovered" });

    await due(business);
    const bodies = endpoint.hits().map((h) => JSON.parse(h.body));
    const abandoned = bodies.find((b) => b.type === "cart.abandoned");
    const recovered = bodies.find((b) => b.type === "cart.recovered");
    expect(abandoned.data.cart).toMatchObject({ id: cart.id, status: "abandoned", totalValue: 99.98, items: [{ name: "Product Name", quantity: 2, price: 49.99 }] });
    expect(recovered.data.cart).toMatchObject({ id: cart.id, status: "recovered", totalValue: 10, items: [{ name: "Cheaper thing", quantity: 1, price: 10 }] });
  });
});

describe("order events", () => {
  it("sends 000's order payload for order.created, order.paid, order.completed and order.cancelled", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business, { events: ["order.created", "order.paid", "order.completed", "order.cancelled"] });
    const paid = await paidOrder(business);
    await completeOrder(business.id, paid.order.id);
    const pending = await placedOrder(business);
    await cancelOrder(business.id, pending.order.id, { reason: "Customer request" });

    await due(business);
    const bodies = endpoint.hits().map((h) => JSON.parse(h.body));
    const of = (type: string, orderId: string) => bodies.find((b) => b.type === type && b.data.order.id === orderId);
    expect(bodies).toHaveLength(5);
    for (const body of bodies) {
      expect(Object.keys(body).sort()).toEqual(["created", "data", "id", "type"]);
      expect(body.id).toMatch(/^evt_/);
    }
    // 000's example: { id, status, amount, customer: { email } } (two of prod_1 at 29.99).
    expect(of("order.paid", paid.order.id).data.order).toMatchObject({ id: paid.order.id, amount: 59.98, customer: { email: "customer@example.com" } });
    expect(of("order.created", paid.order.id).data.order).toMatchObject({ id: paid.order.id, amount: 59.98 });
    // Statuses are 002's (Torque has no "paid" status: a paid order is processing until fulfilled).
    expect(of("order.paid", paid.order.id).data.order.status).toBe("processing");
    expect(of("order.completed", paid.order.id).data.order.status).toBe("completed");
    expect(of("order.created", paid.order.id).data.order.status).toBe("pending");
    expect(of("order.cancelled", pending.order.id).data.order).toMatchObject({ id: pending.order.id, status: "cancelled" });
    for (const hit of endpoint.hits()) expect(verifyWebhookSignature(hit.raw, hit.headers["x-torque-signature"] as string, endpoint.secret)).toBe(true);
  });
});

describe("worker delivery", () => {
  it("POSTs 000's payload, signed with sha256= and Standard Webhooks headers that independent code verifies", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    const before = Math.floor(Date.now() / 1000);
    const cart = await createCart(business, cartInput);

    expect(await due(business)).toBe(1);
    const [hit] = endpoint.hits();
    expect(hit).toBeDefined();
    expect(endpoint.hits()).toHaveLength(1);
    expect(hit!.headers["content-type"]).toBe("application/json");

    const body = JSON.parse(hit!.body);
    expect(Object.keys(body).sort()).toEqual(["created", "data", "id", "type"]);
    expect(body.id).toMatch(/^evt_/);
    expect(body.type).toBe("cart.abandoned");
    expect(body.created).toBeGreaterThanOrEqual(before);
    expect(body.created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(body.data.cart).toMatchObject({
      id: cart.id,
      customerEmail: "customer@example.com",
      customerName: "John Doe",
      items: [{ name: "Product Name", quantity: 2, price: 49.99 }],
      totalValue: 99.98,
      currency: "USD",
      status: "abandoned",
    });

    // Seed 000: sha256= + hex HMAC of the raw body, with the secret as given.
    expect(verifyWebhookSignature(hit!.raw, hit!.headers["x-torque-signature"] as string, endpoint.secret)).toBe(true);
    expect(verifyWebhookSignature(hit!.raw, hit!.headers["x-cartback-signature"] as string, endpoint.secret)).toBe(true);
    expect(verifyWebhookSignature(hit!.raw, hit!.headers["x-cartback-signature"] as string, newWebhookSecret())).toBe(false);
    expect(verifyWebhookSignature(Buffer.concat([hit!.raw, Buffer.from(" ")]), hit!.headers["x-cartback-signature"] as string, endpoint.secret)).toBe(false);
    expect(hit!.headers["x-cartback-signature-previous"]).toBeUndefined();

    // Standard Webhooks: the id is the event's, the timestamp is now, the signature verifies.
    expect(hit!.headers["webhook-id"]).toBe(body.id);
    expect(Math.abs(Number(hit!.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    expect(standardSignatureMatches(hit!.headers, hit!.raw, endpoint.secret)).toBe(true);
    expect(new Webhook(endpoint.secret).verify(hit!.body, standardHeaders(hit!.headers))).toEqual(body);
    expect(() => new Webhook(newWebhookSecret()).verify(hit!.body, standardHeaders(hit!.headers))).toThrow();
    expect(() => new Webhook(endpoint.secret).verify(hit!.body.replace("abandoned", "recovered"), standardHeaders(hit!.headers))).toThrow();

    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "delivered", attempts: 1, responseCode: 200, responseBody: "thanks", error: null, nextAttemptAt: null });
    expect((await onlyDelivery(endpoint.id)).deliveredAt).toBeInstanceOf(Date);
  });

  it("lets receivers reject a replayed request: the signed timestamp goes stale", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    await createCart(business, cartInput);
    await due(business);
    const [hit] = endpoint.hits();
    const wh = new Webhook(endpoint.secret);
    expect(() => wh.verify(hit!.body, standardHeaders(hit!.headers))).not.toThrow();

    // The same request captured and sent again ten minutes later.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    expect(() => wh.verify(hit!.body, standardHeaders(hit!.headers))).toThrow(/timestamp/i);
    // Moving the timestamp forward breaks the signature instead.
    const forged = { ...standardHeaders(hit!.headers), "webhook-timestamp": String(Math.floor(Date.now() / 1000)) };
    expect(() => wh.verify(hit!.body, forged)).toThrow(/signature/i);
  });

  it("treats any 2xx as success", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, status(204));
    await createCart(business, cartInput);
    await due(business);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "delivered", responseCode: 204 });
  });

  it("retries a 500 about 30 s later (±20%), keeping 1 KB of the answer", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, status(500, "x".repeat(5000)));
    await createCart(business, cartInput);

    await due(business);
    const delivery = await onlyDelivery(endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, responseCode: 500 });
    expect(delivery.responseBody).toBe("x".repeat(1024));
    const wait = delivery.nextAttemptAt!.getTime() - delivery.lastAttemptAt!.getTime();
    expect(wait).toBeGreaterThanOrEqual(24_000);
    expect(wait).toBeLessThanOrEqual(36_000);
    expect((await endpointRow(endpoint.id)).failingSince).toBeInstanceOf(Date);

    // Not due again yet; when due, it is sent again with the same id, and a 2xx ends it.
    expect(await due(business)).toBe(0);
    behaviours.set(endpoint.path, ok);
    expect(await due(business, { now: new Date(delivery.nextAttemptAt!.getTime() + 1) })).toBe(1);
    const [first, second] = endpoint.hits();
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(second!.body).toBe(first!.body);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "delivered", attempts: 2, responseCode: 200, error: null });
    // A success clears the endpoint's failing streak.
    expect((await endpointRow(endpoint.id)).failingSince).toBeNull();
  });

  it("records a batch of successes and failures each as its own attempt, in one pass", async () => {
    const { business } = await newBusiness();
    const healthy = await endpointFor(business);
    const recovering = await endpointFor(business, { failingSince: new Date(Date.now() - 3600e3) });
    const failing = await endpointFor(business);
    behaviours.set(failing.path, status(503, "later"));
    await createCart(business, cartInput);
    await createCart(business, cartInput);
    expect(await due(business)).toBe(6);

    for (const endpoint of [healthy, recovering]) {
      const rows = await deliveriesOf(endpoint.id);
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row).toMatchObject({ status: "delivered", attempts: 1, responseCode: 200, responseBody: "thanks", error: null, nextAttemptAt: null });
        expect(row.deliveredAt).toEqual(row.lastAttemptAt);
      }
    }
    expect((await endpointRow(recovering.id)).failingSince).toBeNull();
    const failed = await deliveriesOf(failing.id);
    expect(failed.map((d) => [d.status, d.attempts, d.responseCode, d.deliveredAt])).toEqual([
      ["pending", 1, 503, null],
      ["pending", 1, 503, null],
    ]);
    expect((await endpointRow(failing.id)).failingSince).toBeInstanceOf(Date);
    expect(await due(business)).toBe(0);
  });

  it("records each answer as it comes: a slow endpoint does not hold back the batch's other results", async () => {
    const { business } = await newBusiness();
    const fast = await endpointFor(business);
    const slow = await endpointFor(business);
    let answerSlow: (() => void) | undefined;
    behaviours.set(slow.path, (res) => void (answerSlow = () => res.writeHead(200).end("late")));
    await createCart(business, cartInput);

    const pass = due(business);
    await vi.waitFor(async () => expect((await onlyDelivery(fast.id)).status).toBe("delivered"), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(answerSlow).toBeDefined());
    expect((await onlyDelivery(slow.id)).status).toBe("pending");
    answerSlow!();
    expect(await pass).toBe(2);
    expect(await onlyDelivery(slow.id)).toMatchObject({ status: "delivered", responseBody: "late" });
  });

  it("retries 4xx answers other than 410", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, status(400, "bad"));
    await createCart(business, cartInput);
    await due(business);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "pending", attempts: 1, responseCode: 400, responseBody: "bad" });
    expect((await endpointRow(endpoint.id)).status).toBe("active");
  });

  it("gives up on a receiver that never answers, and retries", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, never);
    await createCart(business, cartInput);

    const started = Date.now();
    await due(business, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    const delivery = await onlyDelivery(endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, responseCode: null });
    expect(delivery.error).toMatch(/timed out/);
    expect(delivery.nextAttemptAt!.getTime() - delivery.lastAttemptAt!.getTime()).toBeGreaterThanOrEqual(24_000);
    expect(endpoint.hits()).toHaveLength(1); // it did arrive; the answer never came
  });

  it("gives up on a receiver that sends headers and then stalls", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, (res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("partial");
      hanging.push(res);
    });
    await createCart(business, cartInput);
    await due(business, { timeoutMs: 300 });
    const delivery = await onlyDelivery(endpoint.id);
    expect(delivery.status).toBe("pending");
    expect(delivery.error).toMatch(/timed out/);
  });

  it("does not follow redirects, and counts them as failures", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, status(302, "", { location: `http://127.0.0.1:${port}/redirected` }));
    await createCart(business, cartInput);
    await due(business);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "pending", attempts: 1, responseCode: 302, error: "redirects are not followed" });
    expect(received.filter((r) => r.path === "/redirected")).toEqual([]);
    expect(endpoint.hits()).toHaveLength(1);
  });

  it("fails the delivery and disables the endpoint on 410 Gone", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, status(410, "gone"));
    const cart = await createCart(business, cartInput);
    await due(business);

    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "failed", attempts: 1, responseCode: 410, nextAttemptAt: null });
    const row = await endpointRow(endpoint.id);
    expect(row).toMatchObject({ status: "disabled" });
    expect(row.disabledReason).toMatch(/410/);
    expect(row.disabledAt).toBeInstanceOf(Date);

    // A disabled endpoint gets nothing more.
    await updateCart(business.id, cart.id, { status: "recovered" });
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
    await due(business);
    expect(endpoint.hits()).toHaveLength(1);
  });

  it("retries for about three days in all, then fails the delivery", async () => {
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(2.5 * 24 * 3600e3);
    expect(total).toBeLessThan(3.5 * 24 * 3600e3);
    // Backoff grows, and jitter stays within ±20%.
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++) expect(RETRY_DELAYS_MS[i]!).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[i - 1]!);
    expect(retryDelay(1, () => 0)).toBe(24_000);
    expect(retryDelay(1, () => 1)).toBe(36_000);
    expect(retryDelay(RETRY_DELAYS_MS.length, () => 0.5)).toBe(RETRY_DELAYS_MS.at(-1));

    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, status(500));
    await createCart(business, cartInput);
    const delivery = await onlyDelivery(endpoint.id);

    // The last scheduled retry fails: the delivery gives up.
    await setDelivery(delivery.id, { attempts: RETRY_DELAYS_MS.length });
    await due(business);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "failed", attempts: RETRY_DELAYS_MS.length + 1, responseCode: 500, nextAttemptAt: null });
    expect(await due(business, { now: new Date(Date.now() + 7 * 24 * 3600e3) })).toBe(0);
  });

  it("waits the last step of the schedule before the final attempt", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, status(500));
    await createCart(business, cartInput);
    const delivery = await onlyDelivery(endpoint.id);
    await setDelivery(delivery.id, { attempts: RETRY_DELAYS_MS.length - 1 });
    await due(business);
    const after = await onlyDelivery(endpoint.id);
    expect(after).toMatchObject({ status: "pending", attempts: RETRY_DELAYS_MS.length });
    const wait = after.nextAttemptAt!.getTime() - after.lastAttemptAt!.getTime();
    expect(wait).toBeGreaterThanOrEqual(RETRY_DELAYS_MS.at(-1)! * 0.8);
    expect(wait).toBeLessThanOrEqual(RETRY_DELAYS_MS.at(-1)! * 1.2);
  });

  it("disables an endpoint that has failed for more than three days, not one failing for a day", async () => {
    const { business } = await newBusiness();
    const longFailing = await endpointFor(business, { failingSince: new Date(Date.now() - 4 * 24 * 3600e3) });
    const dayFailing = await endpointFor(business, { failingSince: new Date(Date.now() - 24 * 3600e3) });
    behaviours.set(longFailing.path, status(503));
    behaviours.set(dayFailing.path, status(503));
    await createCart(business, cartInput);
    await due(business);

    const disabled = await endpointRow(longFailing.id);
    expect(disabled.status).toBe("disabled");
    expect(disabled.disabledReason).toMatch(/3 days/);
    expect(DISABLE_AFTER_MS).toBe(3 * 24 * 3600e3);

    const active = await endpointRow(dayFailing.id);
    expect(active.status).toBe("active");
    // The streak keeps its start.
    expect(Math.abs(active.failingSince!.getTime() - (Date.now() - 24 * 3600e3))).toBeLessThan(60_000);
  });

  it("clears failing_since on success", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business, { failingSince: new Date(Date.now() - 2 * 24 * 3600e3) });
    await createCart(business, cartInput);
    await due(business);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "delivered" });
    expect(await endpointRow(endpoint.id)).toMatchObject({ status: "active", failingSince: null });
  });

  it("refuses to send to an internal address stored for an endpoint, without connecting", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business, { url: "http://10.0.0.1/hook" });
    await createCart(business, cartInput);
    await due(business);
    const delivery = await onlyDelivery(endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, responseCode: null });
    expect(delivery.error).toMatch(/private or internal address/);
  });
});

describe("secret rotation", () => {
  it("signs with both secrets during the grace period, and with the new one only after it", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    const oldSecret = endpoint.secret;
    const rotated = await rotateSecret(business.id, endpoint.id, 24);
    const newSecret = rotated.secret;
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.previousSecret).toBe(oldSecret);
    expect(rotated.previousSecretExpiresAt!.getTime()).toBeGreaterThan(Date.now());

    const cart = await createCart(business, cartInput);
    await due(business);
    const [during] = endpoint.hits();
    const signatures = String(during!.headers["webhook-signature"]).split(" ");
    expect(signatures).toHaveLength(2);
    expect(signatures.every((s) => s.startsWith("v1,"))).toBe(true);
    // Each signature verifies with its own secret, checked one by one ...
    const one = (sig: string) => ({ ...during!.headers, "webhook-signature": sig });
    expect(standardSignatureMatches(one(signatures[0]!), during!.raw, newSecret)).toBe(true);
    expect(standardSignatureMatches(one(signatures[1]!), during!.raw, oldSecret)).toBe(true);
    // ... and the header as sent passes the Standard Webhooks library with either secret.
    expect(() => new Webhook(newSecret).verify(during!.body, standardHeaders(during!.headers))).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(during!.body, standardHeaders(during!.headers))).not.toThrow();
    // 000-style: the current signature with the new secret, the previous one with the old.
    expect(verifyWebhookSignature(during!.raw, during!.headers["x-cartback-signature"] as string, newSecret)).toBe(true);
    expect(verifyWebhookSignature(during!.raw, during!.headers["x-torque-signature"] as string, newSecret)).toBe(true);
    expect(verifyWebhookSignature(during!.raw, during!.headers["x-cartback-signature-previous"] as string, oldSecret)).toBe(true);

    // Grace period over.
    await setEndpoint(endpoint.id, { previousSecretExpiresAt: new Date(Date.now() - 1000) });
    await updateCart(business.id, cart.id, { status: "recovered" });
    await due(business);
    const after = endpoint.hits()[1]!;
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(after.headers["x-cartback-signature-previous"]).toBeUndefined();
    expect(() => new Webhook(newSecret).verify(after.body, standardHeaders(after.headers))).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(after.body, standardHeaders(after.headers))).toThrow();
    expect(verifyWebhookSignature(after.raw, after.headers["x-cartback-signature"] as string, newSecret)).toBe(true);
  });
});

describe("crashes and competing workers", () => {
  it("delivers an event committed before a crash when a worker runs later", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    await createCart(business, cartInput);
    // The process dies here: the state change and its delivery are committed, nothing was sent.
    expect(endpoint.hits()).toEqual([]);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "pending", attempts: 0 });

    // A restarted process's worker, a while later.
    expect(await due(business, { now: new Date(Date.now() + 3600e3) })).toBe(1);
    expect(endpoint.hits()).toHaveLength(1);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("leaves a claimed delivery alone while its lease runs, and picks it up when its worker died", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    await createCart(business, cartInput);
    const delivery = await onlyDelivery(endpoint.id);

    // Claimed by a worker (leased for a minute) ...
    await setDelivery(delivery.id, { nextAttemptAt: new Date(Date.now() + 60_000) });
    expect(await due(business)).toBe(0);
    expect(endpoint.hits()).toEqual([]);
    // ... which died: the lease ran out.
    await setDelivery(delivery.id, { nextAttemptAt: new Date(Date.now() - 1000) });
    expect(await due(business)).toBe(1);
    expect(endpoint.hits()).toHaveLength(1);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("does not hand a delivery being sent to a second worker", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, (res) => void setTimeout(() => res.writeHead(200).end("slow"), 300));
    await createCart(business, cartInput);

    const first = due(business);
    await vi.waitFor(() => expect(endpoint.hits()).toHaveLength(1));
    expect(await due(business)).toBe(0); // in flight, leased
    expect(await first).toBe(1);
    expect(endpoint.hits()).toHaveLength(1);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("sends each of 20 due deliveries exactly once with three workers at once", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    for (let i = 0; i < 20; i++) await createCart(business, { ...cartInput, customerEmail: `c${i}@example.com` });
    expect(await deliveriesOf(endpoint.id)).toHaveLength(20);

    const counts = await Promise.all([due(business), due(business), due(business)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20);
    const ids = endpoint.hits().map((h) => String(h.headers["webhook-id"]));
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    const rows = await deliveriesOf(endpoint.id);
    expect(rows.every((d) => d.status === "delivered" && d.attempts === 1)).toBe(true);
    expect(new Set(rows.map((d) => d.eventId))).toEqual(new Set(ids));
  });

  it("sends each delivery once when workers loop over small batches concurrently", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    for (let i = 0; i < 20; i++) await createCart(business, { ...cartInput, customerEmail: `d${i}@example.com` });
    let total = 0;
    await Promise.all(
      [0, 1, 2].map(async () => {
        let n: number;
        while ((n = await due(business, { limit: 3 })) > 0) total += n;
      }),
    );
    expect(total).toBe(20);
    const ids = endpoint.hits().map((h) => String(h.headers["webhook-id"]));
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });
});

describe("test events and replay", () => {
  it("replaying a delivery while a worker sends it does not send it twice at once", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, (res) => void setTimeout(() => res.writeHead(200).end("slow"), 300));
    await createCart(business, cartInput);
    const delivery = await onlyDelivery(endpoint.id);

    const first = due(business);
    await vi.waitFor(() => expect(endpoint.hits()).toHaveLength(1));
    const replayed = await replayDelivery(business.id, endpoint.id, delivery.id);
    expect(replayed.status).toBe("pending");
    expect(await due(business)).toBe(0);
    await first;
    expect(endpoint.hits()).toHaveLength(1);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("replaying a delivery waiting for a later retry sends it now", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, status(500));
    await createCart(business, cartInput);
    const delivery = await onlyDelivery(endpoint.id);
    await setDelivery(delivery.id, { attempts: 5, nextAttemptAt: new Date(Date.now() + 3 * 3600e3) });
    behaviours.set(endpoint.path, ok);
    expect(await due(business)).toBe(0);
    const replayed = await replayDelivery(business.id, endpoint.id, delivery.id);
    expect(replayed).toMatchObject({ status: "pending", attempts: 0 });
    expect(await due(business)).toBe(1);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("signs with a merchant-chosen secret (000's \"your_webhook_secret\") that receivers can verify", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    const secret = "your_webhook_secret";
    await setEndpoint(endpoint.id, { secret });
    await createCart(business, cartInput);
    await due(business);
    const [hit] = endpoint.hits();
    expect(verifyWebhookSignature(hit!.raw, hit!.headers["x-torque-signature"] as string, secret)).toBe(true);
    // Not whsec_…: the Standard Webhooks key is the secret's own bytes (the libraries' "raw" format).
    expect(() => new Webhook(new TextEncoder().encode(secret), { format: "raw" }).verify(hit!.body, standardHeaders(hit!.headers))).not.toThrow();
  });

  it("sends a test event once: a failure is recorded, not retried, and does not touch the endpoint", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, status(500, "nope"));
    const failed = await sendTestEvent(business.id, endpoint.id);
    expect(failed).toMatchObject({ eventType: "webhook.test", status: "failed", attempts: 1, responseCode: 500, nextAttemptAt: null });
    expect(await endpointRow(endpoint.id)).toMatchObject({ status: "active", failingSince: null });
    expect(await due(business, { now: new Date(Date.now() + 7 * 24 * 3600e3) })).toBe(0);
    expect(endpoint.hits()).toHaveLength(1);

    behaviours.set(endpoint.path, status(410));
    await sendTestEvent(business.id, endpoint.id);
    expect((await endpointRow(endpoint.id)).status).toBe("active");

    behaviours.set(endpoint.path, ok);
    const delivered = await sendTestEvent(business.id, endpoint.id);
    expect(delivered).toMatchObject({ status: "delivered", responseCode: 200 });
    const hit = endpoint.hits().at(-1)!;
    expect(JSON.parse(hit.body)).toMatchObject({ type: "webhook.test", data: { webhookId: endpoint.id } });
    expect(verifyWebhookSignature(hit.raw, hit.headers["x-cartback-signature"] as string, endpoint.secret)).toBe(true);
    expect(() => new Webhook(endpoint.secret).verify(hit.body, standardHeaders(hit.headers))).not.toThrow();
  });

  it("replays a failed delivery with the same id and body", async () => {
    const { business } = await newBusiness();
    const endpoint = await endpointFor(business);
    behaviours.set(endpoint.path, status(500));
    await createCart(business, cartInput);
    const delivery = await onlyDelivery(endpoint.id);
    await setDelivery(delivery.id, { attempts: RETRY_DELAYS_MS.length });
    await due(business);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "failed" });

    behaviours.set(endpoint.path, ok);
    const replayed = await replayDelivery(business.id, endpoint.id, delivery.id);
    expect(replayed).toMatchObject({ status: "pending", attempts: 0 });
    expect(await due(business)).toBe(1);
    const [first, again] = endpoint.hits();
    expect(again!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(again!.body).toBe(first!.body);
    expect(await onlyDelivery(endpoint.id)).toMatchObject({ status: "delivered", attempts: 1 });

    // Another business cannot replay it.
    const other = await newBusiness();
    await expect(replayDelivery(other.business.id, endpoint.id, delivery.id)).rejects.toThrow(/not found/i);
  });
});
