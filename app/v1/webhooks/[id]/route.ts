import { torque } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { deleteEndpoint, getEndpoint, updateEndpoint } from "@/lib/webhooks/endpoints";
import { toWebhook } from "@/lib/webhooks/format";
import { updateWebhookInput } from "@/lib/webhooks/schema";

type Params = { id: string };

export const GET = keyRoute<Params>(torque, async ({ params, business }) => {
  return torque.ok(toWebhook(await getEndpoint(business.id, params.id)));
});

/** { url?, events?, description?, status?: "active" | "disabled" }; re-enabling clears the disabled reason. */
export const PATCH = keyRoute<Params>(torque, async ({ req, params, business }) => {
  const input = await readJson(req, updateWebhookInput);
  return torque.ok(toWebhook(await updateEndpoint(business.id, params.id, input)));
});

/** Deletes the endpoint and its delivery log; pending deliveries are not sent. Answers `{ id, deleted: true }`. */
export const DELETE = keyRoute<Params>(torque, async ({ params, business }) => {
  await deleteEndpoint(business.id, params.id);
  return torque.ok({ id: params.id, deleted: true });
});
