import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { orders } from "@/db/schema";
import { env } from "@/lib/env";
import { recordEvent } from "@/lib/events";
import { ApiError } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { paymentMode } from "@/lib/payments/stripe";
import { callValidation } from "./callbacks";
import { operate } from "./operations";
import { authorize, lockTwigOrder, type Order } from "./service";

/** How long the customer's page waits for a validation another request is already making. */
const VALIDATION_WAIT_MS = 15_000;

/** The customer authorizes in test mode (no Stripe keys): recorded like a Stripe authorization. */
export async function authorizeTestPayment(businessId: string, orderId: string, now = new Date()): Promise<void> {
  if (paymentMode() !== "test") throw new ApiError("forbidden", "Test payments are disabled while Stripe is configured");
  const db = await getDb();
  const [order] = await db.select().from(orders).where(and(eq(orders.businessId, businessId), eq(orders.id, orderId), eq(orders.source, "twig")));
  if (!order) throw new ApiError("not_found", "Order not found");
  if (order.status !== "pending") return;
  if (order.expiresAt && order.expiresAt <= now) throw new ApiError("conflict", "This order has expired");
  // One test authorization per order, so a double submit authorizes once.
  await authorize({ businessId, orderId, provider: "test", providerRef: `test_${order.id}`, amountMinor: order.totalMinor, currency: order.currency, at: now });
}

/** The customer walks away from the hosted page: a pending order is cancelled. */
export async function cancelByCustomer(businessId: string, orderId: string, now = new Date()): Promise<void> {
  const db = await getDb();
  const [order] = await db.select({ status: orders.status }).from(orders).where(and(eq(orders.businessId, businessId), eq(orders.id, orderId)));
  if (order?.status !== "pending") return;
  await operate(businessId, "void", { orderId, key: null, message: "The customer cancelled at checkout", dateCreated: null }, "customer", now);
}

/**
 * After authorization: calls the merchant's validationUrl once (claimed, so the return page,
 * a second tab and the sweep never call it twice). A failed or missing answer cancels the order
 * (voiding the authorization) when the merchant asked for `requiresValidateCallbackSuccess`;
 * otherwise the order proceeds and the failure is recorded.
 */
export async function runValidation(businessId: string, orderId: string, now = new Date()): Promise<void> {
  const db = await getDb();
  const claimed = await db
    .update(orders)
    .set({ validationStatus: "running", updatedAt: now })
    .where(and(eq(orders.businessId, businessId), eq(orders.id, orderId), eq(orders.status, "authorized"), eq(orders.validationStatus, "pending")))
    .returning({ id: orders.id });
  if (!claimed.length) return;
  const result = await callValidation(businessId, orderId, newId("evt"), now);
  const answer = result.ok ? "passed" : result.status ? `HTTP ${result.status}` : (result.error ?? "no answer");
  const cancel = await db.transaction(async (tx) => {
    const order = await lockTwigOrder(tx, businessId, orderId);
    if (order.validationStatus !== "running") return false;
    const required = order.merchant?.requiresValidateCallbackSuccess ?? false;
    await tx
      .update(orders)
      .set({ validationStatus: result.ok ? "passed" : "failed", updatedAt: now, ...(!result.ok && required ? { statusReason: failedReason(answer) } : {}) })
      .where(eq(orders.id, order.id));
    await recordEvent(tx, {
      businessId,
      type: "order.validated",
      subjectId: order.id,
      at: now,
      data: { ok: result.ok, answer, responseCode: result.status, required, outcome: result.ok || !required ? "proceed" : "cancel" },
    });
    return !result.ok && required;
  });
  if (cancel) await cancelAfterFailedValidation(businessId, orderId, failedReason(answer), now);
}

const failedReason = (answer: string) => `The merchant did not validate the order (${answer})`;

/** Voids the authorization of an order whose required validation failed (retried by the sweep if Stripe is down). */
export async function cancelAfterFailedValidation(businessId: string, orderId: string, reason: string, now = new Date()): Promise<void> {
  await operate(businessId, "void", { orderId, key: null, message: reason, dateCreated: null }, "system", now);
}

/** Waits (briefly) for a validation started by another request, so the customer is sent to the right place. */
export async function settledOrder(businessId: string, orderId: string, waitMs = VALIDATION_WAIT_MS): Promise<Order | undefined> {
  const db = await getDb();
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [order] = await db.select().from(orders).where(and(eq(orders.businessId, businessId), eq(orders.id, orderId)));
    if (!order || order.validationStatus !== "running" || Date.now() > deadline) return order;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Where the customer goes once the order is decided: the merchant's confirmUrl (authorized and
 * validated) or cancelUrl (cancelled, expired), with the order id and the merchant's reference
 * added; our own page when the merchant gave no URL.
 */
export function returnUrl(order: Order): string {
  const ok = order.status !== "cancelled" && order.status !== "expired" && order.status !== "pending";
  const target = ok ? order.merchant?.confirmUrl : order.merchant?.cancelUrl;
  if (!target) return `${env().APP_URL}/twig/checkout/${order.id}`;
  const url = new URL(target);
  url.searchParams.set("orderId", order.id);
  if (order.merchantReference) url.searchParams.set("merchantOrderReference", order.merchantReference);
  return url.toString();
}
