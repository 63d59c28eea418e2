import { CURRENCY_MIX, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, PRICES, PRODUCT_NAMES, PRODUCT_SKUS } from "./catalog";
import { idSql, intArray, lit, seedHash, textArray, tokenSql, ts } from "./sql-text";

/**
 * Set-based SQL that generates one business's data. Cart n (1…N) is created at
 * start + (n-1)·span/N plus jitter inside its slot, so chunks of carts go forward in time and
 * index inserts stay local. Customer k is created just before cart 3k+1, its first cart; 30% of
 * carts are by a returning customer (any earlier k). Customer ids are a function of
 * (business, k), so customers are inserted first and chunks of carts can then run in parallel.
 *
 * A chunk's statements run in one transaction; its staging tables (bc: carts, bi: items,
 * bt: totals) are temporary and dropped at commit.
 */
export type ChunkPlan = {
  businessId: string;
  /** All carts of the business (N), and this chunk's first and last (1-based, inclusive). */
  total: number;
  lo: number;
  hi: number;
  /** Epoch ms: the first cart's time and the length of the period. */
  startMs: number;
  spanMs: number;
  nowMs: number;
};

const MINUTE = 60_000;
const DAY = 86_400_000;
const LINK_TTL_MS = 168 * 3_600_000;

/** The status mix, as cumulative shares of a uniform draw. */
const STATUS_MIX = { abandoned: 0.6, recovered: 0.75, expired: 0.9 } as const;

/** Customer k: created just before its first cart (3k+1); name and email are functions of k. */
function customerSql(plan: Pick<ChunkPlan, "total" | "startMs" | "spanMs">) {
  const first = (k: string) => `(${textArray(FIRST_NAMES)})[((${k}) % ${FIRST_NAMES.length})::int + 1]`;
  const last = (k: string) => `(${textArray(LAST_NAMES)})[(((${k}) / ${FIRST_NAMES.length}) % ${LAST_NAMES.length})::int + 1]`;
  return {
    ms: (k: string) => `(${plan.startMs}::bigint + (3 * (${k})::bigint * ${plan.spanMs}::bigint) / ${plan.total})`,
    first,
    last,
    email: (k: string) =>
      `(translate(lower(${first(k)} || '.' || ${last(k)}), 'üé', 'ue') || (${k}) || '@' || (${textArray(EMAIL_DOMAINS)})[((${k}) % ${EMAIL_DOMAINS.length})::int + 1])`,
  };
}

/** How many customers a business with `total` carts has: one per three carts (k = 0 … (total-1)/3). */
export function customerCount(total: number): number {
  return Math.floor((total - 1) / 3) + 1;
}

/** Inserts customers k = kLo…kHi (before any cart that references them). */
export function customerStatement(plan: Omit<ChunkPlan, "lo" | "hi" | "nowMs">, kLo: number, kHi: number): string {
  const B = lit(plan.businessId);
  const { ms, first, last, email } = customerSql(plan);
  return `
insert into customers (id, business_id, email, name, created_at, updated_at)
select ${idSql("cust", "cms", "h")}, ${B}, ${email("k")}, case when k % 4 <> 3 then ${first("k")} || ' ' || ${last("k")} end, ${ts("cms")}, ${ts("cms")}
from (select k, ${ms("k")} as cms, ${seedHash(`${B} || ':cust:' || k`)} as h from generate_series(${kLo}::bigint, ${kHi}::bigint) k offset 0) c
order by k`;
}

