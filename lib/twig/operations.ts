import { and, eq } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { orderOperations, orders } from "@/db/schema";
import { recordEvent } from "@/lib/events";
import { ApiError } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { toDecimalString } from "@/lib/money";
import { getOrder } from "@/lib/orders/queries";
import { expireOpenSessions } from "@/lib/payments/checkout";
import { sha256Hex } from "@/lib/sha256";
import { toTwigOrder, twigStatus } from "./format";
import { captureAuthorization, refundCapture, voidAuthorization } from "./provider";
import { authorizationOf, lockTwigOrder, moveTwigOrder, type Order } from "./service";

export type OperationKind = "capture" | "refund" | "void";
export type Actor = "api" | "staff" | "customer" | "system";

export type OperationRequest = {
  orderId: string;
  /** The merchant's UUID `id`: the idempotency key. Null for the customer's cancel and the expiry sweep. */
  key: string | null;
  /** Capture and refund only. */
  amountMinor?: bigint;
  currency?: string;
  message: string | null;
  dateCreated: Date | null;
};

export type OperationAnswer = { status: number; body: unknown; replayed: boolean };

const TYPE: Record<OperationKind, string> = { capture: "CAPTURE", refund: "REFUND", void: "CANCEL" };

/**
 * Capture, refund or cancel (void) a Twig order, once per idempotency key. The order row is locked
 * from the check to the write (including the call to Stripe), so two requests on one order, such
 * as concurrent refunds, run one after the other and can never move more money than allowed.
 * A key seen before replays its first answer; the same key with other values is refused.
 * Stripe calls carry an idempotency key derived from the merchant's, so a retry after a crash
 * between Stripe's answer and our commit cannot move money twice.
 */
export async function operate(businessId: string, kind: OperationKind, req: OperationRequest, actor: Actor, now = new Date()): Promise<OperationAnswer> {
  const hash = requestHash(kind, req);
  const db = await getDb();
  const outcome = await db.transaction(async (tx) => {
    const earlier = await replay(tx, businessId, req.key, hash);
    if (earlier) return { answer: earlier };
    const order = await lockTwigOrder(tx, businessId, req.orderId);
    // A twin request with the same key may have committed while this one waited for the lock.
    const twin = await replay(tx, businessId, req.key, hash);
    if (twin) return { answer: twin };
    if (req.currency !== undefined && req.currency !== order.currency) {
      throw new ApiError("validation", `currencyCode: the order is in ${order.currency}`, { field: "currencyCode" });
    }
    const change = plan(kind, order, req.amountMinor ?? 0n, req.message, now);
    const authorization = await authorizationOf(tx, order);
    const providerKey = req.key ? `twig-${businessId}-${req.key}` : `twig-${newId("op")}`;
    let providerRef = authorization?.providerRef ?? null;
    if (authorization?.provider === "stripe" && change.provider) {
      providerRef = await change.provider(authorization.providerRef!, providerKey);
    }
    const after = await moveTwigOrder(tx, order, change.set, { ...change.event, data: { ...change.event.data, by: actor } }, now);
    // Subscribers of Torque's events (webhooks, analytics) see a Twig order paid at its first capture.
    if (kind === "capture" && order.capturedMinor === 0n) {
      await recordEvent(tx, { businessId, type: "order.paid", subjectId: order.id, at: now, data: { amountMinor: req.amountMinor!.toString(), currency: order.currency, by: actor } });
    }
    const view = (await getOrder(businessId, order.id, tx))!;
    const body = {
      id: req.key,
      orderId: order.id,
      type: TYPE[kind],
      status: "SUCCEEDED",
      ...(kind === "void" ? {} : { amount: toDecimalString(req.amountMinor!, order.currency), currencyCode: order.currency }),
      message: req.message,
      dateCreated: req.dateCreated?.toISOString() ?? null,
      processedAt: now.toISOString(),
      order: toTwigOrder(view),
    };
    const inserted = await tx
      .insert(orderOperations)
      .values({
        id: newId("op"),
        businessId,
        orderId: order.id,
        kind,
        idempotencyKey: req.key,
        requestHash: hash,
        amountMinor: kind === "void" ? order.authorizedMinor - order.capturedMinor : req.amountMinor!,
        currency: order.currency,
        message: req.message,
        actor,
        provider: authorization?.provider ?? "test",
        providerRef,
        responseStatus: 200,
        response: JSON.stringify(body),
        merchantCreatedAt: req.dateCreated,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: orderOperations.id });
    // Only a twin for another order gets here (same key, other order, at the same instant).
    if (!inserted.length) throw keyReused();
    return { answer: { status: 200, body, replayed: false }, closedPending: order.status === "pending" && after.status !== "pending" };
  });
  if ("closedPending" in outcome && outcome.closedPending) await expireOpenSessions({ orderId: req.orderId });
  return outcome.answer;
}

