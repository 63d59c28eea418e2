import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import type { Business } from "@/lib/auth/api-keys";
import { createCart, updateCart } from "@/lib/carts/service";
import { recordPayment } from "@/lib/payments/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { GET } from "./route";

const at = (iso: string) => new Date(iso);

async function cart(business: Business, currency: string, price: string | number, quantity: number, abandonedAt?: string) {
  return createCart(
    business,
    { customerEmail: "shopper@example.com", currency, status: abandonedAt ? "abandoned" : "active", items: [{ name: "Thing", quantity, price }] },
    { now: at(abandonedAt ?? "2025-03-03T08:00:00Z") },
  );
}

async function pay(business: Business, cartId: string, amountMinor: bigint, currency: string, paidAt: string) {
  const db = await getDb();
  await db.transaction((tx) =>
    recordPayment(tx, { businessId: business.id, cartId, provider: "test", providerPaymentId: `test_${cartId}`, amountMinor, currency, paidAt: at(paidAt), channel: "link" }),
  );
}

/**
 * The hand-computed fixture for 2025-03-01 … 2025-03-07 (UTC):
 *   A USD 10.00  abandoned 03-01 10:00, recovered by staff 03-02 09:00
 *   B USD 25.50  abandoned 03-01 23:59:59 (2 × 12.75)
 *   C EUR 40.00  abandoned 03-02 00:00, paid 03-03 12:00
 *   D JPY 1500   abandoned 03-03 05:00, expired 03-05
 *   E USD 5.00   active, never abandoned
 *   F USD 7.77   abandoned 02-28 23:59:59 (before the range), paid 03-01 00:00 (inside)
 *   G KWD 1.234  abandoned 03-07 23:59:59.999 (last instant of the range)
 *   H USD 3.00   abandoned 03-08 00:00 (after the range)
 */
let key: string;
beforeAll(async () => {
  const tenant = await newBusiness({ defaultCurrency: "USD" });
  key = tenant.key;
  const b = tenant.business;
  const A = await cart(b, "USD", "10.00", 1, "2025-03-01T10:00:00Z");
  await updateCart(b.id, A.id, { status: "recovered" }, at("2025-03-02T09:00:00Z"));
  await cart(b, "USD", 12.75, 2, "2025-03-01T23:59:59Z");
  const C = await cart(b, "EUR", 40, 1, "2025-03-02T00:00:00Z");
  await pay(b, C.id, 4000n, "EUR", "2025-03-03T12:00:00Z");
  const D = await cart(b, "JPY", 1500, 1, "2025-03-03T05:00:00Z");
  await updateCart(b.id, D.id, { status: "expired" }, at("2025-03-05T00:00:00Z"));
  await cart(b, "USD", 5, 1);
  const F = await cart(b, "USD", "7.77", 1, "2025-02-28T23:59:59Z");
  await pay(b, F.id, 777n, "USD", "2025-03-01T00:00:00Z");
  await cart(b, "KWD", "1.234", 1, "2025-03-07T23:59:59.999Z");
  await cart(b, "USD", 3, 1, "2025-03-08T00:00:00Z");
});

const get = (query: string, k = key) => call(GET, { key: k, path: `/api/analytics?${query}` });

