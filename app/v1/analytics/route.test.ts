import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { checkoutSessions, orders, type OrderStatus } from "@/db/schema";
import { averageMinor, conversionRate } from "@/lib/analytics/orders";
import { newSessionId } from "@/lib/checkout/service";
import { newId } from "@/lib/ids";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { GET } from "./route";

const at = (iso: string) => new Date(iso);
const customer = { email: "shopper@example.com", firstName: "Sam", lastName: "Shopper" };

async function order(businessId: string, currency: string, totalMinor: bigint, status: OrderStatus, paidAt: string | null, refundedMinor = 0n) {
  const db = await getDb();
  await db.insert(orders).values({
    id: newId("order"),
    businessId,
    source: "checkout",
    status,
    currency,
    subtotalMinor: totalMinor,
    totalMinor,
    capturedMinor: paidAt ? totalMinor : 0n,
    refundedMinor,
    customerEmail: customer.email,
    customer,
    // created inside the range whatever the payment time: only paid_at decides the day
    createdAt: at("2025-03-03T00:00:00Z"),
    paidAt: paidAt ? at(paidAt) : null,
  });
}

/** `n` checkout sessions whose hosted page was first opened at `firstViewedAt` (null: never opened). */
async function sessions(businessId: string, n: number, currency: string, firstViewedAt: string | null, viewCount = 1) {
  const db = await getDb();
  await db.insert(checkoutSessions).values(
    Array.from({ length: n }, () => ({
      id: newSessionId(),
      businessId,
      currency,
      items: [{ productId: "prod_1", name: null, quantity: 1, unitPriceMinor: "100", variant: null, metadata: null }],
      discounts: [],
      subtotalMinor: 100n,
      discountMinor: 0n,
      shippingMinor: 0n,
      totalMinor: 100n,
      customer,
      options: { allowGuest: true, requireShipping: false, customFields: null, redirectUrl: null, webhookUrl: null, theme: null },
      createdAt: at("2025-02-20T00:00:00Z"),
      expiresAt: at("2025-03-20T00:00:00Z"),
      firstViewedAt: firstViewedAt ? at(firstViewedAt) : null,
      viewCount: firstViewedAt ? viewCount : 0,
    })),
  );
}

/**
 * The hand-computed fixture for 2025-03-01 … 2025-03-07 (UTC), default currency USD.
 *
 * Paid orders (counted on their paid_at day; revenue = total − refunded):
 *   O1 USD  59.98  processing          paid 03-01 10:00
 *   O2 USD  10.02  completed           paid 03-01 23:59:59.999
 *   O3 USD 100.00  partially_refunded  paid 03-02 00:00, 25.50 refunded → 74.50
 *   O4 USD  20.00  refunded            paid 03-03 08:00, all refunded → an order worth 0
 *   O5 EUR  40.00  completed           paid 03-03 12:00
 *   O6 JPY  1500   processing          paid 03-04 09:00
 *   O7 JPY  1001   completed           paid 03-04 10:00
 *   O8 KWD  1.234  completed           paid 03-07 23:59:59.999 (last instant of the range)
 * Not counted:
 *   pending (never paid), pending with a paid_at, cancelled after payment, expired,
 *   authorized (not yet paid), USD paid 02-28 23:59:59.999, USD paid 03-08 00:00
 *
 * Visitors (checkout sessions by first_viewed_at):
 *   03-01  USD 3 at 09:00 and 2 at 13:00 (one of them reloaded 7 times)
 *   03-02  USD 4 at 08:00
 *   03-03  USD 3, EUR 3
 *   03-04  JPY 2
 *   03-05  GBP 1
 *   03-06  USD 2
 *   03-07  KWD 1 at 23:59:59.999
 * Not counted: USD 1 at 02-28 23:59:59.999, USD 1 at 03-08 00:00, USD 2 never opened.
 *
 * USD: 4 orders, revenue 59.98 + 10.02 + 74.50 + 0 = 144.50, 14 visitors → 28.57 %,
 *      average 144.50 / 4 = 36.125 → 36.13 (half up)
 * all: 8 orders, 21 visitors → 38.10 %
 */
