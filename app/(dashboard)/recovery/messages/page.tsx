import Link from "next/link";
import { StatusTabs } from "@/components/status-tabs";
import { buttonClass, ButtonLink, cx, EmptyState, PageHeader } from "@/components/ui";
import { allowed, requireStaff } from "@/lib/auth/current";
import { mailConfigured } from "@/lib/email/mailer";
import { formatDay, formatRelative, formatTime } from "@/lib/format/dates";
import { MESSAGE_STATUS_LABELS, MESSAGE_TABS, suppressionLabel } from "@/lib/recovery/labels";
import { countMessagesByStatus, listMessages, type MessageCounts, type MessageListRow } from "@/lib/recovery/messages";
import { listSteps } from "@/lib/recovery/steps";
import { MessageStatusBadge } from "../badges";
import { listDelays } from "../delay";
import { messagesHref, parseMessageListParams, type MessageListParams, type SearchParams } from "./list-url";

export const dynamic = "force-dynamic";

export const metadata = { title: "Recovery emails" };

const PAGE_SIZE = 25;
const count = new Intl.NumberFormat("en-US");

export default async function MessagesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const staff = await requireStaff();
  const { business } = staff;
  const view = parseMessageListParams(await searchParams);
  const [page, counts] = await Promise.all([
    listMessages(business.id, { status: view.status, limit: PAGE_SIZE, offset: (view.page - 1) * PAGE_SIZE }),
    countMessagesByStatus(business.id),
  ]);
  const smtp = mailConfigured();
  const now = new Date();
  const sequenceLabel = allowed(staff, "manageSettings") ? "Edit the sequence" : "See the sequence";
  const header = (
    <PageHeader
      title="Recovery emails"
      description="Every automatic recovery email: sent, waiting in the outbox, or held back because sending it would have annoyed the customer."
      actions={<ButtonLink href="/recovery">{sequenceLabel}</ButtonLink>}
    />
  );

  if (counts.all === 0) {
    const steps = (await listSteps(business.id)).filter((s) => s.enabled);
    return (
      <div className="space-y-4">
        {header}
        <div data-testid="messages-empty">
          <EmptyState title="No recovery emails yet" action={
              <ButtonLink href="/recovery" variant="primary">
                {sequenceLabel}
              </ButtonLink>
            }>
            {!business.recoveryEmailsEnabled ? (
              <p>Recovery emails are turned off for {business.name}. Turn them on in the sequence settings to start emailing abandoned carts.</p>
            ) : steps.length === 0 ? (
              <p>Every step of the sequence is turned off, so no email is sent. Turn a step on to start emailing abandoned carts.</p>
            ) : (
              <p>
                They are sent {listDelays(steps.map((s) => s.delayMinutes))} after a cart is abandoned, to customers who have not bought or
                unsubscribed since.
              </p>
            )}
          </EmptyState>
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-4">
      {header}
      <Tabs view={view} counts={counts} />
      {counts.outbox > 0 && (
        <p role="note" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200">
          {count.format(counts.outbox)} {counts.outbox === 1 ? "email waits" : "emails wait"} in the outbox.{" "}
          {smtp
            ? "SMTP is configured now: open one to send it."
            : "No SMTP server is configured (SMTP_URL), so emails are kept here instead of being sent. Open one to see it and send it by hand."}
        </p>
      )}
      {page.messages.length === 0 ? (
        <NoMatches view={view} total={page.total} />
      ) : (
        <>
          <MessagesTable messages={page.messages} now={now} />
          <Pagination view={view} shown={page.messages.length} total={page.total} />
        </>
      )}
    </div>
  );
}

function Tabs({ view, counts }: { view: MessageListParams; counts: MessageCounts }) {
  const tabs = [
    { label: "All", n: counts.all, href: messagesHref({}), active: !view.status },
    ...MESSAGE_TABS.map((status) => ({ label: MESSAGE_STATUS_LABELS[status], n: counts[status], href: messagesHref({ status }), active: view.status === status })),
  ];
  return <StatusTabs label="Email status" tabs={tabs} />;
}

// One grid for the header and the rows; below lg each row is a card (recipient and status on
// top, subject under it, step, cart and time at the bottom).
const ROW = "grid grid-cols-[minmax(0,1fr)_auto] gap-x-4 gap-y-1 lg:grid-cols-[minmax(0,14rem)_minmax(0,1fr)_4rem_minmax(0,12rem)_6.5rem_8rem] lg:items-center";
const AT = {
  to: "[grid-area:1/1/2/2] lg:[grid-area:auto]",
  subject: "[grid-area:2/1/3/3] lg:[grid-area:auto]",
  step: "hidden lg:block",
  status: "[grid-area:1/2/2/3] justify-self-end lg:[grid-area:auto] lg:justify-self-auto",
  cart: "[grid-area:3/1/4/2] lg:[grid-area:auto]",
  when: "[grid-area:3/2/4/3] lg:[grid-area:auto]",
};

function MessagesTable({ messages, now }: { messages: MessageListRow[]; now: Date }) {
  return (
    <div data-testid="messages-table" className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <div role="table" aria-label="Recovery emails">
        <div role="rowgroup" className="hidden lg:block">
          <div
            role="row"
            className={cx(ROW, "border-b border-slate-200 bg-slate-50 px-4 py-2.5 text-xs font-medium tracking-wide text-slate-500 uppercase dark:border-slate-800 dark:bg-slate-800/40 dark:text-slate-400")}
          >
            <div role="columnheader">To</div>
            <div role="columnheader">Subject</div>
            <div role="columnheader">Step</div>
            <div role="columnheader">Status</div>
            <div role="columnheader">Cart</div>
            <div role="columnheader">When</div>
          </div>
        </div>
        <div role="rowgroup" className="divide-y divide-slate-100 dark:divide-slate-800">
          {messages.map((message) => (
            <MessageRow key={message.id} message={message} now={now} />
          ))}
        </div>
      </div>
    </div>
  );
}

