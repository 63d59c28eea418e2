import { and, count, eq, gte, lt, sql, sum, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { generateCarts } from "@/bench/generate";
import { createCartInput } from "@/lib/carts/schema";
import { createCart, updateCart } from "@/lib/carts/service";
import { newBusiness } from "@/lib/testing/fixtures";
import { cartAnalytics } from "./carts";
import { resolveRange, type DayRange } from "./range";

/**
 * cartAnalytics reads whole days from the trigger-kept rollup and partial days from the carts:
 * its figures must equal counting the carts themselves (the query it replaced), for ranges on
 * day boundaries, to the instant, inside one day, and with a currency filter.
 */
const NOW = new Date("2026-06-30T18:00:00Z");
let business: Business;

/** The figures counted from the carts, per day and currency, as "day currency a/am/r/rm". */
async function counted(range: DayRange, currency?: string): Promise<string[]> {
  const db = await getDb();
  const series = (at: typeof carts.abandonedAt, value: SQL) => {
    const day = sql<string>`to_char(${at} at time zone 'UTC', 'YYYY-MM-DD')`;
    return db
      .select({ day, currency: carts.currency, n: count(), value: sum(value) })
      .from(carts)
      .where(and(eq(carts.businessId, business.id), gte(at, range.from), lt(at, range.to), currency ? eq(carts.currency, currency) : undefined))
      .groupBy(day, carts.currency);
  };
  const figures = new Map<string, [number, bigint, number, bigint]>();
  const slot = (key: string) => figures.get(key) ?? (figures.set(key, [0, 0n, 0, 0n]), figures.get(key)!);
  for (const r of await series(carts.abandonedAt, sql`${carts.totalMinor}`)) {
    const f = slot(`${r.day} ${r.currency}`);
    f[0] += r.n;
    f[1] += BigInt(r.value ?? 0);
  }
  for (const r of await series(carts.recoveredAt, sql`coalesce(${carts.recoveredAmountMinor}, ${carts.totalMinor})`)) {
    const f = slot(`${r.day} ${r.currency}`);
    f[2] += r.n;
    f[3] += BigInt(r.value ?? 0);
  }
  return [...figures].map(([key, f]) => `${key} ${f.join("/")}`).sort();
}

async function reported(range: DayRange, currency?: string): Promise<string[]> {
  const a = await cartAnalytics(business.id, range, currency);
  return a.days
    .flatMap((d) => [...d.byCurrency.values()].map((t) => `${d.date} ${t.currency} ${t.abandoned}/${t.abandonedMinor}/${t.recovered}/${t.recoveredMinor}`))
    .sort();
}

beforeAll(async () => {
  business = (await newBusiness()).business;
  await generateCarts(await getDb(), business.id, 300, { chunkSize: 150, days: 40, now: NOW });
  // Events exactly on midnights and a millisecond before, in the range's edge days.
  const make = async (instant: string, currency: string, price: number) =>
    createCart(business, createCartInput.parse({ customerEmail: "edge@example.com", currency, items: [{ name: "Lamp", quantity: 1, price }] }), { now: new Date(instant) });
  await make("2026-06-10T00:00:00.000Z", "USD", 10);
  await make("2026-06-09T23:59:59.999Z", "EUR", 20);
  const paid = await make("2026-06-20T11:00:00.000Z", "GBP", 30);
  await updateCart(business.id, paid.id, { status: "recovered" }, new Date("2026-06-21T00:00:00.000Z"));
});

describe("cartAnalytics", () => {
  it.each([
    ["a preset period", resolveRange({ period: "30d" }, NOW)],
    ["whole days", { from: new Date("2026-06-01T00:00:00Z"), to: new Date("2026-06-21T00:00:00Z") }],
    ["instants at both ends", { from: new Date("2026-06-09T23:59:59.999Z"), to: new Date("2026-06-21T00:00:00.001Z") }],
    ["instants with an offset", resolveRange({ startDate: "2026-06-05T10:30:00+05:30", endDate: "2026-06-25T22:15:00-04:00" })],
    ["a start on a midnight and an end inside a day", { from: new Date("2026-06-10T00:00:00Z"), to: new Date("2026-06-20T11:00:00Z") }],
    ["part of one day", { from: new Date("2026-06-20T10:00:00Z"), to: new Date("2026-06-20T12:00:00Z") }],
    ["across one midnight only", { from: new Date("2026-06-09T12:00:00Z"), to: new Date("2026-06-10T12:00:00Z") }],
    ["the whole generated span", { from: new Date("2026-05-01T00:00:00Z"), to: new Date("2026-07-01T00:00:00Z") }],
  ])("equals counting the carts: %s", async (_label, range) => {
    const expected = await counted(range);
    expect(expected.length).toBeGreaterThan(0);
    expect(await reported(range)).toEqual(expected);
    expect(await reported(range, "EUR")).toEqual(await counted(range, "EUR"));
  });
});
