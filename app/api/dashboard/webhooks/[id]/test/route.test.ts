import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpoint, listDeliveries } from "@/lib/webhooks/endpoints";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { allowLoopbackWebhooks, startReceiver } from "@/lib/testing/webhook-receiver";
import { POST } from "./route";

const sendTest = (headers: Record<string, string>, id: string) =>
  call(POST, { method: "POST", path: `/api/dashboard/webhooks/${id}/test`, params: { id }, headers, body: {} });

let restore: () => void;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  restore = allowLoopbackWebhooks();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  restore();
});

async function subscribed() {
  const { business } = await newBusiness();
  const endpoint = await createEndpoint(business.id, { url: receiver.url, events: ["order.paid"] });
  return { business, endpoint };
}

describe("POST /api/dashboard/webhooks/:id/test", () => {
  it("sends a webhook.test event and reports the endpoint's answer", async () => {
    const { business, endpoint } = await subscribed();
    const admin = await staffSession(business.id, "admin");
    receiver.reply(200, "thanks");
    const before = receiver.received.length;
    const res = await sendTest(asStaff(admin), endpoint.id);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ deliveryId: expect.stringMatching(/^whd_/), status: "delivered", responseCode: 200, error: null });
    expect(receiver.received.length).toBe(before + 1);
    expect(receiver.received.at(-1)!.json).toMatchObject({ type: "webhook.test", data: { webhookId: endpoint.id } });
    const { deliveries } = await listDeliveries(business.id, endpoint.id, { limit: 10, offset: 0 });
    expect(deliveries.map((d) => d.id)).toEqual([res.body.data.deliveryId]);
  });

  it("reports a failing endpoint's status code without retrying the test", async () => {
    const { business, endpoint } = await subscribed();
    const admin = await staffSession(business.id, "admin");
    receiver.reply(500, "boom");
    try {
      const res = await sendTest(asStaff(admin), endpoint.id);
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ status: "failed", responseCode: 500 });
    } finally {
      receiver.reply(200, "ok");
    }
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and nothing is sent", async (role) => {
    const { business, endpoint } = await subscribed();
    const staff = await staffSession(business.id, role);
    const before = receiver.received.length;
    expect((await sendTest(asStaff(staff), endpoint.id)).status).toBe(403);
    expect(receiver.received.length).toBe(before);
  });

  it("refuses a cross-site request with 403", async () => {
    const { business, endpoint } = await subscribed();
    const owner = await staffSession(business.id, "owner");
    const before = receiver.received.length;
    expect((await sendTest({ cookie: owner.cookie, origin: "https://evil.example" }, endpoint.id)).status).toBe(403);
    expect(receiver.received.length).toBe(before);
  });

  it("answers 404 for another business's endpoint and sends nothing", async () => {
    const { endpoint } = await subscribed();
    const { business: mine } = await newBusiness();
    const admin = await staffSession(mine.id, "admin");
    const before = receiver.received.length;
    expect((await sendTest(asStaff(admin), endpoint.id)).status).toBe(404);
    expect(receiver.received.length).toBe(before);
  });
});
