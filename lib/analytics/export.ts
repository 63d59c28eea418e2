import type { CsvRow } from "@/lib/http/csv";
import { toDecimalString } from "@/lib/money";
import type { CartAnalytics } from "./carts";

/** The overview's daily series as CSV: one row per UTC day and currency, amounts exact in that currency. */
export const ANALYTICS_CSV_HEADER = ["date", "currency", "abandoned", "recovered", "abandoned_value", "recovered_value"];

/**
 * Every day of the range (zero days included) for every currency with carts in it; values are
 * never added across currencies. A cart counts as abandoned on the day it was abandoned and as
 * recovered on the day it was paid (as on the overview's chart). Without any carts, the business's default currency, all zeros.
 */
export function analyticsCsvRows(a: CartAnalytics, defaultCurrency: string): CsvRow[] {
  const currencies = a.currencies.length ? a.currencies.map((c) => c.currency) : [defaultCurrency];
  return a.days.flatMap((day) =>
    currencies.map((currency): CsvRow => {
      const t = day.byCurrency.get(currency);
      return [
        day.date,
        currency,
        t?.abandoned ?? 0,
        t?.recovered ?? 0,
        toDecimalString(t?.abandonedMinor ?? 0n, currency),
        toDecimalString(t?.recoveredMinor ?? 0n, currency),
      ];
    }),
  );
}
