import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as createCart } from "@/app/api/carts/route";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { allowLoopbackWebhooks, startReceiver, verifyWebhookSignature, deliverFor } from "@/lib/testing/webhook-receiver";
import { POST as create } from "../../route";
import { GET } from "./route";

const auth = (key: string | null): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
const log = (key: string | null, id: string, query = "") => call(GET, { path: `/v1/webhooks/${id}/deliveries${query}`, params: { id }, headers: auth(key) });

let key: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = allowLoopbackWebhooks();
  receiver = await startReceiver();
  key = (await newBusiness()).key;
});

beforeEach(() => {
  receiver.received.length = 0;
  receiver.reply(200, "ok");
});

afterAll(async () => {
  await receiver.close();
  restoreEnv();
});

async function newWebhook(events: string[], tenantKey = key) {
  const res = await call(create, { path: "/v1/webhooks", body: { url: receiver.url, events }, headers: auth(tenantKey) });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

/** A cart through the tracker API with the same key: the tracker creates it abandoned (cart.abandoned). */
async function abandonCart(tenantKey = key): Promise<string> {
  const res = await call(createCart, { key: tenantKey, path: "/api/carts", body: seedCart });
  expect(res.status).toBe(201);
  return res.body.data.id;
}

describe("GET /v1/webhooks/{id}/deliveries", () => {
  it("logs each real event with 002's WebhookDelivery fields, before and after it is sent", async () => {
    const tenant = await newBusiness();
    const { id, secret } = await newWebhook(["cart.abandoned"], tenant.key);
    const bystander = await newWebhook(["order.paid"], tenant.key);
    const cartId = await abandonCart(tenant.key);

    const queued = await log(tenant.key, id);
    expect(queued.status).toBe(200);
    expect(queued.body.pagination).toEqual({ total: 1, limit: 20, offset: 0, hasMore: false });
    expect(queued.body.deliveries[0]).toEqual({
      id: expect.stringMatching(/^whd_/),
      webhookId: id,
      event: "cart.abandoned",
      eventId: expect.stringMatching(/^evt_/),
      status: "pending",
      attempts: 0,
      lastAttempt: null,
      nextRetry: expect.any(String),
      responseCode: null,
      responseBody: null,
      error: null,
      createdAt: expect.any(String),
      deliveredAt: null,
    });
    expect((await log(tenant.key, bystander.id)).body.deliveries).toEqual([]);

    await deliverFor(tenant.key);
    expect(receiver.received).toHaveLength(1);
    const [hit] = receiver.received;
    expect(hit!.json).toMatchObject({ id: queued.body.deliveries[0].eventId, type: "cart.abandoned", data: { cart: { id: cartId, status: "abandoned" } }, created: expect.any(Number) });
    expect(verifyWebhookSignature(hit!.body, hit!.headers["x-torque-signature"] as string, secret)).toBe(true);

    const sent = await log(tenant.key, id);
    expect(sent.body.deliveries[0]).toMatchObject({
      id: queued.body.deliveries[0].id,
      status: "delivered",
      attempts: 1,
      lastAttempt: expect.any(String),
      nextRetry: null,
      responseCode: 200,
      responseBody: "ok",
      deliveredAt: expect.any(String),
    });
    expect(sent.text).not.toContain(secret);
  });

  it("shows a failed attempt's code, truncated body and next retry; filters and paginates", async () => {
    const { id } = await newWebhook(["cart.abandoned"]);
    await abandonCart();
    await deliverFor(key);
    receiver.reply(500, "boom ".repeat(1000));
    await abandonCart();
    await abandonCart();
    await deliverFor(key);
    expect(receiver.received).toHaveLength(3);

    const all = await log(key, id);
    expect(all.body.pagination).toEqual({ total: 3, limit: 20, offset: 0, hasMore: false });
    expect(all.body.deliveries.map((d: { status: string }) => d.status)).toEqual(["pending", "pending", "delivered"]); // newest first
    const failed = all.body.deliveries[0];
    expect(failed).toMatchObject({ status: "pending", attempts: 1, responseCode: 500, deliveredAt: null });
    expect(failed.responseBody).toHaveLength(1024);
    expect(failed.responseBody.startsWith("boom boom")).toBe(true);
    expect(new Date(failed.nextRetry).getTime()).toBeGreaterThan(new Date(failed.lastAttempt).getTime() + 20_000); // 30 s ± 20%

    expect((await log(key, id, "?status=pending")).body.deliveries).toHaveLength(2);
    expect((await log(key, id, "?status=delivered")).body.deliveries.map((d: { status: string }) => d.status)).toEqual(["delivered"]);
    expect((await log(key, id, "?status=failed")).body).toEqual({ deliveries: [], pagination: { total: 0, limit: 20, offset: 0, hasMore: false } });
    const page = await log(key, id, "?limit=1&offset=1");
    expect(page.body.deliveries.map((d: { id: string }) => d.id)).toEqual([all.body.deliveries[1].id]);
    expect(page.body.pagination).toEqual({ total: 3, limit: 1, offset: 1, hasMore: true });
  });

  it("refuses bad parameters, naming them", async () => {
    const { id } = await newWebhook(["order.paid"]);
    for (const [query, field] of [
      ["?limit=0", "limit"],
      ["?limit=101", "limit"],
      ["?limit=ten", "limit"],
      ["?offset=-1", "offset"],
      ["?status=sent", "status"],
      ["?page=2", "page"],
    ]) {
      const res = await log(key, id, query);
      expect(res.status, query).toBe(400);
      expect(res.body.error, query).toMatchObject({ code: "INVALID_REQUEST", details: { field } });
    }
  });

  it("answers 404 for another business's webhook, like a missing one, and 401 without a key", async () => {
    const { id } = await newWebhook(["cart.abandoned"]);
    const other = await newBusiness();
    const foreign = await log(other.key, id);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: "WEBHOOK_NOT_FOUND", message: "Webhook not found" } });
    expect((await log(other.key, "wh_missing")).body).toEqual(foreign.body);
    expect((await log(null, id)).status).toBe(401);
  });
});
