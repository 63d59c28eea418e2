import { z } from "zod";
import { formatMoney, isCurrency, toDecimalString } from "@/lib/money";
import { recoveryRate, type CartAnalytics, type CurrencyTotals } from "./carts";
import { MAX_RANGE_DAYS, PERIODS, resolveRange, type DayRange, type Period } from "./range";

/**
 * The dashboard Overview's view model: reads the page's search params (never trusting them),
 * picks the currency the value figures are shown in, and turns `CartAnalytics` into plain,
 * serialisable figures (no bigint) that server and client components can render.
 */

const DAY_MS = 86_400_000;
export const DEFAULT_PERIOD: Period = "30d";

export type SearchParams = Record<string, string | string[] | undefined>;

export type OverviewParams = {
  /** The preset in force, or null for a custom range. */
  period: Period | null;
  /** First and last day shown (inclusive, YYYY-MM-DD), for the custom-range form. */
  from: string;
  to: string;
  /** The currency asked for in the URL (normalised ISO 4217), whether or not it has data. */
  currency?: string;
  range: DayRange;
  /** Set when the URL asked for something invalid and a default is shown instead. */
  notice?: string;
};

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
const isoDate = z.iso.date();
/** A real calendar day in YYYY-MM-DD ("2025-02-30" is not). */
const isDay = (v: string | undefined): v is string =>
  !!v && isoDate.safeParse(v).success && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
const isPeriod = (v: string | undefined): v is Period => !!v && Object.hasOwn(PERIODS, v);

/** `?period=7d|30d|90d` or `?from=YYYY-MM-DD&to=YYYY-MM-DD` (to defaults to today), `&currency=EUR`. */
export function parseOverviewParams(params: SearchParams, now = new Date()): OverviewParams {
  const period = first(params.period);
  const from = first(params.from);
  const to = first(params.to);
  const currency = first(params.currency)?.toUpperCase();
  const requested = currency && isCurrency(currency) ? currency : undefined;
  let notice: string | undefined;

  if (from || to) {
    const end = to ?? dayOf(now.getTime());
    const days = isDay(from) && isDay(end) ? (Date.parse(end) - Date.parse(from)) / DAY_MS + 1 : NaN;
    if (days >= 1 && days <= MAX_RANGE_DAYS) {
      const range = resolveRange({ startDate: from, endDate: end }, now);
      return { period: null, from: from!, to: end, currency: requested, range };
    }
    notice = !from
      ? "A date range needs a start date"
      : !isDay(from) || !isDay(end)
      ? "That date range is not valid (dates look like 2025-03-31)"
      : days < 1
        ? to ? "That date range ends before it starts" : "That date range starts after today"
        : `A date range may span at most ${MAX_RANGE_DAYS} days`;
  }

  let preset = DEFAULT_PERIOD;
  if (isPeriod(period)) preset = period;
  else if (period) notice ??= `“${period.slice(0, 20)}” is not a period Cartback knows`;
  const range = resolveRange({ period: preset }, now);
  return {
    period: preset,
    from: dayOf(range.from.getTime()),
    to: dayOf(range.to.getTime() - DAY_MS),
    currency: requested,
    range,
    notice: notice && `${notice}, so the last ${PERIODS[preset]} days are shown.`,
  };
}

/** The page's URL for a period or custom range, keeping an explicitly chosen currency. */
export function overviewHref(view: { period: Period } | { from: string; to: string }, currency?: string): string {
  const q = new URLSearchParams("period" in view ? { period: view.period } : { from: view.from, to: view.to });
  if (currency) q.set("currency", currency);
  return `/?${q}`;
}

/**
 * The currency the value figures and the chart's value series are shown in: the one asked for
 * if it has data, else the business's default if it has data, else the one with the most
 * abandoned carts (then most recovered, then alphabetical). Without any data, the default.
 */
