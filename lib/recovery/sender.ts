import { and, asc, eq, exists, notExists, sql, type SQLWrapper } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb, type Db } from "@/db/client";
import { businesses, carts, customers, recoveryMessages, recoverySteps, type MessageStatus } from "@/db/schema";
import { getCart } from "@/lib/carts/queries";
import { ensureUnsubscribeToken } from "@/lib/contacts/service";
import { mailConfigured, sendMail } from "@/lib/email/mailer";
import { env } from "@/lib/env";
import { recordEvent } from "@/lib/events";
import { ApiError, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { generateLink } from "@/lib/links/service";
import { formatMoney } from "@/lib/money";
import { discountLabel, issueDiscountCode } from "./discounts";
import { MAX_DELAY_MINUTES } from "./schema";
import { listSteps } from "./steps";
import { suppressionReason } from "./suppression";
import { renderEmail, type EmailContext } from "./templates";

/** A message still "sending" after this long was interrupted (a crash): it becomes failed, never re-sent. */
export const STUCK_AFTER_MS = 10 * 60_000;
/**
 * A step is sent only within this long after it fell due. Steps missed by more (downtime, a
 * sequence created after the carts were left, a cart reported long after) are skipped: an email
 * about a cart left weeks ago is spam, not recovery. It also bounds the scan to recent carts.
 */
export const SEND_WINDOW_MS = 24 * 3600e3;
const MAX_DELAY_MS = MAX_DELAY_MINUTES * 60e3;
const DEFAULT_LIMIT = 50;

type Due = {
  businessId: string;
  cartId: string;
  customerId: string;
  email: string;
  stepPosition: number;
  superseded: boolean;
};

/**
 * Sends the recovery emails that are due at `now` (or keeps them in the outbox without SMTP).
 * Each (cart, step) is claimed by inserting its recovery_messages row: the unique index lets one
 * worker win, whatever the number of workers and retries, so a step goes out at most once.
 * Returns how many messages this call handled (sent, queued, suppressed or failed).
 * `businessId` limits it to one business (tests sharing a database).
 */
export async function sendDueEmails(now = new Date(), opts: { businessId?: string; limit?: number } = {}): Promise<number> {
  const db = await getDb();
  await failInterrupted(db, now, opts.businessId);
  await ensureSequences(db, opts.businessId);
  let handled = 0;
  for (const due of await dueSteps(db, now, opts.businessId, opts.limit ?? DEFAULT_LIMIT)) {
    try {
      if (await handle(db, due, now)) handled++;
    } catch (error) {
      console.error(`[cartback] recovery email for cart ${due.cartId} step ${due.stepPosition} failed:`, error instanceof Error ? error.message : error);
    }
  }
  return handled;
}

/**
 * Rows left "sending" by a worker that died: we cannot know whether the server got them. A
 * "sending" row's sentAt is when the attempt started (an outbox message sent later by staff),
 * else its createdAt (the claim).
 */
async function failInterrupted(db: Db, now: Date, businessId?: string): Promise<void> {
  await db.transaction(async (tx) => {
    const stuck = await tx
      .update(recoveryMessages)
      .set({ status: "failed", error: "interrupted before sending", sentAt: null })
      .where(
        and(
          eq(recoveryMessages.status, "sending"),
          sql`coalesce(${recoveryMessages.sentAt}, ${recoveryMessages.createdAt}) < ${new Date(now.getTime() - STUCK_AFTER_MS).toISOString()}::timestamptz`,
          businessId ? eq(recoveryMessages.businessId, businessId) : undefined,
        ),
      )
      .returning();
    for (const m of stuck) {
      await recordEvent(tx, { businessId: m.businessId, type: "email.failed", subjectId: m.cartId, at: now, data: { messageId: m.id, step: m.stepPosition, error: m.error } });
    }
  });
}

/** Businesses with abandoned carts that never had a sequence get the default one (listSteps). */
async function ensureSequences(db: Db, businessId?: string): Promise<void> {
  const missing = await db
    .select({ id: businesses.id })
    .from(businesses)
    .where(
      and(
        eq(businesses.recoveryEmailsEnabled, true),
        businessId ? eq(businesses.id, businessId) : undefined,
        notExists(db.select({ one: sql`1` }).from(recoverySteps).where(eq(recoverySteps.businessId, businesses.id))),
        exists(db.select({ one: sql`1` }).from(carts).where(and(eq(carts.businessId, businesses.id), eq(carts.status, "abandoned")))),
      ),
    );
  for (const b of missing) await listSteps(b.id, db);
}

const later = alias(recoverySteps, "later");

/**
 * (cart, step) pairs due now and not yet claimed, oldest due first. A step whose successor is
 * already due too is `superseded`: it is recorded as suppressed rather than sent, so a customer
 * never gets two emails at once (e.g. after downtime, or a cart reported long after it was left).
 */
async function dueSteps(db: Db, now: Date, businessId: string | undefined, limit: number): Promise<Due[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const dueAt = (delayMinutes: SQLWrapper) => sql`${carts.abandonedAt} + ${delayMinutes} * interval '1 minute'`;
  return db
    .select({
      businessId: carts.businessId,
      cartId: carts.id,
      customerId: carts.customerId,
      email: customers.email,
      stepPosition: recoverySteps.position,
      superseded: sql<boolean>`exists (${db
        .select({ one: sql`1` })
        .from(later)
        .where(
          and(
            eq(later.businessId, recoverySteps.businessId),
            eq(later.enabled, true),
            sql`${later.position} > ${recoverySteps.position}`,
            sql`${dueAt(later.delayMinutes)} <= ${at}`,
          ),
        )})`,
    })
    .from(carts)
    .innerJoin(businesses, and(eq(businesses.id, carts.businessId), eq(businesses.recoveryEmailsEnabled, true)))
    .innerJoin(recoverySteps, and(eq(recoverySteps.businessId, carts.businessId), eq(recoverySteps.enabled, true)))
    .innerJoin(customers, eq(customers.id, carts.customerId))
    .where(
      and(
        eq(carts.status, "abandoned"),
        businessId ? eq(carts.businessId, businessId) : undefined,
        // Walks carts_abandoned_idx over recent carts only.
        sql`${carts.abandonedAt} > ${new Date(now.getTime() - SEND_WINDOW_MS - MAX_DELAY_MS).toISOString()}::timestamptz`,
        sql`${dueAt(recoverySteps.delayMinutes)} <= ${at}`,
        sql`${dueAt(recoverySteps.delayMinutes)} > ${at} - ${SEND_WINDOW_MS / 1000} * interval '1 second'`,
        notExists(
          db
            .select({ one: sql`1` })
            .from(recoveryMessages)
            .where(and(eq(recoveryMessages.cartId, carts.id), eq(recoveryMessages.stepPosition, recoverySteps.position))),
        ),
      ),
    )
    .orderBy(dueAt(recoverySteps.delayMinutes), asc(carts.id), asc(recoverySteps.position))
    .limit(limit);
}

/** Claims one (cart, step) and carries it through; false when another worker had claimed it. */
async function handle(db: Db, due: Due, now: Date): Promise<boolean> {
  const claimed = await db.transaction(async (tx) => {
    const message = {
      id: newId("msg", now.getTime()),
      businessId: due.businessId,
      cartId: due.cartId,
      customerId: due.customerId,
      stepPosition: due.stepPosition,
      toEmail: due.email,
      createdAt: now,
    };
    if (due.superseded) {
      const [row] = await tx
        .insert(recoveryMessages)
        .values({ ...message, status: "suppressed", suppressionReason: "superseded" })
        .onConflictDoNothing()
        .returning({ id: recoveryMessages.id });
      if (row) await suppressed(tx, due, row.id, "superseded", now);
      return row ? { id: row.id, send: false } : null;
    }
    const [row] = await tx
      .insert(recoveryMessages)
      .values({ ...message, status: "sending" })
      .onConflictDoNothing()
      .returning({ id: recoveryMessages.id });
    if (!row) return null;
    const reason = await suppressionReason(tx, { businessId: due.businessId, cartId: due.cartId, stepPosition: due.stepPosition, messageId: row.id, now });
    if (reason) {
      await tx.update(recoveryMessages).set({ status: "suppressed", suppressionReason: reason }).where(eq(recoveryMessages.id, row.id));
      await suppressed(tx, due, row.id, reason, now);
    }
    return { id: row.id, send: !reason };
  });
  if (!claimed) return false;
  if (claimed.send) await deliver(db, due, claimed.id, now);
  return true;
}

async function suppressed(tx: Db, due: Pick<Due, "businessId" | "cartId" | "stepPosition">, messageId: string, reason: string, now: Date): Promise<void> {
  await recordEvent(tx, { businessId: due.businessId, type: "email.suppressed", subjectId: due.cartId, at: now, data: { messageId, step: due.stepPosition, reason } });
}

/** Renders the claimed message, then sends it over SMTP or leaves it in the outbox. */
async function deliver(db: Db, due: Due, messageId: string, now: Date): Promise<void> {
  let email: Awaited<ReturnType<typeof render>>;
  try {
    email = await render(db, due, messageId, now);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`[cartback] recovery email ${messageId} could not be prepared:`, reason);
    await fail(db, due, messageId, `could not be prepared: ${reason}`, now);
    return;
  }
  if (!email) return;
  await transmit(db, { ...due, messageId }, email, now);
}

