import { and, count, desc, eq, gt, gte, lt, ne, or, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { webhookDeliveries, webhookEndpoints, type WebhookEventType } from "@/db/schema";
import { ApiError } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { checkUrl } from "./ssrf";
import { newWebhookSecret } from "./signing";
import { attempt, LEASE_MS } from "./worker";

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

const ROTATION_GRACE_HOURS = 24;
/** The reason recorded when the merchant (not Cartback) disables an endpoint. */
export const MERCHANT_DISABLED_REASON = "Disabled by the merchant";

const endpointNotFound = () => new ApiError("not_found", "Webhook not found", { code: "WEBHOOK_NOT_FOUND" });

function safeUrl(url: string): string {
  const checked = checkUrl(url);
  if ("error" in checked) throw new ApiError("validation", `url: ${checked.error}`, { field: "url" });
  return checked.url.toString();
}

/** Subscribes a URL; the secret (given or generated) is returned here and never again. */
export async function createEndpoint(
  businessId: string,
  input: { url: string; events: WebhookEventType[]; secret?: string; description?: string; dialect?: "torque" | "twig" },
): Promise<WebhookEndpoint> {
  const db = await getDb();
  const [row] = await db
    .insert(webhookEndpoints)
    .values({
      id: newId("wh"),
      businessId,
      url: safeUrl(input.url),
      events: [...new Set(input.events)],
      secret: input.secret ?? newWebhookSecret(),
      description: input.description ?? null,
      dialect: input.dialect ?? "torque",
    })
    .returning();
  return row!;
}

/** The business's endpoints, newest first; `dialect` keeps to subscriptions (torque) or Twig's order callbacks. */
export async function listEndpoints(businessId: string, dialect?: "torque" | "twig"): Promise<WebhookEndpoint[]> {
  const db = await getDb();
  return db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.businessId, businessId), dialect ? eq(webhookEndpoints.dialect, dialect) : undefined))
    .orderBy(desc(webhookEndpoints.createdAt));
}

/** A Twig endpoint's URL and signing key come from its orders (pushUrl, validationUrl, the API key). */
function refuseTwig(endpoint: WebhookEndpoint, what: string): void {
  if (endpoint.dialect === "twig") {
    throw new ApiError("conflict", `${what}: a Twig callback endpoint follows its orders' merchant URLs and is signed with the API key`, { field: what });
  }
}

export async function getEndpoint(businessId: string, id: string): Promise<WebhookEndpoint> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.businessId, businessId), eq(webhookEndpoints.id, id)));
  if (!row) throw endpointNotFound();
  return row;
}

/** Changes url, events or description; `status: "active"` re-enables a disabled endpoint. */
export async function updateEndpoint(
  businessId: string,
  id: string,
  input: { url?: string; events?: WebhookEventType[]; description?: string | null; status?: "active" | "disabled" },
): Promise<WebhookEndpoint> {
  const current = await getEndpoint(businessId, id);
  if (input.url !== undefined) refuseTwig(current, "url");
  if (input.events !== undefined) refuseTwig(current, "events");
  const now = new Date();
  const set: Partial<typeof webhookEndpoints.$inferInsert> = { updatedAt: now };
  if (input.url !== undefined) set.url = safeUrl(input.url);
  if (input.events !== undefined) set.events = [...new Set(input.events)];
  if (input.description !== undefined) set.description = input.description;
  // Only a change of status touches the disabled fields: disabling twice keeps the first reason.
  if (input.status === "active" && current.status !== "active") Object.assign(set, { status: "active", disabledAt: null, disabledReason: null, failingSince: null });
  if (input.status === "disabled" && current.status !== "disabled") Object.assign(set, { status: "disabled", disabledAt: now, disabledReason: MERCHANT_DISABLED_REASON });
  const db = await getDb();
  const [row] = await db
    .update(webhookEndpoints)
    .set(set)
    .where(and(eq(webhookEndpoints.businessId, businessId), eq(webhookEndpoints.id, id)))
    .returning();
  return row!;
}

export async function deleteEndpoint(businessId: string, id: string): Promise<void> {
  const db = await getDb();
  const rows = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.businessId, businessId), eq(webhookEndpoints.id, id)))
    .returning({ id: webhookEndpoints.id });
  if (rows.length === 0) throw endpointNotFound();
}

