import { toDecimalNumber } from "@/lib/money";
import { averageMinor, conversionRate, type OrderAnalytics, type OrderTotals } from "./orders";

const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

const countsOf = (list: Iterable<OrderTotals>) => {
  let orders = 0;
  let visitors = 0;
  for (const t of list) {
    orders += t.orders;
    visitors += t.visitors;
  }
  return { orders, visitors };
};

/**
 * Seed 000's analytics shape. Counts (orders, visitors, conversion rate) cover every currency;
 * revenue and average order value are in `currency` only (the requested one, else the business
 * default), and `byCurrency` gives each currency's own figures, so amounts in different
 * currencies are never added together. `period` echoes the first and last UTC day covered.
 */
export function toTorqueAnalytics(a: OrderAnalytics, currency: string) {
  const main = a.currencies.find((t) => t.currency === currency);
  const counts = countsOf(a.currencies);
  const revenueMinor = main?.revenueMinor ?? 0n;
  return {
    period: { startDate: dayOf(a.range.from.getTime()), endDate: dayOf(a.range.to.getTime() - 1) },
    metrics: {
      totalRevenue: toDecimalNumber(revenueMinor, currency),
      totalOrders: counts.orders,
      conversionRate: conversionRate(counts.orders, counts.visitors),
      averageOrderValue: toDecimalNumber(averageMinor(revenueMinor, main?.orders ?? 0), currency),
    },
    dailyData: a.days.map((day) => {
      const c = countsOf(day.byCurrency.values());
      return {
        date: day.date,
        revenue: toDecimalNumber(day.byCurrency.get(currency)?.revenueMinor ?? 0n, currency),
        orders: c.orders,
        visitors: c.visitors,
      };
    }),
    currency,
    byCurrency: a.currencies.map((t) => ({
      currency: t.currency,
      totalRevenue: toDecimalNumber(t.revenueMinor, t.currency),
      totalOrders: t.orders,
      visitors: t.visitors,
      conversionRate: conversionRate(t.orders, t.visitors),
      averageOrderValue: toDecimalNumber(averageMinor(t.revenueMinor, t.orders), t.currency),
    })),
  };
}
