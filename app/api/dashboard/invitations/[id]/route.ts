import { tracker } from "@/lib/http/dialects/tracker";
import { staffRoute } from "@/lib/http/session-route";
import { revokeInvitation } from "@/lib/team/service";

/** Revokes a pending invitation: its link stops working at once. */
export const DELETE = staffRoute<{ id: string }>("manageTeam", async ({ params, staff }) => {
  await revokeInvitation(staff.business.id, params.id);
  return tracker.ok({ id: params.id, revoked: true });
});
