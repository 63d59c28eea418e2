import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { executePrepared } from "@/db/prepared";
import { rowsOf } from "@/db/rows";
import { textArray } from "@/db/sql";
import { newId } from "@/lib/ids";
import { subscribedEndpoint } from "@/lib/webhooks/outbox";
import { paymentWrites } from "./payment-writes";
import type { PaymentInput, PaymentOutcome } from "./service";

/** A Stripe event recorded in the statement that applies it (stripe_events, exactly once). */
export type Receipt = { id: string; type: string; livemode: boolean; createdAt: Date };

/** What the statement leaves to the caller's transaction, which settleOwed (service.ts) writes. */
export type Owed = {
  /** The events written, oldest first, and the endpoints subscribed to them (deliveries owed). */
  events: { id: string; type: string }[];
  subscriptions: { endpointId: string; type: string }[];
  /** The discount code of the session that recovered the cart, to redeem. */
  discountCodeId: string | null;
  paymentId: string;
};

export type CartPaymentWrite = { outcome: PaymentOutcome; owed: Owed };

export type ReceiptWrite =
  | { kind: "written"; outcome: PaymentOutcome; duplicate: boolean; toExpire: string[]; owed: Owed }
  /** Nothing was written: webhooks or a discount code are owed, which only a transaction can add. */
  | { kind: "needs_transaction" };

/**
 * Records a cart's payment in one statement, in the caller's transaction: locks the cart, inserts
 * the payment once per provider id, completes our session, recovers the cart with its attribution
 * (docs/recovery.md) and writes its events. The caller owes what needs JS: the deliveries of
 * `subscriptions` (their bodies hold the cart as it is now) and the redemption of `discountCodeId`.
 */
export async function writeCartPayment(db: Db, p: PaymentInput): Promise<CartPaymentWrite> {
  const ids = paymentIds();
  const [row] = rowsOf<StatementRow>(await executePrepared(db, sql`with ${cartPaymentCtes(p, ids)} ${finalSelect(p)}`));
  return { outcome: row!.outcome, owed: owedBy(row!, ids) };
}

/**
 * A Stripe event that reports a cart's payment, applied in one statement without a transaction:
 * the payment as writeCartPayment writes it, the cart's other open sessions closed, and the
 * event's record with its outcome. A repeat of a recorded event writes nothing; a concurrent
 * repeat waits for the cart's lock, finds the payment recorded and the event's id taken.
 *
 * Outside a transaction, when the business has endpoints subscribed to the cart's events or the
 * session holds a discount code, nothing is written: the caller runs it again in a transaction
 * (`inTransaction`) and settles what it owes there.
 */
export async function writeStripeCartPayment(db: Db, receipt: Receipt, p: PaymentInput, options: { inTransaction?: boolean } = {}): Promise<ReceiptWrite> {
  const ids = paymentIds();
  const [row] = rowsOf<StripeStatementRow>(await executePrepared(db, stripeCartPaymentSql(receipt, p, options, ids)));
  if (row!.needs_transaction) return { kind: "needs_transaction" };
  return { kind: "written", outcome: row!.outcome, duplicate: row!.received === 0, toExpire: parseJson(row!.to_expire), owed: owedBy(row!, ids) };
}

type StripeStatementRow = StatementRow & { needs_transaction: boolean; received: number; to_expire: unknown };

/** writeStripeCartPayment's statement (bench/reference-server.ts runs the same). */
export function stripeCartPaymentSql(receipt: Receipt, p: PaymentInput, options: { inTransaction?: boolean } = {}, ids = paymentIds()): SQL {
  const owesMore = sql`exists (select 1 from webhook_endpoints w join unnest(${textArray(Object.values(WRITES))}) t(type) on ${subscribedEndpoint(sql`w`, p.businessId, sql`t.type`)})
    ${p.paymentSessionId ? sql`or exists (select 1 from payment_sessions where id = ${p.paymentSessionId}::text and discount_code_id is not null)` : sql``}`;
  return sql`
    with blocked as (
      select exists (select 1 from stripe_events where id = ${receipt.id}::text) as seen,
        ${options.inTransaction ? sql`false` : owesMore} as needs_transaction
    ),
    ${cartPaymentCtes(p, ids, sql`not (select seen or needs_transaction from blocked)`)},
    receipt as (
      insert into stripe_events (id, type, livemode, stripe_created_at, business_id, cart_id, outcome)
      select ${receipt.id}::text, ${receipt.type}::text, ${receipt.livemode}::boolean, ${receipt.createdAt.toISOString()}::timestamptz,
        ${p.businessId}::text, ${p.cartId}::text,
        -- stripeOutcome
        case o.outcome when 'recovered' then 'applied' when 'no_cart' then 'unmatched' else 'recorded' end
      from outcome o where not (select needs_transaction from blocked)
      on conflict (id) do nothing
      returning id
    ), closed as (
      update payment_sessions set status = 'expired'
      from outcome o
      where o.outcome = 'recovered' and payment_sessions.cart_id = ${p.cartId}::text and payment_sessions.status = 'open'
        ${p.paymentSessionId ? sql`and payment_sessions.id <> ${p.paymentSessionId}::text` : sql``}
      returning payment_sessions.provider, payment_sessions.provider_session_id
    )
    ${finalSelect(p, sql`, (select needs_transaction from blocked) as needs_transaction, (select count(*) from receipt)::int as received,
      (select coalesce(json_agg(provider_session_id), '[]') from closed where provider = 'stripe' and provider_session_id is not null) as to_expire`)}`;
}

