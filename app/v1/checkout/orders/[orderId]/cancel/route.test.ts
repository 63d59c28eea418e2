import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { eventsFor } from "@/lib/events";
import { getOrder } from "@/lib/orders/queries";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { paidOrder, placedOrder } from "@/lib/testing/orders";
import { POST } from "./route";

const cancel = (key: string | null, orderId: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(POST, {
    method: "POST",
    params: { orderId },
    path: `/v1/checkout/orders/${orderId}/cancel`,
    body,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
  });

describe("POST /v1/checkout/orders/{orderId}/cancel", () => {
  it("cancels a pending order with 001's answer", async () => {
    const { business, key } = await newBusiness();
    const { order } = await placedOrder(business);
    const res = await cancel(key, order.id, { reason: "Customer request", refundCustomer: false });
    expect(res.status).toBe(200);
    const stored = (await getOrder(business.id, order.id))!;
    expect(res.body).toEqual({
      success: true,
      message: "Order cancelled successfully",
      order: { id: order.id, status: "cancelled", cancelledAt: stored.cancelledAt!.toISOString(), cancellationReason: "Customer request" },
    });
    expect(stored.status).toBe("cancelled");
    const events = await eventsFor(await getDb(), business.id, order.id);
    expect(events.at(-1)).toMatchObject({ type: "order.cancelled", data: { reason: "Customer request", refundCustomer: false, by: "api" } });
  });

  it("takes an empty body (no reason)", async () => {
    const { business, key } = await newBusiness();
    const { order } = await placedOrder(business);
    const res = await cancel(key, order.id);
    expect(res.status).toBe(200);
    expect(res.body.order).toMatchObject({ id: order.id, status: "cancelled", cancellationReason: null });
  });

  it("takes the session id generate-link returned", async () => {
    const { business, key } = await newBusiness();
    const { order, session } = await placedOrder(business);
    const res = await cancel(key, session.id, {});
    expect(res.status).toBe(200);
    expect(res.body.order.id).toBe(order.id);
  });

  it("refuses a paid order and a second cancel with 409 ORDER_NOT_CANCELLABLE", async () => {
    const { business, key } = await newBusiness();
    const { order: paid } = await paidOrder(business);
    const refused = await cancel(key, paid.id, { reason: "Too late" });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      success: false,
      error: "Only pending orders can be cancelled; this one is processing",
      code: "ORDER_NOT_CANCELLABLE",
      details: { field: "status", message: "Only pending orders can be cancelled; this one is processing" },
    });
    expect((await getOrder(business.id, paid.id))!.status).toBe("processing");

    const { order } = await placedOrder(business);
    expect((await cancel(key, order.id, { reason: "First" })).status).toBe(200);
    const again = await cancel(key, order.id, { reason: "Second" });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ success: false, code: "ORDER_NOT_CANCELLABLE", error: "Only pending orders can be cancelled; this one is cancelled" });
    expect((await getOrder(business.id, order.id))!.cancellationReason).toBe("First");
  });

  it.each([
    [{ refundCustomer: "true" }, "refundCustomer", "must be true or false"],
    [{ refundCustomer: 1 }, "refundCustomer", "must be true or false"],
    [{ reason: 42 }, "reason", "must be a string"],
    [{ reason: "x".repeat(501) }, "reason", "must be at most 500 characters"],
    [{ notify: true }, "notify", "is not a known field"],
  ])("%j → 400 CHECKOUT_001 naming the field", async (body, field, message) => {
    const { business, key } = await newBusiness();
    const { order } = await placedOrder(business);
    const res = await cancel(key, order.id, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: `${field}: ${message}`, code: "CHECKOUT_001", details: { field, message } });
    expect((await getOrder(business.id, order.id))!.status).toBe("pending");
  });

  it("refuses malformed JSON and other content types", async () => {
    const { business, key } = await newBusiness();
    const { order } = await placedOrder(business);
    const bad = await call(POST, {
      method: "POST",
      params: { orderId: order.id },
      rawBody: "{reason:",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, code: "CHECKOUT_001", details: { field: "body" } });
    const form = await call(POST, { method: "POST", params: { orderId: order.id }, rawBody: "reason=x", headers: { authorization: `Bearer ${key}`, "content-type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(415);
    expect((await getOrder(business.id, order.id))!.status).toBe("pending");
  });

  it("another business's order gets the same 404 as a missing one, and stays pending", async () => {
    const { business } = await newBusiness();
    const other = await newBusiness();
    const { order } = await placedOrder(business);
    const missing = await cancel(other.key, "order_abc123", {});
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ success: false, error: "Order not found", code: "ORDER_NOT_FOUND" });
    const foreign = await cancel(other.key, order.id, {});
    expect(foreign.text).toBe(missing.text);
    expect((await getOrder(business.id, order.id))!.status).toBe("pending");
  });

  it("a malformed id is a 400 naming orderId; no key is a 401", async () => {
    const { key } = await newBusiness();
    const bad = await cancel(key, "order-1", {});
    expect(bad.status).toBe(400);
    expect(bad.body.details.field).toBe("orderId");
    const anonymous = await cancel(null, "order_abc123", {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ success: false, code: "UNAUTHORIZED" });
  });
});
