import type { Sql, TransactionSql } from "postgres";
import { PgDialect } from "drizzle-orm/pg-core";
import { newId } from "@/lib/ids";
import { stripeCartPaymentSql, stripeOutcome } from "@/lib/payments/cart-payment";
import type { PaymentOutcome } from "@/lib/payments/service";
import { sha256Hex } from "@/lib/sha256";

/**
 * The SQL the app issues for each benchmarked request (captured from Drizzle's log), written
 * out for postgres.js, which prepares every statement. Kept in step with lib/auth/api-keys.ts,
 * lib/http/rate-limit.ts, lib/carts/{queries,counts,service}.ts, lib/events.ts, lib/webhooks/outbox.ts,
 * lib/analytics/carts.ts and lib/payments/{stripe-events,service,checkout}.ts.
 */

const dialect = new PgDialect();
export type Tx = Sql | TransactionSql;

export type CartRow = {
  id: string;
  business_id: string;
  customer_id: string;
  source: string;
  status: "active" | "abandoned" | "recovered" | "expired";
  currency: string;
  total_minor: string;
  item_count: number;
  metadata: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  abandoned_at: Date | null;
  recovered_at: Date | null;
  expired_at: Date | null;
  recovered_amount_minor: string | null;
  recovery_channel: string | null;
  recovery_step: number | null;
  email: string;
  name: string | null;
  token: string | null;
  link_expires_at: Date | null;
};

export type ItemRow = {
  cart_id: string;
  position: number;
  product_id: string | null;
  name: string;
  quantity: number;
  unit_price_minor: string;
  image_url: string | null;
};

export type KeyRow = { key_id: string; business_id: string; default_currency: string };

const KEY_COLUMNS = (sql: Tx) => sql`
  api_keys.id as key_id, api_keys.business_id, api_keys.name, api_keys.prefix, api_keys.key_hash, api_keys.sealed_key,
  api_keys.created_at, api_keys.last_used_at, api_keys.revoked_at, businesses.id, businesses.name as business_name,
  businesses.default_currency, businesses.link_ttl_hours, businesses.abandon_after_minutes, businesses.twig_merchant,
  businesses.cart_expiry_days, businesses.retention_days, businesses.recovery_emails_enabled, businesses.email_cap_per_week,
  businesses.require_consent, businesses.email_from_name, businesses.created_at as business_created_at`;

/**
 * lib/auth/api-keys.ts authenticate (the once-a-minute last_used_at update is left out); with
 * `countRequest`, the same statement counts the request in rate-limiter-flexible's Postgres
 * store, as the app does with that store (lib/http/rate-limit-postgres.ts consumeCte).
 */
export async function authenticate(sql: Sql, key: string, countRequest: boolean): Promise<KeyRow | undefined> {
  const keyHash = sha256Hex(key);
  const now = new Date();
  const expire = new Date(now.getTime() + 60_000);
  const [row] = countRequest
    ? await sql<(KeyRow & Record<string, unknown>)[]>`
      with counted as (
        insert into rate_limits (key, points, expire)
        select ${"api"} || ':' || api_keys.id, 1, ${expire}::timestamptz from api_keys where api_keys.key_hash = ${keyHash} and api_keys.revoked_at is null
        on conflict (key) do update set
          points = case when rate_limits.expire <= ${now}::timestamptz then excluded.points else rate_limits.points + excluded.points end,
          expire = case when rate_limits.expire <= ${now}::timestamptz then excluded.expire else rate_limits.expire end
        returning points, expire
      )
      select ${KEY_COLUMNS(sql)}, counted.points, counted.expire
      from api_keys inner join businesses on businesses.id = api_keys.business_id left join counted on true
      where api_keys.key_hash = ${keyHash} and api_keys.revoked_at is null limit ${1}`
    : await sql<(KeyRow & Record<string, unknown>)[]>`
      select ${KEY_COLUMNS(sql)} from api_keys inner join businesses on businesses.id = api_keys.business_id
      where api_keys.key_hash = ${keyHash} and api_keys.revoked_at is null limit ${1}`;
  return row;
}

type ItemJson = [number, string | null, string, number, string, string | null];

/** lib/carts/queries.ts baseQuery: the cart, its customer and live link, and its items as one JSON column. */
const CART_COLUMNS = (sql: Tx) => sql`
  carts.id, carts.business_id, carts.customer_id, carts.source, carts.status, carts.currency, carts.total_minor, carts.item_count,
  carts.metadata, carts.created_at, carts.updated_at, carts.abandoned_at, carts.recovered_at, carts.expired_at,
  carts.recovered_amount_minor, carts.recovery_channel, carts.recovery_step, customers.email, customers.name,
  recovery_links.token, recovery_links.expires_at as link_expires_at, coalesce((
    select json_agg(json_build_array(i.position, i.product_id, i.name, i.quantity, i.unit_price_minor::text, i.image_url) order by i.position)
    from cart_items i where i.business_id = carts.business_id and i.cart_id = carts.id
  ), '[]'::json) as items`;

type Selected = CartRow & { items: ItemJson[] };