type Change = {
  set: Partial<typeof orders.$inferInsert>;
  event: Parameters<typeof moveTwigOrder>[3];
  /** The Stripe call for an order authorized on Stripe; returns the provider reference to keep. */
  provider?: (paymentIntentId: string, idempotencyKey: string) => Promise<string>;
};

/** The rules of seed 003, and what each operation changes. Throws a 4xx when it is not allowed now. */
function plan(kind: OperationKind, order: Order, amount: bigint, message: string | null, now: Date): Change {
  const status = twigStatus(order);
  const money = (minor: bigint) => `${toDecimalString(minor, order.currency)} ${order.currency}`;
  if (kind === "capture") {
    if (order.status !== "authorized") throw new ApiError("conflict", `Only an authorized order can be captured; this one is ${status}`, { field: "orderId", code: "INVALID_ORDER_STATUS" });
    const capturable = order.authorizedMinor - order.capturedMinor;
    if (amount > capturable) throw new ApiError("validation", `amount: at most ${money(capturable)} of the authorization is left to capture`, { field: "amount" });
    const captured = order.capturedMinor + amount;
    const final = captured === order.authorizedMinor;
    // Refunds made before the last capture still count: such an order is partly refunded, not just captured.
    const done = order.refundedMinor > 0n ? "partially_refunded" : "completed";
    return {
      set: { capturedMinor: captured, paidAt: order.paidAt ?? now, ...(final ? { status: done, completedAt: now } : {}), statusReason: null },
      event: { type: "order.captured", data: { amountMinor: amount.toString(), capturedMinor: captured.toString(), currency: order.currency, final } },
      provider: async (pi, key) => {
        await captureAuthorization(pi, amount, order.currency, { final, idempotencyKey: key });
        return pi;
      },
    };
  }
  if (kind === "refund") {
    const refundable = order.capturedMinor - order.refundedMinor;
    if (refundable <= 0n) {
      throw new ApiError("conflict", `Nothing captured is left to refund; the order is ${status}`, { field: "orderId", code: "INVALID_ORDER_STATUS" });
    }
    if (amount > refundable) throw new ApiError("validation", `amount: at most ${money(refundable)} of what was captured is left to refund`, { field: "amount" });
    const refunded = order.refundedMinor + amount;
    // A partly captured order keeps the rest of its authorization (still capturable).
    const next = order.status === "authorized" ? "authorized" : refunded === order.capturedMinor ? "refunded" : "partially_refunded";
    return {
      set: { refundedMinor: refunded, refundedAt: now, status: next },
      event: { type: "order.refunded", data: { amountMinor: amount.toString(), refundedMinor: refunded.toString(), currency: order.currency } },
      provider: (pi, key) => refundCapture(pi, amount, order.currency, key),
    };
  }
  const cancellable = order.status === "pending" || (order.status === "authorized" && order.capturedMinor === 0n);
  if (!cancellable) {
    const why = order.capturedMinor > 0n && order.status !== "cancelled" ? "; refund it instead" : "";
    throw new ApiError("conflict", `An order that is ${status} cannot be cancelled${why}`, { field: "orderId", code: "INVALID_ORDER_STATUS" });
  }
  const reason = message ?? "Cancelled by the merchant";
  return {
    set: { status: "cancelled", cancelledAt: now, cancellationReason: reason, statusReason: reason },
    event: { type: "order.cancelled", data: { reason, from: order.status } },
    provider:
      order.status === "authorized"
        ? async (pi, key) => {
            await voidAuthorization(pi, key);
            return pi;
          }
        : undefined,
  };
}

/** What makes two requests "the same": the operation, the order and the money, not the message or the clock. */
function requestHash(kind: OperationKind, req: OperationRequest): string {
  return sha256Hex(JSON.stringify([kind, req.orderId, req.amountMinor?.toString() ?? null, req.currency ?? null]));
}

async function replay(tx: Db, businessId: string, key: string | null, hash: string): Promise<OperationAnswer | undefined> {
  if (!key) return undefined;
  const [op] = await tx
    .select({ requestHash: orderOperations.requestHash, response: orderOperations.response, responseStatus: orderOperations.responseStatus })
    .from(orderOperations)
    .where(and(eq(orderOperations.businessId, businessId), eq(orderOperations.idempotencyKey, key)));
  if (!op) return undefined;
  if (op.requestHash !== hash) throw keyReused();
  return { status: op.responseStatus ?? 200, body: JSON.parse(op.response ?? "null"), replayed: true };
}

const keyReused = () =>
  new ApiError("conflict", "id: this idempotency key was already used for a different request", { field: "id", code: "IDEMPOTENCY_KEY_REUSED" });
