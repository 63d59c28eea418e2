import { z } from "zod";
import { rotateSecret } from "@/lib/webhooks/endpoints";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";

type Params = { id: string };

/** A new signing secret, shown only in this answer; the old one keeps signing for 24 hours. */
export const POST = staffRoute<Params>("manageSettings", async ({ req, params, staff }) => {
  await readJson(req, z.strictObject({}), { optional: true });
  const endpoint = await rotateSecret(staff.business.id, params.id);
  return tracker.ok({ secret: endpoint.secret, previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null });
});
