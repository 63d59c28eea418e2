import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, notExists, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb, type Db } from "@/db/client";
import { textArray } from "@/db/sql";
import { webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { sendWebhook, DELIVERY_TIMEOUT_MS, type SendResult } from "./send";
import { unsealedApiKey } from "@/lib/auth/sealed-keys";
import { every } from "@/lib/jobs/every";
import { signatureHeaders, twigSignatureHeaders } from "./signing";

/** Waits after each failed attempt (before jitter): about three days in all, then the delivery fails. */
export const RETRY_DELAYS_MS = [30e3, 2 * 60e3, 10 * 60e3, 30 * 60e3, 3600e3, 3 * 3600e3, 6 * 3600e3, 12 * 3600e3, 24 * 3600e3, 24 * 3600e3];
/** An endpoint whose every delivery has failed for this long is disabled. */
export const DISABLE_AFTER_MS = 3 * 24 * 3600e3;
/** A claimed delivery is invisible to other workers for this long; if its worker dies, it is retried after. */
export const LEASE_MS = DELIVERY_TIMEOUT_MS + 45_000;

export function retryDelay(attempt: number, random = Math.random): number {
  const base = RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]!;
  return Math.round(base * (0.8 + 0.4 * random())); // ±20% jitter spreads retries of many endpoints
}

export const earlier = alias(webhookDeliveries, "earlier");

function olderOfSameKey(tx: Db) {
  return tx
    .select({ one: sql`1` })
    .from(earlier)
    .where(
      and(
        eq(earlier.endpointId, webhookDeliveries.endpointId),
        eq(earlier.orderingKey, webhookDeliveries.orderingKey),
        eq(earlier.status, "pending"),
        or(lt(earlier.createdAt, webhookDeliveries.createdAt), and(eq(earlier.createdAt, webhookDeliveries.createdAt), lt(earlier.id, webhookDeliveries.id))),
      ),
    );
}

type Claimed = {
  delivery: typeof webhookDeliveries.$inferSelect;
  endpoint: typeof webhookEndpoints.$inferSelect;
};

/**
 * Claims due deliveries (FOR UPDATE SKIP LOCKED, and a lease in the same statement), so any
 * number of workers in any number of app instances can run at once without sending one delivery
 * twice at the same time. Then their endpoints, in a second statement; no transaction.
 */
async function claim(now: Date, limit: number, businessId?: string): Promise<Claimed[]> {
  const db = await getDb();
  const due = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, now),
        eq(webhookEndpoints.status, "active"),
        businessId ? eq(webhookDeliveries.businessId, businessId) : undefined,
        // An ordered delivery waits for every older one of its key (sent, or given up on).
        or(isNull(webhookDeliveries.orderingKey), notExists(olderOfSameKey(db))),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { of: webhookDeliveries, skipLocked: true });
  const deliveries = await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
    .where(inArray(webhookDeliveries.id, due))
    .returning();
  if (deliveries.length === 0) return [];
  const endpoints = await db
    .select()
    .from(webhookEndpoints)
    .where(inArray(webhookEndpoints.id, [...new Set(deliveries.map((d) => d.endpointId))]));
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  // Sent in the order the events happened (event ids increase); an endpoint deleted in between took its deliveries with it.
  deliveries.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  return deliveries.flatMap((delivery) => {
    const endpoint = byId.get(delivery.endpointId);
    return endpoint ? [{ delivery, endpoint }] : [];
  });
}

export type AttemptOptions = {
  /** How long to wait for the receiver (15 s; tests shorten it). */
  timeoutMs?: number;
  /**
   * false for a one-off send (the dashboard's test event): the delivery ends delivered or failed
   * after this attempt, is never retried by the worker, and the endpoint's health is left alone.
   */
  retry?: boolean;
};

/**
 * Sends what is due now; returns how many deliveries it attempted. `businessId` limits it to one
 * business's deliveries (tests that share a database with other test files running at once).
 */
export async function deliverDue(now = new Date(), limit = 25, options: Pick<AttemptOptions, "timeoutMs"> & { businessId?: string } = {}): Promise<number> {
  const claimed = await claim(now, limit, options.businessId);
  // Each answer is recorded as it comes, not when the slowest endpoint of the batch is done. The
  // successes (the bulk of a busy worker's batch) that come within 20 ms of each other are
  // recorded in one statement; failures one by one.
  const delivered = inGroups(recordDelivered, SUCCESS_GROUP_MS);
  await Promise.all(
    claimed.map(async (c) => {
      const result = await send(c, now, options);
      const at = new Date();
      await (result.ok ? delivered({ ...c, result, at }) : record(c.delivery, c.endpoint, result, at, true));
    }),
  );
  return claimed.length;
}

/** One attempt at one delivery, recorded whatever happens. */
export async function attempt(claimed: Claimed, now = new Date(), options: AttemptOptions = {}): Promise<SendResult> {
  const result = await send(claimed, now, options);
  await record(claimed.delivery, claimed.endpoint, result, new Date(), options.retry ?? true);
  return result;
}

async function send({ delivery, endpoint }: Claimed, now: Date, options: Pick<AttemptOptions, "timeoutMs">): Promise<SendResult> {
  const headers = await headersFor(delivery, endpoint, now);
  return headers
    ? sendWebhook(endpoint.url, delivery.payload, headers, options.timeoutMs ?? DELIVERY_TIMEOUT_MS)
    : { ok: false, status: null, body: null, error: "The API key that signs this Twig endpoint's callbacks is not available; any Twig request made with the key restores it" };
}

