import Link from "next/link";
import { PeriodPicker } from "@/components/period-picker";
import { RecoveryBreakdown } from "@/components/recovery-breakdown";
import { RecoveryChart } from "@/components/recovery-chart";
import { buttonClass, ButtonLink, Card, cx, EmptyState, PageHeader } from "@/components/ui";
import { cartAnalytics } from "@/lib/analytics/carts";
import {
  buildOverview,
  chooseCurrency,
  describeRange,
  formatRate,
  overviewHref,
  parseOverviewParams,
  type CurrencyFigures,
  type OverviewParams,
  type SearchParams,
} from "@/lib/analytics/overview";
import { MAX_RANGE_DAYS, PERIODS, type Period } from "@/lib/analytics/range";
import { recoveryAnalytics } from "@/lib/analytics/recovery";
import { allowed, requireStaff } from "@/lib/auth/current";

export const dynamic = "force-dynamic";

export const metadata = { title: "Overview" };

const count = new Intl.NumberFormat("en-US");

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const staff = await requireStaff();
  const params = parseOverviewParams(await searchParams);
  const [analytics, recovery] = await Promise.all([cartAnalytics(staff.business.id, params.range), recoveryAnalytics(staff.business.id, params.range)]);
  const currency = chooseCurrency(analytics.currencies, staff.business.defaultCurrency, params.currency);
  const overview = buildOverview(analytics, currency);
  const rangeLabel = describeRange(params.range);
  const multiCurrency = overview.currencies.length > 1;
  const { totals, main } = overview;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Overview"
        description={
          <>
            {rangeLabel} <span className="text-slate-400 dark:text-slate-500">· UTC</span>
          </>
        }
        actions={
          <PeriodPicker
            active={params.period}
            presets={(Object.keys(PERIODS) as Period[]).map((period) => ({
              period,
              label: `${PERIODS[period]} days`,
              href: overviewHref({ period }, params.currency),
            }))}
            from={params.from}
            to={params.to}
            currency={params.currency}
            maxDays={MAX_RANGE_DAYS}
          />
        }
      />

      {params.notice && (
        <p role="status" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200">
          {params.notice}
        </p>
      )}

      {multiCurrency && <CurrencySwitch currencies={overview.currencies.map((c) => c.currency)} current={currency} params={params} />}

      <section aria-label="Headline figures" className="grid gap-3 sm:gap-4 lg:grid-cols-5">
        <div className="grid grid-cols-3 gap-3 sm:gap-4 lg:col-span-3">
          <Stat testId="stat-abandoned" label="Abandoned" value={count.format(totals.abandoned)} hint={multiCurrency ? "carts, all currencies" : "carts"} />
          <Stat testId="stat-recovered" label="Recovered" value={count.format(totals.recovered)} hint={multiCurrency ? "carts, all currencies" : "carts"} tone="green" />
          <Stat testId="stat-rate" label="Recovery rate" value={formatRate(totals.rate)} hint="recovered ÷ abandoned" />
        </div>
        <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:col-span-2">
          <Stat testId="stat-value-abandoned" label="Value abandoned" value={main.valueAbandoned} hint={`in ${currency}${multiCurrency ? " only" : ""}`} small />
          <Stat testId="stat-value-recovered" label="Value recovered" value={main.valueRecovered} hint={`in ${currency}${multiCurrency ? " only" : ""}`} tone="green" small />
        </div>
      </section>

      <Card title="Abandoned vs recovered per day" actions={<ExportLink params={params} />}>
        {overview.empty ? (
          <div data-testid="recovery-chart" data-abandoned={0} data-recovered={0} data-empty="">
            <NoCarts canManageKeys={allowed(staff, "manageKeys")} showLonger={params.period !== "90d"} currency={params.currency} />
          </div>
        ) : (
          <RecoveryChart
            rows={overview.rows}
            currency={currency}
            rangeLabel={rangeLabel}
            totals={{ abandoned: totals.abandoned, recovered: totals.recovered }}
            valueTotals={{ abandoned: main.valueAbandoned, recovered: main.valueRecovered }}
            multiCurrency={multiCurrency}
          />
        )}
      </Card>

      {multiCurrency && <ByCurrency currencies={overview.currencies} current={currency} params={params} />}

      {!overview.empty && <RecoveryBreakdown analytics={recovery} />}
    </div>
  );
}

function Stat({ testId, label, value, hint, tone, small }: { testId: string; label: string; value: string; hint: string; tone?: "green"; small?: boolean }) {
  return (
    <div data-testid={testId} className="min-w-0 rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4 dark:border-slate-800 dark:bg-slate-900">
      <p className="truncate text-xs font-medium text-slate-500 sm:text-sm dark:text-slate-400">{label}</p>
      <p
        className={cx(
          "mt-1 font-semibold tracking-tight tabular-nums [overflow-wrap:anywhere]",
          small ? "text-lg sm:text-2xl" : "text-xl sm:text-3xl",
          tone === "green" && "text-emerald-700 dark:text-emerald-400",
        )}
      >
        {value}
      </p>
      <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">{hint}</p>
    </div>
  );
}

