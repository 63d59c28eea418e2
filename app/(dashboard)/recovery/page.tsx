import Link from "next/link";
import { ButtonLink, Card, PageHeader } from "@/components/ui";
import { allowed, requireStaff } from "@/lib/auth/current";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { mailConfigured } from "@/lib/email/mailer";
import { countMessagesByStatus } from "@/lib/recovery/messages";
import { MAX_STEPS, toStepInput } from "@/lib/recovery/schema";
import { fromAddress } from "@/lib/recovery/sender";
import { listSteps } from "@/lib/recovery/steps";
import { PLACEHOLDERS } from "@/lib/recovery/templates";
import { formatDelay } from "./delay";
import { SequenceEditor } from "./sequence-editor";
import { RecoverySettingsForm } from "./settings-form";
import type { SavedStep } from "./step-draft";

export const dynamic = "force-dynamic";

export const metadata = { title: "Recovery" };

const count = new Intl.NumberFormat("en-US");

export default async function RecoveryPage() {
  const staff = await requireStaff();
  const { business } = staff;
  const canSettings = allowed(staff, "manageSettings");
  const [steps, counts] = await Promise.all([listSteps(business.id), countMessagesByStatus(business.id)]);
  const smtp = mailConfigured();
  const from = fromAddress(business);

  // Plain JSON for the client editor: no BigInt or Date.
  const saved: SavedStep[] = steps.map((s) => ({ id: s.id, position: s.position, ...toStepInput(s) }));

  return (
    <div className="space-y-6">
      <PageHeader
        title="Recovery"
        description="Abandoned carts get these emails automatically, each with the cart and a link back to checkout, unless the customer has bought or unsubscribed since."
        actions={
          <ButtonLink href={counts.outbox > 0 ? "/recovery/messages?status=outbox" : "/recovery/messages"}>
            {counts.outbox > 0 ? `Outbox (${count.format(counts.outbox)})` : `Email history (${count.format(counts.all)})`}
          </ButtonLink>
        }
      />

      <Card title="Settings">
        <p data-testid="smtp-status" className="mb-5 flex items-start gap-2 rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-700 dark:bg-slate-800/60 dark:text-slate-300">
          <span aria-hidden className={smtp ? "text-emerald-600" : "text-amber-600"}>
            ●
          </span>
          {smtp ? (
            <span>
              Emails go out through SMTP, from <span className="font-medium break-all">{`${from.name} <${from.address}>`}</span>.
            </span>
          ) : (
            <span>
              No SMTP configured: emails wait in the <Link href="/recovery/messages?status=outbox" className="font-medium text-brand-600 hover:underline dark:text-blue-400">
                outbox
              </Link>{" "}
              instead of being sent. Set <code className="font-mono text-xs">SMTP_URL</code> (and <code className="font-mono text-xs">SMTP_FROM</code>) to send them.
            </span>
          )}
        </p>
        {canSettings ? (
          <RecoverySettingsForm
            businessName={business.name}
            initial={{
              recoveryEmailsEnabled: business.recoveryEmailsEnabled,
              abandonAfterMinutes: business.abandonAfterMinutes,
              cartExpiryDays: business.cartExpiryDays,
              emailCapPerWeek: business.emailCapPerWeek,
              emailFromName: business.emailFromName ?? "",
            }}
          />
        ) : (
          <>
            <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
              <Setting label="Recovery emails" value={business.recoveryEmailsEnabled ? "On" : "Off"} />
              <Setting label="Abandon carts after" value={`${formatDelay(business.abandonAfterMinutes)} of inactivity`} />
              <Setting label="Expire carts after" value={business.cartExpiryDays === 1 ? "1 day" : `${business.cartExpiryDays} days`} />
              <Setting label="At most" value={`${business.emailCapPerWeek} ${business.emailCapPerWeek === 1 ? "email" : "emails"} per contact per week`} />
              <Setting label="From name" value={business.emailFromName || business.name} />
            </dl>
            <ReadOnlyNote role={ROLE_LABELS[staff.role]} />
          </>
        )}
      </Card>

      <section aria-labelledby="sequence-heading" className="space-y-4">
        <div>
          <h2 id="sequence-heading" className="text-lg font-semibold tracking-tight">
            Sequence
          </h2>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
            Each step is sent at most once per cart, the given time after the cart was abandoned.
            {!business.recoveryEmailsEnabled && " Recovery emails are off, so none of these go out right now."}
          </p>
        </div>
        <PlaceholderHelp />
        <SequenceEditor initial={saved} businessName={business.name} defaultCurrency={business.defaultCurrency} readOnly={!canSettings} maxSteps={MAX_STEPS} />
        {!canSettings && <ReadOnlyNote role={ROLE_LABELS[staff.role]} />}
      </section>
    </div>
  );
}

function PlaceholderHelp() {
  return (
    <details className="group rounded-xl border border-slate-200 bg-white px-4 py-3 text-sm shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <summary className="cursor-pointer font-medium select-none">Placeholders you can use</summary>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        Written as <code className="font-mono text-xs">{"{{name}}"}</code>, replaced for each customer. Text between{" "}
        <code className="font-mono text-xs">{"{{#discount}}"}</code> and <code className="font-mono text-xs">{"{{/discount}}"}</code> only appears when the step
        has a discount.
      </p>
      <dl className="mt-3 grid gap-x-4 gap-y-2 sm:grid-cols-[auto_1fr]">
        {PLACEHOLDERS.map((p) => (
          <div key={p.name} className="contents">
            <dt>
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-200">{`{{${p.name}}}`}</code>
            </dt>
            <dd className="text-slate-600 dark:text-slate-400">{p.description}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function Setting({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-sm font-medium break-words">{value}</dd>
    </div>
  );
}

function ReadOnlyNote({ role }: { role: string }) {
  return (
    <p className="mt-4 flex items-center gap-2 rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-600 dark:bg-slate-800/60 dark:text-slate-300">
      <span aria-hidden>🔒</span>
      Your role ({role}) can look at the recovery settings and sequence; only admins and owners can change them.
    </p>
  );
}
