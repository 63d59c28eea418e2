import { torque } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { createEndpoint, listEndpoints } from "@/lib/webhooks/endpoints";
import { toWebhook } from "@/lib/webhooks/format";
import { createWebhookInput } from "@/lib/webhooks/schema";

/** 000: POST /v1/webhooks { url, events, secret? } — the secret (given or generated) is in this answer only. */
export const POST = keyRoute(torque, async ({ req, business }) => {
  const input = await readJson(req, createWebhookInput);
  const endpoint = await createEndpoint(business.id, input);
  return torque.ok(toWebhook(endpoint, { withSecret: true }), 201);
});

/** GET /v1/webhooks — the business's subscriptions, newest first, without secrets (Twig's order callbacks are not subscriptions). */
export const GET = keyRoute(torque, async ({ business }) => {
  const endpoints = await listEndpoints(business.id, "torque");
  return torque.ok({ webhooks: endpoints.map((e) => toWebhook(e)) });
});