/** Which currency the value figures and the chart's value series are in; never a sum of several. */
function CurrencySwitch({ currencies, current, params }: { currencies: string[]; current: string; params: OverviewParams }) {
  const sorted = [...currencies].sort();
  return (
    <div className="flex flex-col gap-2 rounded-xl border border-slate-200 bg-white px-4 py-3 sm:flex-row sm:items-center sm:justify-between dark:border-slate-800 dark:bg-slate-900">
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Carts came in {currencies.length} currencies. Values are shown per currency and never added together.
      </p>
      <nav aria-label="Currency for values" className="flex flex-wrap gap-1">
        {sorted.map((c) => (
          <Link
            key={c}
            href={hrefFor(params, c)}
            scroll={false}
            aria-current={c === current ? "true" : undefined}
            className={cx(
              "rounded-md px-2.5 py-1 font-mono text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500",
              c === current
                ? "bg-brand-600 text-white"
                : "bg-slate-100 text-slate-700 hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-300 dark:hover:bg-slate-700",
            )}
          >
            {c}
          </Link>
        ))}
      </nav>
    </div>
  );
}

function ByCurrency({ currencies, current, params }: { currencies: CurrencyFigures[]; current: string; params: OverviewParams }) {
  const th = "px-3 py-2 font-medium whitespace-nowrap";
  const td = "px-3 py-2 text-right whitespace-nowrap tabular-nums";
  return (
    <Card title="By currency">
      <div className="-mx-4 -my-4 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Figures per currency; amounts in different currencies are not added together</caption>
          <thead className="text-xs text-slate-500 uppercase dark:text-slate-400">
            <tr className="border-b border-slate-200 dark:border-slate-800">
              <th scope="col" className={th}>Currency</th>
              <th scope="col" className={cx(th, "text-right")}>Abandoned</th>
              <th scope="col" className={cx(th, "text-right")}>Recovered</th>
              <th scope="col" className={cx(th, "text-right")}>Rate</th>
              <th scope="col" className={cx(th, "text-right")}>Value abandoned</th>
              <th scope="col" className={cx(th, "text-right")}>Value recovered</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {currencies.map((c) => (
              <tr key={c.currency} data-testid={`currency-${c.currency}`} className={cx(c.currency === current && "bg-slate-50 dark:bg-slate-800/40")}>
                <th scope="row" className="px-3 py-2 font-mono font-medium">
                  <Link href={hrefFor(params, c.currency)} scroll={false} className="rounded hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500" aria-label={`Show values in ${c.currency}`}>
                    {c.currency}
                  </Link>
                </th>
                <td className={td}>{count.format(c.abandoned)}</td>
                <td className={td}>{count.format(c.recovered)}</td>
                <td className={td}>{formatRate(c.rate)}</td>
                <td className={td}>{c.valueAbandoned}</td>
                <td className={cx(td, "text-emerald-700 dark:text-emerald-400")}>{c.valueRecovered}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function NoCarts({ canManageKeys, showLonger, currency }: { canManageKeys: boolean; showLonger: boolean; currency?: string }) {
  return (
    <EmptyState
      title="No carts in this period"
      action={
        <div className="flex flex-wrap justify-center gap-2">
          {canManageKeys && (
            <ButtonLink href="/settings" variant="primary">
              Create an API key
            </ButtonLink>
          )}
          {showLonger && <ButtonLink href={overviewHref({ period: "90d" }, currency)}>Show the last 90 days</ButtonLink>}
        </div>
      }
    >
      <p>
        Carts arrive when your shop&apos;s server sends each abandoned checkout to{" "}
        <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-200">POST /api/carts</code> with an
        API key in the <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-200">x-api-key</code>{" "}
        header. {canManageKeys ? "Create a key in Settings" : "Ask an owner or admin for a key from Settings"}; new carts show up here within seconds.
      </p>
    </EmptyState>
  );
}

/** The daily series of the range shown, as a CSV file (a plain link: it is a download, not a page). */
function ExportLink({ params }: { params: OverviewParams }) {
  const q = new URLSearchParams(params.period ? { period: params.period } : { from: params.from, to: params.to });
  return (
    <a href={`/api/dashboard/export/analytics?${q}`} download className={buttonClass("secondary", "sm")}>
      Export CSV
    </a>
  );
}

function hrefFor(params: OverviewParams, currency: string): string {
  return overviewHref(params.period ? { period: params.period } : { from: params.from, to: params.to }, currency);
}
