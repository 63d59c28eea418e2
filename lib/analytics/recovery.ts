import { and, count, eq, gte, isNotNull, lt, sql, sum } from "drizzle-orm";
import { getDb } from "@/db/client";
import { carts } from "@/db/schema";
import { recoveryRate } from "./carts";
import type { DayRange } from "./range";

/**
 * How carts were recovered (attribution, docs/recovery.md), per currency, for a range [from, to):
 * - carts recovered in the range (recoveredAt), with their revenue (what was paid, else the
 *   cart's total), by channel and, for the email channel, by sequence step;
 * - how long those carts took, from abandonedAt to recoveredAt (carts never abandoned, i.e.
 *   paid while still active, are left out of the distribution);
 * - of the carts abandoned in the range, the share recovered within 1 h, 24 h, 3 d and 7 d of
 *   being abandoned (recent carts may still recover: their later windows are not over yet).
 * Amounts are never added across currencies; counts may be (see `all`).
 */

export const RECOVERY_CHANNELS = ["email", "link", "manual", "direct"] as const;
/** "other": anything else recorded before attribution existed (or none at all). */
export type ChannelName = (typeof RECOVERY_CHANNELS)[number] | "other";

export const CHANNEL_LABELS: Record<ChannelName, string> = {
  email: "Recovery email",
  link: "Payment link",
  manual: "Marked by staff",
  direct: "Direct",
  other: "Other",
};

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Time-to-recover buckets: [lower, upper) in seconds; the last has no upper bound. */
export const TIME_BUCKETS = [
  { key: "lt1h", label: "< 1 h", upper: HOUR },
  { key: "1to6h", label: "1–6 h", upper: 6 * HOUR },
  { key: "6to24h", label: "6–24 h", upper: DAY },
  { key: "1to3d", label: "1–3 d", upper: 3 * DAY },
  { key: "3to7d", label: "3–7 d", upper: 7 * DAY },
  { key: "gt7d", label: "> 7 d", upper: null },
] as const;
export type TimeBucketKey = (typeof TIME_BUCKETS)[number]["key"];

/** Recovery-rate windows after abandonment (inclusive: recovered at most this long after). */
export const AGE_WINDOWS = [
  { key: "1h", label: "1 hour", seconds: HOUR },
  { key: "24h", label: "24 hours", seconds: DAY },
  { key: "3d", label: "3 days", seconds: 3 * DAY },
  { key: "7d", label: "7 days", seconds: 7 * DAY },
] as const;
export type AgeWindowKey = (typeof AGE_WINDOWS)[number]["key"];

export type Recovered = { count: number; revenueMinor: bigint };
export type ChannelTotals = Recovered & { channel: ChannelName };
export type StepTotals = Recovered & { step: number | null };
export type TimeBucket = { key: TimeBucketKey; label: string; count: number };
export type AgeRates = {
  /** Carts abandoned in the range. */
  abandoned: number;
  /** Cumulative: each window includes the shorter ones. `rate` is a percentage with two decimals. */
  within: { key: AgeWindowKey; label: string; recovered: number; rate: number }[];
};

export type CurrencyRecovery = {
  currency: string;
  /** All carts of the currency recovered in the range. */
  total: Recovered;
  /** Every known channel (zeros included), then "other" when it has any. */
  byChannel: ChannelTotals[];
  /** Email-channel recoveries by step, in step order (null: the step was not recorded). */
  byStep: StepTotals[];
  timeToRecover: TimeBucket[];
  byAge: AgeRates;
};

export type RecoveryAnalytics = {
  range: DayRange;
  /** Alphabetical; a currency appears if it had a cart recovered or abandoned in the range. */
  currencies: CurrencyRecovery[];
  /** Counts over every currency (no amounts). */
  all: { recovered: number; timeToRecover: TimeBucket[]; byAge: AgeRates };
};

const seconds = sql`extract(epoch from (${carts.recoveredAt} - ${carts.abandonedAt}))`;

/** Index into TIME_BUCKETS, or null for a cart that was never abandoned. */
const bucketIndex = sql<number | null>`case
  when ${carts.abandonedAt} is null then null
  ${sql.join(
    TIME_BUCKETS.flatMap((b, i) => (b.upper === null ? [] : [sql`when ${seconds} < ${sql.raw(String(b.upper))} then ${sql.raw(String(i))}`])),
    sql` `,
  )}
  else ${sql.raw(String(TIME_BUCKETS.length - 1))} end`;

/** Carts recovered at most `limit` seconds after they were abandoned. */
const recoveredWithin = (limit: number) =>
  sql<number>`count(*) filter (where ${carts.recoveredAt} is not null and ${seconds} <= ${sql.raw(String(limit))})`.mapWith(Number);

