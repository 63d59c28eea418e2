import { Detail, Time } from "@/components/record-parts";
import { Badge } from "@/components/ui";
import type { MessageStatus } from "@/db/schema";
import type { CartContact } from "@/lib/contacts/queries";

const CONSENT = {
  granted: { label: "Granted", tone: "green" },
  denied: { label: "Denied", tone: "red" },
  unknown: { label: "Unknown", tone: "slate" },
} as const;

const STATUS: Record<MessageStatus, { label: string; tone: "green" | "amber" | "slate" | "red" | "blue" }> = {
  sent: { label: "Sent", tone: "green" },
  outbox: { label: "In the outbox", tone: "amber" },
  suppressed: { label: "Not sent", tone: "slate" },
  failed: { label: "Failed", tone: "red" },
  sending: { label: "Sending", tone: "blue" },
};

/** Why an email was not sent (lib/recovery/suppression.ts reasons), for people. */
export const SUPPRESSION_REASONS: Record<string, string> = {
  recovered: "the cart was already recovered",
  not_abandoned: "the cart was no longer abandoned",
  ordered: "the customer ordered since",
  unsubscribed: "the customer unsubscribed",
  no_consent: "no marketing consent",
  frequency_cap: "weekly email limit for this customer reached",
  disabled: "recovery emails are turned off",
};

/** The cart page's Contact block: consent, unsubscribe state, and the recovery emails of this cart. */
export function ContactCard({ contact }: { contact: CartContact }) {
  const consent = CONSENT[contact.consent ?? "unknown"];
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        <Detail label="Consent">
          <span data-testid="contact-consent">
            <Badge tone={consent.tone}>{consent.label}</Badge>
          </span>
          {contact.consentAt && (
            <span className="mt-0.5 block text-xs text-slate-500 dark:text-slate-400">
              {contact.consentSource ? <>via {contact.consentSource} · </> : null}
              <Time at={contact.consentAt} />
            </span>
          )}
        </Detail>
        <Detail label="Emails">
          <span data-testid="contact-unsubscribed">
            {contact.unsubscribedAt ? (
              <>
                <Badge tone="red">Unsubscribed</Badge>
                <span className="mt-0.5 block text-xs text-slate-500 dark:text-slate-400">
                  <Time at={contact.unsubscribedAt} />
                </span>
              </>
            ) : (
              <Badge>Subscribed</Badge>
            )}
          </span>
        </Detail>
      </dl>

      <section aria-labelledby="recovery-emails-heading" className="border-t border-slate-200 pt-3 dark:border-slate-800">
        <h3 id="recovery-emails-heading" className="mb-2 text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">
          Recovery emails
        </h3>
        {contact.emails.length === 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">No recovery email for this cart yet.</p>
        ) : (
          <ol aria-label="Recovery emails" className="-my-2 divide-y divide-slate-200 dark:divide-slate-800">
            {contact.emails.map((m) => (
              <li key={m.id} className="space-y-0.5 py-2">
                <div className="flex items-center justify-between gap-2">
                  <p className="text-sm font-medium">Step {m.stepPosition}</p>
                  <Badge tone={STATUS[m.status].tone}>{STATUS[m.status].label}</Badge>
                </div>
                {m.subject && <p className="truncate text-sm text-slate-600 dark:text-slate-300">{m.subject}</p>}
                {m.reason && (
                  <p className="text-xs text-slate-500 dark:text-slate-400">
                    {m.status === "failed" ? "Error: " : "Because "}
                    {SUPPRESSION_REASONS[m.reason] ?? m.reason}
                  </p>
                )}
                <p className="text-xs text-slate-500 dark:text-slate-400">
                  {m.sentAt ? (
                    <>
                      Sent <Time at={m.sentAt} />
                    </>
                  ) : (
                    <>
                      {m.status === "outbox" ? "Queued" : "Decided"} <Time at={m.createdAt} />
                    </>
                  )}
                  {m.clickedAt && (
                    <>
                      {" · clicked "}
                      <Time at={m.clickedAt} />
                    </>
                  )}
                </p>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
