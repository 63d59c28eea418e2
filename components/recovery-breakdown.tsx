import { CHANNEL_LABELS, type AgeRates, type CurrencyRecovery, type RecoveryAnalytics, type TimeBucket } from "@/lib/analytics/recovery";
import { formatMoney } from "@/lib/money";
import { Card, cx } from "./ui";

/**
 * The overview's attribution figures (lib/analytics/recovery.ts): recovered carts and revenue by
 * channel and email step, one block per currency (amounts never added across currencies), then
 * how long recovery took and how many abandoned carts came back within each window.
 */
export function RecoveryBreakdown({ analytics }: { analytics: RecoveryAnalytics }) {
  const recovered = analytics.currencies.filter((c) => c.total.count > 0);
  return (
    <div className="space-y-6">
      <Card title="Recovered by channel">
        {recovered.length === 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">No carts were recovered in this period.</p>
        ) : (
          <ChannelTable currencies={recovered} />
        )}
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Time to recover">
          <TimeToRecover buckets={analytics.all.timeToRecover} />
        </Card>
        <Card title="Recovered within">
          <WithinWindows rates={analytics.all.byAge} />
        </Card>
      </div>
    </div>
  );
}

const count = new Intl.NumberFormat("en-US");
const th = "px-3 py-2 font-medium whitespace-nowrap";
const td = "px-3 py-2 text-right whitespace-nowrap tabular-nums";

/** Share of a currency's recovered revenue, e.g. "62.5%" (display only). */
function share(part: bigint, whole: bigint): string {
  if (whole === 0n) return "—";
  const tenths = (part * 1000n + whole / 2n) / whole;
  return `${tenths / 10n}.${tenths % 10n}%`.replace(".0%", "%");
}

function ChannelTable({ currencies }: { currencies: CurrencyRecovery[] }) {
  return (
    <div className="-mx-4 -my-4 overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="recovered-by-channel">
        <caption className="sr-only">Recovered carts and revenue by channel and email step, per currency; currencies are not added together</caption>
        <thead className="text-xs text-slate-500 uppercase dark:text-slate-400">
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className={th}>Channel</th>
            <th scope="col" className={cx(th, "text-right")}>Carts</th>
            <th scope="col" className={cx(th, "text-right")}>Revenue</th>
            <th scope="col" className={cx(th, "text-right")}>Share</th>
          </tr>
        </thead>
        {currencies.map((c) => (
          <tbody key={c.currency} data-testid={`channels-${c.currency}`} className="divide-y divide-slate-100 border-b border-slate-200 last:border-b-0 dark:divide-slate-800 dark:border-slate-800">
            <tr className="bg-slate-50 dark:bg-slate-800/40">
              <th scope="rowgroup" colSpan={4} className="px-3 py-1.5 font-mono text-xs font-semibold">
                {c.currency} · {count.format(c.total.count)} recovered · {formatMoney(c.total.revenueMinor, c.currency)}
              </th>
            </tr>
            {c.byChannel.map((ch) => (
              <ChannelRows key={ch.channel} c={c} channel={ch} />
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

function ChannelRows({ c, channel }: { c: CurrencyRecovery; channel: CurrencyRecovery["byChannel"][number] }) {
  const muted = channel.count === 0 && "text-slate-400 dark:text-slate-500";
  return (
    <>
      <tr className={cx(muted || undefined)}>
        <th scope="row" className="px-3 py-2 font-medium">{CHANNEL_LABELS[channel.channel]}</th>
        <td className={td}>{count.format(channel.count)}</td>
        <td className={cx(td, channel.count > 0 && "text-emerald-700 dark:text-emerald-400")}>{formatMoney(channel.revenueMinor, c.currency)}</td>
        <td className={td}>{share(channel.revenueMinor, c.total.revenueMinor)}</td>
      </tr>
      {channel.channel === "email" &&
        c.byStep.map((s) => (
          <tr key={s.step ?? "none"} className="text-slate-600 dark:text-slate-300">
            <th scope="row" className="py-1.5 pr-3 pl-8 font-normal">{s.step === null ? "Step not recorded" : `Email ${s.step}`}</th>
            <td className={cx(td, "py-1.5")}>{count.format(s.count)}</td>
            <td className={cx(td, "py-1.5")}>{formatMoney(s.revenueMinor, c.currency)}</td>
            <td className={cx(td, "py-1.5")}>{share(s.revenueMinor, c.total.revenueMinor)}</td>
          </tr>
        ))}
    </>
  );
}

/** From abandonment to payment, carts of every currency (carts paid before they were abandoned are left out). */
function TimeToRecover({ buckets }: { buckets: TimeBucket[] }) {
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No abandoned cart was recovered in this period.</p>;
  const max = Math.max(...buckets.map((b) => b.count));
  return (
    <ul aria-label="Time from abandonment to recovery" className="space-y-2" data-testid="time-to-recover">
      {buckets.map((b) => (
        <li key={b.key} data-bucket={b.key} data-count={b.count} className="grid grid-cols-[4rem_minmax(0,1fr)_3rem] items-center gap-3 text-sm">
          <span className="text-slate-600 dark:text-slate-300">{b.label}</span>
          <span aria-hidden className="h-2.5 rounded-full bg-slate-100 dark:bg-slate-800">
            <span className="block h-full rounded-full bg-emerald-500" style={{ width: `${max ? (b.count / max) * 100 : 0}%` }} />
          </span>
          <span className="text-right tabular-nums">
            {count.format(b.count)}
            <span className="sr-only"> {b.count === 1 ? "cart" : "carts"}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Of the carts abandoned in the period, the share recovered within each window after abandonment. */
function WithinWindows({ rates }: { rates: AgeRates }) {
  if (rates.abandoned === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No carts were abandoned in this period.</p>;
  const percent = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
  return (
    <div>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="recovered-within">
        {rates.within.map((w) => (
          <div key={w.key} data-window={w.key} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800">
            <dt className="text-xs text-slate-500 dark:text-slate-400">{w.label}</dt>
            <dd className="mt-1 text-xl font-semibold tabular-nums">{percent.format(w.rate)}%</dd>
            <dd className="text-xs text-slate-500 tabular-nums dark:text-slate-400">
              {count.format(w.recovered)} of {count.format(rates.abandoned)}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">
        Of the carts abandoned in this period, all currencies. Carts abandoned recently may still come back.
      </p>
    </div>
  );
}
