import type { Contact } from "./service";

/** The tracker API's contact: consent null means nobody said either way. */
export function toTrackerContact(contact: Contact) {
  return {
    email: contact.email,
    consent: contact.consent,
    consentSource: contact.consentSource,
    consentAt: contact.consentAt?.toISOString() ?? null,
    unsubscribed: contact.unsubscribedAt !== null,
    unsubscribedAt: contact.unsubscribedAt?.toISOString() ?? null,
    carts: contact.carts,
  };
}
