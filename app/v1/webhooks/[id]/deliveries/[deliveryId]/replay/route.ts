import { torque } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { replayDelivery } from "@/lib/webhooks/endpoints";
import { toDelivery } from "@/lib/webhooks/format";
import { emptyInput } from "@/lib/webhooks/schema";

/** POST /v1/webhooks/{id}/deliveries/{deliveryId}/replay — queues the same event (same id and body) again, now. */
export const POST = keyRoute<{ id: string; deliveryId: string }>(torque, async ({ req, params, business }) => {
  await readJson(req, emptyInput, { optional: true });
  const delivery = await replayDelivery(business.id, params.id, params.deliveryId);
  return torque.ok({ delivery: toDelivery(delivery) });
});
