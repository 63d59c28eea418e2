import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as createCart } from "@/app/api/carts/route";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { allowLoopbackWebhooks, startReceiver, deliverFor } from "@/lib/testing/webhook-receiver";
import { POST as create } from "../../../../route";
import { PATCH } from "../../../route";
import { GET as log } from "../../route";
import { POST } from "./route";

const auth = (key: string | null): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
const replay = (key: string | null, id: string, deliveryId: string, body?: unknown) =>
  call(POST, { method: "POST", path: `/v1/webhooks/${id}/deliveries/${deliveryId}/replay`, params: { id, deliveryId }, body, headers: auth(key) });

let key: string;
const deliveries = async (id: string) => (await call(log, { path: `/v1/webhooks/${id}/deliveries`, params: { id }, headers: auth(key) })).body.deliveries;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = allowLoopbackWebhooks();
  receiver = await startReceiver();
});

beforeEach(async () => {
  key = (await newBusiness()).key; // a business per test, so only this test's webhooks get its carts' events
  receiver.received.length = 0;
  receiver.reply(200, "ok");
});

afterAll(async () => {
  await receiver.close();
  restoreEnv();
});

/** A webhook for cart.abandoned with one delivered event. */
async function deliveredOnce() {
  const res = await call(create, { path: "/v1/webhooks", body: { url: receiver.url, events: ["cart.abandoned"] }, headers: auth(key) });
  expect(res.status).toBe(201);
  expect((await call(createCart, { key, path: "/api/carts", body: seedCart })).status).toBe(201);
  await deliverFor(key);
  const [delivery] = await deliveries(res.body.id);
  expect(delivery.status).toBe("delivered");
  const first = receiver.received.find((r) => r.headers["webhook-id"] === delivery.eventId)!;
  expect(first).toBeDefined();
  receiver.received.length = 0;
  return { id: res.body.id as string, delivery, first };
}

describe("POST /v1/webhooks/{id}/deliveries/{deliveryId}/replay", () => {
  it("queues the delivery again; the receiver gets the same event (same webhook-id) twice", async () => {
    const { id, delivery, first } = await deliveredOnce();
    const res = await replay(key, id, delivery.id);
    expect(res.status).toBe(200);
    expect(res.body.delivery).toMatchObject({ id: delivery.id, webhookId: id, eventId: delivery.eventId, status: "pending", attempts: 0, nextRetry: expect.any(String), deliveredAt: null });
    expect(new Date(res.body.delivery.nextRetry).getTime()).toBeLessThanOrEqual(Date.now());

    await deliverFor(key);
    expect(receiver.received).toHaveLength(1);
    const [second] = receiver.received;
    expect(second!.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(second!.headers["webhook-id"]).toBe(delivery.eventId);
    expect(second!.body).toBe(first.body); // the payload fixed when the event happened
    const [after] = await deliveries(id);
    expect(after).toMatchObject({ id: delivery.id, status: "delivered", attempts: 1, responseCode: 200, nextRetry: null });
  });

  it("waits while the webhook is disabled and goes out once it is enabled again", async () => {
    const { id, delivery } = await deliveredOnce();
    const patch = (status: string) => call(PATCH, { method: "PATCH", path: `/v1/webhooks/${id}`, params: { id }, body: { status }, headers: auth(key) });
    await patch("disabled");
    expect((await replay(key, id, delivery.id)).body.delivery.status).toBe("pending");
    await deliverFor(key);
    expect(receiver.received).toHaveLength(0);
    await patch("active");
    await deliverFor(key);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers["webhook-id"]).toBe(delivery.eventId);
  });

  it("answers 404 for unknown deliveries, another webhook's delivery and another business's webhook", async () => {
    const { id, delivery } = await deliveredOnce();
    const { id: otherWebhook } = await deliveredOnce();
    const missing = await replay(key, id, "whd_missing");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: "DELIVERY_NOT_FOUND", message: "Delivery not found" } });
    expect((await replay(key, otherWebhook, delivery.id)).body).toEqual(missing.body);

    const other = await newBusiness();
    const foreign = await replay(other.key, id, delivery.id);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: "WEBHOOK_NOT_FOUND", message: "Webhook not found" } });
    expect((await replay(null, id, delivery.id)).status).toBe(401);
    expect((await deliveries(id))[0].status).toBe("delivered"); // untouched
  });

  it("refuses a body with fields", async () => {
    const { id, delivery } = await deliveredOnce();
    const res = await replay(key, id, delivery.id, { force: true });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "INVALID_REQUEST", details: { field: "force" } });
  });
});
