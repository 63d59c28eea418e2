import { toTrackerContact } from "@/lib/contacts/format";
import { consentInput } from "@/lib/contacts/schema";
import { setConsent } from "@/lib/contacts/service";
import { tracker } from "@/lib/http/dialects/tracker";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";

/** Records a contact's marketing consent and its source (the contact is created if new). */
export const PUT = keyRoute(tracker, async ({ req, business }) => {
  const { email, consent, source } = await readJson(req, consentInput);
  return tracker.ok(toTrackerContact(await setConsent(business.id, email, { consent, source })));
});
