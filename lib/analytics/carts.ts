import { and, count, eq, gte, lt, or, sql, sum, type SQL } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { cartDailyTotals, carts } from "@/db/schema";
import type { DayRange } from "./range";
import { daysOf, splitByWholeDays } from "./range";

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

/** One day's figures in one currency; numbers as Postgres sends sums (text). */
type Row = { day: string; currency: string; abandoned: string | number; abandonedMinor: string | null; recovered: string | number; recoveredMinor: string | null };

const dayText = (day: SQL | typeof cartDailyTotals.day) => sql<string>`to_char(${day}, 'YYYY-MM-DD')`;

/** The whole UTC days of the range from the trigger-kept rollup (cart_daily_totals): a few hundred rows. */
function wholeDays(db: Db, businessId: string, range: DayRange, currency: string | undefined) {
  const t = cartDailyTotals;
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return db
    .select({
      day: dayText(t.day),
      currency: t.currency,
      abandoned: sql<string>`sum(${t.abandoned})`,
      abandonedMinor: sql<string>`sum(${t.abandonedMinor})`,
      recovered: sql<string>`sum(${t.recovered})`,
      recoveredMinor: sql<string>`sum(${t.recoveredMinor})`,
    })
    .from(t)
    .where(and(eq(t.businessId, businessId), gte(t.day, day(range.from)), lt(t.day, day(range.to)), currency ? eq(t.currency, currency) : undefined))
    .groupBy(t.day, t.currency);
}

/** Partial days (a range's edges, to the instant) from the carts themselves, through the *_at indexes. */
async function partialDays(db: Db, businessId: string, edges: DayRange[], currency: string | undefined): Promise<Row[]> {
  const series = (at: typeof carts.abandonedAt, value: SQL) => {
    const day = dayText(sql`${at} at time zone 'UTC'`);
    return db
      .select({ day, currency: carts.currency, n: count(), value: sum(value) })
      .from(carts)
      .where(
        and(
          eq(carts.businessId, businessId),
          or(...edges.map((e) => and(gte(at, e.from), lt(at, e.to)))),
          currency ? eq(carts.currency, currency) : undefined,
        ),
      )
      .groupBy(day, carts.currency);
  };
  const [abandoned, recovered] = await Promise.all([
    series(carts.abandonedAt, sql`${carts.totalMinor}`),
    series(carts.recoveredAt, sql`coalesce(${carts.recoveredAmountMinor}, ${carts.totalMinor})`),
  ]);
  return [
    ...abandoned.map((r) => ({ day: r.day, currency: r.currency, abandoned: r.n, abandonedMinor: r.value, recovered: 0, recoveredMinor: null })),
    ...recovered.map((r) => ({ day: r.day, currency: r.currency, abandoned: 0, abandonedMinor: null, recovered: r.n, recoveredMinor: r.value })),
  ];
}

/**
 * Abandoned and recovered carts per UTC day and currency. A cart counts as abandoned on the day
 * it was abandoned and as recovered on the day it was paid (event time), so each day shows what
 * happened that day. Values are never summed across currencies. Whole days come from the daily
 * rollup, partial days at the range's edges (a range given to the instant) from the carts.
 */
export async function cartAnalytics(businessId: string, range: DayRange, currency?: string): Promise<CartAnalytics> {
  const db = await getDb();
  const { whole, edges } = splitByWholeDays(range);
  const parts = await Promise.all([
    whole ? wholeDays(db, businessId, whole, currency) : [],
    edges.length ? partialDays(db, businessId, edges, currency) : [],
  ]);

  const days = daysOf(range).map((date) => ({ date, byCurrency: new Map<string, CurrencyTotals>() }));
  const dayIndex = new Map(days.map((d) => [d.date, d]));
  const totals = new Map<string, CurrencyTotals>();
  const slot = (map: Map<string, CurrencyTotals>, cur: string) => {
    let t = map.get(cur);
    if (!t) map.set(cur, (t = { currency: cur, abandoned: 0, recovered: 0, abandonedMinor: 0n, recoveredMinor: 0n }));
    return t;
  };
  for (const row of parts.flat()) {
    const abandoned = Number(row.abandoned);
    const recovered = Number(row.recovered);
    // A rollup row whose carts were all deleted or moved to another day holds zeros: not a currency of the range.
    if (abandoned === 0 && recovered === 0) continue;
    for (const t of [slot(dayIndex.get(row.day)!.byCurrency, row.currency), slot(totals, row.currency)]) {
      t.abandoned += abandoned;
      t.abandonedMinor += BigInt(row.abandonedMinor ?? 0);
      t.recovered += recovered;
      t.recoveredMinor += BigInt(row.recoveredMinor ?? 0);
    }
  }
  return { range, days, currencies: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)) };
}

/** recovered / abandoned as a percentage with two decimals, 0 when nothing was abandoned. */
export function recoveryRate(abandoned: number, recovered: number): number {
  if (abandoned === 0) return 0;
  return Math.round((recovered * 10_000) / abandoned) / 100;
}
