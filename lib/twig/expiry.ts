import { and, asc, eq, lt, lte, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { orders } from "@/db/schema";
import { ApiError } from "@/lib/http/errors";
import { every } from "@/lib/jobs/every";
import { expireOpenSessions } from "@/lib/payments/checkout";
import { cancelAfterFailedValidation, runValidation } from "./customer";
import { operate } from "./operations";
import { voidAuthorization } from "./provider";
import { authorizationOf, moveTwigOrder } from "./service";

/** Authorizations are settled this long before they lapse, so a capture still succeeds. */
export const SETTLE_BEFORE_LAPSE_MS = 3600e3;
/** A customer who authorized on Stripe but never came back: the sweep validates after this. */
const UNRETURNED_AFTER_MS = 2 * 60e3;
/** A validation claimed by a process that died is retried after this. */
const STALE_VALIDATION_MS = 2 * 60e3;

type Batch = { businessId?: string; limit?: number };

/**
 * Time-driven Twig work, safe with several app instances (rows are locked or claimed):
 * - pending orders past their expiration expire;
 * - authorizations about to lapse are captured (captureOnExpire) or released;
 * - validations nobody made (the customer never returned from Stripe, or a process died) are made;
 * - orders whose required validation failed but whose void did not go through are voided.
 * Returns how many orders it settled. `businessId` scopes it (tests sharing a database).
 */
export async function sweepTwigOrders(now = new Date(), batch: Batch = {}): Promise<number> {
  const counts = await Promise.all([expirePending(now, batch), settleLapsing(now, batch), finishValidations(now, batch)]);
  return counts.reduce((a, b) => a + b, 0);
}

const scope = (batch: Batch) => and(eq(orders.source, "twig"), batch.businessId ? eq(orders.businessId, batch.businessId) : undefined);

async function expirePending(now: Date, batch: Batch): Promise<number> {
  const db = await getDb();
  const expired = await db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(orders)
      .where(and(scope(batch), eq(orders.status, "pending"), lte(orders.expiresAt, now)))
      .orderBy(asc(orders.expiresAt))
      .limit(batch.limit ?? 50)
      .for("update", { skipLocked: true });
    for (const order of due) {
      const reason = "The customer did not authorize payment before the order expired";
      await moveTwigOrder(tx, order, { status: "expired", cancelledAt: now, statusReason: reason }, { type: "order.expired", data: { reason } }, now);
    }
    return due.map((o) => o.id);
  });
  for (const orderId of expired) await expireOpenSessions({ orderId });
  return expired.length;
}

async function settleLapsing(now: Date, batch: Batch): Promise<number> {
  const db = await getDb();
  const due = await db
    .select()
    .from(orders)
    .where(and(scope(batch), eq(orders.status, "authorized"), lte(orders.authorizationExpiresAt, new Date(now.getTime() + SETTLE_BEFORE_LAPSE_MS))))
    .orderBy(asc(orders.authorizationExpiresAt))
    .limit(batch.limit ?? 50);
  let settled = 0;
  for (const order of due) {
    try {
      const remaining = order.authorizedMinor - order.capturedMinor;
      if (order.merchant?.captureOnExpire && remaining > 0n) {
        const message = "Captured automatically before the authorization lapsed (captureOnExpire)";
        await operate(order.businessId, "capture", { orderId: order.id, key: null, amountMinor: remaining, currency: order.currency, message, dateCreated: null }, "system", now);
      } else {
        await releaseAuthorization(order.businessId, order.id, now);
      }
      settled++;
    } catch (error) {
      // Another instance settled it first (a conflict), or Stripe is unreachable: the next sweep retries.
      if (!(error instanceof ApiError)) console.error(`[cartback] settling Twig order ${order.id} failed:`, error instanceof Error ? error.message : error);
    }
  }
  return settled;
}

/**
 * The authorization lapses uncaptured: an order with nothing captured expires; one partly
 * captured keeps what was captured and is complete.
 */
async function releaseAuthorization(businessId: string, orderId: string, now: Date): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.businessId, businessId), eq(orders.id, orderId), eq(orders.status, "authorized")))
      .for("update", { skipLocked: true });
    if (!order) return;
    const authorization = await authorizationOf(tx, order);
    if (authorization?.provider === "stripe") {
      try {
        await voidAuthorization(authorization.providerRef!, `twig-release-${order.id}`);
      } catch (error) {
        // A partly captured intent may already be closed on Stripe's side: what was captured stands.
        if (!(error instanceof ApiError && error.kind === "conflict" && order.capturedMinor > 0n)) throw error;
      }
    }
    const reason =
      order.capturedMinor === 0n ? "The authorization lapsed without a capture" : "The rest of the authorization lapsed; what was captured stands";
    await moveTwigOrder(
      tx,
      order,
      order.capturedMinor === 0n ? { status: "expired", cancelledAt: now, statusReason: reason } : { status: "completed", completedAt: now, statusReason: reason },
      { type: "order.expired", data: { reason, capturedMinor: order.capturedMinor.toString() } },
      now,
    );
  });
}

async function finishValidations(now: Date, batch: Batch): Promise<number> {
  const db = await getDb();
  // Stale claims go back to pending; then every pending one old enough is made.
  await db
    .update(orders)
    .set({ validationStatus: "pending" })
    .where(and(scope(batch), eq(orders.status, "authorized"), eq(orders.validationStatus, "running"), lt(orders.updatedAt, new Date(now.getTime() - STALE_VALIDATION_MS))));
  const due = await db
    .select({ id: orders.id, businessId: orders.businessId, validationStatus: orders.validationStatus, statusReason: orders.statusReason })
    .from(orders)
    .where(
      and(
        scope(batch),
        eq(orders.status, "authorized"),
        or(
          and(eq(orders.validationStatus, "pending"), lt(orders.authorizedAt, new Date(now.getTime() - UNRETURNED_AFTER_MS))),
          and(eq(orders.validationStatus, "failed"), sql`coalesce((${orders.merchant}->>'requiresValidateCallbackSuccess')::boolean, false)`),
        ),
      ),
    )
    .limit(batch.limit ?? 50);
  for (const order of due) {
    try {
      if (order.validationStatus === "pending") await runValidation(order.businessId, order.id, now);
      else await cancelAfterFailedValidation(order.businessId, order.id, order.statusReason ?? "The merchant did not validate the order", now);
    } catch (error) {
      if (!(error instanceof ApiError)) console.error(`[cartback] Twig validation of ${order.id} failed:`, error instanceof Error ? error.message : error);
    }
  }
  return due.length;
}

/** Runs the Twig sweep every 30 seconds in this process (started with the server). */
export function startTwigSweep(intervalMs = 30_000): void {
  every("Twig sweep", intervalMs, () => sweepTwigOrders());
}
