import { z } from "zod";
import { ROLES } from "@/db/schema";
import { emailInput } from "@/lib/carts/schema";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";
import { createInvitation } from "@/lib/team/service";

const inviteInput = z.strictObject({
  email: emailInput,
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
});

/** Invites someone by email; the answer carries the invitation link, the only copy of its token. */
export const POST = staffRoute("manageTeam", async ({ req, staff }) => {
  const input = await readJson(req, inviteInput);
  const invited = await createInvitation(staff.business.id, input, { userId: staff.user.id, role: staff.role });
  return tracker.ok(invited, 201);
});
