import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getOrder } from "@/lib/orders/queries";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { authorizedTwigOrder, twigOrder } from "@/lib/testing/twig";
import { POST as refund } from "../refund/route";
import { POST as capture } from "./route";

const captureBody = (orderId: string, amount: string, id = randomUUID()) => ({
  orderId,
  id,
  amount,
  currencyCode: "USD",
  dateCreated: "2026-11-23T10:00:00.000+00:00",
  message: "ship it",
});

const post = (key: string, body: unknown) => call(capture, { key, path: "/v1/payment/order/capture", body });

describe("POST /v1/payment/order/capture", () => {
  it("captures part of the authorization, then the rest, saying what may be done next", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);

    const first = await post(tenant.key, captureBody(order.id, "100.00"));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ orderId: order.id, type: "CAPTURE", status: "SUCCEEDED", amount: "100.00", currencyCode: "USD", message: "ship it" });
    expect(first.body.order).toMatchObject({ status: "PARTIALLY_CAPTURED", authorizedAmount: "220.00", capturedAmount: "100.00" });
    expect(first.body.order.operations).toEqual([{ type: "CAPTURE" }, { type: "REFUND" }]);

    const rest = await post(tenant.key, captureBody(order.id, "120.00"));
    expect(rest.status).toBe(200);
    expect(rest.body.order).toMatchObject({ status: "CAPTURED", capturedAmount: "220.00", operations: [{ type: "REFUND" }] });
    const stored = (await getOrder(tenant.business.id, order.id))!;
    expect(stored).toMatchObject({ status: "completed", capturedMinor: 22000n });
    expect(stored.paidAt).not.toBeNull();
  });

  it("refuses more than what is left of the authorization, naming the amount", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    await post(tenant.key, captureBody(order.id, "200.00"));
    const res = await post(tenant.key, captureBody(order.id, "20.01"));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "BAD_REQUEST", field: "amount" });
    expect(res.body.message).toContain("20.00 USD");
    expect((await getOrder(tenant.business.id, order.id))!.capturedMinor).toBe(20000n);
  });

  it("refuses an order the customer has not authorized, or in another currency", async () => {
    const tenant = await newBusiness();
    const pending = await twigOrder(tenant);
    expect((await post(tenant.key, captureBody(pending.id, "10.00"))).status).toBe(409);
    const order = await authorizedTwigOrder(tenant);
    const euros = await post(tenant.key, { ...captureBody(order.id, "10.00"), currencyCode: "EUR" });
    expect(euros.status).toBe(400);
    expect(euros.body.field).toBe("currencyCode");
  });

  it("names bad fields: a UUID id, a positive exact amount, dateCreated", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    const cases: [Record<string, unknown>, string][] = [
      [{ id: "not-a-uuid" }, "id"],
      [{ amount: "-1.00" }, "amount"],
      [{ amount: "0" }, "amount"],
      [{ amount: "1.005" }, "amount"],
      [{ amount: "NaN" }, "amount"],
      [{ amount: 1e400 }, "amount"],
      [{ dateCreated: "yesterday" }, "dateCreated"],
      [{ orderId: undefined }, "orderId"],
    ];
    for (const [change, field] of cases) {
      const res = await post(tenant.key, { ...captureBody(order.id, "1.00"), ...change });
      expect(res.status, JSON.stringify(change)).toBe(400);
      expect(res.body.field, JSON.stringify(change)).toBe(field);
    }
    expect((await getOrder(tenant.business.id, order.id))!.capturedMinor).toBe(0n);
  });

  it("answers a replayed id with the first answer and captures once", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    const body = captureBody(order.id, "50.00");
    const first = await post(tenant.key, body);
    const again = await post(tenant.key, { ...body, message: "retry", dateCreated: "2026-11-23T10:05:00.000+00:00" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect((await getOrder(tenant.business.id, order.id))!.capturedMinor).toBe(5000n);
  });

  it("refuses the same id with different values, or for another operation", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    const body = captureBody(order.id, "50.00");
    await post(tenant.key, body);
    const changed = await post(tenant.key, { ...body, amount: "60.00" });
    expect(changed.status).toBe(409);
    expect(changed.body.field).toBe("id");
    const asRefund = await call(refund, { key: tenant.key, path: "/v1/payment/order/refund", body });
    expect(asRefund.status).toBe(409);
    expect(asRefund.body.field).toBe("id");
    expect((await getOrder(tenant.business.id, order.id))!).toMatchObject({ capturedMinor: 5000n, refundedMinor: 0n });
  });

  it("scopes ids to the business: another business may use the same id, and cannot reach this order", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    const orderA = await authorizedTwigOrder(a);
    const orderB = await authorizedTwigOrder(b);
    const id = randomUUID();
    expect((await post(a.key, captureBody(orderA.id, "10.00", id))).status).toBe(200);
    expect((await post(b.key, captureBody(orderB.id, "10.00", id))).status).toBe(200);
    const foreign = await post(b.key, captureBody(orderA.id, "10.00"));
    expect(foreign.status).toBe(404);
    expect((await getOrder(a.business.id, orderA.id))!.capturedMinor).toBe(1000n);
  });

  it("captures once when the same request arrives many times at once", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    const body = captureBody(order.id, "30.00");
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(tenant.key, body)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(7);
    expect((await getOrder(tenant.business.id, order.id))!.capturedMinor).toBe(3000n);
  });

  it("never captures more than authorized under concurrent captures", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(tenant.key, captureBody(order.id, "30.00"))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(7);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(3);
    expect((await getOrder(tenant.business.id, order.id))!.capturedMinor).toBe(21000n);
  });

  it("needs a key, and speaks only twig-api-version 2022-01-01", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    expect((await call(capture, { path: "/v1/payment/order/capture", body: captureBody(order.id, "1.00") })).status).toBe(401);
    const old = await call(capture, { key: tenant.key, path: "/v1/payment/order/capture", body: captureBody(order.id, "1.00"), headers: { "twig-api-version": "2019-01-01" } });
    expect(old.status).toBe(400);
    expect(old.body.field).toBe("twig-api-version");
    const ok = await call(capture, { key: tenant.key, path: "/v1/payment/order/capture", body: captureBody(order.id, "1.00"), headers: { "twig-api-version": "2022-01-01" } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("twig-api-version")).toBe("2022-01-01");
  });
});
