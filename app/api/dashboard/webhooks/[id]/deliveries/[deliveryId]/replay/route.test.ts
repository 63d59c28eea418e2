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

const replay = (headers: Record<string, string>, id: string, deliveryId: string) =>
  call(POST, { method: "POST", path: `/api/dashboard/webhooks/${id}/deliveries/${deliveryId}/replay`, params: { id, deliveryId }, headers, body: {} });

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

async function failedDelivery(endpoint: WebhookEndpoint) {
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
      status: "failed",
      attempts: 11,
      lastAttemptAt: new Date(),
      responseCode: 503,
    })
    .returning();
  return row!;
}

const find = async (id: string) => {
  const db = await getDb();
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  return row!;
};

describe("POST /api/dashboard/webhooks/:id/deliveries/:deliveryId/replay", () => {
  it("queues the delivery again now, with a fresh retry schedule", async () => {
    const { business, endpoint } = await subscribed();
    const failed = await failedDelivery(endpoint);
    const admin = await staffSession(business.id, "admin");
    const res = await replay(asStaff(admin), endpoint.id, failed.id);
    expect(res.status).toBe(200);
    expect(res.body.data.delivery).toMatchObject({ id: failed.id, webhookId: endpoint.id, status: "pending", attempts: 0, nextRetry: expect.any(String) });
    expect(await find(failed.id)).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("answers 404 for a delivery of another endpoint of the same business", async () => {
    const { business, endpoint } = await subscribed();
    const other = await createEndpoint(business.id, { url: "http://127.0.0.1:9/other", events: ["order.paid"] });
    const failed = await failedDelivery(other);
    const admin = await staffSession(business.id, "admin");
    const res = await replay(asStaff(admin), endpoint.id, failed.id);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Delivery not found");
    expect((await find(failed.id)).status).toBe("failed");
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and the delivery stays failed", async (role) => {
    const { business, endpoint } = await subscribed();
    const failed = await failedDelivery(endpoint);
    const staff = await staffSession(business.id, role);
    expect((await replay(asStaff(staff), endpoint.id, failed.id)).status).toBe(403);
    expect((await find(failed.id)).status).toBe("failed");
  });

  it("refuses a cross-site replay with 403", async () => {
    const { business, endpoint } = await subscribed();
    const failed = await failedDelivery(endpoint);
    const owner = await staffSession(business.id, "owner");
    expect((await replay({ cookie: owner.cookie, origin: "https://evil.example" }, endpoint.id, failed.id)).status).toBe(403);
    expect((await find(failed.id)).status).toBe("failed");
  });

  it("answers 404 for another business's endpoint and delivery", async () => {
    const { endpoint } = await subscribed();
    const failed = await failedDelivery(endpoint);
    const { business: mine } = await newBusiness();
    const admin = await staffSession(mine.id, "admin");
    expect((await replay(asStaff(admin), endpoint.id, failed.id)).status).toBe(404);
    expect((await find(failed.id)).status).toBe("failed");
  });
});