/** The statements for carts lo…hi and everything hanging off them; their customers must exist. */
export function chunkStatements(plan: ChunkPlan): string[] {
  const B = lit(plan.businessId);
  const { total: N, startMs: START, spanMs: SPAN, nowMs: NOW } = plan;
  const { ms: customerMs, first, last, email } = customerSql(plan);
  const currencyCase = `case ${CURRENCY_MIX.map(([c, upTo]) => `when r_cur < ${upTo} then '${c}'`).join(" ")} else 'USD' end`;
  const priceOf = `case bc.currency ${Object.entries(PRICES).map(([c, prices]) => `when '${c}' then (${intArray(prices)})[bi.product]`).join(" ")} end`;

  // Every layer ends in OFFSET 0, a fence: Postgres would otherwise inline the layers and hash
  // each id's seed once per character of the id.
  const staging = `
create temp table bc on commit drop as
select u.*,
  ${idSql("cart", "ms", "h")} as id,
  ${idSql("cust", customerMs("k"), "hc")} as customer_id,
  case when ordered then ${idSql("order", "recovered_ms", "ho")} end as order_id,
  case when linked then ${idSql("link", "link_ms", "hl")} end as link_id
from (
  select v.*,
    ${seedHash(`${B} || ':cust:' || k`)} as hc,
    ${seedHash(`${B} || ':order:' || n`)} as ho,
    ${seedHash(`${B} || ':link:' || n`)} as hl,
    case when linked then
      case status
        when 'recovered' then abandoned_ms + ((recovered_ms - abandoned_ms) * r_link_at)::bigint
        when 'expired' then abandoned_ms + ((expired_ms - abandoned_ms) * r_link_at)::bigint
        else least(abandoned_ms + (r_link_at * 2 * ${DAY})::bigint, ${NOW}::bigint)
      end
    end as link_ms
  from (
    select t.*,
      case when status = 'recovered' then least(abandoned_ms + 30 * ${MINUTE} + (r_rec * r_rec * 7 * ${DAY})::bigint, ${NOW}::bigint) end as recovered_ms,
      case when status = 'expired' then least(abandoned_ms + ${DAY} + (r_exp * 29 * ${DAY})::bigint, ${NOW}::bigint) end as expired_ms,
      case when status = 'recovered' then
        case when r_ch < 0.45 then 'link' when r_ch < 0.80 then 'email' when r_ch < 0.92 then 'direct' else 'manual' end
      end as channel,
      (status = 'recovered' and r_order < 0.67) as ordered,
      (status = 'recovered' and r_ch < 0.80) or (status = 'abandoned' and r_link < 0.25) or (status = 'expired' and r_link < 0.2) as linked
    from (
      select g.*,
        case when r_status < ${STATUS_MIX.abandoned} then 'abandoned' when r_status < ${STATUS_MIX.recovered} then 'recovered'
             when r_status < ${STATUS_MIX.expired} then 'expired' else 'active' end as status,
        ${currencyCase} as currency,
        case when r_lines < 0.4 then 1 when r_lines < 0.7 then 2 when r_lines < 0.9 then 3 else 4 end as lines,
        case when r_k < 0.7 or n <= 3 then (n - 1) / 3 else floor(r_k2 * ((n - 1) / 3 + 1))::bigint end as k,
        least(ms + ((10 + r_ab * 110) * ${MINUTE})::bigint, ${NOW}::bigint) as abandoned_ms,
        least(ms + (r_ab * 30 * ${MINUTE})::bigint, ${NOW}::bigint) as touched_ms
      from (
        select n::bigint as n,
          ${START}::bigint + ((n - 1)::bigint * ${SPAN}::bigint) / ${N} + floor(random() * ${Math.floor(SPAN / N)})::bigint as ms,
          ${seedHash(`${B} || ':cart:' || n`)} as h,
          random() as r_status, random() as r_cur, random() as r_lines, random() as r_k, random() as r_k2, random() as r_ab,
          random() as r_rec, random() as r_exp, random() as r_ch, random() as r_step, random() as r_disc, random() as r_order,
          random() as r_ostatus, random() as r_link, random() as r_link_at, random() as r_open, random() as r_src
        from generate_series(${plan.lo}, ${plan.hi}) n
        offset 0
      ) g
      offset 0
    ) t
    offset 0
  ) v
  offset 0
) u`;

  const items = `
create temp table bi on commit drop as
select bc.n, p as position, floor(random() * ${PRODUCT_NAMES.length})::int + 1 as product,
  case when random() < 0.8 then 1 when random() < 0.75 then 2 else 3 end as quantity
from bc, generate_series(0, bc.lines - 1) p`;

  const itemPrices = [`alter table bi add column price bigint`, `update bi set price = (${priceOf}) from bc where bc.n = bi.n`];

  const totals = `
create temp table bt on commit drop as
select n, sum(quantity * price)::bigint as total, sum(quantity)::int as item_count,
  sum(quantity * price)::bigint as amount
from bi group by n`;
  const discounts = `update bt set amount = (bt.total * 9) / 10 from bc where bc.n = bt.n and bc.channel = 'email' and bc.r_disc < 0.3`;

  const carts = `
insert into carts (id, business_id, customer_id, source, status, currency, total_minor, item_count, created_at, updated_at,
  abandoned_at, recovered_at, expired_at, recovered_amount_minor, recovery_channel, recovery_step)
select bc.id, ${B}, bc.customer_id, case when r_src < 0.95 then 'api' else 'checkout' end, bc.status, bc.currency, bt.total, bt.item_count,
  ${ts("bc.ms")},
  ${ts("coalesce(bc.recovered_ms, bc.expired_ms, case when bc.status = 'active' then bc.touched_ms else bc.abandoned_ms end)")},
  case when bc.status <> 'active' then ${ts("bc.abandoned_ms")} end,
  ${ts("bc.recovered_ms")}, ${ts("bc.expired_ms")},
  case when bc.status = 'recovered' then bt.amount end, bc.channel,
  case when bc.channel = 'email' then 1 + floor(bc.r_step * 3)::int end
from bc join bt on bt.n = bc.n
order by bc.ms`;

  const cartItems = `
insert into cart_items (id, business_id, cart_id, position, product_id, name, quantity, unit_price_minor, image_url)
select ${idSql("item", "x.ms", "x.hx")}, ${B}, x.cart_id, x.position,
  (${textArray(PRODUCT_SKUS)})[x.product], (${textArray(PRODUCT_NAMES)})[x.product], x.quantity, x.price,
  'https://cdn.example.com/products/' || (${textArray(PRODUCT_SKUS)})[x.product] || '.jpg'
from (
  select bi.*, bc.ms, bc.id as cart_id, ${seedHash(`${B} || ':item:' || bi.n || ':' || bi.position`)} as hx
  from bi join bc on bc.n = bi.n offset 0
) x
order by x.ms, x.position`;

  const links = `
insert into recovery_links (id, business_id, cart_id, token, created_by, created_at, expires_at, revoked_at, open_count, last_opened_at)
select link_id, ${B}, id, ${tokenSql(`${B} || ':link:' || n`)},
  case when channel = 'email' then 'email' when r_link < 0.1 then 'staff' else 'api' end,
  ${ts("link_ms")}, ${ts(`link_ms + ${LINK_TTL_MS}`)},
  case when status = 'expired' then ${ts("expired_ms")} end,
  opens, case when opens > 0 then ${ts(`case when recovered_ms is not null then greatest(recovered_ms - 2 * ${MINUTE}, link_ms) else least(link_ms + 3600000, ${NOW}::bigint) end`)} end
from (select bc.*, case when status = 'recovered' then 1 + floor(r_open * 3)::int else floor(r_open * 3)::int end as opens from bc where linked) l
order by link_ms`;

  const payments = `
insert into payments (id, business_id, cart_id, provider, provider_payment_id, amount_minor, currency, status, paid_at, created_at)
select ${idSql("pay", "x.recovered_ms", "x.hx")}, ${B}, x.id, 'stripe',
  'pi_' || substr(md5(${B} || ':pi:' || x.n), 1, 24), x.amount, x.currency, 'succeeded', ${ts("x.recovered_ms")}, ${ts("x.recovered_ms")}
from (
  select bc.*, bt.amount, ${seedHash(`${B} || ':pay:' || bc.n`)} as hx
  from bc join bt on bt.n = bc.n where bc.channel in ('link', 'email') offset 0
) x
order by x.recovered_ms`;

  const orderStatus = `case when bc.r_ostatus < 0.7 and bc.recovered_ms + 2 * ${DAY} <= ${NOW} then 'completed' when bc.r_ostatus < 0.95 then 'processing' else 'refunded' end`;
  const orders = `
insert into orders (id, business_id, source, cart_id, status, currency, subtotal_minor, discount_minor, total_minor, captured_minor, refunded_minor,
  customer_email, customer, created_at, updated_at, paid_at, completed_at, refunded_at)
select o.order_id, ${B}, 'cart', o.id, o.ostatus, o.currency, o.total, o.total - o.amount, o.amount, o.amount,
  case when o.ostatus = 'refunded' then o.amount else 0 end,
  ${email("o.k")}, jsonb_build_object('email', ${email("o.k")}, 'firstName', ${first("o.k")}, 'lastName', ${last("o.k")}),
  ${ts("o.recovered_ms")}, ${ts("o.recovered_ms")}, ${ts("o.recovered_ms")},
  case when o.ostatus = 'completed' then ${ts(`o.recovered_ms + 2 * ${DAY}`)} end,
  case when o.ostatus = 'refunded' then ${ts(`least(o.recovered_ms + 3 * ${DAY}, ${NOW}::bigint)`)} end
from (select bc.*, bt.total, bt.amount, ${orderStatus} as ostatus from bc join bt on bt.n = bc.n where bc.ordered) o
order by o.recovered_ms`;

  const orderItems = `
insert into order_items (id, business_id, order_id, position, item_id, name, quantity, unit_price_minor, image_url)
select ${idSql("item", "x.recovered_ms", "x.hx")}, ${B}, x.order_id, x.position,
  (${textArray(PRODUCT_SKUS)})[x.product], (${textArray(PRODUCT_NAMES)})[x.product], x.quantity, x.price,
  'https://cdn.example.com/products/' || (${textArray(PRODUCT_SKUS)})[x.product] || '.jpg'
from (
  select bi.*, bc.recovered_ms, bc.order_id, ${seedHash(`${B} || ':oitem:' || bi.n || ':' || bi.position`)} as hx
  from bi join bc on bc.n = bi.n where bc.ordered offset 0
) x`;

  const events = `
insert into events (id, business_id, type, subject_id, data, created_at)
select ${idSql("evt", "e.at", "e.hx")}, ${B}, e.type, e.subject, e.data, ${ts("e.at")}
from (select u.*, ${seedHash(`${B} || ':evt:' || u.n || ':' || u.type`)} as hx from (
  select bc.n, 'cart.created' as type, bc.id as subject, bc.ms as at,
    jsonb_build_object('status', 'active', 'currency', bc.currency, 'totalMinor', bt.total::text, 'source', 'api') as data
  from bc join bt on bt.n = bc.n
  union all
  select n, 'cart.abandoned', id, abandoned_ms, jsonb_build_object('from', 'active', 'by', 'system') from bc where status <> 'active'
  union all
  select n, 'link.generated', id, link_ms,
    jsonb_build_object('linkId', link_id, 'expiresAt', to_char(${ts(`link_ms + ${LINK_TTL_MS}`)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'by', case when channel = 'email' then 'email' else 'api' end, 'replaced', null)
  from bc where linked
  union all
  select bc.n, 'payment.succeeded', bc.id, bc.recovered_ms,
    jsonb_build_object('provider', 'stripe', 'providerPaymentId', 'pi_' || substr(md5(${B} || ':pi:' || bc.n), 1, 24),
      'amountMinor', bt.amount::text, 'currency', bc.currency, 'channel', bc.channel)
  from bc join bt on bt.n = bc.n where bc.channel in ('link', 'email')
  union all
  select bc.n, 'cart.recovered', bc.id, bc.recovered_ms,
    case when bc.channel in ('link', 'email')
      then jsonb_build_object('provider', 'stripe', 'amountMinor', bt.amount::text, 'currency', bc.currency, 'channel', bc.channel, 'from', 'abandoned')
      else jsonb_build_object('from', 'abandoned', 'to', 'recovered', 'by', case when bc.channel = 'manual' then 'staff' else 'api' end)
    end
  from bc join bt on bt.n = bc.n where bc.status = 'recovered'
  union all
  select n, 'cart.expired', id, expired_ms, jsonb_build_object('from', 'abandoned', 'by', 'system') from bc where status = 'expired'
  union all
  select bc.n, 'order.created', bc.order_id, bc.recovered_ms, jsonb_build_object('cartId', bc.id, 'totalMinor', bt.amount::text, 'currency', bc.currency)
  from bc join bt on bt.n = bc.n where bc.ordered
  union all
  select bc.n, 'order.paid', bc.order_id, bc.recovered_ms, jsonb_build_object('provider', 'stripe', 'amountMinor', bt.amount::text, 'currency', bc.currency)
  from bc join bt on bt.n = bc.n where bc.ordered
) u offset 0) e
order by e.at`;

  // Temporary tables have no statistics until analyzed; without them the joins below plan as nested loops.
  const analyze = ["analyze bc", "analyze bi", "analyze bt"];
  // One statement per entry: PGlite (and prepared statements) take one command at a time.
  return ["set local work_mem = '256MB'", staging, items, ...itemPrices, totals, discounts, ...analyze, carts, cartItems, links, payments, orders, orderItems, events];
}

/** What one business's generated data holds, counted by the staging tables. */
export const CHUNK_COUNTS = `
select count(*)::int as carts,
  (select count(*)::int from bi) as items,
  count(*) filter (where linked)::int as links,
  count(*) filter (where ordered)::int as orders
from bc`;
