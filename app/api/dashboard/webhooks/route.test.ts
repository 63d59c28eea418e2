import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { allowLoopbackWebhooks } from "@/lib/testing/webhook-receiver";
import { POST } from "./route";

const create = (headers: Record<string, string>, body: unknown) => call(POST, { path: "/api/dashboard/webhooks", headers, body });
const URL = "http://127.0.0.1:9/hooks";

let restore: () => void;
beforeAll(() => {
  restore = allowLoopbackWebhooks();
});
afterAll(() => restore());

describe("POST /api/dashboard/webhooks", () => {
  it("subscribes a URL and shows the signing secret once, outside the webhook", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    const res = await create(asStaff(admin), { url: URL, events: ["order.paid", "cart.abandoned", "order.paid"], description: " Fulfilment " });
    expect(res.status).toBe(201);
    const { webhook, secret } = res.body.data;
    expect(secret).toMatch(/^whsec_/);
    expect(webhook).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      url: URL,
      events: ["order.paid", "cart.abandoned"],
      description: "Fulfilment",
      status: "active",
      disabledReason: null,
    });
    expect(webhook).not.toHaveProperty("secret");
    expect(JSON.stringify(webhook)).not.toContain(secret);
    const [listed] = await listEndpoints(business.id);
    expect(listed).toMatchObject({ id: webhook.id, secret });
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and nothing is subscribed", async (role) => {
    const { business } = await newBusiness();
    const staff = await staffSession(business.id, role);
    expect((await create(asStaff(staff), { url: URL, events: ["order.paid"] })).status).toBe(403);
    expect(await listEndpoints(business.id)).toHaveLength(0);
  });

  it("refuses cross-site requests with 403", async () => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    expect((await create({ cookie: owner.cookie }, { url: URL, events: ["order.paid"] })).status).toBe(403);
    expect((await create({ cookie: owner.cookie, origin: "https://evil.example" }, { url: URL, events: ["order.paid"] })).status).toBe(403);
    expect(await listEndpoints(business.id)).toHaveLength(0);
  });

  it("refuses a loopback URL unless the operator allows the range", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    restore();
    try {
      const res = await create(asStaff(admin), { url: URL, events: ["order.paid"] });
      expect(res.status).toBe(422);
      expect(res.body.error.details.field).toBe("url");
      expect(res.body.error.message).toMatch(/private or internal/);
    } finally {
      restore = allowLoopbackWebhooks();
    }
    expect(await listEndpoints(business.id)).toHaveLength(0);
  });

  it.each([
    [{ events: ["order.paid"] }, "url"],
    [{ url: "not a url", events: ["order.paid"] }, "url"],
    [{ url: "ftp://example.com/hooks", events: ["order.paid"] }, "url"],
    [{ url: URL }, "events"],
    [{ url: URL, events: [] }, "events"],
    [{ url: URL, events: ["order.shipped"] }, "events[0]"],
    [{ url: URL, events: ["order.paid"], secret: "my-own-secret" }, "secret"],
  ])("refuses %j with 422 naming %s", async (body, field) => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const res = await create(asStaff(owner), body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
  });
});
