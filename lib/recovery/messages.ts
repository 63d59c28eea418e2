import { and, count, desc, eq } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { discountCodes, MESSAGE_STATUSES, recoveryMessages, type MessageStatus } from "@/db/schema";

/**
 * The recovery emails of a business as staff read them: the outbox and history list, its tab
 * counts, and one message. Every query is scoped by the business; another tenant's message reads
 * as missing.
 */

export type RecoveryMessage = typeof recoveryMessages.$inferSelect;
export type MessageListRow = Pick<
  RecoveryMessage,
  "id" | "cartId" | "stepPosition" | "toEmail" | "subject" | "status" | "suppressionReason" | "error" | "createdAt" | "sentAt"
>;

/** The business's messages, newest first, one page of them with the total for the filter. */
export async function listMessages(
  businessId: string,
  q: { status?: MessageStatus; limit: number; offset: number },
  db?: Db,
): Promise<{ messages: MessageListRow[]; total: number }> {
  db ??= await getDb();
  const where = and(eq(recoveryMessages.businessId, businessId), q.status ? eq(recoveryMessages.status, q.status) : undefined);
  const [messages, [totals]] = await Promise.all([
    db
      .select({
        id: recoveryMessages.id,
        cartId: recoveryMessages.cartId,
        stepPosition: recoveryMessages.stepPosition,
        toEmail: recoveryMessages.toEmail,
        subject: recoveryMessages.subject,
        status: recoveryMessages.status,
        suppressionReason: recoveryMessages.suppressionReason,
        error: recoveryMessages.error,
        createdAt: recoveryMessages.createdAt,
        sentAt: recoveryMessages.sentAt,
      })
      .from(recoveryMessages)
      .where(where)
      .orderBy(desc(recoveryMessages.createdAt), desc(recoveryMessages.id))
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(recoveryMessages).where(where),
  ]);
  return { messages, total: totals?.n ?? 0 };
}

export type MessageCounts = Record<"all" | MessageStatus, number>;

/** How many messages the business has in each status, and in all. */
export async function countMessagesByStatus(businessId: string, db?: Db): Promise<MessageCounts> {
  db ??= await getDb();
  const rows = await db
    .select({ status: recoveryMessages.status, n: count() })
    .from(recoveryMessages)
    .where(eq(recoveryMessages.businessId, businessId))
    .groupBy(recoveryMessages.status);
  const counts = Object.fromEntries([["all", 0], ...MESSAGE_STATUSES.map((s) => [s, 0])]) as MessageCounts;
  for (const row of rows) {
    counts[row.status] = (counts[row.status] ?? 0) + row.n;
    counts.all += row.n;
  }
  return counts;
}

export type MessageDetail = RecoveryMessage & { discountCode: string | null };

/** One message of the business, as rendered, with its discount code; undefined for a missing or another tenant's message. */
export async function getMessage(businessId: string, messageId: string, db?: Db): Promise<MessageDetail | undefined> {
  db ??= await getDb();
  const [row] = await db
    .select({ message: recoveryMessages, discountCode: discountCodes.code })
    .from(recoveryMessages)
    .leftJoin(discountCodes, and(eq(discountCodes.id, recoveryMessages.discountCodeId), eq(discountCodes.businessId, businessId)))
    .where(and(eq(recoveryMessages.businessId, businessId), eq(recoveryMessages.id, messageId)));
  return row && { ...row.message, discountCode: row.discountCode };
}
