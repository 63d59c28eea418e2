import { torque } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { sendTestEvent } from "@/lib/webhooks/endpoints";
import { toDelivery } from "@/lib/webhooks/format";
import { emptyInput } from "@/lib/webhooks/schema";

/**
 * POST /v1/webhooks/{id}/test — sends a `webhook.test` event now and answers `{ delivery }`:
 * 200 whatever the receiver answered (the delivery's status, responseCode and error say how it went).
 */
export const POST = keyRoute<{ id: string }>(torque, async ({ req, params, business }) => {
  await readJson(req, emptyInput, { optional: true });
  const delivery = await sendTestEvent(business.id, params.id);
  return torque.ok({ delivery: toDelivery(delivery) });
});
