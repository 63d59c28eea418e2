import { describe, expect, it } from "vitest";
import { getOrder } from "@/lib/orders/queries";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { authorizedTwigOrder, twigOrder } from "@/lib/testing/twig";
import { PATCH } from "./route";

const patch = (key: string, body: unknown) => call(PATCH, { key, method: "PATCH", path: "/v1/operations/order/", body });

describe("PATCH /v1/operations/order/", () => {
  it("refuses the seed's own example: its amount (111 = 111 + 111 + 111) does not add up", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant);
    const res = await patch(tenant.key, {
      orderId: order.id,
      updateItems: [
        { operation: "UPDATE", field: "amount", value: '{"currencyCode":"USD","value":111,"breakdown":{"items":111,"shipping":111,"tax":111}}' },
        { operation: "UPDATE", field: "billing", value: '{"address":{"country":"XK","postalCode":"10000000000","countryCode":"XK"}}' },
        { operation: "DELETE", field: "lineItems", id: "123" },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.field).toMatch(/^updateItems\[0\]\.value|amount\.value/);
    const stored = (await getOrder(tenant.business.id, order.id))!;
    expect(stored.totalMinor).toBe(22000n);
    expect(stored.items).toHaveLength(2);
  });

  it("applies UPDATE and DELETE together when the merchant sends the recalculated amount", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant);
    // Without the T-Shirt (90.00 + 10.00 tax): items 90.00, tax 10.00, shipping 20.00.
    const res = await patch(tenant.key, {
      orderId: order.id,
      updateItems: [
        { operation: "DELETE", field: "lineItems", id: "123" },
        { operation: "UPDATE", field: "amount", value: '{"value":"120.00","breakdown":{"items":"90.00","tax":"10.00"}}' },
        { operation: "UPDATE", field: "lineItems", id: "321", value: '{"description":"Running, Size 11"}' },
        { operation: "UPDATE", field: "billing", value: '{"address":{"city":"Oakland","postalCode":"94601"}}' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.amount).toEqual({ currencyCode: "USD", value: "120.00", breakdown: { items: "90.00", shipping: "20.00", tax: "10.00" } });
    expect(res.body.lineItems).toHaveLength(1);
    expect(res.body.lineItems[0]).toMatchObject({ itemId: "321", description: "Running, Size 11", amount: "45.00", quantity: "2" });
    expect(res.body.billing.address).toMatchObject({ firstName: "John", city: "Oakland", postalCode: "94601" });
    const stored = (await getOrder(tenant.business.id, order.id))!;
    expect(stored).toMatchObject({ totalMinor: 12000n, subtotalMinor: 9000n, taxMinor: 1000n });
  });

  it("allows DELETE only on lineItems, and names unknown items", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant);
    const billing = await patch(tenant.key, { orderId: order.id, updateItems: [{ operation: "DELETE", field: "billing", id: "x" }] });
    expect(billing.status).toBe(400);
    expect(billing.body.field).toMatch(/^updateItems\[0\]/);
    const unknown = await patch(tenant.key, { orderId: order.id, updateItems: [{ operation: "UPDATE", field: "lineItems", id: "999", value: '{"name":"x"}' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.field).toBe("updateItems[0].id");
    const notJson = await patch(tenant.key, { orderId: order.id, updateItems: [{ operation: "UPDATE", field: "customer", value: "{oops" }] });
    expect(notJson.status).toBe(400);
    expect(notJson.body.field).toBe("updateItems[0].value");
  });

  it("keeps the money fixed once authorized, lets the rest change, and freezes a captured order", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant);
    const amount = await patch(tenant.key, { orderId: order.id, updateItems: [{ operation: "UPDATE", field: "amount", value: '{"value":"230.00","breakdown":{"shipping":"30.00"}}' }] });
    expect(amount.status).toBe(409);
    const address = await patch(tenant.key, { orderId: order.id, updateItems: [{ operation: "UPDATE", field: "shipping", value: '{"method":"UPS Ground"}' }] });
    expect(address.status).toBe(200);
    expect(address.body.shipping.method).toBe("UPS Ground");
    expect(address.body.status).toBe("AUTHORIZED");
  });

  it("answers 404 for another business's order", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    const order = await twigOrder(a);
    const res = await patch(b.key, { orderId: order.id, updateItems: [{ operation: "UPDATE", field: "shipping", value: '{"method":"x"}' }] });
    expect(res.status).toBe(404);
  });
});
