import { sleep, type AppInstance } from "../lib/app";
import { percentile, startLoad, type Outcome } from "../lib/load";
import { check, figure, waitFor, type Run } from "../lib/run";

/** An answer during an outage slower than this is a hang, not a quick 503. */
export const QUICK_MS = 2000;
/** The app must take writes again this soon after Postgres accepts connections. */
export const RECOVERY_MS = 5000;
/** The webhook worker polls every 250 ms; it must be delivering again this soon. */
export const JOBS_RESUME_MS = 10_000;

type Cycle = { stopAt: number; stoppedAt: number; startAt: number; readyAt: number };

/**
 * Phase 1: a steady load of POST /api/carts while Postgres is stopped (pg_ctl stop -m fast) and
 * started again, `outages` times. Returns every outcome (the caller checks the acknowledged ones).
 */
export async function outages(run: Run, app: AppInstance, key: string, shop: { arrivals: () => Map<string, { firstAt: number }> }): Promise<Outcome[]> {
  const { config } = run;
  console.log(`\n— Phase 1: ${config.outages} Postgres outage(s) of ${config.outageMs / 1000} s under ${config.concurrency} concurrent POST /api/carts`);
  const load = startLoad({ url: () => app.url, key, concurrency: config.concurrency, timeoutMs: config.requestTimeoutMs });
  const cycles: Cycle[] = [];
  for (let i = 0; i < config.outages; i++) {
    await sleep(config.steadyMs);
    const stopAt = Date.now();
    await run.pg.stop();
    const stoppedAt = Date.now();
    run.faults["Postgres stopped (pg_ctl stop -m fast) and restarted"] = (run.faults["Postgres stopped (pg_ctl stop -m fast) and restarted"] ?? 0) + 1;
    await sleep(config.outageMs);
    const startAt = Date.now();
    await run.pg.start();
    cycles.push({ stopAt, stoppedAt, startAt, readyAt: Date.now() });
    console.log(`      outage ${i + 1}: stop took ${stoppedAt - stopAt} ms, down ${startAt - stoppedAt} ms, start took ${Date.now() - startAt} ms`);
  }
  await sleep(config.steadyMs);
  const outcomes = await load.stop();
  judge(run, outcomes, cycles);

  // The background jobs must come back too, in the same process: webhooks go out again soon after
  // the last restart (all of them arriving is checked at the end, when the backlog has drained).
  const back = cycles.at(-1)!.readyAt;
  const deliveredSince = () => [...shop.arrivals().values()].filter((a) => a.firstAt > back).length;
  const resumed = await waitFor(() => deliveredSince() > 0, JOBS_RESUME_MS);
  const first = Math.min(...[...shop.arrivals().values()].map((a) => a.firstAt).filter((t) => t > back));
  check(
    run,
    `outage: background jobs resume by themselves (a webhook is delivered within ${JOBS_RESUME_MS / 1000} s of Postgres being back, no restart)`,
    resumed,
    resumed ? `first delivery ${first - back} ms after Postgres accepted connections` : "no webhook delivered since: the worker is stuck",
  );
  return outcomes;
}

function judge(run: Run, outcomes: Outcome[], cycles: Cycle[]): void {
  const count = (f: (o: Outcome) => boolean) => outcomes.filter(f).length;
  const during = (o: Outcome) => cycles.some((c) => o.start >= c.stopAt && o.start <= c.readyAt);
  const acked = count((o) => o.status === 201);
  run.requests += outcomes.length;
  figure(run, "phase 1 requests", `${outcomes.length} (${acked} acknowledged 201, ${count((o) => o.status === 503)} × 503)`);

  const unexpected = outcomes.filter((o) => o.status !== 201 && o.status !== 503);
  check(run, "outage: every answer is 201 or 503 (no 500, no 4xx, no dropped connection, no hang)", unexpected.length === 0, describe(unexpected));

  const noRetryAfter = count((o) => o.status === 503 && !o.retryAfter);
  check(run, "outage: every 503 carries Retry-After", noRetryAfter === 0, `${noRetryAfter} without it`);

  const duringOutage = outcomes.filter(during);
  const slow = duringOutage.filter((o) => o.end - o.start > QUICK_MS);
  const latencies503 = outcomes.filter((o) => o.status === 503).map((o) => o.end - o.start);
  check(
    run,
    `outage: requests sent while Postgres was down are answered within ${QUICK_MS} ms`,
    slow.length === 0 && duringOutage.length > 0,
    `${duringOutage.length} sent during the outages, ${slow.length} slower; slowest ${Math.max(0, ...duringOutage.map((o) => o.end - o.start))} ms`,
  );
  figure(run, "503 latency p50 / p99 / max", `${percentile(latencies503, 50)} / ${percentile(latencies503, 99)} / ${Math.max(0, ...latencies503)} ms (${latencies503.length} answers)`);

  const recoveries: number[] = [];
  cycles.forEach((c, i) => {
    const refused = outcomes.filter((o) => o.status === 503 && o.start >= c.stopAt && o.start <= c.readyAt).length;
    check(run, `outage ${i + 1}: the fault was felt (503s while Postgres was down)`, refused > 0, `${refused} × 503`);
    const next = cycles[i + 1]?.stopAt ?? Infinity;
    const firstWrite = outcomes.filter((o) => o.status === 201 && o.start >= c.readyAt && o.start < next).sort((a, b) => a.end - b.end)[0];
    const recovery = firstWrite ? firstWrite.end - c.readyAt : Infinity;
    recoveries.push(recovery);
    // After recovery, nothing but 201s until the next fault (a request still in flight when it starts may fail).
    const after = outcomes.filter((o) => o.start >= c.readyAt + RECOVERY_MS && o.end < next && o.status !== 201);
    check(
      run,
      `outage ${i + 1}: the app recovers by itself within ${RECOVERY_MS} ms of Postgres being back, then every write succeeds`,
      recovery <= RECOVERY_MS && after.length === 0,
      `first acknowledged write ${recovery} ms after Postgres accepted connections; ${after.length ? describe(after) : "no failure"} afterwards`,
    );
  });
  figure(run, "recovery time after Postgres restart (first 201)", `max ${Math.max(...recoveries)} ms, p50 ${percentile(recoveries, 50)} ms over ${recoveries.length} outage(s)`);
}

export function describe(outcomes: Outcome[]): string {
  if (outcomes.length === 0) return "none";
  const by = new Map<string, number>();
  for (const o of outcomes) {
    const k = `${o.status}${o.error ? ` ${o.error}` : ""}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return [...by].map(([k, n]) => `${n} × ${k}`).join(", ");
}
