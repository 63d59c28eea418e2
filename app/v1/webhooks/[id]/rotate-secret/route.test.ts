import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { call, newBusiness, type CallResult } from "@/lib/testing/fixtures";
import { allowLoopbackWebhooks, startReceiver, verifyWebhookSignature } from "@/lib/testing/webhook-receiver";
import { GET as list, POST as create } from "../../route";
import { GET } from "../route";
import { POST as sendTest } from "../test/route";
import { POST } from "./route";

const auth = (key: string | null): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
const rotate = (key: string | null, id: string, body?: unknown) => call(POST, { method: "POST", path: `/v1/webhooks/${id}/rotate-secret`, params: { id }, body, headers: auth(key) });

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
});

afterAll(async () => {
  await receiver.close();
  restoreEnv();
});

async function newWebhook() {
  const res = await call(create, { path: "/v1/webhooks", body: { url: receiver.url, events: ["order.paid"] }, headers: auth(key) });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

describe("POST /v1/webhooks/{id}/rotate-secret", () => {
  it("answers a new secret once; both secrets sign during the 24 h grace period", async () => {
    const { id, secret: oldSecret } = await newWebhook();
    const before = Date.now();
    const res = await rotate(key, id);
    expect(res.status).toBe(200);
    const newSecret: string = res.body.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(res.text).not.toContain(oldSecret);
    const until = new Date(res.body.secretRotatedUntil).getTime();
    expect(until).toBeGreaterThanOrEqual(before + 24 * 3600e3);
    expect(until).toBeLessThan(Date.now() + 24 * 3600e3 + 1000);

    const later: CallResult[] = [await call(GET, { path: `/v1/webhooks/${id}`, params: { id }, headers: auth(key) }), await call(list, { path: "/v1/webhooks", headers: auth(key) })];
    expect(later[0]!.body).toMatchObject({ id, secretRotatedUntil: res.body.secretRotatedUntil });
    expect(later[0]!.body).not.toHaveProperty("secret");
    for (const r of later) {
      expect(r.text).not.toContain(newSecret);
      expect(r.text).not.toContain(oldSecret);
    }

    const test = await call(sendTest, { method: "POST", path: `/v1/webhooks/${id}/test`, params: { id }, headers: auth(key) });
    expect(test.body.delivery.status).toBe("delivered");
    expect(test.text).not.toContain(newSecret);
    const [hit] = receiver.received;
    const headers = hit!.headers as Record<string, string>;
    expect(verifyWebhookSignature(hit!.body, headers["x-torque-signature"]!, newSecret)).toBe(true);
    expect(verifyWebhookSignature(hit!.body, headers["x-cartback-signature-previous"]!, oldSecret)).toBe(true);
    const signatures = headers["webhook-signature"]!.split(" ");
    expect(signatures).toHaveLength(2);
    expect(signatures.every((s) => s.startsWith("v1,"))).toBe(true);
    // A receiver still on the old secret, and one already on the new, both verify.
    expect(new Webhook(newSecret).verify(hit!.body, headers)).toEqual(hit!.json);
    expect(new Webhook(oldSecret).verify(hit!.body, headers)).toEqual(hit!.json);
  });

  it("with gracePeriodHours 0 the old secret stops at once", async () => {
    const { id, secret: oldSecret } = await newWebhook();
    const res = await rotate(key, id, { gracePeriodHours: 0 });
    expect(res.status).toBe(200);
    expect(res.body.secretRotatedUntil).toBeNull();
    await call(sendTest, { method: "POST", path: `/v1/webhooks/${id}/test`, params: { id }, headers: auth(key) });
    const headers = receiver.received[0]!.headers as Record<string, string>;
    expect(headers["x-cartback-signature-previous"]).toBeUndefined();
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(verifyWebhookSignature(receiver.received[0]!.body, headers["x-torque-signature"]!, res.body.secret)).toBe(true);
    expect(() => new Webhook(oldSecret).verify(receiver.received[0]!.body, headers)).toThrow();
  });

  it("takes a grace period of up to 168 hours", async () => {
    const { id } = await newWebhook();
    const res = await rotate(key, id, { gracePeriodHours: 168 });
    expect(new Date(res.body.secretRotatedUntil).getTime() - Date.now()).toBeGreaterThan(167.9 * 3600e3);
    for (const [body, field] of [
      [{ gracePeriodHours: 169 }, "gracePeriodHours"],
      [{ gracePeriodHours: -1 }, "gracePeriodHours"],
      [{ gracePeriodHours: 1.5 }, "gracePeriodHours"],
      [{ gracePeriodHours: "24" }, "gracePeriodHours"],
      [{ secret: "mine-mine-mine" }, "secret"],
    ] as const) {
      const bad = await rotate(key, id, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error, JSON.stringify(body)).toMatchObject({ code: "INVALID_REQUEST", details: { field } });
    }
  });

  it("answers 404 for another business's webhook and 401 without a key", async () => {
    const { id } = await newWebhook();
    const other = await newBusiness();
    const res = await rotate(other.key, id);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: "WEBHOOK_NOT_FOUND", message: "Webhook not found" } });
    expect((await rotate(null, id)).status).toBe(401);
  });
});
