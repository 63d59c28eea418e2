import { sql, type Placeholder, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { WEBHOOK_EVENTS, events, webhookDeliveries, webhookEndpoints, type WebhookEventType } from "@/db/schema";
import { textArray } from "@/db/sql";
import { getCart } from "@/lib/carts/queries";
import { toTrackerCart } from "@/lib/carts/tracker";
import { newId } from "@/lib/ids";
import { toDecimalNumber } from "@/lib/money";
import { getOrder } from "@/lib/orders/queries";
import { toTorqueOrder } from "@/lib/orders/torque";

const PUBLIC = new Set<string>(WEBHOOK_EVENTS);

export function isWebhookEvent(type: string): type is WebhookEventType {
  return PUBLIC.has(type);
}

type EventRow = { id: string; businessId: string; type: string; subjectId: string; createdAt: Date };

/** An active endpoint of the business subscribed to an event type: one delivery each. */
type Subscription = { endpointId: string; type: string };

/**
 * Inserts events of one business and, in the same statement, finds its endpoints subscribed to
 * each of `types` (one round trip for both).
 */
export async function insertFindingSubscriptions(tx: Db, rows: (typeof events.$inferInsert)[], types: WebhookEventType[]): Promise<Subscription[]> {
  const businessId = rows[0]!.businessId;
  const inserted = tx.$with("inserted").as(tx.insert(events).values(rows).returning({ id: events.id }));
  return tx
    .with(inserted)
    .select({ endpointId: webhookEndpoints.id, type: sql<string>`t.type` })
    .from(webhookEndpoints)
    .innerJoin(sql`unnest(${textArray(types)}) t(type)`, subscribedEndpoint(sql`${webhookEndpoints}`, businessId, sql`t.type`));
}

/**
 * Inside the transaction that records domain events: one pending delivery per subscription of
 * each, with the payload fixed now. The events and their deliveries commit (or vanish) together
 * with the change that caused them, so a crash can neither lose nor invent a webhook.
 */
export async function enqueueDeliveries(tx: Db, events: EventRow[], subscriptions: Subscription[]): Promise<void> {
  const deliveries = [];
  for (const event of events) {
    const subscribed = subscriptions.filter((s) => s.type === event.type);
    if (subscribed.length === 0) continue;
    const payload = await webhookPayload(tx, event);
    for (const { endpointId } of subscribed) {
      deliveries.push({
        id: newId("whd"),
        businessId: event.businessId,
        endpointId,
        eventId: event.id,
        eventType: event.type,
        payload,
        nextAttemptAt: event.createdAt,
      });
    }
  }
  if (deliveries.length > 0) await tx.insert(webhookDeliveries).values(deliveries).onConflictDoNothing();
}

/**
 * Which endpoints (alias `w`) get an event: the business's, active, and subscribed to its type.
 * The one place this rule is written; statements that write events find their deliveries with it.
 */
export function subscribedEndpoint(w: SQL, businessId: string | Placeholder, eventType: SQL): SQL {
  return sql`${w}.business_id = ${businessId} and ${w}.status = 'active' and ${w}.events @> jsonb_build_array(${eventType})`;
}

/** 000's payload: `{ id: "evt_…", type, data: { cart | order }, created }` with the subject as it is now. */
export async function webhookPayload(tx: Db, event: EventRow): Promise<string> {
  return webhookBody(event, event.type.startsWith("cart.") ? await cartData(tx, event) : await orderData(tx, event));
}

export function webhookBody(event: Pick<EventRow, "id" | "type" | "createdAt">, data: object): string {
  return JSON.stringify({ id: event.id, type: event.type, data, created: Math.floor(event.createdAt.getTime() / 1000) });
}

async function cartData(tx: Db, event: EventRow) {
  const cart = await getCart(event.businessId, event.subjectId, tx);
  return { cart: cart ? toTrackerCart(cart) : { id: event.subjectId } };
}

async function orderData(tx: Db, event: EventRow) {
  const order = await getOrder(event.businessId, event.subjectId, tx);
  if (!order) return { order: { id: event.subjectId } };
  // 002's Order, plus 000's example fields (amount, customer.email).
  return {
    order: {
      ...toTorqueOrder(order),
      amount: toDecimalNumber(order.totalMinor, order.currency),
      customer: { email: order.customerEmail },
    },
  };
}
