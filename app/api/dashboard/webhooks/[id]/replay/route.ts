import { replayFailed } from "@/lib/webhooks/endpoints";
import { replayFailedInput } from "@/lib/webhooks/schema";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";

type Params = { id: string };

/** Queues again the endpoint's failed deliveries created in [since, until) (ISO 8601; no zone means UTC). */
export const POST = staffRoute<Params>("manageSettings", async ({ req, params, staff }) => {
  const range = await readJson(req, replayFailedInput, { optional: true });
  const replayed = await replayFailed(staff.business.id, params.id, range);
  return tracker.ok({ replayed });
});
