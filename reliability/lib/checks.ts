import type { Sql } from "postgres";
import type { Outcome } from "./load";

export type Check = { property: string; pass: boolean; detail: string };

/**
 * Every acknowledged (201) cart is in the database, in its business, with exactly the items,
 * item count and total the client sent. Returns the ids that are missing or differ.
 */
export async function lostOrWrong(sql: Sql, businessId: string, acknowledged: Outcome[]): Promise<{ missing: string[]; wrong: string[] }> {
  const byId = new Map(acknowledged.map((o) => [o.cartId!, o]));
  const ids = [...byId.keys()];
  const found = new Map<string, { lines: number; itemCount: number; totalMinor: bigint; email: string }>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await sql<{ id: string; lines: number; item_count: number; total_minor: string; email: string }[]>`
      select c.id, c.item_count, c.total_minor, cu.email,
             (select count(*)::int from cart_items i where i.cart_id = c.id) as lines
      from carts c join customers cu on cu.id = c.customer_id
      where c.business_id = ${businessId} and c.id in ${sql(ids.slice(i, i + 5000))}`;
    for (const r of rows) found.set(r.id, { lines: r.lines, itemCount: r.item_count, totalMinor: BigInt(r.total_minor), email: r.email });
  }
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const [id, o] of byId) {
    const row = found.get(id);
    if (!row) missing.push(id);
    else if (row.lines !== o.expected.lines || row.itemCount !== o.expected.itemCount || row.totalMinor !== o.expected.totalMinor || row.email !== o.expected.email) wrong.push(id);
  }
  return { missing, wrong };
}

/**
 * A cart written in part would show here: items missing or not adding up to the cart's count and
 * total, or the cart's events (cart.created, cart.abandoned) or its outbound webhook delivery
 * missing. All of them are written in the cart's transaction.
 */
export async function halfWritten(sql: Sql, businessId: string, endpointId: string): Promise<{ carts: number; broken: { id: string; why: string }[] }> {
  const rows = await sql<
    { id: string; item_count: number; total_minor: string; lines: number; qty: number | null; sum: string | null; created: boolean; abandoned: boolean; delivery: boolean }[]
  >`
    select c.id, c.item_count, c.total_minor,
           count(i.id)::int as lines, sum(i.quantity)::int as qty, sum(i.quantity::bigint * i.unit_price_minor)::text as sum,
           exists (select 1 from events e where e.business_id = c.business_id and e.subject_id = c.id and e.type = 'cart.created') as created,
           exists (select 1 from events e where e.business_id = c.business_id and e.subject_id = c.id and e.type = 'cart.abandoned') as abandoned,
           exists (select 1 from events e join webhook_deliveries d on d.event_id = e.id and d.endpoint_id = ${endpointId}
                   where e.business_id = c.business_id and e.subject_id = c.id and e.type = 'cart.abandoned') as delivery
    from carts c left join cart_items i on i.cart_id = c.id
    where c.business_id = ${businessId}
    group by c.id`;
  const broken: { id: string; why: string }[] = [];
  for (const r of rows) {
    const why = [
      r.lines === 0 ? "no items" : null,
      r.lines > 0 && r.qty !== r.item_count ? `item_count ${r.item_count} ≠ Σ quantity ${r.qty}` : null,
      r.lines > 0 && r.sum !== r.total_minor ? `total ${r.total_minor} ≠ Σ items ${r.sum}` : null,
      r.created ? null : "no cart.created event",
      r.abandoned ? null : "no cart.abandoned event",
      r.delivery ? null : "no webhook delivery",
    ].filter(Boolean);
    if (why.length) broken.push({ id: r.id, why: why.join(", ") });
  }
  return { carts: rows.length, broken };
}

/** The event ids of the business's cart.abandoned events (each must reach the receiver). */
export async function abandonedEventIds(sql: Sql, businessId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select id from events where business_id = ${businessId} and type = 'cart.abandoned'`;
  return rows.map((r) => r.id);
}

/** Deliveries of an endpoint still pending now, and how many of them are leased (claimed by a worker). */
export async function pendingDeliveries(sql: Sql, endpointId: string): Promise<{ eventIds: string[]; leased: number }> {
  const rows = await sql<{ event_id: string; leased: boolean }[]>`
    select event_id, next_attempt_at > now() as leased from webhook_deliveries where endpoint_id = ${endpointId} and status = 'pending'`;
  return { eventIds: rows.map((r) => r.event_id), leased: rows.filter((r) => r.leased).length };
}

/** recovery_messages of some carts: cart id → statuses of its rows (one per step at most, by the unique index). */
export async function messagesOf(sql: Sql, cartIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(cartIds.map((id) => [id, []]));
  if (cartIds.length === 0) return out;
  const rows = await sql<{ cart_id: string; status: string }[]>`select cart_id, status from recovery_messages where cart_id in ${sql(cartIds)}`;
  for (const r of rows) out.get(r.cart_id)!.push(r.status);
  return out;
}
