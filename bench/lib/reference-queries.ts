import { createHash } from "node:crypto";
import type { Sql, TransactionSql } from "postgres";
import { newId } from "@/lib/ids";

/**
 * The SQL the app issues for each benchmarked request (captured from Drizzle's log), written
 * out for postgres.js, which prepares every statement. Kept in step with lib/auth/api-keys.ts,
 * lib/http/rate-limit.ts, lib/carts/{queries,counts,service}.ts, lib/events.ts, lib/webhooks/outbox.ts,
 * lib/analytics/carts.ts and lib/payments/{stripe-events,service,checkout}.ts.
 */
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

/** lib/auth/api-keys.ts authenticate (the once-a-minute last_used_at update is left out). */
export async function authenticate(sql: Sql, key: string): Promise<KeyRow | undefined> {
  const hash = createHash("sha256").update(key).digest("hex");
  const [row] = await sql<(KeyRow & Record<string, unknown>)[]>`
    select api_keys.id as key_id, api_keys.business_id, api_keys.name, api_keys.prefix, api_keys.key_hash, api_keys.sealed_key,
      api_keys.created_at, api_keys.last_used_at, api_keys.revoked_at, businesses.id, businesses.name as business_name,
      businesses.default_currency, businesses.link_ttl_hours, businesses.abandon_after_minutes, businesses.twig_merchant,
      businesses.cart_expiry_days, businesses.retention_days, businesses.recovery_emails_enabled, businesses.email_cap_per_week,
      businesses.require_consent, businesses.email_from_name, businesses.created_at as business_created_at
    from api_keys inner join businesses on businesses.id = api_keys.business_id
    where api_keys.key_hash = ${hash} and api_keys.revoked_at is null limit ${1}`;
  return row;
}

