import { z } from "zod";
import { ROLES } from "@/db/schema";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";
import { changeRole, removeMember } from "@/lib/team/service";

const changeRoleInput = z.strictObject({
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
});

/** Changes a member's role (only owners grant or take away the owner role; one owner always remains). */
export const PATCH = staffRoute<{ id: string }>("manageTeam", async ({ req, params, staff }) => {
  const { role } = await readJson(req, changeRoleInput);
  await changeRole(staff.business.id, staff.role, params.id, role);
  return tracker.ok({ id: params.id, role });
});

/** Removes someone from the business (only owners remove owners; the last owner stays). */
export const DELETE = staffRoute<{ id: string }>("manageTeam", async ({ params, staff }) => {
  await removeMember(staff.business.id, staff.role, params.id);
  return tracker.ok({ id: params.id, removed: true });
});
