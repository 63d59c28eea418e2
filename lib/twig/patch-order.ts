import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { orderItems, orders } from "@/db/schema";
import { recordEvent } from "@/lib/events";
import { ApiError } from "@/lib/http/errors";
import { getOrder, type OrderView } from "@/lib/orders/queries";
import { twigStatus } from "./format";
import { applyPatch } from "./patch";
import type { TwigUpdate } from "./schema";
import { customerColumns, insertItems, lockTwigOrder, merchantSettings, shippingColumn } from "./service";

/**
 * PATCH v1/operations/order/: applies the merchant's UPDATE and DELETE operations to the order,
 * all or none. We recalculate nothing (seed 003), but refuse a result whose amounts do not add
 * up. Before the customer authorizes, anything may change; after, everything but the money
 * (the authorization is for that amount); once captured, cancelled or expired, nothing.
 */
export async function patchTwigOrder(businessId: string, orderId: string, updates: readonly TwigUpdate[], now = new Date()): Promise<OrderView> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const order = await lockTwigOrder(tx, businessId, orderId);
    if (order.status !== "pending" && !(order.status === "authorized" && order.capturedMinor === 0n)) {
      throw new ApiError("conflict", `An order that is ${twigStatus(order)} can no longer be changed`, { field: "orderId", code: "INVALID_ORDER_STATUS" });
    }
    const next = applyPatch((await getOrder(businessId, orderId, tx))!, updates, now);
    if (order.status !== "pending" && (next.amount.valueMinor !== order.totalMinor || next.currency !== order.currency)) {
      const field = `updateItems[${updates.findIndex((u) => u.field === "amount")}]`;
      throw new ApiError("conflict", `${field}: the amount cannot change after the customer authorized it`, { field, code: "INVALID_ORDER_STATUS" });
    }
    await tx
      .update(orders)
      .set({
        currency: next.currency,
        subtotalMinor: next.amount.itemsMinor,
        taxMinor: next.amount.taxMinor,
        shippingMinor: next.amount.shippingMinor,
        totalMinor: next.amount.valueMinor,
        ...customerColumns(next.customer),
        shipping: shippingColumn(next.shipping),
        billing: next.billing,
        merchant: merchantSettings(null, next.merchant),
        expiresAt: next.expiration ?? order.expiresAt,
        updatedAt: now,
      })
      .where(eq(orders.id, order.id));
    if (updates.some((u) => u.field === "lineItems")) {
      await tx.delete(orderItems).where(and(eq(orderItems.businessId, businessId), eq(orderItems.orderId, order.id)));
      await insertItems(tx, businessId, order.id, next.lineItems);
    }
    await recordEvent(tx, {
      businessId,
      type: "order.updated",
      subjectId: order.id,
      at: now,
      data: { by: "api", fields: [...new Set(updates.map((u) => u.field))] },
    });
  });
  return (await getOrder(businessId, orderId))!;
}
