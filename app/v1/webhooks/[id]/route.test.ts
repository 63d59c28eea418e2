import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { webhookEndpoints } from "@/db/schema";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { allowLoopbackWebhooks, startReceiver } from "@/lib/testing/webhook-receiver";
import { POST as create } from "../route";
import { DELETE, GET, PATCH } from "./route";

const auth = (key: string | null): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
const get = (key: string | null, id: string) => call(GET, { path: `/v1/webhooks/${id}`, params: { id }, headers: auth(key) });
const patch = (key: string | null, id: string, body: unknown) => call(PATCH, { method: "PATCH", path: `/v1/webhooks/${id}`, params: { id }, body, headers: auth(key) });
const del = (key: string | null, id: string) => call(DELETE, { method: "DELETE", path: `/v1/webhooks/${id}`, params: { id }, headers: auth(key) });

let key: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let restoreEnv: () => void;

async function newWebhook(body: Record<string, unknown> = {}) {
  const res = await call(create, { path: "/v1/webhooks", body: { url: receiver.url, events: ["cart.abandoned"], ...body }, headers: auth(key) });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string; updatedAt: string };
}

beforeAll(async () => {
  restoreEnv = allowLoopbackWebhooks();
  receiver = await startReceiver();
  key = (await newBusiness()).key;
});

afterAll(async () => {
  await receiver.close();
  restoreEnv();
});

describe("GET /v1/webhooks/{id}", () => {
  it("answers the webhook without its secret", async () => {
    const { id, secret } = await newWebhook({ description: "ERP" });
    const res = await get(key, id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, url: receiver.url, events: ["cart.abandoned"], description: "ERP", status: "active", secretRotatedUntil: null });
    expect(res.body).not.toHaveProperty("secret");
    expect(res.text).not.toContain(secret);
  });

  it("answers another business's webhook exactly like a missing one", async () => {
    const { id } = await newWebhook();
    const other = await newBusiness();
    const foreign = await get(other.key, id);
    const missing = await get(other.key, "wh_doesnotexist");
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: "WEBHOOK_NOT_FOUND", message: "Webhook not found" } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(foreign.body);
    expect((await patch(other.key, id, { events: ["order.paid"] })).body).toEqual(foreign.body);
    expect((await del(other.key, id)).body).toEqual(foreign.body);
    expect((await get(key, id)).body.events).toEqual(["cart.abandoned"]); // untouched
  });

  it("answers 401 without a key", async () => {
    const { id } = await newWebhook();
    for (const res of [await get(null, id), await patch(null, id, { status: "disabled" }), await del(null, id)]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("UNAUTHORIZED");
    }
  });
});

describe("PATCH /v1/webhooks/{id}", () => {
  it("changes events, url and description", async () => {
    const { id, secret, updatedAt } = await newWebhook();
    const res = await patch(key, id, { events: ["order.paid", "order.refunded"], url: "https://example.com/new", description: "Billing" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, events: ["order.paid", "order.refunded"], url: "https://example.com/new", description: "Billing", status: "active" });
    expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(updatedAt).getTime());
    expect(res.text).not.toContain(secret);
    expect((await get(key, id)).body).toMatchObject({ events: ["order.paid", "order.refunded"], url: "https://example.com/new" });
    expect((await patch(key, id, { description: null })).body.description).toBeNull();
  });

  it("disables and re-enables; re-enabling clears the reason", async () => {
    const { id } = await newWebhook();
    const disabled = await patch(key, id, { status: "disabled" });
    expect(disabled.body).toMatchObject({ status: "disabled", disabledReason: "Disabled by the merchant", disabledAt: expect.any(String) });
    const again = await patch(key, id, { status: "disabled" });
    expect(again.body.disabledAt).toBe(disabled.body.disabledAt); // disabling twice keeps the first time

    const enabled = await patch(key, id, { status: "active" });
    expect(enabled.body).toMatchObject({ status: "active", disabledReason: null, disabledAt: null, failingSince: null });

    // Disabled by the engine (410 Gone after failing for a while): re-enabling clears all of it.
    const db = await getDb();
    const at = new Date("2024-01-15T10:00:00Z");
    await db.update(webhookEndpoints).set({ status: "disabled", disabledReason: "The endpoint answered 410 Gone", disabledAt: at, failingSince: at }).where(eq(webhookEndpoints.id, id));
    expect((await get(key, id)).body).toMatchObject({ status: "disabled", disabledReason: "The endpoint answered 410 Gone", disabledAt: at.toISOString(), failingSince: at.toISOString() });
    expect((await patch(key, id, { status: "active" })).body).toMatchObject({ status: "active", disabledReason: null, disabledAt: null, failingSince: null });
  });

  it("refuses bad changes, naming the field", async () => {
    const { id } = await newWebhook();
    const cases: [unknown, string][] = [
      [{ events: ["order.shipped"] }, "events[0]"],
      [{ events: [] }, "events"],
      [{ url: "http://169.254.169.254/" }, "url"],
      [{ url: "nope" }, "url"],
      [{ status: "paused" }, "status"],
      [{ secret: "new-secret-123" }, "secret"],
      [{}, "body"],
    ];
    for (const [body, field] of cases) {
      const res = await patch(key, id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error, JSON.stringify(body)).toMatchObject({ code: "INVALID_REQUEST", details: { field } });
    }
    expect((await get(key, id)).body).toMatchObject({ url: receiver.url, events: ["cart.abandoned"] });
  });
});

describe("DELETE /v1/webhooks/{id}", () => {
  it("deletes; the webhook is then 404", async () => {
    const { id } = await newWebhook();
    const res = await del(key, id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, deleted: true });
    expect((await get(key, id)).body.error.code).toBe("WEBHOOK_NOT_FOUND");
    expect((await del(key, id)).status).toBe(404);
  });
});