/** Torque endpoints sign with their secret (two during a rotation); Twig ones with the merchant's API key. */
async function headersFor(delivery: Claimed["delivery"], endpoint: Claimed["endpoint"], now: Date): Promise<Record<string, string> | null> {
  if (endpoint.dialect === "twig") {
    const apiKey = endpoint.apiKeyId ? await unsealedApiKey(endpoint.businessId, endpoint.apiKeyId) : null;
    return apiKey ? twigSignatureHeaders({ id: delivery.eventId, body: delivery.payload, apiKey }) : null;
  }
  const previousSecret = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now ? endpoint.previousSecret : null;
  return signatureHeaders({ id: delivery.eventId, timestamp: Math.floor(Date.now() / 1000), body: delivery.payload, secret: endpoint.secret, previousSecret });
}

const SUCCESS_GROUP_MS = 20;

/**
 * Collects items for `windowMs` after the first of a group, then writes the group with one call;
 * each item's promise settles when its group is written.
 */
function inGroups<T>(write: (items: T[]) => Promise<void>, windowMs: number): (item: T) => Promise<void> {
  let open: T[] | undefined;
  let written: Promise<void>;
  return (item) => {
    if (!open) {
      const group: T[] = (open = []);
      written = new Promise((resolve) => setTimeout(resolve, windowMs)).then(() => {
        open = undefined;
        return write(group);
      });
    }
    open.push(item);
    return written;
  };
}

/**
 * What record() does for a success, for many deliveries in one statement: each is delivered, and
 * each of their endpoints that was failing is healthy again.
 */
async function recordDelivered(sent: (Claimed & { result: SendResult; at: Date })[]): Promise<void> {
  if (sent.length === 0) return;
  const db = await getDb();
  await db.execute(sql`
    with delivered as (
      update webhook_deliveries d
      set status = 'delivered', attempts = d.attempts + 1, last_attempt_at = v.at::timestamptz, response_code = v.code::int,
        response_body = v.body, error = null, delivered_at = v.at::timestamptz, next_attempt_at = null
      from unnest(${textArray(sent.map((s) => s.delivery.id))}, ${textArray(sent.map((s) => s.at.toISOString()))},
        ${textArray(sent.map((s) => (s.result.status === null ? null : String(s.result.status))))}, ${textArray(sent.map((s) => s.result.body))}) as v(id, at, code, body)
      where d.id = v.id
      returning d.endpoint_id
    )
    update webhook_endpoints set failing_since = null where id in (select endpoint_id from delivered) and failing_since is not null`);
}

async function record(delivery: Claimed["delivery"], endpoint: Claimed["endpoint"], result: SendResult, at: Date, retry: boolean): Promise<void> {
  const db = await getDb();
  const attempts = delivery.attempts + 1;
  const outcome = {
    attempts,
    lastAttemptAt: at,
    responseCode: result.status,
    responseBody: result.body,
    error: result.error,
  };
  if (!retry) {
    await db
      .update(webhookDeliveries)
      .set({ ...outcome, status: result.ok ? "delivered" : "failed", deliveredAt: result.ok ? at : null, nextAttemptAt: null })
      .where(eq(webhookDeliveries.id, delivery.id));
    return;
  }
  await db.transaction(async (tx) => {
    if (result.ok) {
      await tx.update(webhookDeliveries).set({ ...outcome, status: "delivered", deliveredAt: at, nextAttemptAt: null }).where(eq(webhookDeliveries.id, delivery.id));
      // Only when it was failing: concurrent successes to one endpoint must not queue on its row lock.
      await tx
        .update(webhookEndpoints)
        .set({ failingSince: null })
        .where(and(eq(webhookEndpoints.id, endpoint.id), isNotNull(webhookEndpoints.failingSince)));
      return;
    }
    const gone = result.status === 410;
    const exhausted = attempts > RETRY_DELAYS_MS.length;
    await tx
      .update(webhookDeliveries)
      .set({ ...outcome, status: gone || exhausted ? "failed" : "pending", nextAttemptAt: gone || exhausted ? null : new Date(at.getTime() + retryDelay(attempts)) })
      .where(eq(webhookDeliveries.id, delivery.id));
    // The endpoint has been failing since its first failure after its last success.
    await tx
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${at.toISOString()}::timestamptz)` })
      .where(eq(webhookEndpoints.id, endpoint.id));
    const failingSince = endpoint.failingSince ?? at;
    const reason = gone
      ? "The endpoint answered 410 Gone"
      : at.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS
        ? "Every delivery failed for 3 days"
        : null;
    if (reason) {
      await tx
        .update(webhookEndpoints)
        .set({ status: "disabled", disabledReason: reason, disabledAt: at, updatedAt: at })
        .where(and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.status, "active"), isNull(webhookEndpoints.disabledAt)));
    }
  });
}

/**
 * Polls for due deliveries four times a second in this process (started with the server): an
 * event reaches its endpoint within about a quarter of a second. An idle poll is one probe of the
 * partial index on due deliveries.
 */
export function startWebhookWorker(intervalMs = 250): void {
  /** Deliveries claimed and sent at once by this process's worker (at most this many in flight). */
  const WORKER_BATCH = 100;
  every("webhook worker", intervalMs, async () => {
    while ((await deliverDue(new Date(), WORKER_BATCH)) > 0);
  });
}