let key: string;
let businessId: string;
beforeAll(async () => {
  // Another tenant's data in the same days must not leak into the numbers below.
  const noise = await newBusiness({ defaultCurrency: "USD" });
  await order(noise.business.id, "USD", 99_999n, "completed", "2025-03-02T10:00:00Z");
  await sessions(noise.business.id, 5, "USD", "2025-03-02T10:00:00Z");

  const tenant = await newBusiness({ defaultCurrency: "USD" });
  key = tenant.key;
  businessId = tenant.business.id;
  const b = businessId;
  await order(b, "USD", 5998n, "processing", "2025-03-01T10:00:00Z");
  await order(b, "USD", 1002n, "completed", "2025-03-01T23:59:59.999Z");
  await order(b, "USD", 10_000n, "partially_refunded", "2025-03-02T00:00:00Z", 2550n);
  await order(b, "USD", 2000n, "refunded", "2025-03-03T08:00:00Z", 2000n);
  await order(b, "EUR", 4000n, "completed", "2025-03-03T12:00:00Z");
  await order(b, "JPY", 1500n, "processing", "2025-03-04T09:00:00Z");
  await order(b, "JPY", 1001n, "completed", "2025-03-04T10:00:00Z");
  await order(b, "KWD", 1234n, "completed", "2025-03-07T23:59:59.999Z");
  // not counted
  await order(b, "USD", 500n, "pending", null);
  await order(b, "USD", 200n, "pending", "2025-03-05T00:00:00Z");
  await order(b, "USD", 700n, "cancelled", "2025-03-02T12:00:00Z");
  await order(b, "USD", 800n, "expired", null);
  await order(b, "USD", 999n, "authorized", null);
  await order(b, "USD", 300n, "completed", "2025-02-28T23:59:59.999Z");
  await order(b, "USD", 400n, "completed", "2025-03-08T00:00:00Z");

  await sessions(b, 3, "USD", "2025-03-01T09:00:00Z");
  await sessions(b, 1, "USD", "2025-03-01T13:00:00Z");
  await sessions(b, 1, "USD", "2025-03-01T13:00:00Z", 7);
  await sessions(b, 4, "USD", "2025-03-02T08:00:00Z");
  await sessions(b, 3, "USD", "2025-03-03T15:00:00Z");
  await sessions(b, 3, "EUR", "2025-03-03T11:00:00Z");
  await sessions(b, 2, "JPY", "2025-03-04T08:00:00Z");
  await sessions(b, 1, "GBP", "2025-03-05T08:00:00Z");
  await sessions(b, 2, "USD", "2025-03-06T08:00:00Z");
  await sessions(b, 1, "KWD", "2025-03-07T23:59:59.999Z");
  // not counted
  await sessions(b, 1, "USD", "2025-02-28T23:59:59.999Z");
  await sessions(b, 1, "USD", "2025-03-08T00:00:00Z");
  await sessions(b, 2, "USD", null);
});

const get = (query: string, k = key) => call(GET, { path: `/v1/analytics?${query}`, headers: { authorization: `Bearer ${k}` } });
const zeroDay = (date: string) => ({ date, revenue: 0, orders: 0, visitors: 0 });

