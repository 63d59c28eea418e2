import type { Business } from "@/lib/auth/api-keys";
import { sleep, type AppInstance } from "../lib/app";
import { messagesOf, pendingDeliveries } from "../lib/checks";
import { percentile, startLoad, type Outcome } from "../lib/load";
import { check, dueCarts, figure, waitFor, type Run } from "../lib/run";
import { describe } from "./outages";

/** The recovery scheduler runs every 30 s in each process; the first run comes 30 s after start. */
export const SCHEDULER_MS = 30_000;

export type KillResult = {
  outcomes: Outcome[];
  /** Webhook event ids pending (queued or claimed) when the app died: each must still go out. */
  pendingAtKill: Set<string>;
  /** When the last kill happened (claimed deliveries are retried once their lease ends). */
  lastKillAt: number;
};

type Cycle = { killAt: number; readyAt: number; restartMs: number };

/**
 * Phase 2: the same load while the app is killed with SIGKILL and started again, `kills` times.
 * Right before each kill, some carts' first recovery email falls due; after the restart each
 * goes out exactly once.
 */
export async function kills(run: Run, app: AppInstance, key: string, endpointId: string, mailBusiness: Business): Promise<KillResult> {
  const { config } = run;
  console.log(`\n— Phase 2: ${config.kills} SIGKILL(s) of the app under the same load, restart each time`);
  const load = startLoad({ url: () => app.url, key, concurrency: config.concurrency, timeoutMs: config.requestTimeoutMs });
  const cycles: Cycle[] = [];
  const pendingAtKill = new Set<string>();
  const due: { id: string; email: string }[] = [];
  // Emails a kill caught being sent: the server may have them, so they are never sent again.
  const interrupted = new Set<string>();
  let leasedAtKill = 0;
  for (let i = 0; i < config.kills; i++) {
    // Soak: at least one scheduler run between restarts, or due emails would wait for good.
    await sleep(i === 0 ? config.steadyMs : Math.max(config.steadyMs, SCHEDULER_MS + 5000 - (Date.now() - app.readyAt)));
    const carts = await dueCarts(mailBusiness, config.emailsPerKill, `kill${i}`);
    const killAt = Date.now();
    await app.kill();
    run.faults["app killed with SIGKILL and restarted"] = (run.faults["app killed with SIGKILL and restarted"] ?? 0) + 1;
    // The database as the dead process left it.
    const pending = await pendingDeliveries(run.sql, endpointId);
    pending.eventIds.forEach((id) => pendingAtKill.add(id));
    leasedAtKill += pending.leased;
    due.push(...carts);
    const messages = await messagesOf(run.sql, due.map((c) => c.id));
    for (const c of due) if (messages.get(c.id)!.includes("sending")) interrupted.add(c.id);
    console.log(`      kill ${i + 1}: ${pending.eventIds.length} webhook deliveries pending (${pending.leased} claimed in flight), ${carts.length} emails due`);
    await app.start();
    cycles.push({ killAt, readyAt: app.readyAt, restartMs: app.readyAt - app.startedAt });
  }
  await sleep(config.steadyMs);
  const outcomes = await load.stop();
  judge(run, outcomes, cycles);
  figure(run, "webhook deliveries pending at the kills", `${pendingAtKill.size} (${leasedAtKill} of them claimed by the killed process)`);

  // Emails: due before a kill, sent after the restart, once each — unless a later kill caught it
  // being sent (at most once by design: lib/recovery/sender.ts).
  const expected = due.filter((d) => !interrupted.has(d.id));
  await waitFor(() => expected.every((d) => run.smtp.countTo(d.email) >= 1), SCHEDULER_MS + 20_000);
  await sleep(1000); // a duplicate would come right after
  const counts = expected.map((d) => run.smtp.countTo(d.email));
  check(
    run,
    "SIGKILL: recovery emails due at the kill go out after the restart, exactly once each",
    expected.length > 0 && counts.every((n) => n === 1),
    `${counts.filter((n) => n === 1).length}/${expected.length} sent once, ${counts.filter((n) => n === 0).length} never, ${counts.filter((n) => n > 1).length} more than once`,
  );
  if (interrupted.size) {
    const twice = due.filter((d) => interrupted.has(d.id) && run.smtp.countTo(d.email) > 1).length;
    check(run, "SIGKILL: an email a kill caught being sent is never sent twice", twice === 0, `${interrupted.size} caught mid-send, ${twice} sent twice`);
  }
  return { outcomes, pendingAtKill, lastKillAt: cycles.at(-1)?.killAt ?? Date.now() };
}

function judge(run: Run, outcomes: Outcome[], cycles: Cycle[]): void {
  run.requests += outcomes.length;
  const acked = outcomes.filter((o) => o.status === 201).length;
  figure(run, "phase 2 requests", `${outcomes.length} (${acked} acknowledged 201, ${outcomes.filter((o) => o.status === "conn").length} refused or reset while the app was down)`);
  // A connection error is expected only for a request in flight at the kill or sent before the restart was ready.
  const down = (o: Outcome) => cycles.some((c) => o.end >= c.killAt && o.start <= c.readyAt);
  const unexpected = outcomes.filter((o) => o.status !== 201 && !(o.status === "conn" && down(o)));
  check(run, "SIGKILL: every answer is 201; only requests while the app was down fail to connect", unexpected.length === 0, describe(unexpected));
  cycles.forEach((c, i) => {
    const next = cycles[i + 1]?.killAt ?? Infinity;
    const writes = outcomes.filter((o) => o.status === 201 && o.start >= c.readyAt && o.start < next).length;
    check(run, `kill ${i + 1}: writes resume after the restart`, writes > 0, `${writes} acknowledged before the next fault; restart to ready ${c.restartMs} ms`);
  });
  const restarts = cycles.map((c) => c.restartMs);
  figure(run, "restart time (spawn → first 200)", `p50 ${percentile(restarts, 50)} ms, max ${Math.max(...restarts)} ms`);
}
