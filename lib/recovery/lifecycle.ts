import { and, asc, eq, inArray, isNotNull, lte, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { businesses, carts, events, webhookDeliveries } from "@/db/schema";
import { revokeCurrentLink } from "@/lib/carts/service";
import { recordEvent } from "@/lib/events";

/**
 * The time-driven life of carts, for every business, safe with several app instances (rows are
 * taken FOR UPDATE SKIP LOCKED, so two schedulers never move one cart twice):
 * - an active cart nobody touched for the business's window (abandonAfterMinutes) is abandoned,
 *   as of the moment the window ran out;
 * - an abandoned cart nobody recovered for cartExpiryDays expires (its link is revoked);
 * - carts older than the business's retentionDays are deleted with their links, messages and events.
 * Recovery links need no sweep: each carries its own expiry and stops working at it.
 */

export type Scope = { businessId?: string; limit?: number };

const DEFAULT_BATCH = 200;
const scoped = (scope: Scope) => (scope.businessId ? eq(carts.businessId, scope.businessId) : undefined);

/** Active → abandoned after the inactivity window. Returns how many carts it abandoned. */
export async function abandonInactiveCarts(now = new Date(), scope: Scope = {}): Promise<number> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const window = sql`${businesses.abandonAfterMinutes} * interval '1 minute'`;
    const due = await tx
      .select({ id: carts.id, businessId: carts.businessId, abandonedAt: sql<Date>`${carts.updatedAt} + ${window}`.mapWith(carts.updatedAt) })
      .from(carts)
      .innerJoin(businesses, eq(businesses.id, carts.businessId))
      .where(and(eq(carts.status, "active"), lte(carts.updatedAt, sql`${now.toISOString()}::timestamptz - ${window}`), scoped(scope)))
      .orderBy(asc(carts.updatedAt))
      .limit(scope.limit ?? DEFAULT_BATCH)
      .for("update", { of: carts, skipLocked: true });
    for (const cart of due) {
      await tx.update(carts).set({ status: "abandoned", abandonedAt: cart.abandonedAt }).where(eq(carts.id, cart.id));
      await recordEvent(tx, { businessId: cart.businessId, type: "cart.abandoned", subjectId: cart.id, at: cart.abandonedAt, data: { from: "active", by: "system" } });
    }
    return due.length;
  });
}

/** Abandoned → expired after cartExpiryDays without a recovery. Returns how many carts expired. */
export async function expireStaleCarts(now = new Date(), scope: Scope = {}): Promise<number> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: carts.id, businessId: carts.businessId })
      .from(carts)
      .innerJoin(businesses, eq(businesses.id, carts.businessId))
      .where(
        and(
          eq(carts.status, "abandoned"),
          lte(carts.abandonedAt, sql`${now.toISOString()}::timestamptz - ${businesses.cartExpiryDays} * interval '1 day'`),
          scoped(scope),
        ),
      )
      .orderBy(asc(carts.abandonedAt))
      .limit(scope.limit ?? DEFAULT_BATCH)
      .for("update", { of: carts, skipLocked: true });
    for (const cart of due) {
      await tx.update(carts).set({ status: "expired", expiredAt: now, updatedAt: now }).where(eq(carts.id, cart.id));
      await revokeCurrentLink(tx, cart.id, now);
      await recordEvent(tx, { businessId: cart.businessId, type: "cart.expired", subjectId: cart.id, at: now, data: { from: "abandoned", by: "system" } });
    }
    return due.length;
  });
}

/**
 * Deletes carts created before the business's retention period, with what hangs off them (items,
 * links, payment sessions, messages and discount codes by cascade; their events and the webhook
 * deliveries of those events here). Payments and orders stay (the books), no longer linked.
 */
export async function purgeExpiredData(now = new Date(), scope: Scope = {}): Promise<number> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: carts.id })
      .from(carts)
      .innerJoin(businesses, eq(businesses.id, carts.businessId))
      .where(
        and(
          isNotNull(businesses.retentionDays),
          lte(carts.createdAt, sql`${now.toISOString()}::timestamptz - ${businesses.retentionDays} * interval '1 day'`),
          scoped(scope),
        ),
      )
      .limit(scope.limit ?? DEFAULT_BATCH)
      .for("update", { of: carts, skipLocked: true });
    if (!due.length) return 0;
    const ids = due.map((c) => c.id);
    const gone = await tx.delete(events).where(inArray(events.subjectId, ids)).returning({ id: events.id });
    if (gone.length) await tx.delete(webhookDeliveries).where(inArray(webhookDeliveries.eventId, gone.map((e) => e.id)));
    await tx.delete(carts).where(inArray(carts.id, ids));
    return ids.length;
  });
}