/** The events the statement writes (`written`), by outcome, in order. */
const WRITES = { succeeded: "payment.succeeded", recovered: "cart.recovered", duplicate: "payment.duplicate" } as const;

/** What a cart's payment made of its Stripe event: stripe_events.outcome (the statement writes the same in SQL). */
export function stripeOutcome(outcome: PaymentOutcome): "applied" | "recorded" | "unmatched" {
  return outcome === "recovered" ? "applied" : outcome === "no_cart" ? "unmatched" : "recorded";
}

type Ids = { paymentId: string; first: string; second: string };
type StatementRow = { outcome: PaymentOutcome; subscriptions: unknown; discount_code_id: string | null };

function paymentIds(): Ids {
  return { paymentId: newId("pay"), first: newId("evt"), second: newId("evt") };
}

function owedBy(row: StatementRow, ids: Ids): Owed {
  return {
    events: eventsOf(row.outcome, ids),
    subscriptions: parseJson(row.subscriptions),
    discountCodeId: row.outcome === "recovered" ? row.discount_code_id : null,
    paymentId: ids.paymentId,
  };
}

/** Which events the statement wrote for an outcome, in order (`written` below). */
function eventsOf(outcome: PaymentOutcome, ids: Ids): { id: string; type: string }[] {
  if (outcome === "recovered") return [{ id: ids.first, type: WRITES.succeeded }, { id: ids.second, type: WRITES.recovered }];
  if (outcome === "duplicate_payment") return [{ id: ids.first, type: WRITES.duplicate }];
  return [];
}

/**
 * The CTEs up to `written` (the events). `gate`, when given, must hold for the cart to be locked:
 * without the cart nothing is written and the outcome is no_cart.
 */
function cartPaymentCtes(p: PaymentInput, ids: Ids, gate?: SQL): SQL {
  const paidAt = sql`${p.paidAt.toISOString()}::timestamptz`;
  return sql`
    cart as (
      select id, status from carts
      where business_id = ${p.businessId}::text and id = ${p.cartId}::text ${gate ? sql`and ${gate}` : sql``}
      for update
    ),
    ${paymentWrites(p, ids.paymentId, { column: "cart_id", from: "cart" })},
    source as (
      select ps.message_id, ps.discount_code_id, rm.step_position from payment_sessions ps
      left join recovery_messages rm on rm.id = ps.message_id and rm.cart_id = ps.cart_id
      where ps.id = ${p.paymentSessionId ?? null}::text and ps.business_id = ${p.businessId}::text and ps.cart_id = ${p.cartId}::text
    ),
    attributed as (
      select
        case when cart.id is null then 'no_cart'
          when not exists (select 1 from pay where pay.id = ${ids.paymentId}::text) then 'already_recorded'
          -- a second, different payment for a cart already paid: kept visible so staff can refund it
          when cart.status = 'recovered' then 'duplicate_payment'
          else 'recovered' end as outcome,
        cart.status as was,
        case when source.message_id is not null then 'email' else ${p.channel}::text end as channel,
        case when source.message_id is not null then source.step_position end as step,
        source.discount_code_id
      from (select 1) as one left join cart on true left join source on true
    ),
    outcome as (
      select a.*, jsonb_build_object('paymentId', ${ids.paymentId}::text, 'provider', ${p.provider}::text,
          'providerPaymentId', ${p.providerPaymentId}::text, 'amountMinor', ${String(p.amountMinor)}::text,
          'currency', ${p.currency}::text, 'channel', a.channel)
        || case when a.step is null then '{}'::jsonb else jsonb_build_object('step', a.step) end as data
      from attributed a
    ),
    recovered as (
      update carts set status = 'recovered', recovered_at = ${paidAt}, recovered_amount_minor = ${String(p.amountMinor)}::text::bigint,
        recovery_channel = o.channel, recovery_step = o.step, updated_at = ${new Date().toISOString()}::timestamptz
      from outcome o
      where o.outcome = 'recovered' and carts.business_id = ${p.businessId}::text and carts.id = ${p.cartId}::text
    ),
    written as (
      insert into events (id, business_id, type, subject_id, data, created_at)
      select e.id, ${p.businessId}::text, e.type, ${p.cartId}::text, e.data, ${paidAt}
      from outcome o cross join lateral (values
        (1, ${ids.first}::text, ${WRITES.succeeded}::text, o.data, o.outcome = 'recovered'),
        (2, ${ids.second}::text, ${WRITES.recovered}::text, o.data || jsonb_build_object('from', o.was), o.outcome = 'recovered'),
        (3, ${ids.first}::text, ${WRITES.duplicate}::text, o.data, o.outcome = 'duplicate_payment')
      ) as e(n, id, type, data, wanted)
      where e.wanted
      order by e.n
      returning id, type
    )`;
}

/** The outcome and, for the caller to deliver, which subscribed endpoints each written event goes to. */
function finalSelect(p: PaymentInput, more: SQL = sql``): SQL {
  return sql`
    select o.outcome, o.discount_code_id,
      (select coalesce(json_agg(json_build_object('endpointId', w.id, 'type', e.type)), '[]')
        from written e join webhook_endpoints w on ${subscribedEndpoint(sql`w`, p.businessId, sql`e.type`)}) as subscriptions
      ${more}
    from outcome o`;
}

/** postgres.js parses json columns; PGlite too, but a text answer is parsed here either way. */
function parseJson<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}
