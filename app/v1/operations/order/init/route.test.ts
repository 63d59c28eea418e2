import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { businesses, orders } from "@/db/schema";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { twigInitBody } from "@/lib/testing/twig";
import { POST } from "./route";

const init = (key: string | null, body: unknown, headers: Record<string, string> = {}) =>
  call(POST, { key: key ?? undefined, path: "/v1/operations/order/init", body, headers });

/** Seed 003's example payload, verbatim (its breakdown adds up: 1450 + 30 + 20 = 1500). */
const SEED_EXAMPLE = {
  merchantOrderReference: "32123dsf",
  dateCreated: "2021-11-09T18:32:04.646+00:00",
  amount: { currencyCode: "USD", value: "1500.00", breakdown: { items: "1450.00", shipping: "30.00", tax: "20.00" } },
  customer: { firstName: "taulant", lastName: "taulant", email: "taulant@taulant.com" },
  lineItems: [
    { itemId: "123", name: "T-Shirt", description: "Green XL", imageUrl: "imageurl", amount: "90.0", tax: "10.00", quantity: "1", categoryHierarchy: ["T-shirt", "Polo", "RED"], metadata: "some metadata", category: "PHYSICAL_GOODS" },
    { itemId: "321", name: "Shoes", description: "Running, Size 10.5", imageUrl: "imageurl", amount: "45.00", tax: "5.00", quantity: "2", category: "PHYSICAL_GOODS" },
  ],
  shipping: {
    method: "United States Postal Service",
    amount: "20",
    address: { firstName: "John", lastName: "Doe", addressLine1: "123 Townsend St", addressLine2: "Floor 6", city: "San Francisco", country: "CA", postalCode: "94107", countryCode: "US" },
  },
  billing: {
    address: { firstName: "John", lastName: "Doe", addressLine1: "123 Townsend St", addressLine2: "Floor 6", city: "San Francisco", country: "CA", postalCode: "94107", countryCode: "US" },
  },
};

async function orderCount(businessId: string) {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(orders).where(eq(orders.businessId, businessId));
  return row!.n;
}

