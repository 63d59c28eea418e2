import { createEndpoint } from "@/lib/webhooks/endpoints";
import { toWebhook } from "@/lib/webhooks/format";
import { createWebhookInput } from "@/lib/webhooks/schema";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";

/** The dashboard generates the signing secret; staff cannot choose one. */
const createInput = createWebhookInput.omit({ secret: true });

/** Subscribes a URL; this answer is the only place the signing secret ever appears. */
export const POST = staffRoute("manageSettings", async ({ req, staff }) => {
  const input = await readJson(req, createInput);
  const endpoint = await createEndpoint(staff.business.id, input);
  return tracker.ok({ webhook: toWebhook(endpoint), secret: endpoint.secret }, 201);
});
