import { revokeApiKey } from "@/lib/auth/api-keys";
import { tracker } from "@/lib/http/dialects/tracker";
import { notFound } from "@/lib/http/errors";
import { staffRoute } from "@/lib/http/session-route";

/** Revokes a key at once; unknown, another business's and already revoked keys answer 404. */
export const DELETE = staffRoute<{ id: string }>("manageKeys", async ({ params, staff }) => {
  if (!(await revokeApiKey(staff.business.id, params.id))) throw notFound("API key");
  return tracker.ok({ id: params.id, revoked: true });
});