function MessageRow({ message, now }: { message: MessageListRow; now: Date }) {
  const reason = message.status === "suppressed" ? suppressionLabel(message.suppressionReason) : message.status === "failed" ? message.error : null;
  const at = message.sentAt ?? message.createdAt;
  return (
    <div
      role="row"
      className={cx(ROW, "relative px-4 py-3 transition-colors hover:bg-slate-50 has-[a:focus-visible]:bg-slate-50 dark:hover:bg-slate-800/40 dark:has-[a:focus-visible]:bg-slate-800/40")}
    >
      <div role="cell" className={cx(AT.to, "min-w-0")}>
        {/* The row's main link; its ::after covers the row. The cart link sits above it. */}
        <Link
          href={`/recovery/messages/${message.id}`}
          prefetch={false}
          className="block truncate font-medium text-slate-900 after:absolute after:inset-0 focus:outline-none focus-visible:after:ring-2 focus-visible:after:ring-brand-500 focus-visible:after:ring-inset dark:text-slate-100"
        >
          {message.toEmail}
        </Link>
      </div>
      <div role="cell" className={cx(AT.subject, "min-w-0 text-sm")}>
        <span className="block truncate text-slate-700 dark:text-slate-300">{message.subject || <span className="text-slate-400">(not rendered)</span>}</span>
        <span className="text-xs text-slate-500 lg:hidden dark:text-slate-400">Step {message.stepPosition}</span>
      </div>
      <div role="cell" className={cx(AT.step, "text-sm text-slate-600 tabular-nums dark:text-slate-300")}>
        {message.stepPosition}
      </div>
      <div role="cell" className={cx(AT.status, "min-w-0")}>
        <MessageStatusBadge status={message.status} />
        {reason && <span className="mt-0.5 hidden truncate text-xs text-slate-500 lg:block dark:text-slate-400" title={reason}>{reason}</span>}
      </div>
      <div role="cell" className={cx(AT.cart, "min-w-0 text-sm")}>
        <Link
          href={`/carts/${message.cartId}`}
          prefetch={false}
          className="relative z-10 rounded font-medium text-brand-600 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 dark:text-blue-400"
        >
          View cart
        </Link>
        {reason && <span className="block truncate text-xs text-slate-500 lg:hidden dark:text-slate-400">{reason}</span>}
      </div>
      <div role="cell" className={cx(AT.when, "self-center text-right text-sm whitespace-nowrap text-slate-500 lg:text-left dark:text-slate-400")}>
        <time dateTime={at.toISOString()} title={formatTime(at)}>
          {Math.abs(at.getTime() - now.getTime()) < 7 * 86_400_000 ? formatRelative(at, now) : formatDay(at)}
        </time>
      </div>
    </div>
  );
}

function Pagination({ view, shown, total }: { view: MessageListParams; shown: number; total: number }) {
  const first = (view.page - 1) * PAGE_SIZE + 1;
  const last = first + shown - 1;
  const hasPrev = view.page > 1;
  const hasNext = last < total;
  if (!hasPrev && !hasNext) return null;
  const disabled = cx(buttonClass("secondary", "sm"), "pointer-events-none opacity-50");
  return (
    <nav aria-label="Pages" className="flex items-center justify-between gap-3">
      <p className="text-sm text-slate-500 dark:text-slate-400">
        {count.format(first)}–{count.format(last)} of {count.format(total)} emails
      </p>
      <div className="flex gap-2">
        {hasPrev ? (
          <ButtonLink href={messagesHref({ status: view.status, page: view.page - 1 })} size="sm">
            <span aria-hidden>←</span> Previous
          </ButtonLink>
        ) : (
          <span aria-disabled="true" className={disabled}>
            <span aria-hidden>←</span> Previous
          </span>
        )}
        {hasNext ? (
          <ButtonLink href={messagesHref({ status: view.status, page: view.page + 1 })} size="sm">
            Next <span aria-hidden>→</span>
          </ButtonLink>
        ) : (
          <span aria-disabled="true" className={disabled}>
            Next <span aria-hidden>→</span>
          </span>
        )}
      </div>
    </nav>
  );
}

const EMPTY_TAB: Record<string, string> = {
  outbox: "Nothing waits in the outbox: emails land here only when no SMTP server is configured.",
  sent: "No email has been sent yet.",
  suppressed: "No email was held back: suppression stops an email when the customer bought, unsubscribed or got enough emails this week.",
  failed: "No email failed to send.",
};

function NoMatches({ view, total }: { view: MessageListParams; total: number }) {
  if (total > 0) {
    return (
      <div data-testid="messages-empty">
        <EmptyState title="No emails on this page" action={<ButtonLink href={messagesHref({ status: view.status })}>Go to the first page</ButtonLink>}>
          <p>
            This list has {count.format(total)} {total === 1 ? "email" : "emails"}; they fit on fewer pages.
          </p>
        </EmptyState>
      </div>
    );
  }
  const label = view.status ? MESSAGE_STATUS_LABELS[view.status].toLowerCase() : "";
  return (
    <div data-testid="messages-empty">
      <EmptyState title={view.status === "outbox" ? "The outbox is empty" : `No ${label} emails`} action={<ButtonLink href="/recovery/messages">See all emails</ButtonLink>}>
        <p>{view.status ? EMPTY_TAB[view.status] : null}</p>
      </EmptyState>
    </div>
  );
}
