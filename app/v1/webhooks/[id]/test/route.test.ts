import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { allowLoopbackWebhooks, startReceiver, verifyWebhookSignature } from "@/lib/testing/webhook-receiver";
import { POST as create } from "../../route";
import { GET as deliveries } from "../deliveries/route";
import { POST } from "./route";

const auth = (key: string | null): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
const sendTest = (key: string | null, id: string, body?: unknown) => call(POST, { method: "POST", path: `/v1/webhooks/${id}/test`, params: { id }, body, headers: auth(key) });

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

async function newWebhook(body: Record<string, unknown> = {}) {
  const res = await call(create, { path: "/v1/webhooks", body: { url: receiver.url, events: ["order.paid"], ...body }, headers: auth(key) });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

describe("POST /v1/webhooks/{id}/test", () => {
  it("sends a signed webhook.test event and answers the delivery", async () => {
    const { id, secret } = await newWebhook();
    const res = await sendTest(key, id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      delivery: {
        id: expect.stringMatching(/^whd_/),
        webhookId: id,
        event: "webhook.test",
        eventId: expect.stringMatching(/^evt_/),
        status: "delivered",
        attempts: 1,
        lastAttempt: expect.any(String),
        nextRetry: null,
        responseCode: 200,
        responseBody: "ok",
        error: null,
        createdAt: expect.any(String),
        deliveredAt: expect.any(String),
      },
    });
    expect(res.text).not.toContain(secret);

    expect(receiver.received).toHaveLength(1);
    const [hit] = receiver.received;
    expect(hit!.json).toEqual({ id: res.body.delivery.eventId, type: "webhook.test", data: { webhookId: id, message: expect.any(String) }, created: expect.any(Number) });
    expect(hit!.headers["content-type"]).toBe("application/json");
    // Seed 000's snippet, run by the receiver on the raw body.
    expect(verifyWebhookSignature(hit!.body, hit!.headers["x-torque-signature"] as string, secret)).toBe(true);
    expect(verifyWebhookSignature(hit!.body, hit!.headers["x-torque-signature"] as string, "another secret")).toBe(false);
    expect(hit!.headers["x-cartback-signature"]).toBe(hit!.headers["x-torque-signature"]);
    expect(hit!.headers["x-cartback-signature-previous"]).toBeUndefined();
    // Standard Webhooks, with its reference library.
    expect(hit!.headers["webhook-id"]).toBe(res.body.delivery.eventId);
    expect(new Webhook(secret).verify(hit!.body, hit!.headers as Record<string, string>)).toEqual(hit!.json);

    const log = await call(deliveries, { path: `/v1/webhooks/${id}/deliveries`, params: { id }, headers: auth(key) });
    expect(log.body.deliveries).toEqual([res.body.delivery]);
  });

  it("signs with a merchant's own secret as given (000) and as raw bytes (Standard Webhooks)", async () => {
    const { id } = await newWebhook({ secret: "your_webhook_secret" });
    expect((await sendTest(key, id)).body.delivery.status).toBe("delivered");
    const [hit] = receiver.received;
    expect(verifyWebhookSignature(hit!.body, hit!.headers["x-torque-signature"] as string, "your_webhook_secret")).toBe(true);
    expect(new Webhook("your_webhook_secret", { format: "raw" }).verify(hit!.body, hit!.headers as Record<string, string>)).toEqual(hit!.json);
  });

  it("answers 200 when the receiver fails; the delivery says so (a test is sent once, not retried)", async () => {
    const { id } = await newWebhook();
    receiver.reply(503, "maintenance");
    const res = await sendTest(key, id);
    expect(res.status).toBe(200);
    expect(res.body.delivery).toMatchObject({ status: "failed", attempts: 1, responseCode: 503, responseBody: "maintenance", nextRetry: null, deliveredAt: null });

    receiver.reply(302, "");
    const redirect = await sendTest(key, id);
    expect(redirect.body.delivery).toMatchObject({ status: "failed", responseCode: 302, error: "redirects are not followed" });
    expect(receiver.received).toHaveLength(2); // the redirect was not followed

    receiver.reply(200, "x".repeat(5000));
    const long = await sendTest(key, id);
    expect(long.body.delivery.responseBody).toHaveLength(1024); // truncated
  });

  it("reports an unreachable receiver without failing the request", async () => {
    const closed = await startReceiver();
    await closed.close();
    const { id } = await newWebhook({ url: closed.url });
    const res = await sendTest(key, id);
    expect(res.status).toBe(200);
    expect(res.body.delivery).toMatchObject({ status: "failed", attempts: 1, responseCode: null, error: expect.stringContaining("ECONNREFUSED") });
  });

  it("tests a disabled webhook too", async () => {
    const { id } = await newWebhook();
    const { PATCH } = await import("../route");
    await call(PATCH, { method: "PATCH", path: `/v1/webhooks/${id}`, params: { id }, body: { status: "disabled" }, headers: auth(key) });
    expect((await sendTest(key, id)).body.delivery.status).toBe("delivered");
    expect(receiver.received).toHaveLength(1);
  });

  it("refuses a body with fields, another business's webhook and a missing key", async () => {
    const { id } = await newWebhook();
    const withBody = await sendTest(key, id, { event: "order.paid" });
    expect(withBody.status).toBe(400);
    expect(withBody.body.error.details.field).toBe("event");
    expect((await sendTest(key, id, {})).status).toBe(200);

    const other = await newBusiness();
    const foreign = await sendTest(other.key, id);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: "WEBHOOK_NOT_FOUND", message: "Webhook not found" } });
    expect((await sendTest(null, id)).status).toBe(401);
    expect(receiver.received).toHaveLength(1); // only the {} one
  });
});