export async function recoveryAnalytics(businessId: string, range: DayRange): Promise<RecoveryAnalytics> {
  const db = await getDb();
  const channel = sql<string | null>`${carts.recoveryChannel}`;
  const [recovered, abandoned] = await Promise.all([
    db
      .select({
        currency: carts.currency,
        channel,
        step: carts.recoveryStep,
        bucket: bucketIndex.mapWith((v) => (v === null ? null : Number(v))),
        n: count(),
        revenue: sum(sql`coalesce(${carts.recoveredAmountMinor}, ${carts.totalMinor})`),
      })
      .from(carts)
      .where(and(eq(carts.businessId, businessId), gte(carts.recoveredAt, range.from), lt(carts.recoveredAt, range.to)))
      .groupBy(carts.currency, channel, carts.recoveryStep, bucketIndex),
    db
      .select({
        currency: carts.currency,
        n: count(),
        within1h: recoveredWithin(AGE_WINDOWS[0].seconds),
        within24h: recoveredWithin(AGE_WINDOWS[1].seconds),
        within3d: recoveredWithin(AGE_WINDOWS[2].seconds),
        within7d: recoveredWithin(AGE_WINDOWS[3].seconds),
      })
      .from(carts)
      .where(and(eq(carts.businessId, businessId), isNotNull(carts.abandonedAt), gte(carts.abandonedAt, range.from), lt(carts.abandonedAt, range.to)))
      .groupBy(carts.currency),
  ]);

  const byCurrency = new Map<string, CurrencyRecovery>();
  const slot = (currency: string) => {
    let c = byCurrency.get(currency);
    if (!c) byCurrency.set(currency, (c = emptyCurrency(currency)));
    return c;
  };
  for (const row of recovered) {
    const c = slot(row.currency);
    const revenue = BigInt(row.revenue ?? 0);
    add(c.total, row.n, revenue);
    const name = channelName(row.channel);
    let ch = c.byChannel.find((x) => x.channel === name);
    if (!ch) c.byChannel.push((ch = { channel: name, count: 0, revenueMinor: 0n }));
    add(ch, row.n, revenue);
    if (name === "email") {
      let st = c.byStep.find((x) => x.step === row.step);
      if (!st) c.byStep.push((st = { step: row.step, count: 0, revenueMinor: 0n }));
      add(st, row.n, revenue);
    }
    if (row.bucket !== null) c.timeToRecover[row.bucket]!.count += row.n;
  }
  for (const row of abandoned) {
    const c = slot(row.currency);
    c.byAge = ageRates(row.n, [row.within1h, row.within24h, row.within3d, row.within7d]);
  }

  const currencies = [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  for (const c of currencies) {
    c.byStep.sort((a, b) => (a.step ?? Infinity) - (b.step ?? Infinity));
    if (c.byChannel.find((x) => x.channel === "other")?.count === 0) c.byChannel = c.byChannel.filter((x) => x.channel !== "other");
  }
  const timeToRecover = emptyBuckets();
  let abandonedCount = 0;
  const within = AGE_WINDOWS.map(() => 0);
  let recoveredCount = 0;
  for (const c of currencies) {
    recoveredCount += c.total.count;
    c.timeToRecover.forEach((b, i) => (timeToRecover[i]!.count += b.count));
    abandonedCount += c.byAge.abandoned;
    c.byAge.within.forEach((w, i) => (within[i]! += w.recovered));
  }
  return { range, currencies, all: { recovered: recoveredCount, timeToRecover, byAge: ageRates(abandonedCount, within) } };
}

function add(t: Recovered, n: number, revenue: bigint) {
  t.count += n;
  t.revenueMinor += revenue;
}

function channelName(value: string | null): ChannelName {
  return (RECOVERY_CHANNELS as readonly string[]).includes(value ?? "") ? (value as ChannelName) : "other";
}

const emptyBuckets = (): TimeBucket[] => TIME_BUCKETS.map((b) => ({ key: b.key, label: b.label, count: 0 }));

function ageRates(abandoned: number, recovered: number[]): AgeRates {
  return {
    abandoned,
    within: AGE_WINDOWS.map((w, i) => ({ key: w.key, label: w.label, recovered: recovered[i]!, rate: recoveryRate(abandoned, recovered[i]!) })),
  };
}

function emptyCurrency(currency: string): CurrencyRecovery {
  return {
    currency,
    total: { count: 0, revenueMinor: 0n },
    byChannel: [...RECOVERY_CHANNELS.map((channel) => ({ channel, count: 0, revenueMinor: 0n })), { channel: "other" as const, count: 0, revenueMinor: 0n }],
    byStep: [],
    timeToRecover: emptyBuckets(),
    byAge: ageRates(0, AGE_WINDOWS.map(() => 0)),
  };
}
