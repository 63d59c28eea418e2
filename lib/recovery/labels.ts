import type { MessageStatus } from "@/db/schema";

/** How recovery emails' statuses and suppression reasons read to people. Pure: used by pages and client components. */

/** The list's status tabs after "All", in the order staff care about them. */
export const MESSAGE_TABS = ["outbox", "sent", "suppressed", "failed"] as const satisfies readonly MessageStatus[];
export type MessageTab = (typeof MESSAGE_TABS)[number];

export const MESSAGE_STATUS_LABELS: Record<MessageStatus, string> = {
  sending: "Sending",
  sent: "Sent",
  outbox: "Outbox",
  suppressed: "Suppressed",
  failed: "Failed",
};

/** Why an email was not sent (lib/recovery/suppression.ts), for people. Unknown reasons show as they are. */
export const SUPPRESSION_LABELS: Record<string, string> = {
  recovered: "The cart was already recovered",
  not_abandoned: "The cart was no longer abandoned",
  ordered: "The customer ordered since",
  unsubscribed: "The contact unsubscribed",
  no_consent: "No marketing consent",
  frequency_cap: "Weekly email limit for this contact reached",
  disabled: "Recovery emails were turned off",
};

export function suppressionLabel(reason: string | null): string | null {
  return reason ? (SUPPRESSION_LABELS[reason] ?? reason) : null;
}
