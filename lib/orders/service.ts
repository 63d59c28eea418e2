import { and, eq } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import {
  checkoutSessions,
  orderItems,
  orders,
  type Address,
  type CustomerSnapshot,
  type OrderStatus,
} from "@/db/schema";
import { recordEvent } from "@/lib/events";
import { ApiError } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { expireOpenSessions } from "@/lib/payments/checkout";
import { insertPayment, type ProviderPayment } from "@/lib/payments/service";
import { orderNotFound } from "./queries";
import { canMove, TORQUE_STATUS } from "./status";

export type Order = typeof orders.$inferSelect;

export type CustomerForm = {
  email: string;
  firstName: string;
  lastName: string;
  phone?: string | null;
  address?: Address | null;
  customFields?: Record<string, string>;
};


/**
 * The customer confirms the hosted checkout: the session's snapshot becomes a pending order
 * (or the pending order made earlier gets the corrected details). Locks the session, so two
 * submits never make two orders.
 */
export async function placeOrder(sessionId: string, form: CustomerForm, now = new Date()): Promise<Order> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [session] = await tx.select().from(checkoutSessions).where(eq(checkoutSessions.id, sessionId)).for("update");
    if (!session) throw new ApiError("not_found", "This checkout does not exist");
    if (session.status === "completed") throw new ApiError("conflict", "This checkout is already paid");
    if (session.status === "expired" || session.expiresAt <= now) throw new ApiError("conflict", "This checkout has expired");
    if (session.options.requireShipping && !form.address) {
      throw new ApiError("validation", "address: a shipping address is required", { field: "address" });
    }
    const customer: CustomerSnapshot = {
      ...session.customer,
      // Stored lowercased like every email we keep, so the customerEmail filter finds it.
      email: form.email.trim().toLowerCase(),
      firstName: form.firstName,
      lastName: form.lastName,
      phone: form.phone ?? session.customer.phone ?? null,
      address: form.address ?? session.customer.address ?? null,
    };
    const details = {
      customerEmail: customer.email,
      customer,
      shipping: session.shipping || customer.address ? { ...(session.shipping ?? {}), address: customer.address ?? null } : null,
      customFields: form.customFields && Object.keys(form.customFields).length ? form.customFields : null,
      updatedAt: now,
    };

    if (session.orderId) {
      const [existing] = await tx.select().from(orders).where(eq(orders.id, session.orderId)).for("update");
      if (existing && existing.status === "pending") {
        const [updated] = await tx.update(orders).set(details).where(eq(orders.id, existing.id)).returning();
        return updated!;
      }
      throw new ApiError("conflict", "This checkout's order can no longer be changed");
    }

    const id = newId("order", now.getTime());
    const [order] = await tx
      .insert(orders)
      .values({
        id,
        businessId: session.businessId,
        source: "checkout",
        checkoutSessionId: session.id,
        status: "pending",
        currency: session.currency,
        subtotalMinor: session.subtotalMinor,
        discountMinor: session.discountMinor,
        shippingMinor: session.shippingMinor,
        totalMinor: session.totalMinor,
        metadata: session.metadata,
        createdAt: now,
        expiresAt: session.expiresAt,
        ...details,
      })
      .returning();
    await tx.insert(orderItems).values(
      session.items.map((item, position) => ({
        id: newId("item"),
        businessId: session.businessId,
        orderId: id,
        position,
        itemId: item.productId,
        name: item.name,
        variant: item.variant,
        quantity: item.quantity,
        unitPriceMinor: BigInt(item.unitPriceMinor),
        metadata: item.metadata,
      })),
    );
    await tx.update(checkoutSessions).set({ orderId: id }).where(eq(checkoutSessions.id, session.id));
    await recordEvent(tx, { businessId: session.businessId, type: "order.created", subjectId: id, at: now, data: { sessionId: session.id, totalMinor: session.totalMinor.toString(), currency: session.currency } });
    return order!;
  });
}

export type OrderPaymentInput = ProviderPayment & { orderId: string };

export type OrderPaymentOutcome = "paid" | "already_recorded" | "duplicate_payment" | "no_order";

/**
 * Records a successful payment for an order inside the caller's transaction: the order moves
 * from pending to processing (payment received, being fulfilled) once, however often and in
 * whatever order the payment is reported. A payment for an order that was cancelled meanwhile
 * is kept and flagged for a refund rather than reviving the order.
 */
