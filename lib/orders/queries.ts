import { and, asc, count, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { ApiError } from "@/lib/http/errors";
import { checkoutSessions, ORDER_STATUSES, orderItems, orders, payments, type DiscountSnapshot, type OrderStatus } from "@/db/schema";

export type OrderItem = typeof orderItems.$inferSelect;
export type OrderPayment = typeof payments.$inferSelect;
export type OrderView = typeof orders.$inferSelect & { items: OrderItem[]; payments: OrderPayment[] };

/** How an item reads to people: its name, else its product id, with the variant. */
export function itemLabel(item: { name: string | null; itemId: string; variant: string | null }): string {
  const base = item.name ?? item.itemId;
  return item.variant ? `${base} (${item.variant})` : base;
}

/** One order of the business with its items and payments; undefined for a missing or another tenant's order. */
export async function getOrder(businessId: string, orderId: string, db?: Db): Promise<OrderView | undefined> {
  db ??= await getDb();
  const [order] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.businessId, businessId), eq(orders.id, orderId)));
  if (!order) return undefined;
  const [items, paid] = await Promise.all([
    db.select().from(orderItems).where(and(eq(orderItems.businessId, businessId), eq(orderItems.orderId, order.id))).orderBy(asc(orderItems.position)),
    db.select().from(payments).where(and(eq(payments.businessId, businessId), eq(payments.orderId, order.id))).orderBy(asc(payments.paidAt)),
  ]);
  return { ...order, items, payments: paid };
}

/** 000's ORDER_NOT_FOUND: a missing order and another business's answer alike. */
export const orderNotFound = () => new ApiError("not_found", "Order not found", { code: "ORDER_NOT_FOUND" });

/**
 * The id of the business's order named by its id or by the checkout session that made it.
 * Throws ORDER_NOT_FOUND for a missing order, another tenant's, or a session whose customer has
 * not placed the order yet.
 */
export async function resolveOrderId(businessId: string, ref: { orderId: string } | { sessionId: string }): Promise<string> {
  const db = await getDb();
  const [row] = await db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.businessId, businessId), "orderId" in ref ? eq(orders.id, ref.orderId) : eq(orders.checkoutSessionId, ref.sessionId)));
  if (!row) throw orderNotFound();
  return row.id;
}

/** Like getOrder, by id or session, throwing ORDER_NOT_FOUND instead of answering undefined. */
export async function findOrder(businessId: string, ref: { orderId: string } | { sessionId: string }): Promise<OrderView> {
  const order = await getOrder(businessId, await resolveOrderId(businessId, ref));
  if (!order) throw orderNotFound();
  return order;
}

/** The discounts (as the merchant sent them) of the checkout sessions that made these orders, by session id. */
export async function checkoutDiscounts(businessId: string, sessionIds: (string | null)[]): Promise<Map<string, DiscountSnapshot[]>> {
  const ids = [...new Set(sessionIds.filter((id): id is string => id !== null))];
  if (!ids.length) return new Map();
  const db = await getDb();
  const rows = await db
    .select({ id: checkoutSessions.id, discounts: checkoutSessions.discounts })
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.businessId, businessId), inArray(checkoutSessions.id, ids)));
  return new Map(rows.map((r) => [r.id, r.discounts]));
}

export type OrderListQuery = {
  statuses?: readonly OrderStatus[];
  from?: Date;
  to?: Date;
  customerEmail?: string;
  source?: "checkout" | "twig" | "cart";
  limit: number;
  offset: number;
};

/** A page of the business's orders, newest first, with the total for `hasMore`. */
export async function listOrders(businessId: string, q: OrderListQuery): Promise<{ orders: OrderView[]; total: number }> {
  const db = await getDb();
  const conditions: (SQL | undefined)[] = [
    eq(orders.businessId, businessId),
    q.statuses ? inArray(orders.status, [...q.statuses]) : undefined,
    q.from ? gte(orders.createdAt, q.from) : undefined,
    q.to ? lt(orders.createdAt, q.to) : undefined,
    q.customerEmail ? eq(orders.customerEmail, q.customerEmail.toLowerCase()) : undefined,
    q.source ? eq(orders.source, q.source) : undefined,
  ];
  const where = and(...conditions);
  const [rows, [totalRow]] = await Promise.all([
    db
      .select()
      .from(orders)
      .where(where)
      // Spelled like orders_list_idx ("desc nulls last") so Postgres walks the index.
      .orderBy(sql`${orders.createdAt} desc nulls last`, sql`${orders.id} desc nulls last`)
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(orders).where(where),
  ]);
  const ids = rows.map((r) => r.id);
  const [items, paid] = ids.length
    ? await Promise.all([
        db.select().from(orderItems).where(and(eq(orderItems.businessId, businessId), inArray(orderItems.orderId, ids))).orderBy(asc(orderItems.position)),
        db.select().from(payments).where(and(eq(payments.businessId, businessId), inArray(payments.orderId, ids))).orderBy(asc(payments.paidAt)),
      ])
    : [[], []];
  return {
    orders: rows.map((o) => ({ ...o, items: items.filter((i) => i.orderId === o.id), payments: paid.filter((p) => p.orderId === o.id) })),
    total: totalRow?.n ?? 0,
  };
}

export type OrderStatusCounts = Record<"all" | OrderStatus, number>;

/**
 * How many of the business's orders are in each internal status (one grouped query over
 * orders_status_idx), optionally for one customer's email (exact, like listOrders).
 */
export async function countOrdersByStatus(businessId: string, q: { customerEmail?: string } = {}, db?: Db): Promise<OrderStatusCounts> {
  db ??= await getDb();
  const rows = await db
    .select({ status: orders.status, n: count() })
    .from(orders)
    .where(and(eq(orders.businessId, businessId), q.customerEmail ? eq(orders.customerEmail, q.customerEmail.toLowerCase()) : undefined))
    .groupBy(orders.status);
  const counts = Object.fromEntries([["all", 0], ...ORDER_STATUSES.map((s) => [s, 0])]) as OrderStatusCounts;
  for (const row of rows) {
    counts[row.status] = row.n;
    counts.all += row.n;
  }
  return counts;
}
