import { and, eq, gt, isNull, sql, type Placeholder, type SQL } from "drizzle-orm";
import { getDb, getPipelinedDb, type Db } from "@/db/client";
import { preparedPerDb } from "@/db/prepared";
import { cartItems, carts, customers, recoveryLinks, type CartStatus } from "@/db/schema";
import { keyBusinessId } from "@/lib/auth/api-keys";
import { linkUrl } from "@/lib/links/url";
import { cartTotal, pageIdsQuery } from "./counts";

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

/** Items as one JSON column, so carts and their items come back in one round trip. */
const itemsJson = sql<ItemJson[]>`coalesce((
  select json_agg(json_build_array(i.position, i.product_id, i.name, i.quantity, i.unit_price_minor::text, i.image_url) order by i.position)
  from ${cartItems} i where i.business_id = ${carts.businessId} and i.cart_id = ${carts.id}
), '[]'::json)`;

type ItemJson = [position: number, productId: string | null, name: string, quantity: number, unitPriceMinor: string, imageUrl: string | null];

/** Carts with their customer, live link (unrevoked, unexpired at `now`) and items. */
function baseQuery(db: Db, now: SQL) {
  return db
    .select({
      cart: carts,
      customerEmail: customers.email,
      customerName: customers.name,
      linkToken: recoveryLinks.token,
      linkExpiresAt: recoveryLinks.expiresAt,
      items: itemsJson,
    })
    .from(carts)
    .innerJoin(customers, eq(customers.id, carts.customerId))
    .leftJoin(
      recoveryLinks,
      and(eq(recoveryLinks.cartId, carts.id), isNull(recoveryLinks.revokedAt), gt(recoveryLinks.expiresAt, now)),
    );
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>["execute"]>>[number];

const instant = (at: Date | Placeholder) => sql`${at instanceof Date ? at.toISOString() : at}::timestamptz`;

function toView(row: Row): CartView {
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
    items: row.items.map(([position, productId, name, quantity, unitPriceMinor, imageUrl]) => ({
      position,
      productId,
      name,
      quantity,
      unitPriceMinor: BigInt(unitPriceMinor),
      imageUrl,
    })),
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

/** One cart, by id, of the business `business` names (a placeholder or a subquery). */
const oneCart = (name: string, business: SQL | Placeholder) =>
  preparedPerDb((db) =>
    baseQuery(db, instant(sql.placeholder("now")))
      .where(and(eq(carts.businessId, business), eq(carts.id, sql.placeholder("cartId"))))
      .limit(1)
      .prepare(name),
  );

// Every other read of one cart: a change's answer, the dashboard, links, checkout, webhooks.
const getCartStatement = oneCart("get_cart", sql.placeholder("businessId"));
// Every GET /api/carts/:id.
const getCartByKeyStatement = oneCart("get_cart_by_key", keyBusinessId);

/** One cart of the business, with items and live link; undefined for a missing or another tenant's cart. */
export async function getCart(businessId: string, cartId: string, db?: Db): Promise<CartView | undefined> {
  db ??= await getPipelinedDb();
  return firstView(getCartStatement(db).execute({ businessId, cartId, now: new Date().toISOString() }));
}

/** getCart for the business of an API key (by its hash): undefined unless the key is valid. */
export async function getCartByKey(keyHash: string, cartId: string): Promise<CartView | undefined> {
  return firstView(getCartByKeyStatement(await getPipelinedDb()).execute({ keyHash, cartId, now: new Date().toISOString() }));
}

async function firstView(rows: Promise<Row[]>): Promise<CartView | undefined> {
  const [row] = await rows;
  return row && toView(row);
}

export type CartListQuery = { status?: CartStatus; page: number; limit: number };

/**
 * A page of carts, newest first, with the total for the pagination block. Both come from the
 * trigger-kept per-day counts (./counts.ts), so page 60,000 costs what page 1 costs: the page's
 * ids are found on the index alone, and only those carts are joined to their customer and link.
 */
export async function listCarts(businessId: string, q: CartListQuery): Promise<{ carts: CartView[]; total: number }> {
  const db = await getDb();
  const ids = pageIdsQuery(businessId, q.status, q.limit, (q.page - 1) * q.limit);
  const [rows, total] = await Promise.all([
    baseQuery(db, instant(new Date()))
      .where(and(eq(carts.businessId, businessId), sql`${carts.id} in (${ids})`))
      .orderBy(sql`${carts.createdAt} desc nulls last`, sql`${carts.id} desc nulls last`),
    cartTotal(businessId, q.status, db),
  ]);
  return { carts: rows.map(toView), total };
}