function split({ items, ...cart }: Selected): { cart: CartRow; items: ItemRow[] } {
  return {
    cart,
    items: items.map(([position, product_id, name, quantity, unit_price_minor, image_url]) => ({ cart_id: cart.id, position, product_id, name, quantity, unit_price_minor, image_url })),
  };
}

const CART_JOINS = (sql: Tx, now: Date) => sql`
  from carts inner join customers on customers.id = carts.customer_id
  left join recovery_links on (recovery_links.cart_id = carts.id and recovery_links.revoked_at is null and recovery_links.expires_at > ${now})`;

/** lib/carts/queries.ts getCart. */
export async function cartWithItems(sql: Tx, businessId: string, cartId: string): Promise<{ cart: CartRow; items: ItemRow[] } | undefined> {
  const [row] = await sql<Selected[]>`select ${CART_COLUMNS(sql)} ${CART_JOINS(sql, new Date())}
    where (carts.business_id = ${businessId} and carts.id = ${cartId}) limit ${1}`;
  return row && split(row);
}

/**
 * lib/carts/queries.ts listCarts: the total from cart_counts, and the page's ids found through the
 * per-day counts (lib/carts/counts.ts pageIdsQuery), then only those carts joined.
 */
export async function cartPage(sql: Sql, businessId: string, status: string, limit: number, offset: number): Promise<{ rows: { cart: CartRow; items: ItemRow[] }[]; total: number }> {
  const [rows, [count]] = await Promise.all([
    sql<Selected[]>`select ${CART_COLUMNS(sql)} ${CART_JOINS(sql, new Date())}
      where (carts.business_id = ${businessId} and carts.id in (with days as (
          select day, sum(n) as n from cart_counts where business_id = ${businessId} and status = ${status} group by day
        ), start as (
          select (day + 1)::timestamp at time zone 'UTC' as until, ${offset} - newer as skip
          from (select day, n, sum(n) over (order by day desc) - n as newer from days) as walk
          where newer <= ${offset} and newer + n > ${offset}
        )
        select id from carts
        where business_id = ${businessId} and status = ${status} and created_at < (select until from start)
        order by created_at desc nulls last, id desc nulls last
        limit ${limit} offset (select skip from start)))
      order by carts.created_at desc nulls last, carts.id desc nulls last`,
    sql<{ sum: string | null }[]>`select sum(cart_counts.n) from cart_counts where (cart_counts.business_id = ${businessId} and cart_counts.status = ${status})`,
  ]);
  return { rows: rows.map(split), total: Number(count!.sum ?? 0) };
}

export type DayRow = { day: string; currency: string; n: string; value: string | null };

/**
 * lib/analytics/carts.ts cartAnalytics for a range of whole UTC days (the presets), which it reads
 * from the cart_daily_totals rollup alone; answered as the abandoned and recovered series.
 */
export async function analyticsSeries(sql: Sql, businessId: string, from: Date, to: Date): Promise<[DayRow[], DayRow[]]> {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const rows = await sql<{ day: string; currency: string; a: string; am: string; r: string; rm: string }[]>`
    select to_char(day, 'YYYY-MM-DD') as day, currency, sum(abandoned) as a, sum(abandoned_minor) as am, sum(recovered) as r, sum(recovered_minor) as rm
    from cart_daily_totals
    where (cart_daily_totals.business_id = ${businessId} and cart_daily_totals.day >= ${day(from)} and cart_daily_totals.day < ${day(to)})
    group by cart_daily_totals.day, cart_daily_totals.currency`;
  return [
    rows.filter((r) => r.a !== "0").map((r) => ({ day: r.day, currency: r.currency, n: r.a, value: r.am })),
    rows.filter((r) => r.r !== "0").map((r) => ({ day: r.day, currency: r.currency, n: r.r, value: r.rm })),
  ];
}

const PUBLIC_EVENTS = new Set(["cart.abandoned", "cart.recovered"]);

export type NewCart = {
  businessId: string;
  email: string;
  name: string | null;
  currency: string;
  status: "active" | "abandoned";
  totalMinor: bigint;
  itemCount: number;
  items: { name: string; quantity: number; unitPriceMinor: bigint; productId: string | null; imageUrl: string | null }[];
};

/**
 * lib/carts/insert.ts writeNewCart: customer upsert, cart, items, events and webhook deliveries in
 * one statement, answered from what was written (the bench's business has no endpoints, so the
 * bodies are left empty).
 */
