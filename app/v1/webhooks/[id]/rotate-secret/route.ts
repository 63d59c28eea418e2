import { torque } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { rotateSecret } from "@/lib/webhooks/endpoints";
import { toWebhook } from "@/lib/webhooks/format";
import { rotateSecretInput } from "@/lib/webhooks/schema";

/**
 * POST /v1/webhooks/{id}/rotate-secret { gracePeriodHours?: 0–168, default 24 } — the webhook
 * with its new secret (shown this once); the old secret keeps signing until `secretRotatedUntil`.
 */
export const POST = keyRoute<{ id: string }>(torque, async ({ req, params, business }) => {
  const { gracePeriodHours } = await readJson(req, rotateSecretInput, { optional: true });
  const endpoint = await rotateSecret(business.id, params.id, gracePeriodHours);
  return torque.ok(toWebhook(endpoint, { withSecret: true }));
});
