import { z } from "zod";
import { tracker } from "@/lib/http/dialects/tracker";
import { publicRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { assertSameOrigin } from "@/lib/http/session-route";
import { acceptInvitation } from "@/lib/team/service";

const acceptInput = z.strictObject({
  token: z.string().min(1),
  name: z.string().trim().max(200).optional(),
  password: z.string().min(1, "is required").max(200),
});

/** The invitee's form: creates (or proves) their account and joins the business. */
export const POST = publicRoute(tracker, async ({ req }) => {
  assertSameOrigin(req);
  const input = await readJson(req, acceptInput);
  const { email } = await acceptInvitation(input.token, input);
  return tracker.ok({ email });
});
