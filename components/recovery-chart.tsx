"use client";

import { useState } from "react";
import { Area, Bar, CartesianGrid, ComposedChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartRow } from "@/lib/analytics/overview";
import { cx } from "./ui";

type Metric = "count" | "value";

type Props = {
  rows: ChartRow[];
  /** The currency of the value series (counts cover every currency). */
  currency: string;
  /** "Mar 1 – 30, 2025", for the accessible summary. */
  rangeLabel: string;
  totals: { abandoned: number; recovered: number };
  /** Display text of the value totals in `currency`. */
  valueTotals: { abandoned: string; recovered: string };
  /** More than one currency has data: say that values cover `currency` only. */
  multiCurrency: boolean;
};

// Beyond this many days, bars get too thin to read: draw areas instead.
const BARS_UP_TO_DAYS = 45;

const shortDay = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const longDay = new Intl.DateTimeFormat("en-US", { weekday: "short", month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
const dateOf = (day: string) => new Date(`${day}T00:00:00Z`);
const countFormat = new Intl.NumberFormat("en-US");

/** Colours come from CSS variables so the chart follows the system's dark mode with the page. */
const PALETTE =
  "[--chart-abandoned:#f59e0b] [--chart-recovered:#059669] [--chart-grid:#e2e8f0] [--chart-axis:#64748b] [--chart-cursor:#f1f5f9] " +
  "dark:[--chart-abandoned:#fbbf24] dark:[--chart-recovered:#34d399] dark:[--chart-grid:#1e293b] dark:[--chart-axis:#94a3b8] dark:[--chart-cursor:#1e293b]";

const SERIES = [
  { key: "abandoned", label: "Abandoned", color: "var(--chart-abandoned)", swatch: "bg-[var(--chart-abandoned)]" },
  { key: "recovered", label: "Recovered", color: "var(--chart-recovered)", swatch: "bg-[var(--chart-recovered)]" },
] as const;

/**
 * Abandoned vs recovered carts per day: counts of every currency, or values in one currency.
 * The drawing is an image with a spoken summary; the numbers are also in a table below it.
 */
export function RecoveryChart({ rows, currency, rangeLabel, totals, valueTotals, multiCurrency }: Props) {
  const [metric, setMetric] = useState<Metric>("count");
  const asBars = rows.length <= BARS_UP_TO_DAYS;
  const dataKey = (series: "abandoned" | "recovered") => (metric === "count" ? series : (`${series}Value` as const));
  const moneyTick = new Intl.NumberFormat("en-US", { style: "currency", currency, notation: "compact", minimumFractionDigits: 0, maximumFractionDigits: 1 });
  const summary =
    metric === "count"
      ? `${asBars ? "Bar" : "Area"} chart of abandoned and recovered carts per day, ${rangeLabel}: ` +
        `${countFormat.format(totals.abandoned)} abandoned and ${countFormat.format(totals.recovered)} recovered in total.`
      : `${asBars ? "Bar" : "Area"} chart of the value of abandoned and recovered carts per day in ${currency}, ${rangeLabel}: ` +
        `${valueTotals.abandoned} abandoned and ${valueTotals.recovered} recovered in total.`;

  return (
    <figure data-testid="recovery-chart" data-abandoned={totals.abandoned} data-recovered={totals.recovered} data-metric={metric} className={cx("space-y-3", PALETTE)}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <ul className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-slate-600 dark:text-slate-300" aria-label="Legend">
          {SERIES.map((s) => (
            <li key={s.key} className="flex items-center gap-1.5">
              <span aria-hidden className={cx("size-2.5 rounded-sm", s.swatch)} />
              {s.label}
            </li>
          ))}
        </ul>
        <div role="group" aria-label="Chart shows" className="inline-flex rounded-lg border border-slate-200 p-0.5 text-sm dark:border-slate-700">
          {(
            [
              ["count", "Carts"],
              ["value", `Value (${currency})`],
            ] as const
          ).map(([m, label]) => (
            <button
              key={m}
              type="button"
              aria-pressed={metric === m}
              onClick={() => setMetric(m)}
              className={cx(
                "rounded-md px-2.5 py-1 font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500",
                metric === m
                  ? "bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-white"
                  : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white",
              )}
            >
              {label}
            </button>
          ))}
        </div>
      </div>

      <div role="img" aria-label={summary} className="h-64 w-full min-w-0 sm:h-72">
        <ResponsiveContainer width="100%" height="100%" minWidth={0}>
          <ComposedChart data={rows} margin={{ top: 8, right: 4, bottom: 0, left: 0 }} barGap={1} barCategoryGap="20%" accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
            <XAxis
              dataKey="date"
              tickFormatter={(d: string) => shortDay.format(dateOf(d))}
              tick={{ fill: "var(--chart-axis)", fontSize: 12 }}
              tickLine={false}
              axisLine={{ stroke: "var(--chart-grid)" }}
              interval="preserveStartEnd"
              minTickGap={28}
              tickMargin={8}
            />
            <YAxis
              allowDecimals={metric === "value"}
              tickFormatter={(v: number) => (metric === "count" ? countFormat.format(v) : moneyTick.format(v))}
              tick={{ fill: "var(--chart-axis)", fontSize: 12 }}
              tickLine={false}
              axisLine={false}
              width="auto"
            />
            <Tooltip
              content={({ active, payload }) => <ChartTooltip active={active} row={payload?.[0]?.payload as ChartRow | undefined} metric={metric} />}
              cursor={asBars ? { fill: "var(--chart-cursor)" } : { stroke: "var(--chart-axis)", strokeDasharray: "3 3" }}
            />
            {SERIES.map((s) =>
              asBars ? (
                <Bar key={s.key} dataKey={dataKey(s.key)} name={s.label} fill={s.color} radius={[3, 3, 0, 0]} maxBarSize={28} />
              ) : (
                <Area
                  key={s.key}
                  type="monotone"
                  dataKey={dataKey(s.key)}
                  name={s.label}
                  stroke={s.color}
                  strokeWidth={2}
                  fill={s.color}
                  fillOpacity={0.15}
                  dot={false}
                  activeDot={{ r: 4 }}
                />
              ),
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>

      <figcaption className="text-xs text-slate-500 dark:text-slate-400">
        Days are UTC. A cart counts on the day it was abandoned and on the day it was paid.
        {metric === "value" && multiCurrency && ` Values are in ${currency} only; carts in other currencies are not converted or added.`}
      </figcaption>

      <details className="group text-sm">
        <summary className="cursor-pointer select-none rounded font-medium text-brand-600 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-blue-400">
          Show the numbers as a table
        </summary>
        <div className="mt-3 max-h-80 overflow-auto rounded-lg border border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-sm tabular-nums">
            <caption className="sr-only">Abandoned and recovered carts per day, {rangeLabel}; values in {currency}</caption>
            <thead className="sticky top-0 bg-slate-50 text-xs text-slate-500 uppercase dark:bg-slate-900 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">Date</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Abandoned</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Recovered</th>
                <th scope="col" className="px-3 py-2 text-right font-medium whitespace-nowrap">Abandoned ({currency})</th>
                <th scope="col" className="px-3 py-2 text-right font-medium whitespace-nowrap">Recovered ({currency})</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.map((r) => (
                <tr key={r.date}>
                  <th scope="row" className="px-3 py-1.5 font-normal whitespace-nowrap">
                    <time dateTime={r.date}>{shortDay.format(dateOf(r.date))}</time>
                  </th>
                  <td className="px-3 py-1.5 text-right">{countFormat.format(r.abandoned)}</td>
                  <td className="px-3 py-1.5 text-right">{countFormat.format(r.recovered)}</td>
                  <td className="px-3 py-1.5 text-right whitespace-nowrap">{r.abandonedValueText}</td>
                  <td className="px-3 py-1.5 text-right whitespace-nowrap">{r.recoveredValueText}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function ChartTooltip({ active, row, metric }: { active?: boolean; row?: ChartRow; metric: Metric }) {
  if (!active || !row) return null;
  const values =
    metric === "count"
      ? [countFormat.format(row.abandoned), countFormat.format(row.recovered)]
      : [row.abandonedValueText, row.recoveredValueText];
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900">
      <p className="mb-1 font-medium">{longDay.format(dateOf(row.date))}</p>
      {SERIES.map((s, i) => (
        <p key={s.key} className="flex items-center justify-between gap-6 tabular-nums">
          <span className="flex items-center gap-1.5 text-slate-600 dark:text-slate-300">
            <span aria-hidden className={cx("size-2 rounded-sm", s.swatch)} />
            {s.label}
          </span>
          <span className="font-medium">{values[i]}</span>
        </p>
      ))}
    </div>
  );
}
