import { and, eq } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { orderItems, orderOperations, orders, paymentSessions, type TwigMerchant } from "@/db/schema";
import type { ApiKey, Business } from "@/lib/auth/api-keys";
import { sealApiKey } from "@/lib/auth/sealed-keys";
import { recordEvent, type EventType } from "@/lib/events";
import { ApiError } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { getOrder, orderNotFound, type OrderView } from "@/lib/orders/queries";
import { expireOpenSessions } from "@/lib/payments/checkout";
import { enqueueTwigPush } from "./callbacks";
import { twigStatus } from "./format";
import { releaseHold } from "./provider";
import type { TwigInitInput } from "./schema";

export type Order = typeof orders.$inferSelect;

/** Seed 003: "if empty we set it to 1 week". */
export const DEFAULT_EXPIRATION_MS = 7 * 24 * 3600e3;
/** A card authorization lapses after 7 days (Stripe's hold for online card payments). */
export const AUTHORIZATION_LIFETIME_MS = 7 * 24 * 3600e3;

/** The order's merchant settings: the business's registered defaults, overridden by the order's own. */
export function merchantSettings(defaults: TwigMerchant | null, own: TwigMerchant | null): Required<TwigMerchant> {
  const merged = { ...(defaults ?? {}), ...stripUndefined(own ?? {}) };
  return {
    confirmUrl: merged.confirmUrl ?? null,
    cancelUrl: merged.cancelUrl ?? null,
    validationUrl: merged.validationUrl ?? null,
    pushUrl: merged.pushUrl ?? null,
    requiresValidateCallbackSuccess: merged.requiresValidateCallbackSuccess ?? false,
    captureOnExpire: merged.captureOnExpire ?? false,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * POST /v1/operations/order/init: a pending Twig order awaiting the customer. The merchant's
 * reference is unique within the business. The API key that made it signs its callbacks.
 */
export async function initTwigOrder(
  business: Business,
  key: { apiKey: ApiKey; secret: string },
  input: TwigInitInput,
  now = new Date(),
): Promise<OrderView> {
  await sealApiKey(key.apiKey.id, key.secret);
  const db = await getDb();
  const id = newId("order", now.getTime());
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(orders)
      .values({
        id,
        businessId: business.id,
        source: "twig",
        status: "pending",
        currency: input.currency,
        subtotalMinor: input.amount.itemsMinor,
        taxMinor: input.amount.taxMinor,
        shippingMinor: input.amount.shippingMinor,
        totalMinor: input.amount.valueMinor,
        ...customerColumns(input.customer),
        shipping: shippingColumn(input.shipping),
        billing: input.billing,
        merchant: merchantSettings(business.twigMerchant, input.merchant),
        merchantReference: input.merchantOrderReference,
        merchantCreatedAt: input.dateCreated,
        apiKeyId: key.apiKey.id,
        createdAt: now,
        updatedAt: now,
        expiresAt: input.expiration ?? new Date(now.getTime() + DEFAULT_EXPIRATION_MS),
      })
      .onConflictDoNothing()
      .returning({ id: orders.id });
    if (!inserted.length) {
      throw new ApiError("conflict", "merchantOrderReference: an order with this reference already exists", {
        field: "merchantOrderReference",
        code: "DUPLICATE_ORDER_REFERENCE",
      });
    }
    await insertItems(tx, business.id, id, input.lineItems);
    await recordEvent(tx, {
      businessId: business.id,
      type: "order.created",
      subjectId: id,
      at: now,
      data: { source: "twig", merchantOrderReference: input.merchantOrderReference, totalMinor: input.amount.valueMinor.toString(), currency: input.currency },
    });
  });
  return (await getOrder(business.id, id))!;
}

export function customerColumns(c: TwigInitInput["customer"]) {
  const email = c.email.trim().toLowerCase();
  return {
    customerEmail: email,
    customer: { email, firstName: c.firstName, lastName: c.lastName, phone: c.phoneNumber, locale: c.locale },
  };
}

export function shippingColumn(s: TwigInitInput["shipping"]) {
  return { method: s.method, amountMinor: s.amountMinor.toString(), address: s.address };
}

export async function insertItems(tx: Db, businessId: string, orderId: string, items: TwigInitInput["lineItems"]): Promise<void> {
  await tx.insert(orderItems).values(
    items.map((item, position) => ({
      id: newId("item"),
      businessId,
      orderId,
      position,
      itemId: item.itemId,
      name: item.name,
      description: item.description,
      category: item.category,
      categoryHierarchy: item.categoryHierarchy,
      quantity: item.quantity,
      unitPriceMinor: item.amountMinor,
      taxMinor: item.taxMinor,
      imageUrl: item.imageUrl,
      metadata: item.metadata ?? null,
    })),
  );
}