/** A new secret; the old one keeps signing alongside it for the grace period. */
export async function rotateSecret(businessId: string, id: string, graceHours = ROTATION_GRACE_HOURS, now = new Date()): Promise<WebhookEndpoint> {
  const endpoint = await getEndpoint(businessId, id);
  refuseTwig(endpoint, "secret");
  const db = await getDb();
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      secret: newWebhookSecret(),
      previousSecret: graceHours > 0 ? endpoint.secret : null,
      previousSecretExpiresAt: graceHours > 0 ? new Date(now.getTime() + graceHours * 3600e3) : null,
      updatedAt: now,
    })
    .where(eq(webhookEndpoints.id, endpoint.id))
    .returning();
  return row!;
}

/** Sends a `webhook.test` event to the endpoint now and reports what it answered (disabled endpoints too). */
export async function sendTestEvent(businessId: string, id: string): Promise<WebhookDelivery> {
  const endpoint = await getEndpoint(businessId, id);
  const eventId = newId("evt");
  const created = new Date();
  const db = await getDb();
  const [delivery] = await db
    .insert(webhookDeliveries)
    .values({
      id: newId("whd"),
      businessId,
      endpointId: endpoint.id,
      eventId,
      eventType: "webhook.test",
      payload: JSON.stringify({ id: eventId, type: "webhook.test", data: { webhookId: endpoint.id, message: "Test event from Cartback" }, created: Math.floor(created.getTime() / 1000) }),
      // Sent right here; the lease keeps the worker off it meanwhile. A failed test is retried like any delivery.
      status: "pending",
      nextAttemptAt: new Date(created.getTime() + 60_000),
    })
    .returning();
  await attempt({ delivery: delivery!, endpoint }, new Date(), { retry: false });
  const [after] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery!.id));
  return after!;
}

export type DeliveryQuery = { status?: "pending" | "delivered" | "failed"; limit: number; offset: number };

export async function listDeliveries(businessId: string, endpointId: string, q: DeliveryQuery): Promise<{ deliveries: WebhookDelivery[]; total: number }> {
  await getEndpoint(businessId, endpointId);
  const db = await getDb();
  const where = and(
    eq(webhookDeliveries.businessId, businessId),
    eq(webhookDeliveries.endpointId, endpointId),
    q.status ? eq(webhookDeliveries.status, q.status) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db.select().from(webhookDeliveries).where(where).orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(q.limit).offset(q.offset),
    db.select({ n: count() }).from(webhookDeliveries).where(where),
  ]);
  return { deliveries: rows, total: total?.n ?? 0 };
}

/**
 * Queues one delivery again, now, with a fresh retry schedule. A pending delivery that a worker
 * may hold right now (its next attempt within a lease from now) is left as it is: moving it
 * would let a second worker send it while the first is still sending it.
 */
export async function replayDelivery(businessId: string, endpointId: string, deliveryId: string, now = new Date()): Promise<WebhookDelivery> {
  await getEndpoint(businessId, endpointId);
  const db = await getDb();
  const mine = and(eq(webhookDeliveries.businessId, businessId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, deliveryId));
  const notInFlight = or(ne(webhookDeliveries.status, "pending"), gt(webhookDeliveries.nextAttemptAt, new Date(now.getTime() + LEASE_MS)));
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: now, deliveredAt: null })
    .where(and(mine, notInFlight))
    .returning();
  if (row) return row;
  const [current] = await db.select().from(webhookDeliveries).where(mine);
  if (!current) throw new ApiError("not_found", "Delivery not found", { code: "DELIVERY_NOT_FOUND" });
  return current;
}

/** Queues again every failed delivery of the endpoint created in [from, to). */
export async function replayFailed(businessId: string, endpointId: string, range: { from?: Date; to?: Date }, now = new Date()): Promise<number> {
  await getEndpoint(businessId, endpointId);
  const db = await getDb();
  const conditions: (SQL | undefined)[] = [
    eq(webhookDeliveries.businessId, businessId),
    eq(webhookDeliveries.endpointId, endpointId),
    eq(webhookDeliveries.status, "failed"),
    ne(webhookDeliveries.eventType, "webhook.test"),
    range.from ? gte(webhookDeliveries.createdAt, range.from) : undefined,
    range.to ? lt(webhookDeliveries.createdAt, range.to) : undefined,
  ];
  const rows = await db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: now })
    .where(and(...conditions))
    .returning({ id: webhookDeliveries.id });
  return rows.length;
}