describe("GET /v1/analytics", () => {
  it("matches the hand-computed metrics and daily series, in 000's shape", async () => {
    const res = await get("startDate=2025-03-01&endDate=2025-03-07");
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      period: { startDate: "2025-03-01", endDate: "2025-03-07" },
      metrics: { totalRevenue: 144.5, totalOrders: 8, conversionRate: 38.1, averageOrderValue: 36.13 },
      dailyData: [
        { date: "2025-03-01", revenue: 70, orders: 2, visitors: 5 },
        { date: "2025-03-02", revenue: 74.5, orders: 1, visitors: 4 },
        { date: "2025-03-03", revenue: 0, orders: 2, visitors: 6 },
        { date: "2025-03-04", revenue: 0, orders: 2, visitors: 2 },
        { date: "2025-03-05", revenue: 0, orders: 0, visitors: 1 },
        { date: "2025-03-06", revenue: 0, orders: 0, visitors: 2 },
        { date: "2025-03-07", revenue: 0, orders: 1, visitors: 1 },
      ],
      currency: "USD",
      byCurrency: [
        { currency: "EUR", totalRevenue: 40, totalOrders: 1, visitors: 3, conversionRate: 33.33, averageOrderValue: 40 },
        { currency: "GBP", totalRevenue: 0, totalOrders: 0, visitors: 1, conversionRate: 0, averageOrderValue: 0 },
        // 2501 / 2 = 1250.5 → 1251 (half up to the yen)
        { currency: "JPY", totalRevenue: 2501, totalOrders: 2, visitors: 2, conversionRate: 100, averageOrderValue: 1251 },
        { currency: "KWD", totalRevenue: 1.234, totalOrders: 1, visitors: 1, conversionRate: 100, averageOrderValue: 1.234 },
        { currency: "USD", totalRevenue: 144.5, totalOrders: 4, visitors: 14, conversionRate: 28.57, averageOrderValue: 36.13 },
      ],
    });
    expect(res.headers.get("x-ratelimit-limit")).toBeTruthy();
  });

  it("money in another currency on request, and everything restricted to it", async () => {
    const res = await get("startDate=2025-03-01&endDate=2025-03-07&currency=jpy");
    expect(res.status).toBe(200);
    expect(res.body.currency).toBe("JPY");
    expect(res.body.metrics).toEqual({ totalRevenue: 2501, totalOrders: 2, conversionRate: 100, averageOrderValue: 1251 });
    expect(res.body.dailyData[3]).toEqual({ date: "2025-03-04", revenue: 2501, orders: 2, visitors: 2 });
    expect(res.body.dailyData[0]).toEqual(zeroDay("2025-03-01"));
    expect(res.body.byCurrency.map((c: { currency: string }) => c.currency)).toEqual(["JPY"]);
  });

  it("a currency with visitors and no orders, and one with nothing", async () => {
    const gbp = await get("startDate=2025-03-01&endDate=2025-03-07&currency=GBP");
    expect(gbp.body.metrics).toEqual({ totalRevenue: 0, totalOrders: 0, conversionRate: 0, averageOrderValue: 0 });
    expect(gbp.body.dailyData[4]).toEqual({ date: "2025-03-05", revenue: 0, orders: 0, visitors: 1 });
    const chf = await get("startDate=2025-03-01&endDate=2025-03-07&currency=CHF");
    expect(chf.body.metrics).toEqual({ totalRevenue: 0, totalOrders: 0, conversionRate: 0, averageOrderValue: 0 });
    expect(chf.body.byCurrency).toEqual([]);
    expect(chf.body.dailyData).toEqual(["01", "02", "03", "04", "05", "06", "07"].map((d) => zeroDay(`2025-03-${d}`)));
  });

  it("000's example query (a whole year) answers every day, zero days included", async () => {
    const res = await get("startDate=2024-01-01&endDate=2024-12-31");
    expect(res.status).toBe(200);
    expect(res.body.period).toEqual({ startDate: "2024-01-01", endDate: "2024-12-31" });
    expect(res.body.dailyData).toHaveLength(366);
    expect(res.body.metrics).toEqual({ totalRevenue: 0, totalOrders: 0, conversionRate: 0, averageOrderValue: 0 });
  });

  it("takes exact instants as bounds, and echoes their UTC days", async () => {
    const res = await get("startDate=2025-03-01T12:00:00Z&endDate=2025-03-02T12:00:00Z");
    expect(res.status).toBe(200);
    // O2 (03-01 23:59:59.999) and O3 (03-02 00:00); 2 visitors at 13:00 and 4 on 03-02 at 08:00
    expect(res.body.period).toEqual({ startDate: "2025-03-01", endDate: "2025-03-02" });
    expect(res.body.metrics).toEqual({ totalRevenue: 84.52, totalOrders: 2, conversionRate: 33.33, averageOrderValue: 42.26 });
    expect(res.body.dailyData).toEqual([
      { date: "2025-03-01", revenue: 10.02, orders: 1, visitors: 2 },
      { date: "2025-03-02", revenue: 74.5, orders: 1, visitors: 4 },
    ]);
    // an offset is honoured: 2025-03-02T01:00+02:00 is 03-01 23:00 UTC
    const offset = await get(`startDate=${encodeURIComponent("2025-03-02T01:00:00+02:00")}&endDate=${encodeURIComponent("2025-03-02T02:00:00+02:00")}`);
    expect(offset.body.metrics.totalOrders).toBe(1); // O2 at 23:59:59.999
    expect(offset.body.period).toEqual({ startDate: "2025-03-01", endDate: "2025-03-01" }); // [23:00, 00:00) UTC
  });

  it("without dates: the last 30 days, ending today", async () => {
    const res = await get("");
    expect(res.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const first = new Date(Date.parse(today) - 29 * 86_400_000).toISOString().slice(0, 10);
    expect(res.body.period).toEqual({ startDate: first, endDate: today });
    expect(res.body.dailyData).toHaveLength(30);
    expect(res.body.dailyData[0].date).toBe(first);
    expect(res.body.dailyData.at(-1).date).toBe(today);
  });

  it("another business sees none of it", async () => {
    const other = await newBusiness({ defaultCurrency: "EUR" });
    const res = await get("startDate=2025-03-01&endDate=2025-03-07", other.key);
    expect(res.status).toBe(200);
    expect(res.body.currency).toBe("EUR");
    expect(res.body.metrics).toEqual({ totalRevenue: 0, totalOrders: 0, conversionRate: 0, averageOrderValue: 0 });
    expect(res.body.byCurrency).toEqual([]);
    expect(res.body.dailyData.every((d: { orders: number; visitors: number }) => d.orders === 0 && d.visitors === 0)).toBe(true);
  });

  it.each([
    ["startDate=yesterday", "startDate"],
    ["startDate=2025-02-30", "startDate"],
    ["startDate=2025-03-01&endDate=03/07/2025", "endDate"],
    ["startDate=2025-03-01T10:00:00", "startDate"], // a date-time needs its zone
    ["endDate=2025-03-07", "startDate"],
    ["startDate=2025-03-05&endDate=2025-03-01", "endDate"],
    ["startDate=2025-03-01T12:00:00Z&endDate=2025-03-01T12:00:00Z", "endDate"],
    ["startDate=2024-01-01&endDate=2025-03-01", "endDate"],
    ["currency=XYZ", "currency"],
    ["currency=", "currency"],
    ["period=7d", "period"],
    ["groupBy=week", "groupBy"],
  ])("?%s → 400 INVALID_REQUEST naming %s", async (query, field) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: "INVALID_REQUEST", message: expect.any(String), details: { field, reason: expect.any(String) } } });
    expect(res.body.error.message).toBe(`${field}: ${res.body.error.details.reason}`);
  });

  it.each([
    ["no key", {}],
    ["an unknown key", { authorization: "Bearer cbk_not_a_real_key" }],
  ])("%s: 401 in 000's shape", async (_, headers) => {
    const res = await call(GET, { path: "/v1/analytics", headers });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String) } });
  });
});

describe("the ratios", () => {
  it("conversionRate is orders / visitors × 100, half up to 2 decimals, 0 without visitors", () => {
    expect(conversionRate(0, 0)).toBe(0);
    expect(conversionRate(3, 0)).toBe(0);
    expect(conversionRate(1, 3)).toBe(33.33);
    expect(conversionRate(2, 3)).toBe(66.67);
    expect(conversionRate(1, 32)).toBe(3.13); // 3.125
    expect(conversionRate(1, 8)).toBe(12.5);
    expect(conversionRate(32, 1000)).toBe(3.2); // 000's example figure
    expect(conversionRate(5, 5)).toBe(100);
  });

  it("averageMinor rounds half up to the minor unit", () => {
    expect(averageMinor(0n, 0)).toBe(0n);
    expect(averageMinor(14_450n, 4)).toBe(3613n);
    expect(averageMinor(14_449n, 4)).toBe(3612n);
    expect(averageMinor(10n, 3)).toBe(3n);
    expect(averageMinor(20n, 3)).toBe(7n);
    expect(averageMinor(1_250_000n, 250)).toBe(5000n); // 000's example: 12,500.00 / 250 = 50.00
    expect(averageMinor(-5n, 2)).toBe(-3n);
  });
});
