import { toTrackerContact } from "@/lib/contacts/format";
import { contactQuery } from "@/lib/contacts/schema";
import { contactFor } from "@/lib/contacts/service";
import { tracker } from "@/lib/http/dialects/tracker";
import { notFound } from "@/lib/http/errors";
import { keyRoute } from "@/lib/http/handler";
import { readQuery } from "@/lib/http/input";

/** A contact's consent and unsubscribe state; 404 for an email the business does not know. */
export const GET = keyRoute(tracker, async ({ url, business }) => {
  const { email } = readQuery(url, contactQuery);
  const contact = await contactFor(business.id, email);
  if (!contact) throw notFound("Contact");
  return tracker.ok(toTrackerContact(contact));
});
