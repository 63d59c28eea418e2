import { and, asc, count, eq, gt, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { cartItems, carts, customers, recoveryLinks, type CartStatus } from "@/db/schema";
import { linkUrl } from "@/lib/links/url";

export type CartItemView = {
  position: number;
  productId: string | null;
  name: string;
  quantity: number;
  unitPriceMinor: bigint;
  imageUrl: string | null;
};

export type CartView = {
  id: string;
  businessId: string;
  customerId: string;
  customerEmail: string;
  customerName: string | null;
  source: string;
  status: CartStatus;
  currency: string;
  totalMinor: bigint;
  itemCount: number;
  metadata: Record<string, unknown> | null;
  items: CartItemView[];
  createdAt: Date;
  updatedAt: Date;
  abandonedAt: Date | null;
  recoveredAt: Date | null;
  expiredAt: Date | null;
  recoveredAmountMinor: bigint | null;
  recoveryChannel: string | null;
  /** The live recovery link, if one is current and unexpired. */
  link: { url: string; expiresAt: Date } | null;
};

function baseQuery(db: Db, now: Date) {
  return db
    .select({
      cart: carts,
      customerEmail: customers.email,
      customerName: customers.name,
      linkToken: recoveryLinks.token,
      linkExpiresAt: recoveryLinks.expiresAt,
    })
    .from(carts)
    .innerJoin(customers, eq(customers.id, carts.customerId))
    .leftJoin(
      recoveryLinks,
      and(eq(recoveryLinks.cartId, carts.id), isNull(recoveryLinks.revokedAt), gt(recoveryLinks.expiresAt, now)),
    );
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>["execute"]>>[number];

function toView(row: Row, items: CartItemView[]): CartView {
  const { cart } = row;
  return {
    id: cart.id,
    businessId: cart.businessId,
    customerId: cart.customerId,
    customerEmail: row.customerEmail,
    customerName: row.customerName,
    source: cart.source,
    status: cart.status,
    currency: cart.currency,
    totalMinor: cart.totalMinor,
    itemCount: cart.itemCount,
    metadata: cart.metadata ?? null,
    items,
    createdAt: cart.createdAt,
    updatedAt: cart.updatedAt,
    abandonedAt: cart.abandonedAt,
    recoveredAt: cart.recoveredAt,
    expiredAt: cart.expiredAt,
    recoveredAmountMinor: cart.recoveredAmountMinor,
    recoveryChannel: cart.recoveryChannel,
    link: row.linkToken && row.linkExpiresAt ? { url: linkUrl(row.linkToken), expiresAt: row.linkExpiresAt } : null,
  };
}

async function itemsByCart(db: Db, businessId: string, cartIds: string[]): Promise<Map<string, CartItemView[]>> {
  const byCart = new Map<string, CartItemView[]>(cartIds.map((id) => [id, []]));
  if (cartIds.length === 0) return byCart;
  const rows = await db
    .select()
    .from(cartItems)
    .where(and(eq(cartItems.businessId, businessId), inArray(cartItems.cartId, cartIds)))
    .orderBy(asc(cartItems.cartId), asc(cartItems.position));
  for (const r of rows) {
    byCart.get(r.cartId)!.push({
      position: r.position,
      productId: r.productId,
      name: r.name,
      quantity: r.quantity,
      unitPriceMinor: r.unitPriceMinor,
      imageUrl: r.imageUrl,
    });
  }
  return byCart;
}

/** One cart of the business, with items and live link; undefined for a missing or another tenant's cart. */
export async function getCart(businessId: string, cartId: string, db?: Db): Promise<CartView | undefined> {
  db ??= await getDb();
  const [row] = await baseQuery(db, new Date())
    .where(and(eq(carts.businessId, businessId), eq(carts.id, cartId)))
    .limit(1);
  if (!row) return undefined;
  const items = await itemsByCart(db, businessId, [cartId]);
  return toView(row, items.get(cartId)!);
}

export type CartListQuery = { status?: CartStatus; page: number; limit: number };

/** A page of carts, newest first, with the total for the pagination block. */
export async function listCarts(businessId: string, q: CartListQuery): Promise<{ carts: CartView[]; total: number }> {
  const db = await getDb();
  const where: SQL = q.status
    ? and(eq(carts.businessId, businessId), eq(carts.status, q.status))!
    : eq(carts.businessId, businessId);
  const [rows, [totalRow]] = await Promise.all([
    baseQuery(db, new Date())
      .where(where)
      // Spelled like carts_list_idx ("desc nulls last") so Postgres walks the index.
      .orderBy(sql`${carts.createdAt} desc nulls last`, sql`${carts.id} desc nulls last`)
      .limit(q.limit)
      .offset((q.page - 1) * q.limit),
    db.select({ n: count() }).from(carts).where(where),
  ]);
  const items = await itemsByCart(db, businessId, rows.map((r) => r.cart.id));
  return { carts: rows.map((r) => toView(r, items.get(r.cart.id)!)), total: totalRow?.n ?? 0 };
}
