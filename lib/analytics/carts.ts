import { and, count, eq, gte, lt, sql, sum, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { carts } from "@/db/schema";
import type { DayRange } from "./range";
import { daysOf } from "./range";

export type CurrencyTotals = {
  currency: string;
  abandoned: number;
  recovered: number;
  abandonedMinor: bigint;
  recoveredMinor: bigint;
};

export type DayTotals = { date: string; byCurrency: Map<string, CurrencyTotals> };

export type CartAnalytics = {
  range: DayRange;
  /** One entry per UTC day of the range, zero days included. */
  days: DayTotals[];
  /** Totals of the whole range, per currency. */
  currencies: CurrencyTotals[];
};

/**
 * Abandoned and recovered carts per UTC day and currency. A cart counts as abandoned on the day
 * it was abandoned and as recovered on the day it was paid (event time), so each day shows what
 * happened that day. Values are never summed across currencies.
 */
export async function cartAnalytics(businessId: string, range: DayRange, currency?: string): Promise<CartAnalytics> {
  const db = await getDb();
  const byCurrency = currency ? eq(carts.currency, currency) : undefined;
  const series = (at: typeof carts.abandonedAt, value: SQL) => {
    const day = sql<string>`to_char(${at} at time zone 'UTC', 'YYYY-MM-DD')`;
    return db
      .select({ day, currency: carts.currency, n: count(), value: sum(value) })
      .from(carts)
      .where(and(eq(carts.businessId, businessId), gte(at, range.from), lt(at, range.to), byCurrency))
      .groupBy(day, carts.currency);
  };
  const [abandoned, recovered] = await Promise.all([
    series(carts.abandonedAt, sql`${carts.totalMinor}`),
    series(carts.recoveredAt, sql`coalesce(${carts.recoveredAmountMinor}, ${carts.totalMinor})`),
  ]);

  const days = daysOf(range).map((date) => ({ date, byCurrency: new Map<string, CurrencyTotals>() }));
  const dayIndex = new Map(days.map((d) => [d.date, d]));
  const totals = new Map<string, CurrencyTotals>();
  const slot = (map: Map<string, CurrencyTotals>, cur: string) => {
    let t = map.get(cur);
    if (!t) map.set(cur, (t = { currency: cur, abandoned: 0, recovered: 0, abandonedMinor: 0n, recoveredMinor: 0n }));
    return t;
  };
  for (const row of abandoned) {
    for (const t of [slot(dayIndex.get(row.day)!.byCurrency, row.currency), slot(totals, row.currency)]) {
      t.abandoned += row.n;
      t.abandonedMinor += BigInt(row.value ?? 0);
    }
  }
  for (const row of recovered) {
    for (const t of [slot(dayIndex.get(row.day)!.byCurrency, row.currency), slot(totals, row.currency)]) {
      t.recovered += row.n;
      t.recoveredMinor += BigInt(row.value ?? 0);
    }
  }
  return { range, days, currencies: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)) };
}

/** recovered / abandoned as a percentage with two decimals, 0 when nothing was abandoned. */
export function recoveryRate(abandoned: number, recovered: number): number {
  if (abandoned === 0) return 0;
  return Math.round((recovered * 10_000) / abandoned) / 100;
}
