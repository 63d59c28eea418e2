import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { createCart } from "@/lib/carts/service";
import { newBusiness } from "@/lib/testing/fixtures";
import { recoveryAnalytics, type RecoveryAnalytics } from "./recovery";

const at = (s: string) => new Date(s);
const RANGE = { from: at("2025-03-01T00:00:00Z"), to: at("2025-03-08T00:00:00Z") };

type Fixture = {
  currency?: string;
  total: string;
  abandonedAt: string | null;
  recoveredAt?: string;
  channel?: string | null;
  step?: number;
  paid?: string;
};

/** A cart with exactly these timestamps and attribution, written straight to the table. */
async function cart(business: Business, f: Fixture) {
  const currency = f.currency ?? "USD";
  const created = await createCart(business, { customerEmail: "c@example.com", currency, items: [{ name: "Thing", quantity: 1, price: f.total }] }, { now: at("2025-02-01T00:00:00Z") });
  const db = await getDb();
  await db
    .update(carts)
    .set({
      status: f.recoveredAt ? "recovered" : f.abandonedAt ? "abandoned" : "active",
      abandonedAt: f.abandonedAt ? at(f.abandonedAt) : null,
      recoveredAt: f.recoveredAt ? at(f.recoveredAt) : null,
      recoveredAmountMinor: f.paid === undefined ? null : BigInt(f.paid),
      recoveryChannel: f.channel ?? null,
      recoveryStep: f.step ?? null,
    })
    .where(eq(carts.id, created.id));
}

