import { abandonedEventIds, halfWritten, lostOrWrong } from "../lib/checks";
import type { Outcome } from "../lib/load";
import { check, figure, waitWhileProgress, type Run } from "../lib/run";

/** The webhook worker's lease (lib/webhooks/worker.ts LEASE_MS): a delivery claimed by a dead process waits this long. */
export const LEASE_MS = 60_000;

/**
 * After every fault: each acknowledged cart is there as sent, no cart is half-written, and every
 * committed cart.abandoned event reaches the merchant — those the killed process had claimed too,
 * once their lease runs out.
 */
export async function nothingLost(
  run: Run,
  shop: { businessId: string; endpointId: string; arrivals: () => Map<string, { count: number }> },
  outcomes: Outcome[],
  kill?: { pendingAtKill: Set<string>; lastKillAt: number },
): Promise<void> {
  console.log("\n— Final: nothing lost");
  const acked = outcomes.filter((o) => o.status === 201);
  run.acknowledged = acked.length;
  const withId = acked.filter((o) => o.cartId);
  const { missing, wrong } = await lostOrWrong(run.sql, shop.businessId, withId);
  figure(run, "acknowledged writes (201)", String(acked.length));
  figure(run, "lost acknowledged writes", String(missing.length));
  check(
    run,
    "every acknowledged cart exists with exactly the items, count and total sent",
    missing.length === 0 && wrong.length === 0 && withId.length === acked.length,
    `${acked.length} acknowledged: ${missing.length} missing, ${wrong.length} different, ${acked.length - withId.length} without an id${missing.length ? ` (${missing.slice(0, 5).join(", ")})` : ""}`,
  );
  const half = await halfWritten(run.sql, shop.businessId, shop.endpointId);
  figure(run, "carts in the database", `${half.carts} (${half.carts - acked.length} committed but not acknowledged: the answer was lost to the fault)`);
  check(
    run,
    "no half-written cart: items, count, total, both events and the webhook delivery present for every cart",
    half.broken.length === 0,
    half.broken.length ? half.broken.slice(0, 5).map((x) => `${x.id}: ${x.why}`).join("; ") : `${half.carts} carts checked`,
  );

  const events = await abandonedEventIds(run.sql, shop.businessId);
  const arrivals = shop.arrivals;
  // Claimed deliveries of a killed process come back when their lease ends; a backlog may still be draining.
  const drainStart = Date.now();
  const drained = await waitWhileProgress(() => events.every((id) => arrivals().has(id)), () => arrivals().size, {
    idleMs: 20_000,
    until: kill ? kill.lastKillAt + LEASE_MS + 10_000 : 0,
    capMs: 15 * 60_000,
  });
  if (drained) figure(run, "final wait for the webhook backlog", `${((Date.now() - drainStart) / 1000).toFixed(1)} s`);
  const missingHooks = events.filter((id) => !arrivals().has(id));
  if (kill) {
    const pendingMissing = [...kill.pendingAtKill].filter((id) => !arrivals().has(id));
    check(run, "SIGKILL: webhook deliveries pending at the kill (queued or in flight) are delivered after the restart", pendingMissing.length === 0, `${kill.pendingAtKill.size - pendingMissing.length}/${kill.pendingAtKill.size} delivered`);
  }
  const dupes = [...arrivals().values()].filter((x) => x.count > 1);
  check(run, "every committed cart.abandoned event reaches the receiver (at least once)", missingHooks.length === 0, `${events.length - missingHooks.length}/${events.length} arrived`);
  figure(
    run,
    "webhooks received for those events",
    `${[...arrivals().values()].reduce((s, x) => s + x.count, 0)} deliveries for ${arrivals().size} events; ${dupes.length} events received twice or more (at-least-once: a delivery whose answer was lost to a fault is sent again after its lease)`,
  );
  check(run, "every webhook is signed correctly", run.receiver.stats.badSignatures === 0, `${run.receiver.stats.badSignatures} bad of ${run.receiver.stats.requests}`);
}
