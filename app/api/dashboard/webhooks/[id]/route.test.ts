import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpoint, getEndpoint, listEndpoints } from "@/lib/webhooks/endpoints";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { allowLoopbackWebhooks } from "@/lib/testing/webhook-receiver";
import { DELETE, PATCH } from "./route";

const path = (id: string) => `/api/dashboard/webhooks/${id}`;
const patch = (headers: Record<string, string>, id: string, body: unknown) => call(PATCH, { method: "PATCH", path: path(id), params: { id }, headers, body });
const remove = (headers: Record<string, string>, id: string) => call(DELETE, { method: "DELETE", path: path(id), params: { id }, headers });

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

describe("PATCH /api/dashboard/webhooks/:id", () => {
  it("changes the events, and disables and re-enables the endpoint", async () => {
    const { business, endpoint } = await subscribed();
    const admin = await staffSession(business.id, "admin");

    const changed = await patch(asStaff(admin), endpoint.id, { events: ["cart.abandoned", "order.refunded"] });
    expect(changed.status).toBe(200);
    expect(changed.body.data.webhook).toMatchObject({ id: endpoint.id, events: ["cart.abandoned", "order.refunded"], status: "active" });
    expect(changed.body.data.webhook).not.toHaveProperty("secret");

    const disabled = await patch(asStaff(admin), endpoint.id, { status: "disabled" });
    expect(disabled.body.data.webhook).toMatchObject({ status: "disabled", disabledReason: "Disabled by the merchant", disabledAt: expect.any(String) });

    const enabled = await patch(asStaff(admin), endpoint.id, { status: "active" });
    expect(enabled.body.data.webhook).toMatchObject({ status: "active", disabledReason: null, disabledAt: null, failingSince: null });
  });

  it.each([
    [{}, "body"],
    [{ status: "paused" }, "status"],
    [{ events: [] }, "events"],
    [{ secret: "whsec_mine12345" }, "secret"],
    [{ url: "http://10.0.0.1/hooks" }, "url"],
  ])("refuses %j with 422 naming %s", async (body, field) => {
    const { business, endpoint } = await subscribed();
    const owner = await staffSession(business.id, "owner");
    const res = await patch(asStaff(owner), endpoint.id, body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and the endpoint is unchanged", async (role) => {
    const { business, endpoint } = await subscribed();
    const staff = await staffSession(business.id, role);
    expect((await patch(asStaff(staff), endpoint.id, { status: "disabled" })).status).toBe(403);
    expect((await getEndpoint(business.id, endpoint.id)).status).toBe("active");
  });

  it("refuses a cross-site change with 403", async () => {
    const { business, endpoint } = await subscribed();
    const owner = await staffSession(business.id, "owner");
    expect((await patch({ cookie: owner.cookie, origin: "https://evil.example" }, endpoint.id, { status: "disabled" })).status).toBe(403);
    expect((await patch({ cookie: owner.cookie }, endpoint.id, { status: "disabled" })).status).toBe(403);
    expect((await getEndpoint(business.id, endpoint.id)).status).toBe("active");
  });

  it("answers 404 for another business's endpoint and an unknown one", async () => {
    const { endpoint } = await subscribed();
    const { business: mine } = await newBusiness();
    const admin = await staffSession(mine.id, "admin");
    const res = await patch(asStaff(admin), endpoint.id, { status: "disabled" });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Webhook not found");
    expect((await patch(asStaff(admin), "wh_doesnotexist", { status: "disabled" })).status).toBe(404);
    expect((await getEndpoint(endpoint.businessId, endpoint.id)).status).toBe("active");
  });
});

describe("DELETE /api/dashboard/webhooks/:id", () => {
  it("deletes the endpoint; a second delete answers 404", async () => {
    const { business, endpoint } = await subscribed();
    const admin = await staffSession(business.id, "admin");
    const res = await remove(asStaff(admin), endpoint.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id: endpoint.id, deleted: true } });
    expect(await listEndpoints(business.id)).toHaveLength(0);
    expect((await remove(asStaff(admin), endpoint.id)).status).toBe(404);
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and the endpoint stays", async (role) => {
    const { business, endpoint } = await subscribed();
    const staff = await staffSession(business.id, role);
    expect((await remove(asStaff(staff), endpoint.id)).status).toBe(403);
    expect(await listEndpoints(business.id)).toHaveLength(1);
  });

  it("refuses a cross-site delete with 403", async () => {
    const { business, endpoint } = await subscribed();
    const owner = await staffSession(business.id, "owner");
    expect((await remove({ cookie: owner.cookie, origin: "https://evil.example" }, endpoint.id)).status).toBe(403);
    expect(await listEndpoints(business.id)).toHaveLength(1);
  });

  it("answers 404 for another business's endpoint, which stays", async () => {
    const { business, endpoint } = await subscribed();
    const { business: mine } = await newBusiness();
    const owner = await staffSession(mine.id, "owner");
    expect((await remove(asStaff(owner), endpoint.id)).status).toBe(404);
    expect(await listEndpoints(business.id)).toHaveLength(1);
  });
});
