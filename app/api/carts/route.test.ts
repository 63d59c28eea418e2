import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts } from "@/db/schema";
import { eq } from "drizzle-orm";
import { listApiKeys, revokeApiKey } from "@/lib/auth/api-keys";
import { contactFor } from "@/lib/contacts/service";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { GET, POST } from "./route";

const create = (key: string, body: unknown) => call(POST, { key, path: "/api/carts", body });

async function cartCount(businessId: string) {
  const db = await getDb();
  return db.$count(carts, eq(carts.businessId, businessId));
}

describe("POST /api/carts", () => {
  it("creates the seed's example cart as abandoned with the total computed from items", async () => {
    const { key } = await newBusiness();
    const res = await create(key, seedCart);
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    expect(res.body.data).toMatchObject({
      customerEmail: "customer@example.com",
      customerName: "John Doe",
      items: [{ name: "Product Name", quantity: 2, price: 49.99 }],
      totalValue: 99.98,
      currency: "USD",
      status: "abandoned",
      paymentLink: null,
    });
    expect(res.body.data.id).toMatch(/^cart_[0-9a-z]{22}$/);
    expect(res.body.data.abandonedAt).toBe(res.body.data.createdAt);
  });

  it("accepts an active cart, a currency, product ids, images and metadata", async () => {
    const { key } = await newBusiness();
    const res = await create(key, {
      customerEmail: "  Ana@Example.COM ",
      status: "active",
      currency: "eur",
      items: [{ name: "Mug", quantity: 1, price: "12.50", productId: "sku-1", imageUrl: "https://img.test/mug.png" }],
      metadata: { source: "web" },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      customerEmail: "ana@example.com",
      customerName: null,
      status: "active",
      abandonedAt: null,
      currency: "EUR",
      totalValue: 12.5,
      items: [{ name: "Mug", quantity: 1, price: 12.5, productId: "sku-1", imageUrl: "https://img.test/mug.png" }],
      metadata: { source: "web" },
    });
  });

  it("records the customer's marketing consent sent with the cart (source defaults to cart_api)", async () => {
    const { key, business } = await newBusiness();
    const res = await create(key, { ...seedCart, consent: { marketing: true, source: "checkout_checkbox" } });
    expect(res.status).toBe(201);
    expect(res.body.data).not.toHaveProperty("consent");
    expect(await contactFor(business.id, seedCart.customerEmail)).toMatchObject({ consent: "granted", consentSource: "checkout_checkbox" });
    await create(key, { ...seedCart, consent: { marketing: false } });
    expect(await contactFor(business.id, seedCart.customerEmail)).toMatchObject({ consent: "denied", consentSource: "cart_api" });
    await create(key, seedCart);
    expect(await contactFor(business.id, seedCart.customerEmail)).toMatchObject({ consent: "denied", carts: 3 });
  });

  describe("money is exact in each currency's minor units", () => {
    it("USD: cents add up without float error", async () => {
      const { key } = await newBusiness();
      const res = await create(key, {
        customerEmail: "a@b.co",
        items: [
          { name: "A", quantity: 1, price: 0.1 },
          { name: "B", quantity: 1, price: 0.2 },
          { name: "C", quantity: 3, price: 19.99 },
        ],
      });
      expect(res.text).toContain('"totalValue":60.27');
    });

    it("JPY: no decimals, large whole amounts", async () => {
      const { key } = await newBusiness({ defaultCurrency: "JPY" });
      const ok = await create(key, { customerEmail: "a@b.co", items: [{ name: "Tea", quantity: 3, price: 1500 }] });
      expect(ok.body.data).toMatchObject({ currency: "JPY", totalValue: 4500 });
      const bad = await create(key, { customerEmail: "a@b.co", items: [{ name: "Tea", quantity: 1, price: 15.5 }] });
      expect(bad.status).toBe(422);
      expect(bad.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field: "items[0].price" } });
      expect(bad.body.error.message).toMatch(/JPY amounts have no decimal places/);
    });

    it("KWD: three decimals", async () => {
      const { key } = await newBusiness();
      const res = await create(key, {
        customerEmail: "a@b.co",
        currency: "KWD",
        items: [
          { name: "A", quantity: 2, price: "1.005" },
          { name: "B", quantity: 1, price: 0.001 },
        ],
      });
      expect(res.text).toContain('"totalValue":2.011');
      const bad = await create(key, { customerEmail: "a@b.co", currency: "KWD", items: [{ name: "A", quantity: 1, price: "1.0001" }] });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details.field).toBe("items[0].price");
    });

    it("refuses a client total that disagrees with the items", async () => {
      const { key, business } = await newBusiness();
      const res = await create(key, { ...seedCart, totalValue: 99.99 });
      expect(res.status).toBe(422);
      expect(res.body.error.details.field).toBe("totalValue");
      const ok = await create(key, { ...seedCart, totalValue: "99.98" });
      expect(ok.status).toBe(201);
      expect(await cartCount(business.id)).toBe(1);
    });
  });

  describe("validation names the field and writes nothing", () => {
    const cases: [string, unknown, string][] = [
      ["missing email", { items: seedCart.items }, "customerEmail"],
      ["bad email", { ...seedCart, customerEmail: "not-an-email" }, "customerEmail"],
      ["email not a string", { ...seedCart, customerEmail: 42 }, "customerEmail"],
      ["empty name", { ...seedCart, customerName: "  " }, "customerName"],
      ["unknown currency", { ...seedCart, currency: "XYZ" }, "currency"],
      ["status recovered on create", { ...seedCart, status: "recovered" }, "status"],
      ["no items", { ...seedCart, items: [] }, "items"],
      ["items not an array", { ...seedCart, items: "x" }, "items"],
      ["item without name", { ...seedCart, items: [{ quantity: 1, price: 1 }] }, "items[0].name"],
      ["zero quantity", { ...seedCart, items: [{ name: "A", quantity: 0, price: 1 }] }, "items[0].quantity"],
      ["fractional quantity", { ...seedCart, items: [{ name: "A", quantity: 1.5, price: 1 }] }, "items[0].quantity"],
      ["huge quantity", { ...seedCart, items: [{ name: "A", quantity: 1_000_000, price: 1 }] }, "items[0].quantity"],
      ["negative price", { ...seedCart, items: [{ name: "A", quantity: 1, price: -1 }] }, "items[0].price"],
      ["price with 3 decimals", { ...seedCart, items: [{ name: "A", quantity: 1, price: 29.999 }] }, "items[0].price"],
      ["price as words", { ...seedCart, items: [{ name: "A", quantity: 1, price: "ten" }] }, "items[0].price"],
      ["price in exponent form", { ...seedCart, items: [{ name: "A", quantity: 1, price: "1e3" }] }, "items[0].price"],
      ["absurd price", { ...seedCart, items: [{ name: "A", quantity: 1, price: 1e15 }] }, "items[0].price"],
      ["bad image url", { ...seedCart, items: [{ name: "A", quantity: 1, price: 1, imageUrl: "javascript:alert(1)" }] }, "items[0].imageUrl"],
      ["unknown item field", { ...seedCart, items: [{ name: "A", quantity: 1, price: 1, colour: "red" }] }, "items[0].colour"],
      ["unknown top-level field", { ...seedCart, discount: 5 }, "discount"],
      ["metadata not an object", { ...seedCart, metadata: [1] }, "metadata"],
      ["consent not an object", { ...seedCart, consent: true }, "consent"],
      ["consent without marketing", { ...seedCart, consent: { source: "checkbox" } }, "consent.marketing"],
      ["consent marketing as text", { ...seedCart, consent: { marketing: "yes" } }, "consent.marketing"],
      ["consent source too long", { ...seedCart, consent: { marketing: true, source: "x".repeat(101) } }, "consent.source"],
      ["consent source empty", { ...seedCart, consent: { marketing: true, source: " " } }, "consent.source"],
      ["unknown consent field", { ...seedCart, consent: { marketing: true, sms: true } }, "consent.sms"],
    ];
    it.each(cases)("%s → 422 naming %s", async (_name, body, field) => {
      const { key, business } = await newBusiness();
      const res = await create(key, body);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ success: false, error: { code: "VALIDATION_ERROR", details: { field } } });
      expect(res.body.error.message).toContain(field);
      expect(await cartCount(business.id)).toBe(0);
    });

    it("more than 100 items is refused", async () => {
      const { key } = await newBusiness();
      const items = Array.from({ length: 101 }, (_, i) => ({ name: `I${i}`, quantity: 1, price: 1 }));
      const res = await create(key, { ...seedCart, items });
      expect(res.status).toBe(422);
      expect(res.body.error.details.field).toBe("items");
    });
  });

  describe("malformed requests", () => {
    it("invalid JSON → 400", async () => {
      const { key } = await newBusiness();
      const res = await call(POST, { key, rawBody: "{nope", headers: { "content-type": "application/json" } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "BAD_REQUEST", details: { field: "body" } });
    });

    it("a JSON array or null body → 422", async () => {
      const { key } = await newBusiness();
      for (const raw of ["[]", "null", "42"]) {
        const res = await call(POST, { key, rawBody: raw, headers: { "content-type": "application/json" } });
        expect(res.status).toBe(422);
      }
    });

    it("wrong content type → 415", async () => {
      const { key } = await newBusiness();
      const res = await call(POST, { key, rawBody: "customerEmail=a@b.co", headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(res.status).toBe(415);
      expect(res.body.success).toBe(false);
    });

    it("a body over 1 MB → 413, whether declared or streamed", async () => {
      const { key, business } = await newBusiness();
      const big = JSON.stringify({ ...seedCart, metadata: { pad: "x".repeat(1024 * 1024) } });
      const res = await call(POST, { key, rawBody: big, headers: { "content-type": "application/json" } });
      expect(res.status).toBe(413);
      expect(res.body.success).toBe(false);
      // no Content-Length: the stream is cut off at the limit
      const stream = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(big));
          c.close();
        },
      });
      const req = new Request("http://cartback.test/api/carts", {
        method: "POST",
        body: stream,
        headers: { "content-type": "application/json", "x-api-key": key },
        duplex: "half",
      } as RequestInit);
      const streamed = await POST(req, { params: Promise.resolve({}) });
      expect(streamed.status).toBe(413);
      expect(await cartCount(business.id)).toBe(0);
    });
  });
});

