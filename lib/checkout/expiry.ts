import { and, asc, eq, gt, lte, notExists, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { businesses, checkoutSessions, orders, paymentSessions } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { insertCart } from "@/lib/carts/service";
import { recordEvent } from "@/lib/events";
import { toDecimalString } from "@/lib/money";
import { expireOpenSessions } from "@/lib/payments/checkout";
import type { CheckoutSession } from "./service";
import { every } from "@/lib/jobs/every";

/**
 * Closes checkout sessions whose time ran out unpaid. Each becomes an abandoned cart (so staff
 * can recover it with a payment link like any other) and its pending order expires. Rows are
 * claimed with SKIP LOCKED, so several app instances can sweep at once without doing one twice.
 * A session whose customer is still on a payment page that can take money (an open payment
 * session not yet past its own expiry) waits until that page closes, so a customer paying in
 * the last minutes is not charged for an order we already expired. Returns how many sessions it closed.
 */
export async function expireCheckoutSessions(now = new Date(), batch = 50): Promise<number> {
  const db = await getDb();
  const closed = await db.transaction(async (tx) => {
    const paying = tx
      .select({ one: sql`1` })
      .from(paymentSessions)
      .where(
        and(
          eq(paymentSessions.orderId, checkoutSessions.orderId),
          eq(paymentSessions.status, "open"),
          gt(paymentSessions.expiresAt, now),
        ),
      );
    const due = await tx
      .select({ session: checkoutSessions, business: businesses })
      .from(checkoutSessions)
      .innerJoin(businesses, eq(businesses.id, checkoutSessions.businessId))
      .where(and(eq(checkoutSessions.status, "open"), lte(checkoutSessions.expiresAt, now), notExists(paying)))
      .orderBy(asc(checkoutSessions.expiresAt))
      .limit(batch)
      .for("update", { of: checkoutSessions, skipLocked: true });
    const expiredOrders: string[] = [];
    for (const { session, business } of due) {
      const cartId = await abandonedCartFrom(tx, business, session);
      await tx.update(checkoutSessions).set({ status: "expired", expiredAt: now, cartId }).where(eq(checkoutSessions.id, session.id));
      if (session.orderId) {
        const expired = await tx
          .update(orders)
          .set({ status: "expired", cancelledAt: now, cancellationReason: "Checkout session expired", cartId, updatedAt: now })
          .where(and(eq(orders.id, session.orderId), eq(orders.status, "pending")))
          .returning({ id: orders.id });
        if (expired.length) {
          expiredOrders.push(session.orderId);
          await recordEvent(tx, { businessId: business.id, type: "order.cancelled", subjectId: session.orderId, at: now, data: { reason: "Checkout session expired", by: "system" } });
        }
      }
      await recordEvent(tx, { businessId: business.id, type: "checkout.expired", subjectId: session.id, at: now, data: { cartId } });
    }
    return { count: due.length, expiredOrders };
  });
  // Payment pages of an expired order (already past their own expiry) must not take money either.
  for (const orderId of closed.expiredOrders) await expireOpenSessions({ orderId });
  return closed.count;
}

/**
 * The session as an abandoned cart: its items at their prices (the cart total is their sum;
 * the checkout's discount and shipping are kept in the cart's metadata). In a savepoint, so one
 * session the tracker cannot hold (say, a total over the tracker's limit) is closed without a
 * cart instead of failing every sweep after it.
 */
async function abandonedCartFrom(tx: Db, business: Business, session: CheckoutSession): Promise<string | null> {
  const { customer, currency } = session;
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(" ") || undefined;
  const amount = (minor: bigint) => toDecimalString(minor, currency);
  try {
    const cart = await tx.transaction((sp) =>
      insertCart(
        sp,
        business,
        {
          customerEmail: customer.email,
          customerName: name,
          currency,
          status: "abandoned",
          items: session.items.map((item) => ({
            name: [item.name ?? item.productId, item.variant].filter(Boolean).join(" — "),
            productId: item.productId,
            quantity: item.quantity,
            price: amount(BigInt(item.unitPriceMinor)),
          })),
          metadata: {
            checkoutSessionId: session.id,
            ...(session.orderId ? { orderId: session.orderId } : {}),
            ...(session.discountMinor > 0n ? { checkoutDiscount: amount(session.discountMinor) } : {}),
            ...(session.shippingMinor > 0n ? { checkoutShipping: amount(session.shippingMinor) } : {}),
            checkoutTotal: amount(session.totalMinor),
          },
        },
        { source: "checkout", now: session.expiresAt },
      ),
    );
    return cart.id;
  } catch (error) {
    console.error(`[cartback] checkout session ${session.id} expired without an abandoned cart:`, error instanceof Error ? error.message : error);
    return null;
  }
}

/** Runs the sweep every 30 seconds in this process (started with the server). */
export function startCheckoutExpiry(intervalMs = 30_000): void {
  every("checkout expiry sweep", intervalMs, () => expireCheckoutSessions());
}