export async function recordOrderPayment(tx: Db, p: OrderPaymentInput): Promise<OrderPaymentOutcome> {
  await lockCheckoutSessionOf(tx, p.businessId, p.orderId);
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.businessId, p.businessId), eq(orders.id, p.orderId)))
    .for("update");
  if (!order) return "no_order";
  const paymentId = await insertPayment(tx, p, { orderId: order.id });
  if (!paymentId) return "already_recorded";

  const data = { paymentId, provider: p.provider, providerPaymentId: p.providerPaymentId, amountMinor: p.amountMinor.toString(), currency: p.currency };
  if (!canMove(order.status, "processing")) {
    await recordEvent(tx, { businessId: p.businessId, type: "payment.duplicate", subjectId: order.id, at: p.paidAt, data: { ...data, orderStatus: order.status } });
    return "duplicate_payment";
  }
  await tx
    .update(orders)
    .set({ status: "processing", paidAt: p.paidAt, capturedMinor: p.amountMinor, updatedAt: new Date() })
    .where(eq(orders.id, order.id));
  if (order.checkoutSessionId) {
    await tx
      .update(checkoutSessions)
      .set({ status: "completed", completedAt: p.paidAt })
      .where(eq(checkoutSessions.id, order.checkoutSessionId));
  }
  await recordEvent(tx, { businessId: p.businessId, type: "order.paid", subjectId: order.id, at: p.paidAt, data });
  return "paid";
}

/**
 * Locks the checkout session that made the order, if any. Every transaction that locks both
 * takes the session first (placeOrder and the expiry sweep start from the session), so a
 * payment or a cancel racing the sweep waits for it instead of deadlocking with it.
 */
async function lockCheckoutSessionOf(tx: Db, businessId: string, orderId: string): Promise<void> {
  const [ref] = await tx
    .select({ checkoutSessionId: orders.checkoutSessionId })
    .from(orders)
    .where(and(eq(orders.businessId, businessId), eq(orders.id, orderId)));
  if (ref?.checkoutSessionId) {
    await tx.select({ id: checkoutSessions.id }).from(checkoutSessions).where(eq(checkoutSessions.id, ref.checkoutSessionId)).for("update");
  }
}

async function lockOrder(tx: Db, businessId: string, orderId: string): Promise<Order> {
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.businessId, businessId), eq(orders.id, orderId)))
    .for("update");
  if (!order) throw orderNotFound();
  return order;
}

/**
 * Torque cancel: only a pending order (nothing paid yet) can be cancelled; its checkout stops
 * taking payments. `refundCustomer` has nothing to refund for a pending order and is recorded.
 */
export async function cancelOrder(
  businessId: string,
  orderId: string,
  input: { reason?: string; refundCustomer?: boolean; by?: "api" | "staff" },
  now = new Date(),
): Promise<Order> {
  const db = await getDb();
  const cancelled = await db.transaction(async (tx) => {
    await lockCheckoutSessionOf(tx, businessId, orderId);
    const order = await lockOrder(tx, businessId, orderId);
    if (order.status !== "pending") {
      // Said in Torque's statuses: an expired checkout order reads as cancelled there.
      const status = TORQUE_STATUS[order.status];
      throw new ApiError("conflict", `Only pending orders can be cancelled; this one is ${status}`, { code: "ORDER_NOT_CANCELLABLE", field: "status" });
    }
    const [updated] = await tx
      .update(orders)
      .set({ status: "cancelled", cancelledAt: now, cancellationReason: input.reason ?? null, updatedAt: now })
      .where(eq(orders.id, order.id))
      .returning();
    if (order.checkoutSessionId) {
      await tx
        .update(checkoutSessions)
        .set({ status: "expired", expiredAt: now })
        .where(and(eq(checkoutSessions.id, order.checkoutSessionId), eq(checkoutSessions.status, "open")));
    }
    await recordEvent(tx, {
      businessId,
      type: "order.cancelled",
      subjectId: order.id,
      at: now,
      data: { reason: input.reason ?? null, refundCustomer: input.refundCustomer ?? false, by: input.by ?? "api" },
    });
    return updated!;
  });
  // An open Stripe tab must not take a payment for a cancelled order.
  await expireOpenSessions({ orderId });
  return cancelled;
}

/** Staff confirm a paid order is fulfilled: processing → completed. */
export async function completeOrder(businessId: string, orderId: string, now = new Date()): Promise<Order> {
  return moveOrder(businessId, orderId, "completed", now, { completedAt: now }, "order.completed");
}

async function moveOrder(
  businessId: string,
  orderId: string,
  to: OrderStatus,
  now: Date,
  fields: Partial<typeof orders.$inferInsert>,
  event: "order.completed",
): Promise<Order> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, businessId, orderId);
    if (!canMove(order.status, to)) {
      throw new ApiError("conflict", `status: an order that is ${order.status} cannot become ${to}`, { field: "status" });
    }
    const [updated] = await tx
      .update(orders)
      .set({ ...fields, status: to, updatedAt: now })
      .where(eq(orders.id, order.id))
      .returning();
    await recordEvent(tx, { businessId, type: event, subjectId: order.id, at: now, data: { from: order.status } });
    return updated!;
  });
}
