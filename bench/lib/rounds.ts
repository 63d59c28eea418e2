import type { Measured } from "./load";

export type Round = { app: Measured; emptyNext: Measured };

const share = (r: Round) => r.app.rps / r.emptyNext.rps;

/** The middle element by `key` (the upper middle of an even count). */
function middleBy<T>(list: readonly T[], key: (item: T) => number): T {
  return [...list].sort((a, b) => key(a) - key(b))[Math.floor(list.length / 2)]!;
}

const median = (values: number[]) => middleBy(values, (v) => v);

/**
 * The figures reported for alternating rounds of the app and the empty handler. Throughput comes
 * from the round with the median share; each latency is the median of the rounds' own. Taking the
 * tail from the median-share round instead tied it to a round chosen by another figure: one round
 * with a 54 ms p99 among four of 29–33 ms was reported as the result when it happened to hold the
 * median share (bench/RESULTS.md).
 */
export function summarizeRounds(rounds: Round[]): Round & { notes: string[] } {
  if (rounds.length === 0) throw new Error("no rounds to summarize");
  const middle = middleBy(rounds, share);
  const latencies = (pick: (r: Round) => Measured) => ({
    p50: median(rounds.map((r) => pick(r).p50)),
    p99: median(rounds.map((r) => pick(r).p99)),
  });
  const shares = rounds.map((r) => `${Math.round(share(r) * 100)}%`).join(", ");
  const tails = rounds.map((r) => `${Math.round(r.app.p99)}/${Math.round(r.emptyNext.p99)}`).join(", ");
  return {
    app: { ...middle.app, ...latencies((r) => r.app) },
    emptyNext: { ...middle.emptyNext, ...latencies((r) => r.emptyNext) },
    notes: [
      `app ÷ empty Next in ${rounds.length} alternating rounds: ${shares} (req/s from the median round); ` +
        `p99 app/empty Next: ${tails} ms (p50 and p99 are the medians of the rounds')`,
    ],
  };
}
