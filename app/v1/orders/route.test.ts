import { beforeAll, describe, expect, it } from "vitest";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { orderBook, placedOrder } from "@/lib/testing/orders";
import { GET } from "./route";

const list = (key: string | null, query = "") => call(GET, { path: `/v1/orders${query}`, headers: key ? { authorization: `Bearer ${key}` } : {} });

let key: string;
let businessId: string;
let book: Awaited<ReturnType<typeof orderBook>>;

beforeAll(async () => {
  const tenant = await newBusiness();
  key = tenant.key;
  businessId = tenant.business.id;
  book = await orderBook(tenant.business);
});

describe("GET /v1/orders", () => {
  it("000's example, ?status=paid&limit=50: 002 Orders without an envelope", async () => {
    const res = await list(key, "?status=paid&limit=50");
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty("success");
    expect(res.body.pagination).toEqual({ total: 2, limit: 50, offset: 0, hasMore: false });
    expect(res.body.orders.map((o: { id: string }) => o.id)).toEqual([book.c.id, book.b.id]);
    const [completed] = res.body.orders;
    expect(completed).toMatchObject({
      id: book.c.id,
      sessionId: book.c.checkoutSessionId,
      businessId,
      status: "completed",
      customerData: { email: "customer@example.com", firstName: "John", lastName: "Doe" },
      cart: { items: [{ productId: "prod_3", quantity: 4, price: 5 }], currency: "USD", subtotal: 20, discount: 0, total: 20 },
      payment: { method: "test", amount: 20, status: "confirmed", currency: "USD" },
      createdAt: "2024-01-16T00:00:00.000Z",
    });
    expect(completed.completedAt).toEqual(expect.any(String));
  });

  it("lists, filters and paginates like /v1/checkout/orders", async () => {
    const res = await list(key, "?limit=2&offset=1");
    expect(res.body.orders.map((o: { id: string }) => o.id)).toEqual([book.d.id, book.c.id]);
    expect(res.body.pagination).toEqual({ total: 5, limit: 2, offset: 1, hasMore: true });
    const cancelled = (await list(key, "?status=cancelled")).body.orders;
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toMatchObject({ id: book.d.id, status: "cancelled", cancelledAt: expect.any(String), payment: null });
    const byEmail = await list(key, "?customerEmail=shopper@example.com&startDate=2024-01-17&endDate=2024-01-17");
    expect(byEmail.body.orders.map((o: { id: string }) => o.id)).toEqual([book.e.id]);
  });

  it("answers bad parameters in 000's error shape", async () => {
    const res = await list(key, "?limit=101");
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: "INVALID_REQUEST", message: "limit: must be at most 100", details: { field: "limit", reason: "must be at most 100" } } });
    expect((await list(key, "?status=shipped")).body.error).toMatchObject({ code: "INVALID_REQUEST", details: { field: "status" } });
    expect((await list(key, "?cursor=abc")).body.error).toMatchObject({ code: "INVALID_REQUEST", details: { field: "cursor" } });
  });

  it("shows only the key's own business", async () => {
    const other = await newBusiness();
    const { order } = await placedOrder(other.business);
    const res = await list(other.key);
    expect(res.body.orders.map((o: { id: string }) => o.id)).toEqual([order.id]);
    expect(res.body.orders[0].businessId).toBe(other.business.id);
  });

  it("answers 401 in 000's shape without a key", async () => {
    const res = await list(null);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String) } });
  });
});
