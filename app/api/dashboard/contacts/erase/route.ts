import { eraseInput } from "@/lib/contacts/schema";
import { eraseContact } from "@/lib/contacts/service";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";

/** Settings → Privacy: an admin erases a contact by email. */
export const POST = staffRoute("manageSettings", async ({ req, staff }) => {
  const { email } = await readJson(req, eraseInput);
  return tracker.ok({ erased: await eraseContact(staff.business.id, email, `staff:${staff.user.id}`) });
});
