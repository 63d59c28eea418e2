import { every } from "@/lib/jobs/every";
import { abandonInactiveCarts, expireStaleCarts, purgeExpiredData, type Scope } from "./lifecycle";
import { sendDueEmails } from "./sender";

/** One pass of everything time-driven about recovery, in order. Returns what each step did. */
export async function runRecoveryCycle(now = new Date(), scope: Scope = {}) {
  const abandoned = await abandonInactiveCarts(now, scope);
  const expired = await expireStaleCarts(now, scope);
  const purged = await purgeExpiredData(now, scope);
  const emails = await sendDueEmails(now, scope);
  return { abandoned, expired, purged, emails };
}

/** Every 30 seconds in this process (started with the server). */
export function startRecoveryScheduler(intervalMs = 30_000): void {
  every("recovery scheduler", intervalMs, () => runRecoveryCycle());
}
