import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpoint, getEndpoint } from "@/lib/webhooks/endpoints";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { allowLoopbackWebhooks } from "@/lib/testing/webhook-receiver";
import { POST } from "./route";

const rotate = (headers: Record<string, string>, id: string) =>
  call(POST, { method: "POST", path: `/api/dashboard/webhooks/${id}/rotate`, params: { id }, headers });

let restore: () => void;
beforeAll(() => {
  restore = allowLoopbackWebhooks();
});
afterAll(() => restore());

async function subscribed() {
  const { business } = await newBusiness();
  const endpoint = await createEndpoint(business.id, { url: "http://127.0.0.1:9/hooks", events: ["order.paid"] });
  return { business, endpoint };
}

describe("POST /api/dashboard/webhooks/:id/rotate", () => {
  it("answers a new secret once; the old one keeps signing for 24 hours", async () => {
    const { business, endpoint } = await subscribed();
    const admin = await staffSession(business.id, "admin");
    const res = await rotate(asStaff(admin), endpoint.id);
    expect(res.status).toBe(200);
    const { secret, previousSecretExpiresAt } = res.body.data;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(endpoint.secret);
    const hours = (Date.parse(previousSecretExpiresAt) - Date.now()) / 3600e3;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const after = await getEndpoint(business.id, endpoint.id);
    expect(after).toMatchObject({ secret, previousSecret: endpoint.secret });
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and the secret stays", async (role) => {
    const { business, endpoint } = await subscribed();
    const staff = await staffSession(business.id, role);
    expect((await rotate(asStaff(staff), endpoint.id)).status).toBe(403);
    expect((await getEndpoint(business.id, endpoint.id)).secret).toBe(endpoint.secret);
  });

  it("refuses a cross-site rotation with 403", async () => {
    const { business, endpoint } = await subscribed();
    const owner = await staffSession(business.id, "owner");
    expect((await rotate({ cookie: owner.cookie, origin: "https://evil.example" }, endpoint.id)).status).toBe(403);
    expect((await getEndpoint(business.id, endpoint.id)).secret).toBe(endpoint.secret);
  });

  it("answers 404 for another business's endpoint", async () => {
    const { business, endpoint } = await subscribed();
    const { business: mine } = await newBusiness();
    const admin = await staffSession(mine.id, "admin");
    const res = await rotate(asStaff(admin), endpoint.id);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain("whsec_");
    expect((await getEndpoint(business.id, endpoint.id)).secret).toBe(endpoint.secret);
  });
});
