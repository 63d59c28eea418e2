import { deleteEndpoint, updateEndpoint } from "@/lib/webhooks/endpoints";
import { toWebhook } from "@/lib/webhooks/format";
import { updateWebhookInput } from "@/lib/webhooks/schema";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";

type Params = { id: string };

/** Changes url, events or description; `status` disables or re-enables the endpoint. */
export const PATCH = staffRoute<Params>("manageSettings", async ({ req, params, staff }) => {
  const input = await readJson(req, updateWebhookInput);
  const endpoint = await updateEndpoint(staff.business.id, params.id, input);
  return tracker.ok({ webhook: toWebhook(endpoint) });
});

/** Deletes the endpoint and its delivery log. */
export const DELETE = staffRoute<Params>("manageSettings", async ({ params, staff }) => {
  await deleteEndpoint(staff.business.id, params.id);
  return tracker.ok({ id: params.id, deleted: true });
});