describe("POST /v1/operations/order/init", () => {
  it("takes the seed's example and answers checkoutUrl and the order, amounts exact", async () => {
    const { key } = await newBusiness();
    const before = Date.now();
    const res = await init(key, SEED_EXAMPLE, { "twig-api-version": "2022-01-01" });
    expect(res.status).toBe(200);
    expect(res.body.checkoutUrl).toBe("http://cartback.test/twig/checkout");
    const order = res.body.order;
    expect(order.orderId).toMatch(/^order_/);
    expect(order).toMatchObject({
      merchantOrderReference: "32123dsf",
      merchantDateCreated: "2021-11-09T18:32:04.646Z",
      status: "PENDING",
      reason: "",
      amount: { currencyCode: "USD", value: "1500.00", breakdown: { items: "1450.00", shipping: "30.00", tax: "20.00" } },
      customer: { firstName: "taulant", lastName: "taulant", email: "taulant@taulant.com", phoneNumber: null, locale: null },
      shipping: { method: "United States Postal Service", amount: "20.00", address: SEED_EXAMPLE.shipping.address },
      billing: SEED_EXAMPLE.billing,
      operations: [{ type: "VOID" }],
      merchant: { confirmUrl: null, cancelUrl: null, validationUrl: null, pushUrl: null, requiresValidateCallbackSuccess: false, captureOnExpire: false },
      authorizedAmount: "0.00",
      capturedAmount: "0.00",
      refundedAmount: "0.00",
    });
    expect(order.lineItems).toEqual([
      { itemId: "123", name: "T-Shirt", description: "Green XL", amount: "90.00", tax: "10.00", quantity: "1", imageUrl: "imageurl", category: "PHYSICAL_GOODS", categoryHierarchy: ["T-shirt", "Polo", "RED"], metadata: "some metadata" },
      { itemId: "321", name: "Shoes", description: "Running, Size 10.5", amount: "45.00", tax: "5.00", quantity: "2", imageUrl: "imageurl", category: "PHYSICAL_GOODS", categoryHierarchy: null, metadata: null },
    ]);
    // No expiration given: one week.
    const expiration = Date.parse(order.expiration);
    expect(expiration - before).toBeGreaterThanOrEqual(7 * 24 * 3600e3 - 1000);
    expect(expiration - Date.now()).toBeLessThanOrEqual(7 * 24 * 3600e3 + 1000);
    expect(res.headers.get("twig-api-version")).toBe("2022-01-01");
  });

  it("refuses a breakdown that does not add up, naming amount.value, and keeps nothing", async () => {
    const { business, key } = await newBusiness();
    const body = { ...SEED_EXAMPLE, amount: { ...SEED_EXAMPLE.amount, value: "1499.99" } };
    const res = await init(key, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "BAD_REQUEST", field: "amount.value" });
    expect(res.body.message).toContain("1500.00");
    expect(await orderCount(business.id)).toBe(0);
  });

  it("names each missing required field", async () => {
    const { business, key } = await newBusiness();
    const cases: [string, (b: any) => void][] = [
      ["merchantOrderReference", (b) => delete b.merchantOrderReference],
      ["amount.currencyCode", (b) => delete b.amount.currencyCode],
      ["amount.breakdown.tax", (b) => delete b.amount.breakdown.tax],
      ["customer.email", (b) => (b.customer.email = "not-an-email")],
      ["lineItems", (b) => (b.lineItems = [])],
      ["lineItems[1].quantity", (b) => (b.lineItems[1].quantity = "1.5")],
      ["shipping.address.city", (b) => delete b.shipping.address.city],
      ["dateCreated", (b) => delete b.dateCreated],
      ["merchant.pushUrl", (b) => (b.merchant = { pushUrl: "javascript:alert(1)" })],
    ];
    for (const [field, change] of cases) {
      const body = structuredClone(SEED_EXAMPLE);
      change(body);
      const res = await init(key, body);
      expect(res.status, field).toBe(400);
      expect(res.body.field, field).toBe(field);
    }
    expect(await orderCount(business.id)).toBe(0);
  });

  it("keeps zero- and three-decimal currencies exact", async () => {
    const { key } = await newBusiness();
    const yen = twigInitBody({
      amount: { currencyCode: "JPY", value: "12345", breakdown: { items: "12000", shipping: "300", tax: "45" } },
      shipping: { ...twigInitBody().shipping, amount: "300" },
    });
    const res = await init(key, yen);
    expect(res.status).toBe(200);
    expect(res.body.order.amount).toEqual({ currencyCode: "JPY", value: "12345", breakdown: { items: "12000", shipping: "300", tax: "45" } });
    const dinar = twigInitBody({ amount: { currencyCode: "KWD", value: "0.3", breakdown: { items: "0.1", shipping: "0.2", tax: "0" } } });
    const kwd = await init(key, dinar);
    expect(kwd.status).toBe(200);
    expect(kwd.body.order.amount.value).toBe("0.300");
    const cents = await init(key, twigInitBody({ amount: { currencyCode: "JPY", value: "1.5", breakdown: { items: "1.5", shipping: "0", tax: "0" } } }));
    expect(cents.status).toBe(400);
    expect(cents.body.field).toBe("amount.value");
  });

  it("refuses a second order with the same merchant reference", async () => {
    const { key } = await newBusiness();
    const body = twigInitBody();
    expect((await init(key, body)).status).toBe(200);
    const again = await init(key, body);
    expect(again.status).toBe(409);
    expect(again.body.field).toBe("merchantOrderReference");
    // Another business may use the same reference.
    expect((await init((await newBusiness()).key, body)).status).toBe(200);
  });

  it("fills the merchant settings from the business's registered defaults", async () => {
    const { business, key } = await newBusiness();
    const db = await getDb();
    await db
      .update(businesses)
      .set({ twigMerchant: { confirmUrl: "https://shop.example/confirm", pushUrl: "https://shop.example/push", captureOnExpire: true } })
      .where(eq(businesses.id, business.id));
    const res = await init(key, twigInitBody({ merchant: { pushUrl: "https://shop.example/orders/push", requiresValidateCallbackSuccess: true } }));
    expect(res.body.order.merchant).toEqual({
      confirmUrl: "https://shop.example/confirm",
      cancelUrl: null,
      validationUrl: null,
      pushUrl: "https://shop.example/orders/push",
      requiresValidateCallbackSuccess: true,
      captureOnExpire: true,
    });
  });

  it("authenticates with x-api-key or a bearer token, and refuses bad bodies in Twig's shape", async () => {
    const { business, key } = await newBusiness();
    expect((await init(null, twigInitBody())).status).toBe(401);
    expect((await init("cbk_wrong", twigInitBody())).body).toMatchObject({ code: "UNAUTHORIZED" });
    const bearer = await call(POST, { path: "/v1/operations/order/init", body: twigInitBody(), headers: { authorization: `Bearer ${key}` } });
    expect(bearer.status).toBe(200);
    const notJson = await call(POST, { key, path: "/v1/operations/order/init", rawBody: "{", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    const wrongType = await call(POST, { key, path: "/v1/operations/order/init", rawBody: "a=b", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(wrongType.status).toBe(415);
    expect(await orderCount(business.id)).toBe(1);
    const [row] = await (await getDb()).select({ n: count() }).from(orders).where(and(eq(orders.businessId, business.id), eq(orders.source, "twig")));
    expect(row!.n).toBe(1);
  });
});
