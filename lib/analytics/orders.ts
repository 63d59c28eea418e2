import { and, count, eq, gte, lt, notInArray, sql, sum } from "drizzle-orm";
import { getDb } from "@/db/client";
import { checkoutSessions, orders, type OrderStatus } from "@/db/schema";
import type { DayRange } from "./range";
import { daysOf } from "./range";

export type OrderTotals = {
  currency: string;
  /** Paid orders (counted on the day they were paid). */
  orders: number;
  /** Σ (total − refunded) of those orders, in minor units of `currency`. */
  revenueMinor: bigint;
  /** Checkout sessions in this currency whose hosted page was first opened that day. */
  visitors: number;
};

export type OrderDayTotals = { date: string; byCurrency: Map<string, OrderTotals> };

export type OrderAnalytics = {
  range: DayRange;
  /** One entry per UTC day of the range, zero days included. */
  days: OrderDayTotals[];
  /** Totals of the whole range, per currency. */
  currencies: OrderTotals[];
};

/** Orders that never took money: they are not revenue. Every other status has been paid at `paid_at`. */
export const UNPAID_STATUSES: readonly OrderStatus[] = ["pending", "cancelled", "expired"];

/**
 * Paid orders, revenue and checkout-page visitors per UTC day and currency (seed 000's analytics).
 * - An order counts on the day it was paid (`paid_at` in the range), unless it is pending,
 *   cancelled or expired; its revenue is total − refunded (a refund lowers the revenue of the
 *   day the order was paid; a fully refunded order still counts as an order, with 0 revenue).
 * - A visitor is a checkout session whose hosted page was first opened (`first_viewed_at`) in
 *   the range: one per session, however often it was reloaded.
 * Values are never summed across currencies; `currency` restricts everything to one.
 */
export async function orderAnalytics(businessId: string, range: DayRange, currency?: string): Promise<OrderAnalytics> {
  const db = await getDb();
  const paidDay = sql<string>`to_char(${orders.paidAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const viewDay = sql<string>`to_char(${checkoutSessions.firstViewedAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const [paid, viewed] = await Promise.all([
    db
      .select({ day: paidDay, currency: orders.currency, n: count(), revenue: sum(sql`${orders.totalMinor} - ${orders.refundedMinor}`) })
      .from(orders)
      .where(
        and(
          eq(orders.businessId, businessId),
          gte(orders.paidAt, range.from),
          lt(orders.paidAt, range.to),
          notInArray(orders.status, [...UNPAID_STATUSES]),
          currency ? eq(orders.currency, currency) : undefined,
        ),
      )
      .groupBy(paidDay, orders.currency),
    db
      .select({ day: viewDay, currency: checkoutSessions.currency, n: count() })
      .from(checkoutSessions)
      .where(
        and(
          eq(checkoutSessions.businessId, businessId),
          gte(checkoutSessions.firstViewedAt, range.from),
          lt(checkoutSessions.firstViewedAt, range.to),
          currency ? eq(checkoutSessions.currency, currency) : undefined,
        ),
      )
      .groupBy(viewDay, checkoutSessions.currency),
  ]);

  const days = daysOf(range).map((date) => ({ date, byCurrency: new Map<string, OrderTotals>() }));
  const dayIndex = new Map(days.map((d) => [d.date, d]));
  const totals = new Map<string, OrderTotals>();
  const slot = (map: Map<string, OrderTotals>, cur: string) => {
    let t = map.get(cur);
    if (!t) map.set(cur, (t = { currency: cur, orders: 0, revenueMinor: 0n, visitors: 0 }));
    return t;
  };
  for (const row of paid) {
    for (const t of [slot(dayIndex.get(row.day)!.byCurrency, row.currency), slot(totals, row.currency)]) {
      t.orders += row.n;
      t.revenueMinor += BigInt(row.revenue ?? 0);
    }
  }
  for (const row of viewed) {
    for (const t of [slot(dayIndex.get(row.day)!.byCurrency, row.currency), slot(totals, row.currency)]) {
      t.visitors += row.n;
    }
  }
  return { range, days, currencies: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)) };
}

/** orders / visitors as a percentage, rounded half up to two decimals; 0 without visitors. */
export function conversionRate(orderCount: number, visitors: number): number {
  if (visitors === 0) return 0;
  // integer arithmetic: ⌊(orders × 10000 + visitors / 2) / visitors⌋ hundredths of a percent
  return Math.floor((orderCount * 20_000 + visitors) / (2 * visitors)) / 100;
}

/** revenue / orders in minor units, rounded half up (away from zero) to the minor unit; 0 without orders. */
export function averageMinor(revenueMinor: bigint, orderCount: number): bigint {
  if (orderCount === 0) return 0n;
  const n = BigInt(orderCount);
  const magnitude = ((revenueMinor < 0n ? -revenueMinor : revenueMinor) * 2n + n) / (2n * n);
  return revenueMinor < 0n ? -magnitude : magnitude;
}
