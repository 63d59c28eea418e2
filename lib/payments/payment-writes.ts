import { sql, type SQL } from "drizzle-orm";
import type { ProviderPayment } from "./service";

/**
 * insertPayment's writes as two CTEs for a statement that has the subject's row (`from`, its
 * `id`): `pay` answers the new payment's id, or the recorded one's when its missing Checkout
 * Session id was filled in (on conflict the row is locked and read as committed, not as the
 * statement's snapshot saw it, so a concurrent first report is filled too); `completed` closes
 * our session. Without the subject's row, neither writes.
 */
export function paymentWrites(p: ProviderPayment, paymentId: string, subject: { column: "cart_id" | "order_id"; from: string }): SQL {
  const paidAt = sql`${p.paidAt.toISOString()}::timestamptz`;
  return sql`
    pay as (
      insert into payments as t (id, business_id, ${sql.raw(subject.column)}, provider, provider_payment_id, provider_session_id, amount_minor, currency, paid_at)
      select ${paymentId}::text, ${p.businessId}::text, s.id, ${p.provider}::text, ${p.providerPaymentId}::text, ${p.providerSessionId ?? null}::text,
        ${String(p.amountMinor)}::text::bigint, ${p.currency}::text, ${paidAt}
      from ${sql.raw(subject.from)} s
      on conflict (provider, provider_payment_id) do update set provider_session_id = excluded.provider_session_id
        where t.provider_session_id is null and excluded.provider_session_id is not null
      returning t.id
    )${
      p.paymentSessionId
        ? sql`, completed as (
      update payment_sessions set status = 'complete', completed_at = ${paidAt}
      where id = ${p.paymentSessionId}::text and business_id = ${p.businessId}::text and exists (select 1 from ${sql.raw(subject.from)})
    )`
        : sql``
    }`;
}
