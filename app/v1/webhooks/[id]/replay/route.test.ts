import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { newId } from "@/lib/ids";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { allowLoopbackWebhooks, startReceiver, deliverFor } from "@/lib/testing/webhook-receiver";
import { POST as create } from "../../route";
import { POST } from "./route";

const auth = (key: string | null): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
const replay = (key: string | null, id: string, body?: unknown) => call(POST, { method: "POST", path: `/v1/webhooks/${id}/replay`, params: { id }, body, headers: auth(key) });

let key: string;
let businessId: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = allowLoopbackWebhooks();
  receiver = await startReceiver();
  const tenant = await newBusiness();
  key = tenant.key;
  businessId = tenant.business.id;
});

beforeEach(() => {
  receiver.received.length = 0;
});

afterAll(async () => {
  await receiver.close();
  restoreEnv();
});

async function newWebhook(): Promise<string> {
  const res = await call(create, { path: "/v1/webhooks", body: { url: receiver.url, events: ["order.paid"] }, headers: auth(key) });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** Deliveries as the worker leaves them, created at the given instants. */
async function seedDeliveries(endpointId: string, rows: [createdAt: string, status: "pending" | "delivered" | "failed"][]) {
  const db = await getDb();
  const ids: string[] = [];
  for (const [createdAt, status] of rows) {
    const eventId = newId("evt");
    const id = newId("whd");
    ids.push(id);
    await db.insert(webhookDeliveries).values({
      id,
      businessId,
      endpointId,
      eventId,
      eventType: "order.paid",
      payload: JSON.stringify({ id: eventId, type: "order.paid", data: { order: { id: "order_x" } }, created: 0 }),
      status,
      attempts: status === "failed" ? 11 : 1,
      responseCode: status === "failed" ? 500 : 200,
      lastAttemptAt: new Date(createdAt),
      nextAttemptAt: status === "pending" ? new Date(Date.now() + 3600e3) : null,
      createdAt: new Date(createdAt),
    });
  }
  return ids;
}

async function statuses(ids: string[]) {
  const db = await getDb();
  const rows = await db.select().from(webhookDeliveries);
  return ids.map((id) => rows.find((r) => r.id === id)!.status);
}

describe("POST /v1/webhooks/{id}/replay", () => {
  it("queues again the failed deliveries created in [since, until), and only those", async () => {
    const id = await newWebhook();
    const ids = await seedDeliveries(id, [
      ["2024-01-01T00:00:00Z", "failed"],
      ["2024-01-02T12:00:00Z", "failed"],
      ["2024-01-02T13:00:00Z", "delivered"],
      ["2024-01-02T14:00:00Z", "pending"],
      ["2024-01-03T00:00:00Z", "failed"],
      ["2024-01-04T00:00:00Z", "failed"],
    ]);
    const elsewhere = await seedDeliveries(await newWebhook(), [["2024-01-02T12:00:00Z", "failed"]]);

    const window = await replay(key, id, { since: "2024-01-02T00:00:00Z", until: "2024-01-03T00:00:00Z" });
    expect(window.status).toBe(200);
    expect(window.body).toEqual({ replayed: 1 });
    expect(await statuses(ids)).toEqual(["failed", "pending", "delivered", "pending", "failed", "failed"]);

    // A date-only `until` includes that whole day; offsets are honoured.
    expect((await replay(key, id, { until: "2024-01-03" })).body).toEqual({ replayed: 2 });
    expect((await replay(key, id, { since: "2024-01-04T01:00:00+01:00" })).body).toEqual({ replayed: 1 });
    expect((await replay(key, id)).body).toEqual({ replayed: 0 });
    expect(await statuses(ids)).toEqual(["pending", "pending", "delivered", "pending", "pending", "pending"]);
    expect(await statuses(elsewhere)).toEqual(["failed"]);

    const db = await getDb();
    const [replayed] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, ids[0]!));
    expect(replayed).toMatchObject({ attempts: 0, status: "pending" });

    receiver.reply(200, "ok");
    await deliverFor(key);
    expect(receiver.received).toHaveLength(4); // the four replayed; the pending one is not due yet
    expect(await statuses(ids)).toEqual(["delivered", "delivered", "delivered", "pending", "delivered", "delivered"]);
  });

  it("without a body replays every failed delivery", async () => {
    const id = await newWebhook();
    await seedDeliveries(id, [
      ["2023-06-01T00:00:00Z", "failed"],
      ["2024-06-01T00:00:00Z", "failed"],
      ["2024-06-02T00:00:00Z", "delivered"],
    ]);
    const res = await call(POST, { method: "POST", path: `/v1/webhooks/${id}/replay`, params: { id }, headers: auth(key) });
    expect(res.body).toEqual({ replayed: 2 });
  });

  it("refuses bad ranges and unknown fields, naming them", async () => {
    const id = await newWebhook();
    for (const [body, field] of [
      [{ since: "yesterday" }, "since"],
      [{ until: "2024-02-30T00:00:00Z" }, "until"],
      [{ since: 1704067200 }, "since"],
      [{ since: "2024-01-02T00:00:00Z", until: "2024-01-01T00:00:00Z" }, "until"],
      [{ since: "2024-01-02T00:00:00Z", until: "2024-01-02T00:00:00Z" }, "until"],
      [{ status: "pending" }, "status"],
    ] as const) {
      const res = await replay(key, id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error, JSON.stringify(body)).toMatchObject({ code: "INVALID_REQUEST", details: { field } });
    }
  });

  it("answers 404 for another business's webhook, like a missing one, and 401 without a key", async () => {
    const id = await newWebhook();
    const [failed] = await seedDeliveries(id, [["2024-01-01T00:00:00Z", "failed"]]);
    const other = await newBusiness();
    const foreign = await replay(other.key, id);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: "WEBHOOK_NOT_FOUND", message: "Webhook not found" } });
    expect((await replay(other.key, "wh_missing")).body).toEqual(foreign.body);
    expect((await replay(null, id)).status).toBe(401);
    expect(await statuses([failed!])).toEqual(["failed"]);
  });
});