const EXPIRY_FORMAT = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** The message's email, saved on its row; with no SMTP it stays there as an outbox message. */
async function render(db: Db, due: Due, messageId: string, now: Date) {
  let link: string;
  try {
    // The cart's current recovery link, or a new one when there is none or it expired.
    link = (await generateLink(due.businessId, due.cartId, { createdBy: "email", now })).url;
  } catch (error) {
    // Paid or closed between the check and now.
    if (error instanceof ApiError && error.kind === "validation") {
      await db.transaction(async (tx) => {
        await tx.update(recoveryMessages).set({ status: "suppressed", suppressionReason: "not_abandoned" }).where(eq(recoveryMessages.id, messageId));
        await suppressed(tx, due, messageId, "not_abandoned", now);
      });
      return null;
    }
    throw error;
  }
  const outbox = !mailConfigured();
  return db.transaction(async (tx) => {
    const cart = await getCart(due.businessId, due.cartId, tx);
    const [business] = await tx.select().from(businesses).where(eq(businesses.id, due.businessId));
    const [step] = await tx
      .select()
      .from(recoverySteps)
      .where(and(eq(recoverySteps.businessId, due.businessId), eq(recoverySteps.position, due.stepPosition)));
    if (!cart || !business || !step) throw new Error("the cart, business or step is gone");
    const token = await ensureUnsubscribeToken(tx, due.businessId, due.customerId);
    const discount = await issueDiscountCode(tx, { businessId: due.businessId, cartId: cart.id, messageId, currency: cart.currency, step, now });
    const money = (minor: bigint) => formatMoney(minor, cart.currency);
    const ctx: EmailContext = {
      business: { name: business.name },
      customer: { name: cart.customerName, firstName: cart.customerName?.trim().split(/\s+/)[0] || null, email: due.email },
      cart: {
        items: cart.items.map((i) => ({ name: i.name, quantity: i.quantity, price: money(i.unitPriceMinor * BigInt(i.quantity)), imageUrl: i.imageUrl })),
        total: money(cart.totalMinor),
      },
      link: `${link}?m=${encodeURIComponent(messageId)}`,
      unsubscribeUrl: unsubscribePageUrl(token),
      discount: discount ? { code: discount.code, label: discountLabel(discount), expires: `${EXPIRY_FORMAT.format(discount.expiresAt)} UTC` } : null,
    };
    const rendered = renderEmail(step, ctx);
    const status: MessageStatus = outbox ? "outbox" : "sending";
    await tx
      .update(recoveryMessages)
      .set({ ...rendered, status, discountCodeId: discount?.id ?? null })
      .where(eq(recoveryMessages.id, messageId));
    if (outbox) {
      await recordEvent(tx, { businessId: due.businessId, type: "email.queued", subjectId: due.cartId, at: now, data: { messageId, step: due.stepPosition } });
      return null;
    }
    return { ...rendered, from: fromAddress(business), unsubscribeToken: token };
  });
}

