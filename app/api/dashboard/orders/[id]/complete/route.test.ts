import { beforeAll, describe, expect, it } from "vitest";
import type { Business } from "@/lib/auth/api-keys";
import { createCheckoutSession } from "@/lib/checkout/service";
import { getOrderDetail } from "@/lib/orders/detail";
import { getOrder } from "@/lib/orders/queries";
import { placeOrder } from "@/lib/orders/service";
import { payTestSession, startOrderPaymentSession } from "@/lib/payments/checkout";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession, TEST_ORIGIN } from "@/lib/testing/staff";
import { fullRequest } from "@/lib/torque/validation";
import { POST } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;
let shop: Business;
let agent: Session;
let viewer: Session;

const customer = { email: "jane@example.com", firstName: "Jane", lastName: "Doe" };

/** A pending order the way a customer makes one: 001's generate-link body, then the hosted page's confirm. */
async function pendingOrder(business = shop) {
  const body = fullRequest.parse({
    businessId: business.id,
    cart: { items: [{ productId: "prod_abc", quantity: 2, price: 10 }] },
    customerData: customer,
  });
  const { session } = await createCheckoutSession(business, body);
  return placeOrder(session.id, customer);
}

/** A processing order: pending, then paid through the test-mode checkout. */
async function paidOrder(business = shop) {
  const order = await pendingOrder(business);
  const url = await startOrderPaymentSession(order, [{ label: "prod_abc", quantity: 2, unitPriceMinor: 1000n }], null);
  await payTestSession(url.split("/").pop()!);
  return order;
}

const complete = (id: string, headers: Record<string, string>) =>
  call(POST, { method: "POST", path: `/api/dashboard/orders/${id}/complete`, params: { id }, headers });
const statusOf = async (id: string, businessId = shop.id) => (await getOrder(businessId, id))?.status;

beforeAll(async () => {
  ({ business: shop } = await newBusiness());
  [agent, viewer] = await Promise.all([staffSession(shop.id, "agent"), staffSession(shop.id, "viewer")]);
});

describe("POST /api/dashboard/orders/:id/complete", () => {
  it("an agent completes a paid (processing) order", async () => {
    const order = await paidOrder();
    expect(await statusOf(order.id)).toBe("processing");
    const res = await complete(order.id, asStaff(agent));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id: order.id, status: "completed" } });
    const detail = (await getOrderDetail(shop.id, order.id))!;
    expect(detail.order.completedAt).toBeInstanceOf(Date);
    expect(detail.timeline.map((e) => e.type)).toEqual(["checkout.created", "order.created", "order.paid", "order.completed"]);
  });

  it("answers 409 for a pending order and leaves it pending", async () => {
    const order = await pendingOrder();
    const res = await complete(order.id, asStaff(agent));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "CONFLICT", details: { field: "status" } });
    expect(await statusOf(order.id)).toBe("pending");
  });

  it("answers 409 when completing twice", async () => {
    const order = await paidOrder();
    expect((await complete(order.id, asStaff(agent))).status).toBe(200);
    expect((await complete(order.id, asStaff(agent))).status).toBe(409);
    expect(await statusOf(order.id)).toBe("completed");
  });

  it.each([
    ["a viewer", () => asStaff(viewer), 403],
    ["no session", () => ({ origin: TEST_ORIGIN }), 401],
    ["no Origin or Sec-Fetch-Site", () => ({ cookie: agent.cookie }), 403],
    ["another site", () => ({ cookie: agent.cookie, origin: "https://evil.example" }), 403],
  ])("refuses %s and the order stays processing", async (_, headers, status) => {
    const order = await paidOrder();
    const res = await complete(order.id, headers());
    expect(res.status).toBe(status);
    expect(await statusOf(order.id)).toBe("processing");
  });

  it("answers 404 for another business's order and leaves it alone", async () => {
    const { business: other } = await newBusiness();
    const foreign = await paidOrder(other);
    const res = await complete(foreign.id, asStaff(agent));
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Order not found");
    expect(await statusOf(foreign.id, other.id)).toBe("processing");
  });
});