describe("recoveryAnalytics", () => {
  let shop: Business;
  let result: RecoveryAnalytics;

  beforeAll(async () => {
    ({ business: shop } = await newBusiness());
    const fixtures: Fixture[] = [
      // A: 30 min, email step 1, paid $90.00 of $100.00
      { total: "100", abandonedAt: "2025-03-01T10:00:00Z", recoveredAt: "2025-03-01T10:30:00Z", channel: "email", step: 1, paid: "9000" },
      // B: 36 h, email step 3
      { total: "45", abandonedAt: "2025-03-01T00:00:00Z", recoveredAt: "2025-03-02T12:00:00Z", channel: "email", step: 3, paid: "4500" },
      // C: 3 h, link, no recorded amount (the cart's total counts)
      { total: "20", abandonedAt: "2025-03-02T00:00:00Z", recoveredAt: "2025-03-02T03:00:00Z", channel: "link" },
      // D: 10 h, staff
      { total: "15", abandonedAt: "2025-03-03T00:00:00Z", recoveredAt: "2025-03-03T10:00:00Z", channel: "manual", paid: "1500" },
      // E: abandoned before the range, recovered in it after 12 days, reported by the merchant
      { total: "30", abandonedAt: "2025-02-20T00:00:00Z", recoveredAt: "2025-03-04T00:00:00Z", channel: "direct", paid: "3000" },
      // F: abandoned, not recovered
      { total: "50", abandonedAt: "2025-03-05T00:00:00Z" },
      // G: paid while still active (never abandoned): revenue, but no time to recover
      { total: "7", abandonedAt: null, recoveredAt: "2025-03-06T00:00:00Z", channel: "link", paid: "700" },
      // H: abandoned in the range, recovered after it (4 days later)
      { total: "60", abandonedAt: "2025-03-06T00:00:00Z", recoveredAt: "2025-03-10T00:00:00Z", channel: "email", step: 2, paid: "6000" },
      // I: exactly 1 hour: in the "1–6 h" bucket, and recovered "within 1 hour"
      { total: "8", abandonedAt: "2025-03-07T10:00:00Z", recoveredAt: "2025-03-07T11:00:00Z", channel: "email", step: 1, paid: "800" },
      // before the range: not counted at all
      { total: "99", abandonedAt: "2025-02-27T00:00:00Z", recoveredAt: "2025-02-28T00:00:00Z", channel: "email", step: 1, paid: "9900" },
      // on the range's end (exclusive): not counted
      { total: "99", abandonedAt: "2025-03-08T00:00:00Z", recoveredAt: "2025-03-08T00:00:00Z", channel: "link", paid: "9900" },
      // an attribution from before channels were recorded
      { total: "5", abandonedAt: "2025-03-04T00:00:00Z", recoveredAt: "2025-03-04T00:10:00Z", channel: null, paid: "500" },
      // JPY J: 2 days exactly, email step 2; K: abandoned, not recovered
      { currency: "JPY", total: "1500", abandonedAt: "2025-03-02T00:00:00Z", recoveredAt: "2025-03-04T00:00:00Z", channel: "email", step: 2, paid: "1500" },
      { currency: "JPY", total: "3000", abandonedAt: "2025-03-03T00:00:00Z" },
    ];
    for (const f of fixtures) await cart(shop, f);
    // another business's recovered cart, in the range
    const { business: other } = await newBusiness();
    await cart(other, { total: "1000", abandonedAt: "2025-03-02T00:00:00Z", recoveredAt: "2025-03-02T00:05:00Z", channel: "email", step: 1, paid: "100000" });
    result = await recoveryAnalytics(shop.id, RANGE);
  });

  it("splits recovered carts and revenue by channel, per currency", () => {
    expect(result.currencies.map((c) => c.currency)).toEqual(["JPY", "USD"]);
    const usd = result.currencies.find((c) => c.currency === "USD")!;
    expect(usd.total).toEqual({ count: 8, revenueMinor: 22_000n });
    expect(usd.byChannel).toEqual([
      { channel: "email", count: 3, revenueMinor: 14_300n },
      { channel: "link", count: 2, revenueMinor: 2_700n },
      { channel: "manual", count: 1, revenueMinor: 1_500n },
      { channel: "direct", count: 1, revenueMinor: 3_000n },
      { channel: "other", count: 1, revenueMinor: 500n },
    ]);
    const jpy = result.currencies.find((c) => c.currency === "JPY")!;
    expect(jpy.total).toEqual({ count: 1, revenueMinor: 1_500n });
    // every known channel is listed, "other" only when it has carts
    expect(jpy.byChannel.map((c) => [c.channel, c.count])).toEqual([["email", 1], ["link", 0], ["manual", 0], ["direct", 0]]);
  });

  it("splits email recoveries by step", () => {
    const usd = result.currencies.find((c) => c.currency === "USD")!;
    expect(usd.byStep).toEqual([
      { step: 1, count: 2, revenueMinor: 9_800n },
      { step: 3, count: 1, revenueMinor: 4_500n },
    ]);
    expect(result.currencies.find((c) => c.currency === "JPY")!.byStep).toEqual([{ step: 2, count: 1, revenueMinor: 1_500n }]);
  });

  it("distributes the time from abandonment to recovery", () => {
    const usd = result.currencies.find((c) => c.currency === "USD")!;
    expect(usd.timeToRecover.map((b) => [b.key, b.count])).toEqual([
      ["lt1h", 2], // A (30 min), the uncredited one (10 min)
      ["1to6h", 2], // C (3 h), I (exactly 1 h)
      ["6to24h", 1], // D
      ["1to3d", 1], // B
      ["3to7d", 0],
      ["gt7d", 1], // E
    ]);
    expect(result.all.timeToRecover.map((b) => b.count)).toEqual([2, 2, 1, 2, 0, 1]); // + J (2 days)
    expect(result.all.timeToRecover.map((b) => b.label)).toEqual(["< 1 h", "1–6 h", "6–24 h", "1–3 d", "3–7 d", "> 7 d"]);
    expect(result.all.recovered).toBe(9);
  });

  it("gives the share of carts abandoned in the range recovered within 1 h, 24 h, 3 d and 7 d", () => {
    const usd = result.currencies.find((c) => c.currency === "USD")!;
    // abandoned in the range: A B C D F H I + the uncredited one = 8 (E was abandoned before, G never)
    expect(usd.byAge.abandoned).toBe(8);
    expect(usd.byAge.within).toEqual([
      { key: "1h", label: "1 hour", recovered: 3, rate: 37.5 }, // A, I, uncredited
      { key: "24h", label: "24 hours", recovered: 5, rate: 62.5 }, // + C, D
      { key: "3d", label: "3 days", recovered: 6, rate: 75 }, // + B
      { key: "7d", label: "7 days", recovered: 7, rate: 87.5 }, // + H (recovered after the range)
    ]);
    const jpy = result.currencies.find((c) => c.currency === "JPY")!;
    expect(jpy.byAge.within.map((w) => [w.recovered, w.rate])).toEqual([[0, 0], [0, 0], [1, 50], [1, 50]]);
    expect(result.all.byAge.abandoned).toBe(10);
    expect(result.all.byAge.within.map((w) => [w.recovered, w.rate])).toEqual([[3, 30], [5, 50], [7, 70], [8, 80]]);
  });

  it("is empty for a business or a range without carts", async () => {
    const { business } = await newBusiness();
    const empty = await recoveryAnalytics(business.id, RANGE);
    expect(empty.currencies).toEqual([]);
    expect(empty.all.recovered).toBe(0);
    expect(empty.all.byAge.within.every((w) => w.rate === 0)).toBe(true);
    expect((await recoveryAnalytics(shop.id, { from: at("2024-01-01T00:00:00Z"), to: at("2024-02-01T00:00:00Z") })).currencies).toEqual([]);
  });
});