export function chooseCurrency(currencies: readonly CurrencyTotals[], businessDefault: string, requested?: string): string {
  const has = (c: string | undefined) => !!c && currencies.some((t) => t.currency === c);
  if (has(requested)) return requested!;
  if (has(businessDefault) || currencies.length === 0) return businessDefault;
  return [...currencies].sort(
    (a, b) => b.abandoned - a.abandoned || b.recovered - a.recovered || a.currency.localeCompare(b.currency),
  )[0]!.currency;
}

export type CurrencyFigures = {
  currency: string;
  abandoned: number;
  recovered: number;
  /** Percentage, two decimals. */
  rate: number;
  /** Display text, e.g. "$1,234.50"; each in its own currency. */
  valueAbandoned: string;
  valueRecovered: string;
};

export type ChartRow = {
  date: string;
  /** Cart counts of the day, every currency. */
  abandoned: number;
  recovered: number;
  /** The day's values in the chart currency only: plot coordinates (decimal units) and display text. */
  abandonedValue: number;
  recoveredValue: number;
  abandonedValueText: string;
  recoveredValueText: string;
};

export type Overview = {
  /** Counts and rate over every currency (counts are not money, so they may be added). */
  totals: { abandoned: number; recovered: number; rate: number };
  /** Per-currency figures, the chart currency first, then by abandoned carts. */
  currencies: CurrencyFigures[];
  chartCurrency: string;
  /** Value figures of the chart currency (zero if it has no data). */
  main: CurrencyFigures;
  rows: ChartRow[];
  empty: boolean;
};

const figures = (t: CurrencyTotals): CurrencyFigures => ({
  currency: t.currency,
  abandoned: t.abandoned,
  recovered: t.recovered,
  rate: recoveryRate(t.abandoned, t.recovered),
  valueAbandoned: formatMoney(t.abandonedMinor, t.currency),
  valueRecovered: formatMoney(t.recoveredMinor, t.currency),
});

const zero = (currency: string): CurrencyTotals => ({ currency, abandoned: 0, recovered: 0, abandonedMinor: 0n, recoveredMinor: 0n });

/** Plot coordinate for an amount: exact decimal text read as a number (only the chart's geometry uses it). */
const plot = (minor: bigint, currency: string) => Number(toDecimalString(minor, currency));

export function buildOverview(a: CartAnalytics, chartCurrency: string): Overview {
  let abandoned = 0;
  let recovered = 0;
  for (const t of a.currencies) {
    abandoned += t.abandoned;
    recovered += t.recovered;
  }
  const main = a.currencies.find((t) => t.currency === chartCurrency) ?? zero(chartCurrency);
  const others = a.currencies
    .filter((t) => t.currency !== chartCurrency)
    .sort((x, y) => y.abandoned - x.abandoned || x.currency.localeCompare(y.currency));
  const rows = a.days.map((day): ChartRow => {
    let dayAbandoned = 0;
    let dayRecovered = 0;
    for (const t of day.byCurrency.values()) {
      dayAbandoned += t.abandoned;
      dayRecovered += t.recovered;
    }
    const t = day.byCurrency.get(chartCurrency) ?? zero(chartCurrency);
    return {
      date: day.date,
      abandoned: dayAbandoned,
      recovered: dayRecovered,
      abandonedValue: plot(t.abandonedMinor, chartCurrency),
      recoveredValue: plot(t.recoveredMinor, chartCurrency),
      abandonedValueText: formatMoney(t.abandonedMinor, chartCurrency),
      recoveredValueText: formatMoney(t.recoveredMinor, chartCurrency),
    };
  });
  return {
    totals: { abandoned, recovered, rate: recoveryRate(abandoned, recovered) },
    currencies: a.currencies.length ? [main, ...others].map(figures) : [],
    chartCurrency,
    main: figures(main),
    rows,
    empty: a.currencies.length === 0,
  };
}

/** 33.33 → "33.3%", 0 → "0%". */
export function formatRate(rate: number): string {
  return `${new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 }).format(rate)}%`;
}

const dayFormat = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/** "Mar 1 – 30, 2025" for the days a range covers (its end is exclusive). */
export function describeRange(range: DayRange): string {
  const last = new Date(Math.max(range.from.getTime(), range.to.getTime() - 1));
  return dayFormat.formatRange(range.from, last);
}
