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

async function paidOrder() {
  const order = await pendingOrder();
  const url = await startOrderPaymentSession(order, [{ label: "prod_abc", quantity: 2, unitPriceMinor: 1000n }], null);
  await payTestSession(url.split("/").pop()!);
  return order;
}

const cancel = (id: string, headers: Record<string, string>, body?: unknown) =>
  call(POST, { method: "POST", path: `/api/dashboard/orders/${id}/cancel`, params: { id }, headers, body });
const statusOf = async (id: string, businessId = shop.id) => (await getOrder(businessId, id))?.status;

beforeAll(async () => {
  ({ business: shop } = await newBusiness());
  [agent, viewer] = await Promise.all([staffSession(shop.id, "agent"), staffSession(shop.id, "viewer")]);
});

describe("POST /api/dashboard/orders/:id/cancel", () => {
  it("an agent cancels a pending order with a reason; the timeline says staff did", async () => {
    const order = await pendingOrder();
    const res = await cancel(order.id, asStaff(agent), { reason: "  Customer asked to cancel  " });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id: order.id, status: "cancelled" } });
    const detail = (await getOrderDetail(shop.id, order.id))!;
    expect(detail.order).toMatchObject({ status: "cancelled", cancellationReason: "Customer asked to cancel" });
    expect(detail.order.cancelledAt).toBeInstanceOf(Date);
    expect(detail.checkout?.status).toBe("expired"); // the checkout stops taking payments
    expect(detail.timeline.at(-1)).toMatchObject({ type: "order.cancelled", label: "Order cancelled", by: "staff", detail: "Reason: Customer asked to cancel" });
  });

  it.each([[undefined], [{}], [{ reason: "" }], [{ reason: "   " }]])("takes %j as no reason", async (body) => {
    const order = await pendingOrder();
    const res = await cancel(order.id, asStaff(agent), body);
    expect(res.status).toBe(200);
    expect(await getOrder(shop.id, order.id)).toMatchObject({ status: "cancelled", cancellationReason: null });
  });

  it.each([
    [{ reason: "x".repeat(501) }, "reason"],
    [{ reason: 42 }, "reason"],
    [{ refundCustomer: true }, "refundCustomer"],
  ])("refuses %j with 422 naming the field", async (body, field) => {
    const order = await pendingOrder();
    const res = await cancel(order.id, asStaff(agent), body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
    expect(await statusOf(order.id)).toBe("pending");
  });

  it("answers 409 for an order that is no longer pending and leaves it alone", async () => {
    const order = await paidOrder();
    expect(await statusOf(order.id)).toBe("processing");
    const res = await cancel(order.id, asStaff(agent), {});
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "CONFLICT", message: "Only pending orders can be cancelled; this one is processing" });
    expect(await statusOf(order.id)).toBe("processing");

    const cancelled = await pendingOrder();
    await cancel(cancelled.id, asStaff(agent), {});
    expect((await cancel(cancelled.id, asStaff(agent), {})).status).toBe(409);
  });

  it.each([
    ["a viewer", () => asStaff(viewer), 403],
    ["no session", () => ({ origin: TEST_ORIGIN }), 401],
    ["no Origin or Sec-Fetch-Site", () => ({ cookie: agent.cookie }), 403],
    ["another site", () => ({ cookie: agent.cookie, origin: "https://evil.example" }), 403],
  ])("refuses %s and the order stays pending", async (_, headers, status) => {
    const order = await pendingOrder();
    const res = await cancel(order.id, headers(), {});
    expect(res.status).toBe(status);
    expect(await statusOf(order.id)).toBe("pending");
  });

  it("answers 404 for another business's order and leaves it alone", async () => {
    const { business: other } = await newBusiness();
    const foreign = await pendingOrder(other);
    const res = await cancel(foreign.id, asStaff(agent), {});
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Order not found");
    expect(await statusOf(foreign.id, other.id)).toBe("pending");
    expect((await cancel("order_doesnotexist1", asStaff(agent), {})).status).toBe(404);
  });
});