export async function lockTwigOrder(tx: Db, businessId: string, orderId: string): Promise<Order> {
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.businessId, businessId), eq(orders.id, orderId), eq(orders.source, "twig")))
    .for("update");
  if (!order) throw orderNotFound();
  return order;
}

/**
 * Writes a Twig order's new state with its domain event, and queues the push to the merchant's
 * pushUrl when the Twig status changed. Returns the order as written.
 */
export async function moveTwigOrder(
  tx: Db,
  before: Order,
  set: Partial<typeof orders.$inferInsert>,
  event: { type: EventType; data?: Record<string, unknown> },
  at: Date,
): Promise<Order> {
  const [after] = await tx
    .update(orders)
    .set({ ...set, updatedAt: at })
    .where(eq(orders.id, before.id))
    .returning();
  const eventId = await recordEvent(tx, { businessId: before.businessId, type: event.type, subjectId: before.id, at, data: event.data });
  if (twigStatus(after!) !== twigStatus(before)) await enqueueTwigPush(tx, after!, eventId, at);
  return after!;
}

export type Authorization = {
  businessId: string;
  orderId: string;
  provider: "stripe" | "test";
  /** The Stripe PaymentIntent, or our test authorization's id. */
  providerRef: string;
  amountMinor: bigint;
  currency: string;
  at: Date;
  /** Our payment_sessions row the customer authorized through (Stripe), closed as complete. */
  paymentSessionId?: string | null;
};

/**
 * The customer authorized the order's total (Stripe manual capture, or test mode): pending →
 * authorized, once, however often and from wherever (return page, Stripe webhook) it is reported.
 * An authorization for another amount, or for an order no longer pending, changes nothing.
 */
export async function recordAuthorization(
  tx: Db,
  a: Authorization,
): Promise<"authorized" | "already_recorded" | "no_order" | "not_authorizable"> {
  const [order] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.businessId, a.businessId), eq(orders.id, a.orderId), eq(orders.source, "twig")))
    .for("update");
  if (!order) return "no_order";
  const [known] = await tx
    .select({ id: orderOperations.id })
    .from(orderOperations)
    .where(and(eq(orderOperations.orderId, order.id), eq(orderOperations.kind, "authorize"), eq(orderOperations.providerRef, a.providerRef)));
  if (known) return "already_recorded";
  if (order.status !== "pending" || a.amountMinor !== order.totalMinor || a.currency !== order.currency) return "not_authorizable";
  if (a.paymentSessionId) {
    await tx
      .update(paymentSessions)
      .set({ status: "complete", completedAt: a.at })
      .where(and(eq(paymentSessions.id, a.paymentSessionId), eq(paymentSessions.businessId, a.businessId)));
  }
  await tx.insert(orderOperations).values({
    id: newId("op"),
    businessId: order.businessId,
    orderId: order.id,
    kind: "authorize",
    amountMinor: a.amountMinor,
    currency: a.currency,
    actor: "customer",
    provider: a.provider,
    providerRef: a.providerRef,
    createdAt: a.at,
  });
  await moveTwigOrder(
    tx,
    order,
    {
      status: "authorized",
      authorizedMinor: a.amountMinor,
      authorizedAt: a.at,
      authorizationExpiresAt: new Date(a.at.getTime() + AUTHORIZATION_LIFETIME_MS),
      validationStatus: order.merchant?.validationUrl ? "pending" : "skipped",
      statusReason: null,
    },
    { type: "order.authorized", data: { provider: a.provider, providerRef: a.providerRef, amountMinor: a.amountMinor.toString(), currency: a.currency } },
    a.at,
  );
  return "authorized";
}

/**
 * Records an authorization in its own transaction and closes the order's other payment pages;
 * a Stripe hold the order cannot take (it expired or was cancelled meanwhile) is released.
 */
export async function authorize(a: Authorization): Promise<ReturnType<typeof recordAuthorization>> {
  const db = await getDb();
  const outcome = await db.transaction((tx) => recordAuthorization(tx, a));
  if (outcome === "authorized") await expireOpenSessions({ orderId: a.orderId });
  if (outcome === "not_authorizable" && a.provider === "stripe") await releaseHold(a.providerRef);
  return outcome;
}

/** The authorization behind an order's captures, refunds and voids, if the customer made one. */
export async function authorizationOf(tx: Db, order: Order) {
  const [op] = await tx
    .select()
    .from(orderOperations)
    .where(and(eq(orderOperations.orderId, order.id), eq(orderOperations.kind, "authorize")));
  return op;
}
