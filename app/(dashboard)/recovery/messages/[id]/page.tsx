import Link from "next/link";
import { notFound } from "next/navigation";
import { Detail, Time } from "@/components/record-parts";
import { Card } from "@/components/ui";
import { allowed, requireStaff } from "@/lib/auth/current";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { mailConfigured } from "@/lib/email/mailer";
import { suppressionLabel } from "@/lib/recovery/labels";
import { getMessage } from "@/lib/recovery/messages";
import { fromAddress } from "@/lib/recovery/sender";
import { MessageStatusBadge } from "../../badges";
import { EmailPreview } from "../../email-preview";
import { SendNowButton } from "./send-button";

export const dynamic = "force-dynamic";

export const metadata = { title: "Recovery email" };

const link = "font-medium text-brand-600 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 rounded dark:text-blue-400";

export default async function MessagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const staff = await requireStaff();
  const message = await getMessage(staff.business.id, id);
  if (!message) notFound();
  const smtp = mailConfigured();
  const from = fromAddress(staff.business);
  const fromLine = `${from.name} <${from.address}>`;
  const rendered = message.html !== "" || message.text !== "";
  const reason = message.status === "suppressed" ? suppressionLabel(message.suppressionReason) : null;

  return (
    <div className="space-y-6">
      <div>
        <Link
          href="/recovery/messages"
          className="inline-flex items-center gap-1 rounded text-sm font-medium text-slate-600 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-slate-400 dark:hover:text-white"
        >
          <span aria-hidden>←</span> Back to recovery emails
        </Link>
      </div>

      <header className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <p className="text-sm text-slate-500 dark:text-slate-400">
            Step {message.stepPosition} email to <span className="break-all">{message.toEmail}</span>
          </p>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <h1 className="text-2xl font-semibold tracking-tight break-words">{message.subject || "Not rendered"}</h1>
            <span data-testid="message-status">
              <MessageStatusBadge status={message.status} />
            </span>
          </div>
          {reason && <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">Not sent: {reason}.</p>}
          {message.status === "failed" && message.error && <p className="mt-1 text-sm break-words text-rose-700 dark:text-rose-300">{message.error}</p>}
        </div>
        {message.status === "outbox" && <OutboxAction canSend={allowed(staff, "changeCarts")} smtp={smtp} role={ROLE_LABELS[staff.role]} messageId={message.id} to={message.toEmail} />}
      </header>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          {rendered ? (
            <EmailPreview subject={message.subject} html={message.html} text={message.text} from={fromLine} to={message.toEmail} label="The email" />
          ) : (
            <Card>
              <p className="text-sm text-slate-600 dark:text-slate-300">This email was held back before it was written, so there is nothing to preview.</p>
            </Card>
          )}
        </div>
        <Card title="Details">
          <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
            <Detail label="Status">
              <MessageStatusBadge status={message.status} />
            </Detail>
            <Detail label="Step">{message.stepPosition}</Detail>
            <Detail label="To">
              <span className="break-all">{message.toEmail}</span>
            </Detail>
            <Detail label="Cart">
              <Link href={`/carts/${message.cartId}`} className={link}>
                View cart
              </Link>
            </Detail>
            <Detail label="Created">
              <Time at={message.createdAt} />
            </Detail>
            {message.sentAt && message.status === "sent" && (
              <Detail label="Sent">
                <Time at={message.sentAt} />
              </Detail>
            )}
            {message.clickedAt && (
              <Detail label="Link opened">
                <Time at={message.clickedAt} />
              </Detail>
            )}
            {message.discountCode && (
              <Detail label="Discount code">
                <span className="font-mono text-xs">{message.discountCode}</span>
              </Detail>
            )}
            {message.providerMessageId && (
              <Detail label="SMTP id">
                <span className="font-mono text-xs break-all">{message.providerMessageId}</span>
              </Detail>
            )}
          </dl>
        </Card>
      </div>
    </div>
  );
}

function OutboxAction({ canSend, smtp, role, messageId, to }: { canSend: boolean; smtp: boolean; role: string; messageId: string; to: string }) {
  const note = "rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm text-slate-600 sm:max-w-xs dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300";
  if (!smtp) {
    return (
      <p role="note" className={note}>
        No SMTP configured: this email waits here. Set <code className="font-mono text-xs">SMTP_URL</code> to send it, or copy it to the customer yourself.
      </p>
    );
  }
  if (!canSend) {
    return (
      <p role="note" className={note}>
        Your role ({role}) is read-only: you can look at this email but not send it.
      </p>
    );
  }
  return (
    <div data-testid="message-actions">
      <SendNowButton messageId={messageId} to={to} />
    </div>
  );
}
