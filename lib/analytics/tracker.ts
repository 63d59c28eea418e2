import { toDecimalNumber } from "@/lib/money";
import { recoveryRate, type CartAnalytics, type CurrencyTotals } from "./carts";

const sumCounts = (list: Iterable<CurrencyTotals>) => {
  let abandoned = 0;
  let recovered = 0;
  for (const t of list) {
    abandoned += t.abandoned;
    recovered += t.recovered;
  }
  return { abandoned, recovered };
};

/**
 * The Tracker seed's analytics shape. Counts cover every currency; the value figures are in
 * `currency` only (the requested one, else the business default), and `byCurrency` gives each
 * currency's own figures, so amounts in different currencies are never added together.
 */
export function toTrackerAnalytics(a: CartAnalytics, currency: string) {
  const value = (t: CurrencyTotals | undefined, key: "abandonedMinor" | "recoveredMinor") => toDecimalNumber(t?.[key] ?? 0n, currency);
  const main = a.currencies.find((t) => t.currency === currency);
  const counts = sumCounts(a.currencies);
  return {
    summary: {
      totalAbandoned: counts.abandoned,
      totalRecovered: counts.recovered,
      recoveryRate: recoveryRate(counts.abandoned, counts.recovered),
      totalAbandonedValue: value(main, "abandonedMinor"),
      totalRecoveredValue: value(main, "recoveredMinor"),
    },
    dailyStats: a.days.map((day) => {
      const c = sumCounts(day.byCurrency.values());
      const t = day.byCurrency.get(currency);
      return {
        date: day.date,
        abandoned: c.abandoned,
        recovered: c.recovered,
        abandonedValue: value(t, "abandonedMinor"),
        recoveredValue: value(t, "recoveredMinor"),
      };
    }),
    currency,
    period: { startDate: a.range.from.toISOString(), endDate: a.range.to.toISOString() },
    byCurrency: a.currencies.map((t) => ({
      currency: t.currency,
      totalAbandoned: t.abandoned,
      totalRecovered: t.recovered,
      recoveryRate: recoveryRate(t.abandoned, t.recovered),
      totalAbandonedValue: toDecimalNumber(t.abandonedMinor, t.currency),
      totalRecoveredValue: toDecimalNumber(t.recoveredMinor, t.currency),
    })),
  };
}