describe("GET /api/analytics", () => {
  it("matches the hand-computed summary and daily series", async () => {
    const res = await get("startDate=2025-03-01&endDate=2025-03-07");
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const { summary, dailyStats, currency, byCurrency, period } = res.body.data;
    expect(summary).toEqual({
      totalAbandoned: 5,
      totalRecovered: 3,
      recoveryRate: 60,
      totalAbandonedValue: 35.5,
      totalRecoveredValue: 17.77,
    });
    expect(currency).toBe("USD");
    expect(period).toEqual({ startDate: "2025-03-01T00:00:00.000Z", endDate: "2025-03-08T00:00:00.000Z" });
    expect(dailyStats).toEqual([
      { date: "2025-03-01", abandoned: 2, recovered: 1, abandonedValue: 35.5, recoveredValue: 7.77 },
      { date: "2025-03-02", abandoned: 1, recovered: 1, abandonedValue: 0, recoveredValue: 10 },
      { date: "2025-03-03", abandoned: 1, recovered: 1, abandonedValue: 0, recoveredValue: 0 },
      { date: "2025-03-04", abandoned: 0, recovered: 0, abandonedValue: 0, recoveredValue: 0 },
      { date: "2025-03-05", abandoned: 0, recovered: 0, abandonedValue: 0, recoveredValue: 0 },
      { date: "2025-03-06", abandoned: 0, recovered: 0, abandonedValue: 0, recoveredValue: 0 },
      { date: "2025-03-07", abandoned: 1, recovered: 0, abandonedValue: 0, recoveredValue: 0 },
    ]);
    expect(byCurrency).toEqual([
      { currency: "EUR", totalAbandoned: 1, totalRecovered: 1, recoveryRate: 100, totalAbandonedValue: 40, totalRecoveredValue: 40 },
      { currency: "JPY", totalAbandoned: 1, totalRecovered: 0, recoveryRate: 0, totalAbandonedValue: 1500, totalRecoveredValue: 0 },
      { currency: "KWD", totalAbandoned: 1, totalRecovered: 0, recoveryRate: 0, totalAbandonedValue: 1.234, totalRecoveredValue: 0 },
      { currency: "USD", totalAbandoned: 2, totalRecovered: 2, recoveryRate: 100, totalAbandonedValue: 35.5, totalRecoveredValue: 17.77 },
    ]);
  });

  it("restricts everything to one currency on request", async () => {
    const res = await get("startDate=2025-03-01&endDate=2025-03-07&currency=eur");
    expect(res.body.data.summary).toEqual({ totalAbandoned: 1, totalRecovered: 1, recoveryRate: 100, totalAbandonedValue: 40, totalRecoveredValue: 40 });
    expect(res.body.data.currency).toBe("EUR");
    expect(res.body.data.dailyStats[2]).toEqual({ date: "2025-03-03", abandoned: 0, recovered: 1, abandonedValue: 0, recoveredValue: 40 });
  });

  it("takes exact instants as bounds", async () => {
    const res = await get("startDate=2025-03-01T12:00:00Z&endDate=2025-03-02T12:00:00Z");
    // B (03-01 23:59:59) and C (03-02 00:00) were abandoned; A was recovered (03-02 09:00)
    expect(res.body.data.summary).toMatchObject({ totalAbandoned: 2, totalRecovered: 1, recoveryRate: 50 });
    expect(res.body.data.dailyStats.map((d: { date: string }) => d.date)).toEqual(["2025-03-01", "2025-03-02"]);
  });

  it("period=7d is today and the six days before, zero days included", async () => {
    const res = await get("period=7d");
    const dates = res.body.data.dailyStats.map((d: { date: string }) => d.date);
    expect(dates).toHaveLength(7);
    expect(dates.at(-1)).toBe(new Date().toISOString().slice(0, 10));
    expect((await get("period=90d")).body.data.dailyStats).toHaveLength(90);
    expect((await get("")).body.data.dailyStats).toHaveLength(30);
  });

  it("another business sees none of it", async () => {
    const other = await newBusiness();
    const res = await get("startDate=2025-03-01&endDate=2025-03-07", other.key);
    expect(res.body.data.summary).toEqual({ totalAbandoned: 0, totalRecovered: 0, recoveryRate: 0, totalAbandonedValue: 0, totalRecoveredValue: 0 });
    expect(res.body.data.byCurrency).toEqual([]);
  });

  it.each([
    ["period=1y", "period"],
    ["startDate=yesterday", "startDate"],
    ["startDate=2025-02-30", "startDate"],
    ["endDate=2025-03-01", "startDate"],
    ["startDate=2025-03-05&endDate=2025-03-01", "endDate"],
    ["startDate=2024-01-01&endDate=2025-03-01", "endDate"],
    ["period=7d&startDate=2025-03-01", "period"],
    ["currency=XYZ", "currency"],
    ["groupBy=week", "groupBy"],
  ])("?%s → 400 naming %s", async (query, field) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "BAD_REQUEST", details: { field } });
  });

  it("requires a key", async () => {
    expect((await call(GET, { path: "/api/analytics" })).status).toBe(401);
  });
});
