import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { executePrepared } from "@/db/prepared";
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
  const markedBody = (event: (typeof events)[number]) =>
    webhookBody({ ...event, createdAt: cart.createdAt }, { cart: toTrackerCart({ ...cart, customerId: "", customerName: marker, link: null }) }).split(JSON.stringify(marker));
  const published = events.filter((event) => isWebhookEvent(event.type)).map((event) => ({ id: event.id, type: event.type, body: markedBody(event) }));
  const item = (pick: (i: CartItemView) => string | number | bigint | null) =>
    textArray(cart.items.map((i) => {
      const value = pick(i);
      return value === null ? null : String(value);
    }));

  const result = await executePrepared(db, sql`
    with customer as (
      insert into customers (id, business_id, email, name) values (${newId("cust")}, ${cart.businessId}, ${cart.customerEmail}, ${cart.customerName ?? null})
      on conflict (business_id, email) do update
        set name = ${cart.customerName === undefined ? sql`customers.name` : sql`coalesce(excluded.name, customers.name)`}, updated_at = ${new Date().toISOString()}::timestamptz
      returning id, name
    ), new_cart as (
      insert into carts (id, business_id, customer_id, source, status, currency, total_minor, item_count, metadata, created_at, updated_at, abandoned_at)
      select ${cart.id}, ${cart.businessId}, customer.id, ${cart.source}, ${cart.status}, ${cart.currency}, ${String(cart.totalMinor)}::text::bigint,
        ${cart.itemCount}::int, ${cart.metadata === null ? null : JSON.stringify(cart.metadata)}::text::jsonb, ${at}::timestamptz, ${at}::timestamptz,
        ${cart.abandonedAt?.toISOString() ?? null}::timestamptz
      from customer
    ), items as (
      insert into cart_items (id, business_id, cart_id, position, product_id, name, quantity, unit_price_minor, image_url)
      select i.id, ${cart.businessId}, ${cart.id}, i.position::int, i.product_id, i.name, i.quantity::int, i.price::bigint, i.image_url
      from unnest(${textArray(cart.items.map(() => newId("item")))}, ${item((i) => i.position)}, ${item((i) => i.productId)}, ${item((i) => i.name)},
        ${item((i) => i.quantity)}, ${item((i) => i.unitPriceMinor)}, ${item((i) => i.imageUrl)}) as i(id, position, product_id, name, quantity, price, image_url)
    ), new_events as (
      insert into events (id, business_id, type, subject_id, data, created_at)
      select e.id, ${cart.businessId}, e.type, ${cart.id}, e.data::jsonb, ${at}::timestamptz
      from unnest(${textArray(events.map((e) => e.id))}, ${textArray(events.map((e) => e.type))}, ${textArray(events.map((e) => JSON.stringify(e.data ?? {})))})
        with ordinality as e(id, type, data, n)
      order by e.n
    ), deliveries as (
      insert into webhook_deliveries (id, business_id, endpoint_id, event_id, event_type, payload, next_attempt_at)
      select ${derivedIdSql("whd", sql`e.id`, sql`w.id`)}, ${cart.businessId}, w.id, e.id, e.type,
        e.head || coalesce(to_json(customer.name)::text, 'null') || e.tail, ${at}::timestamptz
      from unnest(${textArray(published.map((e) => e.id))}, ${textArray(published.map((e) => e.type))}, ${textArray(published.map((e) => e.body[0]!))},
        ${textArray(published.map((e) => e.body[1]!))}) as e(id, type, head, tail)
      cross join customer
      join webhook_endpoints w on ${subscribedEndpoint(sql`w`, cart.businessId, sql`e.type`)}
      on conflict do nothing
    )
    select id, name from customer`);
  const [customer] = rowsOf<{ id: string; name: string | null }>(result);
  return { ...cart, customerId: customer!.id, customerName: customer!.name, link: null };
}