describe("authentication", () => {
  it("refuses a missing, wrong or revoked key with 401; accepts Bearer", async () => {
    const { key, business } = await newBusiness();
    const missing = await call(GET, { path: "/api/carts" });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ success: false, error: { code: "UNAUTHORIZED", message: expect.any(String) } });

    const wrong = await call(GET, { path: "/api/carts", key: key + "x" });
    expect(wrong.status).toBe(401);

    const bearer = await call(GET, { path: "/api/carts", headers: { authorization: `Bearer ${key}` } });
    expect(bearer.status).toBe(200);

    const wrongBearer = await call(GET, { path: "/api/carts", headers: { authorization: `Basic ${key}` } });
    expect(wrongBearer.status).toBe(401);

    const [apiKey] = await listApiKeys(business.id);
    expect(await revokeApiKey(business.id, apiKey!.id)).toBe(true);
    const revoked = await call(GET, { path: "/api/carts", key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toMatch(/revoked/);
  });
});

describe("GET /api/carts", () => {
  it("lists newest first with the seed's pagination block", async () => {
    const { key } = await newBusiness();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create(key, seedCart)).body.data.id);
    const page1 = await call(GET, { key, path: "/api/carts?limit=2" });
    expect(page1.status).toBe(200);
    expect(page1.body.data.pagination).toEqual({ page: 1, limit: 2, total: 5, totalPages: 3 });
    expect(page1.body.data.carts.map((c: { id: string }) => c.id)).toEqual([ids[4], ids[3]]);
    const page3 = await call(GET, { key, path: "/api/carts?limit=2&page=3" });
    expect(page3.body.data.carts.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    const beyond = await call(GET, { key, path: "/api/carts?limit=2&page=9" });
    expect(beyond.body.data).toEqual({ carts: [], pagination: { page: 9, limit: 2, total: 5, totalPages: 3 } });
  });

  it("defaults to page 1, limit 10 and includes items", async () => {
    const { key } = await newBusiness();
    await create(key, seedCart);
    const res = await call(GET, { key, path: "/api/carts" });
    expect(res.body.data.pagination).toEqual({ page: 1, limit: 10, total: 1, totalPages: 1 });
    expect(res.body.data.carts[0].items).toEqual([{ name: "Product Name", quantity: 2, price: 49.99 }]);
  });

  it("filters by status", async () => {
    const { key } = await newBusiness();
    await create(key, seedCart);
    await create(key, { ...seedCart, status: "active" });
    const res = await call(GET, { key, path: "/api/carts?status=active" });
    expect(res.body.data.pagination.total).toBe(1);
    expect(res.body.data.carts[0].status).toBe("active");
    const none = await call(GET, { key, path: "/api/carts?status=recovered" });
    expect(none.body.data).toEqual({ carts: [], pagination: { page: 1, limit: 10, total: 0, totalPages: 0 } });
  });

  it.each([
    ["limit=101", "limit"],
    ["limit=0", "limit"],
    ["limit=abc", "limit"],
    ["page=0", "page"],
    ["page=1.5", "page"],
    ["status=lost", "status"],
    ["sort=asc", "sort"],
  ])("?%s → 400 naming %s", async (query, field) => {
    const { key } = await newBusiness();
    const res = await call(GET, { key, path: `/api/carts?${query}` });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "BAD_REQUEST", details: { field } });
  });

  it("shows only the key's own business", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    await create(a.key, seedCart);
    await create(a.key, seedCart);
    await create(b.key, { ...seedCart, customerEmail: "b@b.co" });
    const res = await call(GET, { key: b.key, path: "/api/carts" });
    expect(res.body.data.pagination.total).toBe(1);
    expect(res.body.data.carts[0].customerEmail).toBe("b@b.co");
  });
});
