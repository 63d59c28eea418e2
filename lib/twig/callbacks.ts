import { and, eq, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { orders, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { newId } from "@/lib/ids";
import { getOrder } from "@/lib/orders/queries";
import type { SendResult } from "@/lib/webhooks/send";
import { attempt } from "@/lib/webhooks/worker";
import { toTwigOrder, twigStatus } from "./format";

type Order = typeof orders.$inferSelect;

/** How long the customer's browser waits for the merchant's validation answer. */
export const VALIDATION_TIMEOUT_MS = 10_000;

/**
 * The outbound endpoint for one of a Twig order's merchant URLs (pushUrl, validationUrl), made on
 * first use: Twig callbacks go through the same delivery engine (retries, SSRF rules, delivery
 * log) as subscribed webhooks, signed with the API key the order was made with.
 */
async function twigEndpoint(tx: Db, businessId: string, url: string, apiKeyId: string, description: string) {
  const match = and(
    eq(webhookEndpoints.businessId, businessId),
    eq(webhookEndpoints.url, url),
    eq(webhookEndpoints.apiKeyId, apiKeyId),
    eq(webhookEndpoints.dialect, "twig"),
  );
  const [existing] = await tx.select().from(webhookEndpoints).where(match);
  if (existing) return existing;
  await tx
    .insert(webhookEndpoints)
    .values({ id: newId("wh"), businessId, url, apiKeyId, dialect: "twig", description, events: [], secret: "" })
    .onConflictDoNothing();
  const [made] = await tx.select().from(webhookEndpoints).where(match);
  return made!;
}

/** Seed 003's push: `{ orderId, status, reason, updatedAt }` (plus the merchant's reference). */
export function pushPayload(order: Order, at: Date): string {
  return JSON.stringify({
    orderId: order.id,
    merchantOrderReference: order.merchantReference,
    status: twigStatus(order),
    reason: order.statusReason ?? "",
    updatedAt: at.toISOString(),
  });
}

/**
 * Inside the transaction that changed a Twig order's status: queues the push to its pushUrl.
 * `eventId` (the domain event) is the delivery's id, so a replayed push keeps its webhook-id.
 */
export async function enqueueTwigPush(tx: Db, order: Order, eventId: string, at: Date): Promise<void> {
  const url = order.merchant?.pushUrl;
  if (order.source !== "twig" || !url || !order.apiKeyId) return;
  const endpoint = await twigEndpoint(tx, order.businessId, url, order.apiKeyId, "Twig push notifications (pushUrl)");
  await tx
    .insert(webhookDeliveries)
    .values({
      id: newId("whd"),
      businessId: order.businessId,
      endpointId: endpoint.id,
      eventId,
      eventType: "order.status",
      payload: pushPayload(order, at),
      orderingKey: order.id,
      nextAttemptAt: at,
    })
    .onConflictDoNothing();
}

/**
 * Calls the merchant's validationUrl with the order (seed 003: orderId, merchantOrderReference,
 * amount, lineItems, shipping, billing, merchant, merchantDateCreated), once, while the customer
 * waits. The attempt is logged with the order's other deliveries and is not retried: its answer
 * decides the order now.
 */
export async function callValidation(businessId: string, orderId: string, eventId: string, now = new Date()): Promise<SendResult> {
  const order = await getOrder(businessId, orderId);
  const url = order?.merchant?.validationUrl;
  if (!order || !url || !order.apiKeyId) return { ok: true, status: null, body: null, error: null };
  const twig = toTwigOrder(order);
  const payload = JSON.stringify({
    orderId: twig.orderId,
    merchantOrderReference: twig.merchantOrderReference,
    amount: twig.amount,
    customer: twig.customer,
    lineItems: twig.lineItems,
    shipping: twig.shipping,
    billing: twig.billing,
    merchant: twig.merchant,
    merchantDateCreated: twig.merchantDateCreated,
  });
  const db = await getDb();
  const claimed = await db.transaction(async (tx) => {
    const endpoint = await twigEndpoint(tx, businessId, url, order.apiKeyId!, "Twig order validation (validationUrl)");
    // Leased far ahead: the worker must not pick up a call that is being made right now.
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({ id: newId("whd"), businessId, endpointId: endpoint.id, eventId, eventType: "order.validation", payload, nextAttemptAt: sql`now() + interval '1 day'` })
      .returning();
    return { delivery: delivery!, endpoint };
  });
  if (claimed.endpoint.status !== "active") {
    return { ok: false, status: null, body: null, error: `The validation endpoint is disabled: ${claimed.endpoint.disabledReason ?? "by staff"}` };
  }
  return attempt(claimed, now, { retry: false, timeoutMs: VALIDATION_TIMEOUT_MS });
}
