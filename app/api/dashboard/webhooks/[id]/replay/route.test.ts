import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { webhookDeliveries } from "@/db/schema";
import { newId } from "@/lib/ids";
import { createEndpoint, type WebhookEndpoint } from "@/lib/webhooks/endpoints";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { allowLoopbackWebhooks } from "@/lib/testing/webhook-receiver";
import { POST } from "./route";

const replay = (headers: Record<string, string>, id: string, body?: unknown) =>
  call(POST, { method: "POST", path: `/api/dashboard/webhooks/${id}/replay`, params: { id }, headers, body });

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

async function delivery(endpoint: WebhookEndpoint, status: "pending" | "delivered" | "failed", createdAt: string) {
  const db = await getDb();
  const [row] = await db
    .insert(webhookDeliveries)
    .values({
      id: newId("whd"),
      businessId: endpoint.businessId,
      endpointId: endpoint.id,
      eventId: newId("evt"),
      eventType: "order.paid",
      payload: "{}",
      status,
      attempts: status === "pending" ? 0 : 11,
      createdAt: new Date(createdAt),
    })
    .returning();
  return row!;
}

const statusOf = async (id: string) => {
  const db = await getDb();
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  return row!.status;
};

describe("POST /api/dashboard/webhooks/:id/replay", () => {
  it("queues again the failed deliveries created in [since, until), read as UTC", async () => {
    const { business, endpoint } = await subscribed();
    const admin = await staffSession(business.id, "admin");
    const early = await delivery(endpoint, "failed", "2026-03-01T09:59:00Z");
    const inside = await delivery(endpoint, "failed", "2026-03-01T10:00:00Z");
    const late = await delivery(endpoint, "failed", "2026-03-01T12:00:00Z");
    const delivered = await delivery(endpoint, "delivered", "2026-03-01T11:00:00Z");

    // What the dashboard's datetime-local inputs send: minutes, no zone.
    const res = await replay(asStaff(admin), endpoint.id, { since: "2026-03-01T10:00", until: "2026-03-01T12:00" });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ replayed: 1 });
    expect(await statusOf(inside.id)).toBe("pending");
    for (const d of [early, late]) expect(await statusOf(d.id)).toBe("failed");
    expect(await statusOf(delivered.id)).toBe("delivered");

    // No range (or no body): every failed delivery.
    expect((await replay(asStaff(admin), endpoint.id)).body.data).toEqual({ replayed: 2 });
    expect((await replay(asStaff(admin), endpoint.id, {})).body.data).toEqual({ replayed: 0 });
  });

  it.each([
    [{ since: "yesterday" }, "since"],
    [{ since: "2026-03-02T00:00Z", until: "2026-03-01T00:00Z" }, "until"],
    [{ from: "2026-03-01" }, "from"],
  ])("refuses %j with 422 naming %s", async (body, field) => {
    const { business, endpoint } = await subscribed();
    const owner = await staffSession(business.id, "owner");
    const res = await replay(asStaff(owner), endpoint.id, body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and nothing is queued", async (role) => {
    const { business, endpoint } = await subscribed();
    const failed = await delivery(endpoint, "failed", "2026-03-01T10:00:00Z");
    const staff = await staffSession(business.id, role);
    expect((await replay(asStaff(staff), endpoint.id, {})).status).toBe(403);
    expect(await statusOf(failed.id)).toBe("failed");
  });

  it("refuses a cross-site replay with 403", async () => {
    const { business, endpoint } = await subscribed();
    const failed = await delivery(endpoint, "failed", "2026-03-01T10:00:00Z");
    const owner = await staffSession(business.id, "owner");
    expect((await replay({ cookie: owner.cookie, origin: "https://evil.example" }, endpoint.id, {})).status).toBe(403);
    expect(await statusOf(failed.id)).toBe("failed");
  });

  it("answers 404 for another business's endpoint and queues nothing", async () => {
    const { endpoint } = await subscribed();
    const failed = await delivery(endpoint, "failed", "2026-03-01T10:00:00Z");
    const { business: mine } = await newBusiness();
    const admin = await staffSession(mine.id, "admin");
    expect((await replay(asStaff(admin), endpoint.id, {})).status).toBe(404);
    expect(await statusOf(failed.id)).toBe("failed");
  });
});
