import { eraseInput } from "@/lib/contacts/schema";
import { eraseContact } from "@/lib/contacts/service";
import { tracker } from "@/lib/http/dialects/tracker";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";

/** Erases a contact by email (docs/recovery.md, "Consent and privacy"); answers what went. */
export const POST = keyRoute(tracker, async ({ req, business }) => {
  const { email } = await readJson(req, eraseInput);
  return tracker.ok({ erased: await eraseContact(business.id, email, "api") });
});