export async function insertCart(sql: Sql, c: NewCart): Promise<{ cart: CartRow; items: ItemRow[] }> {
  const now = new Date();
  const id = newId("cart", now.getTime());
  const abandonedAt = c.status === "abandoned" ? now : null;
  const events = [
    { id: newId("evt"), type: "cart.created", data: { status: c.status, currency: c.currency, totalMinor: String(c.totalMinor), source: "api" } },
    ...(c.status === "abandoned" ? [{ id: newId("evt"), type: "cart.abandoned", data: {} }] : []),
  ];
  const published = events.filter((e) => PUBLIC_EVENTS.has(e.type));
  const items = c.items.map((item, position) => ({ cart_id: id, position, product_id: item.productId, name: item.name, quantity: item.quantity, unit_price_minor: String(item.unitPriceMinor), image_url: item.imageUrl }));
  const text = (values: (string | number | null)[]) => sql`${sql.array(values.map((v) => (v === null ? null : String(v))) as string[])}::text[]`;
  const [customer] = await sql<{ id: string; name: string | null }[]>`
    with customer as (
      insert into customers (id, business_id, email, name) values (${newId("cust")}, ${c.businessId}, ${c.email}, ${c.name})
      on conflict (business_id, email) do update set name = coalesce(excluded.name, customers.name), updated_at = ${now}::timestamptz
      returning id, name
    ), new_cart as (
      insert into carts (id, business_id, customer_id, source, status, currency, total_minor, item_count, metadata, created_at, updated_at, abandoned_at)
      select ${id}, ${c.businessId}, customer.id, ${"api"}, ${c.status}, ${c.currency}, ${String(c.totalMinor)}::text::bigint, ${c.itemCount}::int,
        ${null}::text::jsonb, ${now}::timestamptz, ${now}::timestamptz, ${abandonedAt}::timestamptz
      from customer
    ), items as (
      insert into cart_items (id, business_id, cart_id, position, product_id, name, quantity, unit_price_minor, image_url)
      select i.id, ${c.businessId}, ${id}, i.position::int, i.product_id, i.name, i.quantity::int, i.price::bigint, i.image_url
      from unnest(${text(items.map(() => newId("item")))}, ${text(items.map((i) => i.position))}, ${text(items.map((i) => i.product_id))}, ${text(items.map((i) => i.name))},
        ${text(items.map((i) => i.quantity))}, ${text(items.map((i) => i.unit_price_minor))}, ${text(items.map((i) => i.image_url))}) as i(id, position, product_id, name, quantity, price, image_url)
    ), new_events as (
      insert into events (id, business_id, type, subject_id, data, created_at)
      select e.id, ${c.businessId}, e.type, ${id}, e.data::jsonb, ${now}::timestamptz
      from unnest(${text(events.map((e) => e.id))}, ${text(events.map((e) => e.type))}, ${text(events.map((e) => JSON.stringify(e.data)))}) with ordinality as e(id, type, data, n)
      order by e.n
    ), deliveries as (
      insert into webhook_deliveries (id, business_id, endpoint_id, event_id, event_type, payload, next_attempt_at)
      select ${"whd_"} || left(split_part(e.id, '_', 2), 10) || left(md5(e.id || w.id), 12), ${c.businessId}, w.id, e.id, e.type,
        e.head || coalesce(to_json(customer.name)::text, 'null') || e.tail, ${now}::timestamptz
      from unnest(${text(published.map((e) => e.id))}, ${text(published.map((e) => e.type))}, ${text(published.map(() => ""))}, ${text(published.map(() => ""))}) as e(id, type, head, tail)
      cross join customer
      join webhook_endpoints w on w.business_id = ${c.businessId} and w.status = 'active' and w.events @> jsonb_build_array(e.type)
      on conflict do nothing
    )
    select id, name from customer`;
  const cart: CartRow = {
    id, business_id: c.businessId, customer_id: customer!.id, source: "api", status: c.status, currency: c.currency, total_minor: String(c.totalMinor),
    item_count: c.itemCount, metadata: null, created_at: now, updated_at: now, abandoned_at: abandonedAt, recovered_at: null, expired_at: null,
    recovered_amount_minor: null, recovery_channel: null, recovery_step: null, email: c.email, name: customer!.name, token: null, link_expires_at: null,
  };
  return { cart, items };
}

export type PaidSession = { eventId: string; type: string; livemode: boolean; created: number; businessId: string; cartId: string; paymentIntent: string; sessionId: string; amountMinor: bigint; currency: string };

/**
 * lib/payments/stripe-events.ts handleStripeEvent for a paid checkout.session.completed of a
 * recovery link's cart: the app's own statement (lib/payments/cart-payment.ts), turned into text
 * and parameters by Drizzle's dialect and run prepared, without Drizzle's session.
 */
export async function applyPaidSession(sql: Sql, e: PaidSession): Promise<"duplicate" | "applied" | "recorded" | "unmatched"> {
  const paidAt = new Date(e.created * 1000);
  const statement = stripeCartPaymentSql(
    { id: e.eventId, type: e.type, livemode: e.livemode, createdAt: paidAt },
    {
      businessId: e.businessId, cartId: e.cartId, provider: "stripe", providerPaymentId: e.paymentIntent, providerSessionId: e.sessionId,
      paymentSessionId: null, amountMinor: e.amountMinor, currency: e.currency, paidAt, channel: "link",
    },
  );
  const query = dialect.sqlToQuery(statement);
  const [row] = await sql.unsafe<{ outcome: PaymentOutcome; received: number; needs_transaction: boolean }[]>(query.sql, query.params as never[], { prepare: true });
  // The benchmark's business has no webhook endpoints and its sessions no discount codes.
  if (row!.needs_transaction) throw new Error("the reference handles only events the app applies in one statement");
  if (row!.received === 0) return "duplicate";
  return stripeOutcome(row!.outcome);
}
