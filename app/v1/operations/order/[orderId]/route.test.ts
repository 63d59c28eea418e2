import { describe, expect, it } from "vitest";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { placedOrder } from "@/lib/testing/orders";
import { twigOrder } from "@/lib/testing/twig";
import { GET } from "./route";

const get = (key: string, orderId: string) => call(GET, { key, params: { orderId }, path: `/v1/operations/order/${orderId}` });

describe("GET /v1/operations/order/{orderId}", () => {
  it("answers the order as the seed shows it", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, { confirmUrl: "https://shop.example/ok", requiresValidateCallbackSuccess: true });
    const res = await get(tenant.key, order.id);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(
      expect.arrayContaining(["orderId", "merchantOrderReference", "merchantDateCreated", "dateCreated", "status", "reason", "amount", "customer", "lineItems", "shipping", "billing", "operations", "merchant"]),
    );
    expect(res.body).toMatchObject({
      orderId: order.id,
      status: "PENDING",
      amount: { currencyCode: "USD", value: "220.00", breakdown: { items: "180.00", shipping: "20.00", tax: "20.00" } },
      merchant: { confirmUrl: "https://shop.example/ok", requiresValidateCallbackSuccess: true, captureOnExpire: false },
    });
  });

  it("answers 404 for another business's order, a Torque order and a made-up id alike", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    const order = await twigOrder(a);
    const torque = await placedOrder(b.business);
    for (const id of [order.id, torque.order.id, "order_doesnotexist"]) {
      const res = await get(b.key, id);
      expect(res.status, id).toBe(404);
      expect(res.body.code).toBe("NOT_FOUND");
    }
  });
});
