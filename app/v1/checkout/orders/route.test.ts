import { beforeAll, describe, expect, it } from "vitest";
import type { Order } from "@/lib/orders/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { orderBook, placedOrder } from "@/lib/testing/orders";
import { GET } from "./route";

const list = (key: string | null, query = "") =>
  call(GET, { path: `/v1/checkout/orders${query}`, headers: key ? { authorization: `Bearer ${key}` } : {} });

let key: string;
let book: Awaited<ReturnType<typeof orderBook>>;

beforeAll(async () => {
  const tenant = await newBusiness();
  key = tenant.key;
  book = await orderBook(tenant.business);
});

const ids = (res: { body: { orders: { id: string }[] } }) => res.body.orders.map((o) => o.id);
const idsOf = (...orders: Order[]) => orders.map((o) => o.id);

describe("GET /v1/checkout/orders", () => {
  it("lists the business's orders newest first in 001's shape", async () => {
    const res = await list(key);
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(idsOf(book.e, book.d, book.c, book.b, book.a));
    expect(res.body.pagination).toEqual({ total: 5, limit: 20, offset: 0, hasMore: false });
    expect(res.body.success).toBe(true);
    expect(res.body.orders[0]).toEqual({
      id: book.e.id,
      status: "pending",
      createdAt: "2024-01-17T08:00:00.000Z",
      customerData: { email: "shopper@example.com", firstName: "Sam", lastName: "Shopper" },
      cart: { itemCount: 2, total: 59.98, currency: "USD" },
    });
    expect(res.body.orders.map((o: { status: string }) => o.status)).toEqual(["pending", "cancelled", "completed", "processing", "pending"]);
    // itemCount counts units: 4 × prod_3
    expect(res.body.orders[2].cart).toEqual({ itemCount: 4, total: 20, currency: "USD" });
  });

  it("paginates with limit and offset; hasMore says whether another page exists", async () => {
    const page = async (q: string) => {
      const res = await list(key, q);
      return { ids: ids(res), pagination: res.body.pagination };
    };
    expect(await page("?limit=2")).toEqual({ ids: idsOf(book.e, book.d), pagination: { total: 5, limit: 2, offset: 0, hasMore: true } });
    expect(await page("?limit=2&offset=2")).toEqual({ ids: idsOf(book.c, book.b), pagination: { total: 5, limit: 2, offset: 2, hasMore: true } });
    expect(await page("?limit=2&offset=4")).toEqual({ ids: idsOf(book.a), pagination: { total: 5, limit: 2, offset: 4, hasMore: false } });
    expect(await page("?limit=5")).toEqual({ ids: idsOf(book.e, book.d, book.c, book.b, book.a), pagination: { total: 5, limit: 5, offset: 0, hasMore: false } });
    expect(await page("?offset=9")).toEqual({ ids: [], pagination: { total: 5, limit: 20, offset: 9, hasMore: false } });
    expect((await page("?limit=100")).pagination.limit).toBe(100);
  });

  it("filters by Torque status, with 000's paid meaning processing or completed", async () => {
    const by = async (status: string) => ids(await list(key, `?status=${status}`));
    expect(await by("pending")).toEqual(idsOf(book.e, book.a));
    expect(await by("processing")).toEqual(idsOf(book.b));
    expect(await by("completed")).toEqual(idsOf(book.c));
    expect(await by("cancelled")).toEqual(idsOf(book.d));
    expect(await by("refunded")).toEqual([]);
    expect(await by("paid")).toEqual(idsOf(book.c, book.b));
    const res = await list(key, "?status=pending&limit=1");
    expect(res.body.pagination).toEqual({ total: 2, limit: 1, offset: 0, hasMore: true });
  });

  it("filters by creation date: startDate inclusive, endDate exclusive, a date-only endDate includes its day", async () => {
    const between = async (q: string) => ids(await list(key, q));
    expect(await between("?startDate=2024-01-15&endDate=2024-01-15")).toEqual(idsOf(book.b));
    expect(await between("?startDate=2024-01-15&endDate=2024-01-16")).toEqual(idsOf(book.d, book.c, book.b));
    expect(await between("?endDate=2024-01-16T00:00:00Z")).toEqual(idsOf(book.b, book.a));
    expect(await between("?startDate=2024-01-16T02:00:00%2B02:00")).toEqual(idsOf(book.e, book.d, book.c));
    expect(await between("?startDate=2024-01-14T23:59:59.000Z&endDate=2024-01-15T00:00:00Z")).toEqual(idsOf(book.a));
    expect(await between("?startDate=2024-01-16&status=paid")).toEqual(idsOf(book.c));
    expect(await between("?startDate=2025-01-01")).toEqual([]);
  });

  it("filters by customer email, whatever its case", async () => {
    const res = await list(key, "?customerEmail=SHOPPER%40example.COM");
    expect(ids(res)).toEqual(idsOf(book.e));
    expect(ids(await list(key, "?customerEmail=customer%40example.com"))).toEqual(idsOf(book.d, book.c, book.b, book.a));
  });

  it.each([
    ["?limit=101", "limit", "must be at most 100"],
    ["?limit=0", "limit", "must be at least 1"],
    ["?limit=ten", "limit", "must be a whole number"],
    ["?limit=2.5", "limit", "must be a whole number"],
    ["?offset=-1", "offset", "must be a whole number"],
    ["?status=paid,pending", "status", "must be one of pending, processing, completed, cancelled, refunded, paid"],
    ["?status=expired", "status", "must be one of pending, processing, completed, cancelled, refunded, paid"],
    ["?startDate=2024-02-30", "startDate", "must be an ISO 8601 date (2024-01-15) or date-time (2024-01-15T10:00:00Z)"],
    ["?endDate=15/01/2024", "endDate", "must be an ISO 8601 date (2024-01-15) or date-time (2024-01-15T10:00:00Z)"],
    ["?startDate=2024-01-16&endDate=2024-01-15", "endDate", "must be later than startDate"],
    ["?customerEmail=nobody", "customerEmail", "must be a valid email address"],
    ["?page=2", "page", "is not a known field"],
  ])("%s → 400 CHECKOUT_001 naming %s", async (query, field, message) => {
    const res = await list(key, query);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: `${field}: ${message}`, code: "CHECKOUT_001", details: { field, message } });
  });

  it("shows only the key's own business", async () => {
    const other = await newBusiness();
    await placedOrder(other.business);
    const res = await list(other.key);
    expect(res.body.pagination.total).toBe(1);
    expect(ids(res).some((id) => idsOf(book.a, book.b, book.c, book.d, book.e).includes(id))).toBe(false);
    expect(ids(await list(key))).toHaveLength(5);
  });

  it("answers 401 without a key", async () => {
    const res = await list(null);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, code: "UNAUTHORIZED" });
  });
});
