import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getOrder } from "@/lib/orders/queries";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { authorizedTwigOrder } from "@/lib/testing/twig";
import { POST as capture } from "../capture/route";
import { POST as refund } from "./route";

const body = (orderId: string, amount: string, id = randomUUID()) => ({ orderId, id, amount, currencyCode: "USD", dateCreated: "2026-11-23T10:00:00Z", message: "returned" });
const captured = async (key: string, orderId: string, amount: string) => {
  const res = await call(capture, { key, path: "/v1/payment/order/capture", body: body(orderId, amount) });
  expect(res.status).toBe(200);
};
const post = (key: string, b: unknown) => call(refund, { key, path: "/v1/payment/order/refund", body: b });

describe("POST /v1/payment/order/refund", () => {
  it("refunds part, then the rest, of what was captured", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    await captured(tenant.key, order.id, "220.00");
    const part = await post(tenant.key, body(order.id, "20.00"));
    expect(part.status).toBe(200);
    expect(part.body).toMatchObject({ type: "REFUND", status: "SUCCEEDED", amount: "20.00" });
    expect(part.body.order).toMatchObject({ status: "PARTIALLY_REFUNDED", refundedAmount: "20.00", operations: [{ type: "REFUND" }] });
    const rest = await post(tenant.key, body(order.id, "200.00"));
    expect(rest.body.order).toMatchObject({ status: "REFUNDED", refundedAmount: "220.00", operations: [] });
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("refunded");
  });

  it("refunds after a partial capture and keeps the rest of the authorization capturable", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    await captured(tenant.key, order.id, "100.00");
    const res = await post(tenant.key, body(order.id, "100.00"));
    expect(res.status).toBe(200);
    expect(res.body.order).toMatchObject({ status: "PARTIALLY_REFUNDED", capturedAmount: "100.00", refundedAmount: "100.00", operations: [{ type: "CAPTURE" }] });
  });

  it("refuses a refund before any capture, and more than was captured", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    expect((await post(tenant.key, body(order.id, "1.00"))).status).toBe(409);
    await captured(tenant.key, order.id, "50.00");
    const over = await post(tenant.key, body(order.id, "50.01"));
    expect(over.status).toBe(400);
    expect(over.body.field).toBe("amount");
  });

  it("never refunds more than was captured, however many refunds race", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    await captured(tenant.key, order.id, "220.00");
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(tenant.key, body(order.id, "30.00"))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(7);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.status === 400 && a.body.field === "amount")).toBe(true);
    const stored = (await getOrder(tenant.business.id, order.id))!;
    expect(stored.refundedMinor).toBe(21000n);
    expect(stored.status).toBe("partially_refunded");
  });

  it("replays a repeated id instead of refunding twice, also when the repeats race", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    await captured(tenant.key, order.id, "220.00");
    const same = body(order.id, "10.00");
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(tenant.key, same)));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect((await getOrder(tenant.business.id, order.id))!.refundedMinor).toBe(1000n);
    const conflict = await post(tenant.key, { ...same, amount: "11.00" });
    expect(conflict.status).toBe(409);
    expect(conflict.body.field).toBe("id");
  });
});
