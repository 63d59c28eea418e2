import { z } from "zod";
import { sendTestEvent } from "@/lib/webhooks/endpoints";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";

type Params = { id: string };

/** Sends a `webhook.test` event now and reports what the endpoint answered. */
export const POST = staffRoute<Params>("manageSettings", async ({ req, params, staff }) => {
  await readJson(req, z.strictObject({}), { optional: true });
  const delivery = await sendTestEvent(staff.business.id, params.id);
  return tracker.ok({ deliveryId: delivery.id, status: delivery.status, responseCode: delivery.responseCode, error: delivery.error });
});
