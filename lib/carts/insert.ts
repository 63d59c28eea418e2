import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { preparedStatement } from "@/db/prepared";
import { rowsOf } from "@/db/rows";
import { textArray } from "@/db/sql";
import type { EventType } from "@/lib/events";
import { derivedIdSql, newId, randomChars } from "@/lib/ids";
import { isWebhookEvent, subscribedEndpoint, webhookBody } from "@/lib/webhooks/outbox";
import type { CartItemView, CartView } from "./queries";
import { toTrackerCart } from "./tracker";

export type NewCart = Omit<CartView, "customerId" | "customerName" | "link"> & {
  /** undefined: keep the customer's name; null: keep it unless the customer is new (none). */
  customerName: string | null | undefined;
  events: { type: EventType; data?: Record<string, unknown> }[];
};

/**
 * Writes a new cart in one statement: the customer (upserted by email), the cart, its items, its
 * events and the webhook deliveries they owe, so the tracker's hottest write is one round trip and
 * atomic without a transaction. The answer is built from what was written, not read back; only
 * the customer's id and name come from the database.
 *
 * A webhook's body holds the customer's name, which only the upsert knows, so each body is sent
 * as the JSON around that name and joined in SQL (a NUL marker: no input text may hold one).
 */
export async function writeNewCart(db: Db, { events: owed, ...cart }: NewCart): Promise<CartView> {
  const at = cart.createdAt.toISOString();
  const events = owed.map((event) => ({ ...event, id: newId("evt") }));
  const marker = `\u0000${randomChars(12)}`;
  const data = { cart: toTrackerCart({ ...cart, customerId: "", customerName: marker, link: null }) };
  const markedBody = (event: (typeof events)[number]) => webhookBody({ ...event, createdAt: cart.createdAt }, data).split(JSON.stringify(marker));
  const published = events.filter((event) => isWebhookEvent(event.type)).map((event) => ({ id: event.id, type: event.type, body: markedBody(event) }));
  const item = (pick: (i: CartItemView) => string | number | bigint | null) =>
    cart.items.map((i) => {
      const value = pick(i);
      return value === null ? null : String(value);
    });

  const statement = cart.customerName === undefined ? keepingName : naming;
  const result = await statement(db).execute({
    customerId: newId("cust"),
    businessId: cart.businessId,
    email: cart.customerEmail,
    name: cart.customerName ?? null,
    now: new Date().toISOString(),
    cartId: cart.id,
    source: cart.source,
    status: cart.status,
    currency: cart.currency,
    totalMinor: String(cart.totalMinor),
    itemCount: cart.itemCount,
    metadata: cart.metadata === null ? null : JSON.stringify(cart.metadata),
    at,
    abandonedAt: cart.abandonedAt?.toISOString() ?? null,
    itemIds: cart.items.map(() => newId("item")),
    positions: item((i) => i.position),
    productIds: item((i) => i.productId),
    names: item((i) => i.name),
    quantities: item((i) => i.quantity),
    prices: item((i) => i.unitPriceMinor),
    imageUrls: item((i) => i.imageUrl),
    eventIds: events.map((e) => e.id),
    eventTypes: events.map((e) => e.type),
    eventData: events.map((e) => JSON.stringify(e.data ?? {})),
    publishedIds: published.map((e) => e.id),
    publishedTypes: published.map((e) => e.type),
    bodyHeads: published.map((e) => e.body[0]!),
    bodyTails: published.map((e) => e.body[1]!),
  });
  const [customer] = rowsOf<{ id: string; name: string | null }>(result);
  return { ...cart, customerId: customer!.id, customerName: customer!.name, link: null };
}

const param = (name: string) => sql.placeholder(name);
const texts = (name: string) => textArray(param(name));

/**
 * The statement, turned into text once (it is the tracker's hottest write). `keepName`: the
 * request gave no name, so an existing customer keeps theirs.
 */
const newCartStatement = (keepName: boolean) =>
  preparedStatement(
    keepName ? "write_new_cart_keeping_name" : "write_new_cart",
    sql`
    with customer as (
      insert into customers (id, business_id, email, name) values (${param("customerId")}, ${param("businessId")}, ${param("email")}, ${param("name")})
      on conflict (business_id, email) do update
        set name = ${keepName ? sql`customers.name` : sql`coalesce(excluded.name, customers.name)`}, updated_at = ${param("now")}::timestamptz
      returning id, name
    ), new_cart as (
      insert into carts (id, business_id, customer_id, source, status, currency, total_minor, item_count, metadata, created_at, updated_at, abandoned_at)
      select ${param("cartId")}, ${param("businessId")}, customer.id, ${param("source")}, ${param("status")}, ${param("currency")}, ${param("totalMinor")}::text::bigint,
        ${param("itemCount")}::int, ${param("metadata")}::text::jsonb, ${param("at")}::timestamptz, ${param("at")}::timestamptz,
        ${param("abandonedAt")}::timestamptz
      from customer
    ), items as (
      insert into cart_items (id, business_id, cart_id, position, product_id, name, quantity, unit_price_minor, image_url)
      select i.id, ${param("businessId")}, ${param("cartId")}, i.position::int, i.product_id, i.name, i.quantity::int, i.price::bigint, i.image_url
      from unnest(${texts("itemIds")}, ${texts("positions")}, ${texts("productIds")}, ${texts("names")},
        ${texts("quantities")}, ${texts("prices")}, ${texts("imageUrls")}) as i(id, position, product_id, name, quantity, price, image_url)
    ), new_events as (
      insert into events (id, business_id, type, subject_id, data, created_at)
      select e.id, ${param("businessId")}, e.type, ${param("cartId")}, e.data::jsonb, ${param("at")}::timestamptz
      from unnest(${texts("eventIds")}, ${texts("eventTypes")}, ${texts("eventData")}) with ordinality as e(id, type, data, n)
      order by e.n
    ), deliveries as (
      insert into webhook_deliveries (id, business_id, endpoint_id, event_id, event_type, payload, next_attempt_at)
      select ${derivedIdSql("whd", sql`e.id`, sql`w.id`)}, ${param("businessId")}, w.id, e.id, e.type,
        e.head || coalesce(to_json(customer.name)::text, 'null') || e.tail, ${param("at")}::timestamptz
      from unnest(${texts("publishedIds")}, ${texts("publishedTypes")}, ${texts("bodyHeads")}, ${texts("bodyTails")}) as e(id, type, head, tail)
      cross join customer
      join webhook_endpoints w on ${subscribedEndpoint(sql`w`, param("businessId"), sql`e.type`)}
      on conflict do nothing
    )
    select id, name from customer`,
  );

const keepingName = newCartStatement(true);
const naming = newCartStatement(false);
