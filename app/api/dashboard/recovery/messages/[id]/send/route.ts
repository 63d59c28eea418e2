import { tracker } from "@/lib/http/dialects/tracker";
import { staffRoute } from "@/lib/http/session-route";
import { sendOutboxMessage } from "@/lib/recovery/sender";

type Params = { id: string };

/**
 * Staff send an outbox message now that SMTP is configured: suppression is checked again first
 * (the answer says "suppressed" with the reason when it applies). 404 for a missing or another
 * business's message; 409 for one not in the outbox, or when SMTP is still not configured.
 */
export const POST = staffRoute<Params>("changeCarts", async ({ params, staff }) => {
  const result = await sendOutboxMessage(staff.business.id, params.id);
  return tracker.ok({ id: params.id, ...result });
});
