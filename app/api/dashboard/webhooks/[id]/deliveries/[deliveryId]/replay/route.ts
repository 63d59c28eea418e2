import { z } from "zod";
import { replayDelivery } from "@/lib/webhooks/endpoints";
import { toDelivery } from "@/lib/webhooks/format";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";

type Params = { id: string; deliveryId: string };

/** Queues one delivery again, now, with a fresh retry schedule. */
export const POST = staffRoute<Params>("manageSettings", async ({ req, params, staff }) => {
  await readJson(req, z.strictObject({}), { optional: true });
  const delivery = await replayDelivery(staff.business.id, params.id, params.deliveryId);
  return tracker.ok({ delivery: toDelivery(delivery) });
});
