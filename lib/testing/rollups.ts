import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";

/**
 * Where the trigger-kept rollups (cart_counts, cart_daily_totals) disagree with the business's
 * carts counted afresh: [] when they are exact. Each entry names the key and both figures.
 */
export async function rollupDrift(businessId: string): Promise<string[]> {
  const db = await getDb();
  const rows = <T>(result: unknown) => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
  const counts = rows<{ status: string; day: string; live: string | null; kept: string | null }>(
    await db.execute(sql`
      with live as (
        select status, (created_at at time zone 'UTC')::date as day, count(*) as n from carts where business_id = ${businessId} group by 1, 2
      ), kept as (
        select status, day, sum(n) as n from cart_counts where business_id = ${businessId} group by 1, 2 having sum(n) <> 0
      )
      select status, day::text, live.n::text as live, kept.n::text as kept
      from live full join kept using (status, day)
      where live.n is distinct from kept.n
      order by 1, 2`),
  );
  const totals = rows<{ day: string; currency: string; live: string | null; kept: string | null }>(
    await db.execute(sql`
      with entries as (
        select (abandoned_at at time zone 'UTC')::date as day, currency, 1 as a, total_minor as am, 0 as r, 0::bigint as rm
        from carts where business_id = ${businessId} and abandoned_at is not null
        union all
        select (recovered_at at time zone 'UTC')::date, currency, 0, 0, 1, coalesce(recovered_amount_minor, total_minor)
        from carts where business_id = ${businessId} and recovered_at is not null
      ), live as (
        select day, currency, concat_ws('/', sum(a), sum(am), sum(r), sum(rm)) as figures from entries group by 1, 2
      ), kept as (
        select day, currency, concat_ws('/', sum(abandoned), sum(abandoned_minor), sum(recovered), sum(recovered_minor)) as figures
        from cart_daily_totals where business_id = ${businessId} group by 1, 2
        having sum(abandoned) <> 0 or sum(abandoned_minor) <> 0 or sum(recovered) <> 0 or sum(recovered_minor) <> 0
      )
      select day::text, currency, live.figures as live, kept.figures as kept
      from live full join kept using (day, currency)
      where live.figures is distinct from kept.figures
      order by 1, 2`),
  );
  return [
    ...counts.map((r) => `cart_counts ${r.status} ${r.day}: carts ${r.live ?? 0}, kept ${r.kept ?? 0}`),
    ...totals.map((r) => `cart_daily_totals ${r.day} ${r.currency} (abandoned/minor/recovered/minor): carts ${r.live ?? "0/0/0/0"}, kept ${r.kept ?? "0/0/0/0"}`),
  ];
}