type Ready = { subject: string; text: string; html: string; from: { name: string; address: string }; unsubscribeToken: string };

/** One SMTP attempt, recorded either way. A failure is final: the server may have taken it. */
async function transmit(db: Db, m: { businessId: string; cartId: string; stepPosition: number; messageId: string; email: string }, email: Ready, now: Date): Promise<MessageStatus> {
  try {
    const { messageId: providerMessageId } = await sendMail({
      from: email.from,
      to: m.email,
      subject: email.subject,
      text: email.text,
      html: email.html,
      headers: {
        // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to this URL.
        "List-Unsubscribe": `<${oneClickUrl(email.unsubscribeToken)}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
    await db.transaction(async (tx) => {
      await tx.update(recoveryMessages).set({ status: "sent", sentAt: now, providerMessageId, error: null }).where(eq(recoveryMessages.id, m.messageId));
      await recordEvent(tx, { businessId: m.businessId, type: "email.sent", subjectId: m.cartId, at: now, data: { messageId: m.messageId, step: m.stepPosition } });
    });
    return "sent";
  } catch (error) {
    await fail(db, m, m.messageId, error instanceof Error ? error.message : String(error), now);
    return "failed";
  }
}

async function fail(db: Db, m: Pick<Due, "businessId" | "cartId" | "stepPosition">, messageId: string, error: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(recoveryMessages)
      .set({ status: "failed", error: error.slice(0, 1000), sentAt: null })
      .where(and(eq(recoveryMessages.id, messageId), eq(recoveryMessages.status, "sending")))
      .returning({ id: recoveryMessages.id });
    if (row) await recordEvent(tx, { businessId: m.businessId, type: "email.failed", subjectId: m.cartId, at: now, data: { messageId, step: m.stepPosition, error: error.slice(0, 200) } });
  });
}

/** `"Shop name" <no-reply@…>`: the business's From name, the operator's address. */
export function fromAddress(business: { name: string; emailFromName: string | null }): { name: string; address: string } {
  const { SMTP_FROM, APP_URL } = env();
  return { name: business.emailFromName || business.name, address: SMTP_FROM ?? `no-reply@${new URL(APP_URL).hostname}` };
}

/** The page a person opens from the email's unsubscribe link (it asks before unsubscribing). */
export function unsubscribePageUrl(token: string): string {
  return `${env().APP_URL}/u/${token}`;
}

/** The List-Unsubscribe target: a POST unsubscribes at once, a GET shows the page. */
export function oneClickUrl(token: string): string {
  return `${env().APP_URL}/u/${token}/one-click`;
}

export type OutboxSendResult = { status: "sent" | "failed"; error?: string } | { status: "suppressed"; reason: string };

/**
 * Staff send an outbox message now that SMTP is configured. Suppression is checked again first
 * (the customer may have paid or unsubscribed since); the message is sent as it was rendered.
 */
export async function sendOutboxMessage(businessId: string, messageId: string, now = new Date()): Promise<OutboxSendResult> {
  if (!mailConfigured()) throw new ApiError("conflict", "SMTP is not configured (SMTP_URL): the message stays in the outbox");
  const db = await getDb();
  const claimed = await db.transaction(async (tx) => {
    const [message] = await tx
      .select()
      .from(recoveryMessages)
      .where(and(eq(recoveryMessages.businessId, businessId), eq(recoveryMessages.id, messageId)))
      .for("update");
    if (!message) throw notFound("Message");
    if (message.status !== "outbox") throw new ApiError("conflict", `status: the message is ${message.status}, only outbox messages can be sent`, { field: "status" });
    const reason = await suppressionReason(tx, { businessId, cartId: message.cartId, stepPosition: message.stepPosition, messageId, now });
    if (reason) {
      await tx.update(recoveryMessages).set({ status: "suppressed", suppressionReason: reason }).where(eq(recoveryMessages.id, messageId));
      await suppressed(tx, message, messageId, reason, now);
      return { message, reason };
    }
    await tx.update(recoveryMessages).set({ status: "sending", sentAt: now }).where(eq(recoveryMessages.id, messageId));
    const [business] = await tx.select().from(businesses).where(eq(businesses.id, businessId));
    const token = await ensureUnsubscribeToken(tx, businessId, message.customerId);
    return { message, reason: null, from: fromAddress(business!), token };
  });
  if (claimed.reason) return { status: "suppressed", reason: claimed.reason };
  const { message } = claimed;
  const status = await transmit(
    db,
    { businessId, cartId: message.cartId, stepPosition: message.stepPosition, messageId, email: message.toEmail },
    { subject: message.subject, text: message.text, html: message.html, from: claimed.from!, unsubscribeToken: claimed.token! },
    now,
  );
  if (status === "sent") return { status };
  const [after] = await db.select({ error: recoveryMessages.error }).from(recoveryMessages).where(eq(recoveryMessages.id, messageId));
  return { status: "failed", error: after?.error ?? undefined };
}
