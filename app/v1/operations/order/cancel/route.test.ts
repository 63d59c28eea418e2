import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getOrder } from "@/lib/orders/queries";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { authorizedTwigOrder, twigOrder } from "@/lib/testing/twig";
import { POST as capture } from "../../../payment/order/capture/route";
import { POST as cancel } from "./route";

const body = (orderId: string, id = randomUUID()) => ({ orderId, id, dateCreated: "2026-11-23T10:00:00Z", message: "out of stock" });
const post = (key: string, b: unknown) => call(cancel, { key, path: "/v1/operations/order/cancel", body: b });

describe("POST /v1/operations/order/cancel", () => {
  it("cancels a pending order with the merchant's message as the reason", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant);
    const res = await post(tenant.key, body(order.id));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: "CANCEL", status: "SUCCEEDED", orderId: order.id });
    expect(res.body.order).toMatchObject({ status: "CANCELLED", reason: "out of stock", operations: [] });
  });

  it("voids an authorization that nothing was captured from", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    const res = await post(tenant.key, body(order.id));
    expect(res.status).toBe(200);
    expect((await getOrder(tenant.business.id, order.id))!).toMatchObject({ status: "cancelled", capturedMinor: 0n });
  });

  it("refuses a cancelled or captured order (refund it instead)", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    const cap = await call(capture, { key: tenant.key, path: "/v1/payment/order/capture", body: { orderId: order.id, id: randomUUID(), amount: "220.00", currencyCode: "USD", dateCreated: "2026-11-23T10:00:00Z", message: "" } });
    expect(cap.status).toBe(200);
    const captured = await post(tenant.key, body(order.id));
    expect(captured.status).toBe(409);
    expect(captured.body.message).toContain("refund it instead");
    const other = await twigOrder(tenant);
    expect((await post(tenant.key, body(other.id))).status).toBe(200);
    const twice = await post(tenant.key, body(other.id));
    expect(twice.status).toBe(409);
    expect(twice.body.message).toContain("CANCELLED");
  });

  it("replays the first answer for a repeated id", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant);
    const b = body(order.id);
    const first = await post(tenant.key, b);
    const again = await post(tenant.key, b);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
  });

  it("answers 404 for another business's order and changes nothing", async () => {
    const a = await newBusiness();
    const order = await twigOrder(a);
    expect((await post((await newBusiness()).key, body(order.id))).status).toBe(404);
    expect((await getOrder(a.business.id, order.id))!.status).toBe("pending");
  });
});
