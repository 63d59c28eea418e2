import { and, asc, desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { events } from "@/db/schema";
import { newId } from "@/lib/ids";
import { enqueueDeliveries, insertFindingSubscriptions, isWebhookEvent } from "@/lib/webhooks/outbox";

export type EventType =
  | "cart.created"
  | "cart.updated"
  | "cart.abandoned"
  | "cart.recovered"
  | "cart.expired"
  | "cart.reopened"
  | "cart.deleted"
  | "link.generated"
  | "link.rotated"
  | "link.revoked"
  | "link.opened"
  | "payment.succeeded"
  | "payment.duplicate"
  | "checkout.expired"
  | "checkout.created"
  | "checkout.viewed"
  | "order.created"
  | "order.paid"
  | "order.completed"
  | "order.cancelled"
  | "order.refunded"
  | "order.updated"
  | "order.authorized"
  | "order.captured"
  | "order.validated"
  | "order.expired"
  | "email.sent"
  | "email.queued"
  | "email.suppressed"
  | "email.failed"
  | "email.clicked"
  | "discount.redeemed"
  | "contact.unsubscribed";

export type DomainEvent = typeof events.$inferSelect;

type NewEvent = { businessId: string; type: EventType; subjectId: string; data?: Record<string, unknown>; at?: Date };

/** Call inside the transaction of the change it describes (transactional outbox). Returns the event's id. */
export async function recordEvent(tx: Db, event: NewEvent): Promise<string> {
  return (await recordEvents(tx, [event]))[0]!;
}

/** Several events of one business in one change, in order: one statement inserts them and finds the endpoints they go to. */
export async function recordEvents(tx: Db, list: NewEvent[]): Promise<string[]> {
  if (list.length === 0) return [];
  if (list.some((e) => e.businessId !== list[0]!.businessId)) throw new Error("recordEvents: events of one business only");
  const rows = list.map((event) => ({
    id: newId("evt"),
    businessId: event.businessId,
    type: event.type,
    subjectId: event.subjectId,
    data: event.data ?? {},
    createdAt: event.at ?? new Date(),
  }));
  const published = [...new Set(rows.map((row) => row.type).filter(isWebhookEvent))];
  if (published.length === 0) await tx.insert(events).values(rows);
  else await enqueueDeliveries(tx, rows, await insertFindingSubscriptions(tx, rows, published));
  return rows.map((row) => row.id);
}

/** Everything that happened to one subject (a cart's timeline), oldest first. */
export async function eventsFor(db: Db, businessId: string, subjectId: string): Promise<DomainEvent[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.businessId, businessId), eq(events.subjectId, subjectId)))
    .orderBy(asc(events.createdAt), asc(events.seq));
}

/** The business's latest event number: the dashboard refreshes when it moves. */
export async function latestEventSeq(db: Db, businessId: string): Promise<number> {
  const [row] = await db
    .select({ seq: events.seq })
    .from(events)
    .where(eq(events.businessId, businessId))
    .orderBy(desc(events.seq))
    .limit(1);
  return row?.seq ?? 0;
}
