import { torque } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { replayFailed } from "@/lib/webhooks/endpoints";
import { replayFailedInput } from "@/lib/webhooks/schema";

/** POST /v1/webhooks/{id}/replay { since?, until? } — queues again every failed delivery created in [since, until). */
export const POST = keyRoute<{ id: string }>(torque, async ({ req, params, business }) => {
  const range = await readJson(req, replayFailedInput, { optional: true });
  return torque.ok({ replayed: await replayFailed(business.id, params.id, range) });
});