/** rate-limiter-flexible's Drizzle store: one upsert per request (the app's default store with Postgres). */
export async function consumeRateLimit(sql: Sql, keyId: string): Promise<void> {
  const now = new Date();
  const expire = new Date(now.getTime() + 60_000);
  await sql`
    insert into rate_limits (key, points, expire) values (${"api:" + keyId}, ${1}, ${expire})
    on conflict (key) do update set
      points = case when rate_limits.expire <= ${now} then ${1} else rate_limits.points + ${1} end,
      expire = case when rate_limits.expire <= ${now} then ${expire} else rate_limits.expire end
    returning key, points, expire`;
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

/** lib/events.ts recordEvents: one insert, then lib/webhooks/outbox.ts's endpoint lookup if any is public. */
async function recordEvents(tx: TransactionSql, businessId: string, events: { type: string; subjectId: string; data: Record<string, unknown>; at: Date }[]): Promise<void> {
  const rows = events.map((e) => ({ id: newId("evt"), business_id: businessId, type: e.type, subject_id: e.subjectId, data: tx.json(e.data as never), created_at: e.at }));
  await tx`insert into events ${tx(rows)}`;
  if (events.some((e) => PUBLIC_EVENTS.has(e.type))) {
    // The benchmark's business has no webhook endpoint during these scenarios: nothing to enqueue.
    await tx`select id, events from webhook_endpoints where (webhook_endpoints.business_id = ${businessId} and webhook_endpoints.status = ${"active"})`;
  }
}

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

/** lib/carts/service.ts createCart: customer upsert, cart, items, events, then the cart read back, in one transaction. */
export async function insertCart(sql: Sql, c: NewCart): Promise<{ cart: CartRow; items: ItemRow[] }> {
  return sql.begin(async (tx) => {
    const now = new Date();
    const [customer] = await tx<{ id: string }[]>`
      insert into customers (id, business_id, email, name) values (${newId("cust")}, ${c.businessId}, ${c.email}, ${c.name})
      on conflict (business_id, email) do update set name = coalesce(excluded.name, customers.name), updated_at = ${now}
      returning id`;
    const id = newId("cart", now.getTime());
    await tx`insert into carts (id, business_id, customer_id, source, status, currency, total_minor, item_count, metadata, created_at, updated_at, abandoned_at)
      values (${id}, ${c.businessId}, ${customer!.id}, ${"api"}, ${c.status}, ${c.currency}, ${String(c.totalMinor)}, ${c.itemCount}, ${null},
        ${now}, ${now}, ${c.status === "abandoned" ? now : null})`;
    const items = c.items.map((item, position) => ({
      id: newId("item"),
      business_id: c.businessId,
      cart_id: id,
      position,
      product_id: item.productId,
      name: item.name,
      quantity: item.quantity,
      unit_price_minor: String(item.unitPriceMinor),
      image_url: item.imageUrl,
    }));
    await tx`insert into cart_items ${tx(items)}`;
    await recordEvents(tx, c.businessId, [
      { type: "cart.created", subjectId: id, data: { status: c.status, currency: c.currency, totalMinor: String(c.totalMinor), source: "api" }, at: now },
      ...(c.status === "abandoned" ? [{ type: "cart.abandoned", subjectId: id, data: {}, at: now }] : []),
    ]);
    return (await cartWithItems(tx, c.businessId, id))!;
  });
}

export type PaidSession = { eventId: string; type: string; livemode: boolean; created: number; businessId: string; cartId: string; paymentIntent: string; sessionId: string; amountMinor: bigint; currency: string };

/**
 * lib/payments/stripe-events.ts handleStripeEvent for a paid checkout.session.completed of a
 * recovery link's cart: dedup row, cart lock, payment, recovery, events, outcome; then the
 * cart's other open sessions are expired.
 */
export async function applyPaidSession(sql: Sql, e: PaidSession): Promise<"duplicate" | "applied" | "recorded" | "unmatched"> {
  const outcome = await sql.begin(async (tx) => {
    const inserted = await tx`insert into stripe_events (id, type, livemode, stripe_created_at, outcome)
      values (${e.eventId}, ${e.type}, ${e.livemode}, ${new Date(e.created * 1000)}, ${"pending"}) on conflict do nothing returning id`;
    if (inserted.length === 0) return "duplicate" as const;
    const paidAt = new Date(e.created * 1000);
    const [cart] = await tx<{ id: string; status: string }[]>`select id, status from carts
      where (carts.business_id = ${e.businessId} and carts.id = ${e.cartId}) for update`;
    let result: "applied" | "recorded" | "unmatched" = "unmatched";
    if (cart) {
      const [payment] = await tx<{ id: string }[]>`insert into payments (id, business_id, cart_id, provider, provider_payment_id, provider_session_id, amount_minor, currency, paid_at)
        values (${newId("pay")}, ${e.businessId}, ${cart.id}, ${"stripe"}, ${e.paymentIntent}, ${e.sessionId}, ${String(e.amountMinor)}, ${e.currency}, ${paidAt})
        on conflict (provider, provider_payment_id) do nothing returning id`;
      result = "recorded";
      if (payment) {
        const data = { paymentId: payment.id, provider: "stripe", providerPaymentId: e.paymentIntent, amountMinor: String(e.amountMinor), currency: e.currency, channel: "link" };
        if (cart.status === "recovered") {
          await recordEvents(tx, e.businessId, [{ type: "payment.duplicate", subjectId: cart.id, data, at: paidAt }]);
        } else {
          await tx`update carts set status = ${"recovered"}, recovered_at = ${paidAt}, recovered_amount_minor = ${String(e.amountMinor)},
            recovery_channel = ${"link"}, recovery_step = ${null}, updated_at = ${new Date()} where carts.id = ${cart.id}`;
          await recordEvents(tx, e.businessId, [
            { type: "payment.succeeded", subjectId: cart.id, data, at: paidAt },
            { type: "cart.recovered", subjectId: cart.id, data: { ...data, from: cart.status }, at: paidAt },
          ]);
          result = "applied";
        }
      }
    }
    await tx`update stripe_events set outcome = ${result}, business_id = ${e.businessId}, cart_id = ${e.cartId} where stripe_events.id = ${e.eventId}`;
    return result;
  });
  if (outcome === "applied") {
    await sql`update payment_sessions set status = ${"expired"} where (payment_sessions.cart_id = ${e.cartId} and payment_sessions.status = ${"open"})
      returning provider, provider_session_id`;
  }
  return outcome;
}
