import { createCart } from "@/lib/carts/service";
import { sleep, type AppInstance } from "../lib/app";
import { messagesOf } from "../lib/checks";
import { check, dueCarts, figure, newBusiness, subscribe, waitFor, waitWhileProgress, type Run } from "../lib/run";
import { SCHEDULER_MS } from "./kills";

export const RATE_LIMIT = 100;
const RATE_REQUESTS = 150;

/**
 * Phase 3: two instances on one database. The emails are made due while no instance runs, so
 * both schedulers find them on their first run, at nearly the same moment.
 */
export async function prepareShared(run: Run) {
  const mail = await newBusiness(`Shared mail ${Date.now()}`);
  const due = await dueCarts(mail.business, run.config.sharedEmails, "shared");
  return { due };
}

export async function twoInstances(run: Run, a: AppInstance, b: AppInstance, prepared: Awaited<ReturnType<typeof prepareShared>>): Promise<void> {
  const both = [a, b];
  console.log(`\n— Phase 3: instances ${a.name} (${a.url}) and ${b.name} (${b.url}) on one database, RATE_LIMIT_PER_MINUTE=${RATE_LIMIT}`);

  // Rate limit: one key's requests spread over both instances share one budget.
  const limited = await newBusiness(`Rate limited ${Date.now()}`);
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < RATE_REQUESTS) {
        const target = both[next++ % 2]!;
        const res = await fetch(`${target.url}/api/carts?limit=1`, { headers: { "x-api-key": limited.key }, signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
    }),
  );
  run.requests += statuses.length;
  const ok = statuses.filter((s) => s === 200).length;
  const refused = statuses.filter((s) => s === 429).length;
  check(
    run,
    `two instances: ${RATE_REQUESTS} requests of one key split across both → exactly ${RATE_LIMIT} allowed, the rest 429`,
    ok === RATE_LIMIT && refused === RATE_REQUESTS - RATE_LIMIT,
    `${ok} × 200, ${refused} × 429, ${statuses.length - ok - refused} other`,
  );

  // Webhooks: N deliveries queued at once, claimed by both workers; each arrives once.
  const jobs = await newBusiness(`Shared jobs ${Date.now()}`);
  const endpoint = await subscribe(run, jobs.business.id, "shared", { attribute: true });
  const n = run.config.sharedDeliveries;
  for (let i = 0; i < n; i++) {
    await createCart(jobs.business, { customerEmail: `jobs${i}@faults.test`, items: [{ name: "Shared", quantity: 1, price: "1.00" }] });
  }
  const all = await waitWhileProgress(() => endpoint.arrivals().size >= n, () => run.receiver.stats.requests, { idleMs: 20_000, capMs: 10 * 60_000 });
  await sleep(2000); // a second claim of one delivery would show within the worker's 1 s poll
  const arrivals = [...endpoint.arrivals().values()];
  const duplicates = arrivals.filter((x) => x.count > 1).length;
  check(run, `two instances: ${n} webhook deliveries, each delivered exactly once`, all && arrivals.length === n && duplicates === 0, `${arrivals.length}/${n} arrived, ${duplicates} more than once`);
  figure(run, "shared webhook deliveries sent by instance", bySender(arrivals.flatMap((x) => x.senders)));

  // Emails: both schedulers' first runs race for the same due (cart, step) pairs.
  const { due } = prepared;
  const sentWithin = Math.max(0, SCHEDULER_MS + 25_000 - (Date.now() - Math.min(a.readyAt, b.readyAt)));
  await waitFor(() => due.every((d) => run.smtp.countTo(d.email) >= 1), sentWithin);
  await sleep(2000);
  const counts = due.map((d) => run.smtp.countTo(d.email));
  const rows = await messagesOf(run.sql, due.map((d) => d.id));
  const rowsOk = due.every((d) => rows.get(d.id)!.length === 1 && rows.get(d.id)![0] === "sent");
  check(
    run,
    `two instances: ${due.length} due recovery emails, each sent exactly once per (cart, step)`,
    counts.every((c) => c === 1) && rowsOk,
    `${counts.filter((c) => c === 1).length} once, ${counts.filter((c) => c === 0).length} never, ${counts.filter((c) => c > 1).length} more than once; message rows ${rowsOk ? "one 'sent' each" : "not one 'sent' each"}`,
  );
  const addresses = new Set(due.map((d) => d.email));
  figure(run, "shared emails sent by instance", bySender(run.smtp.mails.filter((m) => m.to.some((t) => addresses.has(t))).map((m) => m.sender)));
}

function bySender(senders: string[]): string {
  const counts = new Map<string, number>();
  for (const s of senders) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].sort().map(([s, c]) => `${s}: ${c}`).join(", ") || "none";
}
