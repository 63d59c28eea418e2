import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_EVENTS } from "@/db/schema";
import { call, newBusiness, type CallResult } from "@/lib/testing/fixtures";
import { allowLoopbackWebhooks, startReceiver } from "@/lib/testing/webhook-receiver";
import { GET as getOne } from "./[id]/route";
import { GET, POST } from "./route";

const auth = (key: string | null): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});
const create = (key: string | null, body: unknown) => call(POST, { path: "/v1/webhooks", body, headers: auth(key) });
const list = (key: string | null) => call(GET, { path: "/v1/webhooks", headers: auth(key) });

let key: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = allowLoopbackWebhooks();
  receiver = await startReceiver();
  key = (await newBusiness()).key;
});

afterAll(async () => {
  await receiver.close();
  restoreEnv();
});

describe("POST /v1/webhooks", () => {
  it("000's example: subscribes with the merchant's secret, shown in this answer", async () => {
    const res = await create(key, { url: receiver.url, events: ["order.created", "order.paid", "order.completed"], secret: "your_webhook_secret" });
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty("success");
    expect(res.body).toEqual({
      id: expect.stringMatching(/^wh_/),
      url: receiver.url,
      events: ["order.created", "order.paid", "order.completed"],
      description: null,
      status: "active",
      disabledReason: null,
      disabledAt: null,
      failingSince: null,
      secretRotatedUntil: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      secret: "your_webhook_secret",
    });
  });

  it("generates a whsec_ secret when none is given; it is never shown again", async () => {
    const res = await create(key, { url: receiver.url, events: ["cart.abandoned", "cart.abandoned", "cart.recovered"], description: "CRM sync" });
    expect(res.status).toBe(201);
    const { id, secret } = res.body;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(res.body.events).toEqual(["cart.abandoned", "cart.recovered"]);
    expect(res.body.description).toBe("CRM sync");

    const later: CallResult[] = [await list(key), await call(getOne, { path: `/v1/webhooks/${id}`, params: { id }, headers: auth(key) })];
    expect(later[0]!.body.webhooks.find((w: { id: string }) => w.id === id)).not.toHaveProperty("secret");
    expect(later[1]!.status).toBe(200);
    expect(later[1]!.body).not.toHaveProperty("secret");
    for (const res of later) expect(res.text).not.toContain(secret);
  });

  it("accepts a merchant's own whsec_ secret", async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    const res = await create(key, { url: "https://example.com/std", events: ["order.paid"], secret });
    expect(res.status).toBe(201);
    expect(res.body.secret).toBe(secret);
  });

  it("accepts every documented event type", async () => {
    const res = await create(key, { url: "https://example.com/all", events: [...WEBHOOK_EVENTS] });
    expect(res.status).toBe(201);
    expect(res.body.events).toEqual([...WEBHOOK_EVENTS]);
  });

  it("refuses an unknown event type, naming it", async () => {
    const res = await create(key, { url: "https://example.com/hook", events: ["order.paid", "order.shipped"] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "INVALID_REQUEST", details: { field: "events[1]", reason: expect.stringContaining("must be one of cart.abandoned") } });
    expect((await create(key, { url: "https://example.com/hook", events: [] })).body.error.details.field).toBe("events");
    expect((await create(key, { url: "https://example.com/hook", events: "order.paid" })).body.error.details.field).toBe("events");
    expect((await create(key, { url: "https://example.com/hook" })).body.error.details.field).toBe("events");
  });

  it("refuses private, loopback and link-local URLs when no range is allowed", async () => {
    const restore = allowLoopbackWebhooks("");
    try {
      for (const url of ["http://127.0.0.1/", "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://2130706433/", "http://0x7f.1/", "http://10.0.0.5/", "http://[::ffff:127.0.0.1]/", "http://localhost:3000/", receiver.url]) {
        const res = await create(key, { url, events: ["order.paid"] });
        expect(res.status, url).toBe(400);
        expect(res.body.error, url).toMatchObject({ code: "INVALID_REQUEST", details: { field: "url" } });
      }
    } finally {
      restore();
    }
    const refused = await create(key, { url: "http://169.254.169.254/", events: ["order.paid"] });
    expect(refused.status).toBe(400); // the allowed loopback range does not open link-local
    expect(refused.body.error.details).toEqual({ field: "url", reason: expect.stringContaining("linkLocal") });
  });

  it("refuses bad URLs, secrets and unknown fields, naming each", async () => {
    const cases: [unknown, string][] = [
      [{ url: "not a url", events: ["order.paid"] }, "url"],
      [{ url: "ftp://example.com/x", events: ["order.paid"] }, "url"],
      [{ url: "https://user:pass@example.com/x", events: ["order.paid"] }, "url"],
      [{ events: ["order.paid"] }, "url"],
      [{ url: "https://example.com/x", events: ["order.paid"], secret: "short" }, "secret"],
      [{ url: "https://example.com/x", events: ["order.paid"], secret: "x".repeat(257) }, "secret"],
      [{ url: "https://example.com/x", events: ["order.paid"], secret: "has spaces in it" }, "secret"],
      [{ url: "https://example.com/x", events: ["order.paid"], secret: "whsec_not-base64!" }, "secret"],
      [{ url: "https://example.com/x", events: ["order.paid"], secret: "whsec_c2hvcnQ=" }, "secret"],
      [{ url: "https://example.com/x", events: ["order.paid"], dialect: "twig" }, "dialect"],
      [{ url: "https://example.com/x", events: ["order.paid"], description: "d".repeat(501) }, "description"],
    ];
    for (const [body, field] of cases) {
      const res = await create(key, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error, JSON.stringify(body)).toMatchObject({ code: "INVALID_REQUEST", details: { field } });
    }
    const text = await call(POST, { path: "/v1/webhooks", rawBody: "{", headers: { ...auth(key), "content-type": "application/json" } });
    expect(text.body.error).toMatchObject({ code: "INVALID_REQUEST", details: { field: "body" } });
  });

  it("answers 401 in 000's shape without a key", async () => {
    const res = await create(null, { url: "https://example.com/x", events: ["order.paid"] });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String) } });
    expect((await list(null)).status).toBe(401);
  });
});

describe("GET /v1/webhooks", () => {
  it("lists the business's own endpoints, newest first, without secrets", async () => {
    const tenant = await newBusiness();
    const first = await create(tenant.key, { url: "https://example.com/a", events: ["order.paid"] });
    const second = await create(tenant.key, { url: "https://example.com/b", events: ["cart.expired"] });
    const res = await list(tenant.key);
    expect(res.status).toBe(200);
    expect(res.body.webhooks.map((w: { id: string }) => w.id)).toEqual([second.body.id, first.body.id]);
    expect(res.body.webhooks[0]).toMatchObject({ url: "https://example.com/b", events: ["cart.expired"], status: "active" });
    for (const w of res.body.webhooks) expect(w).not.toHaveProperty("secret");
    expect(res.text).not.toContain(first.body.secret);
    expect(res.text).not.toContain(second.body.secret);
    expect((await list((await newBusiness()).key)).body).toEqual({ webhooks: [] });
  });
});
