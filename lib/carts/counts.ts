import { and, eq, sql, type SQL } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { cartCounts, CART_STATUSES, type CartStatus } from "@/db/schema";

/**
 * Cart totals and page positions from cart_counts (carts per business, status and UTC day of
 * creation), which triggers on carts keep exact in the same transaction as every insert, status
 * change and delete (drizzle/0005_cart_counts.sql). Reading ~365 small rows replaces a count(*)
 * over every cart of the business, and an OFFSET over hundreds of thousands of index entries.
 */

const ofBusiness = (businessId: string, status?: CartStatus) =>
  and(eq(cartCounts.businessId, businessId), status ? eq(cartCounts.status, status) : undefined);

/** How many carts the business has (with that status). */
export async function cartTotal(businessId: string, status?: CartStatus, db?: Db): Promise<number> {
  db ??= await getDb();
  const [row] = await db
    .select({ n: sql<string | null>`sum(${cartCounts.n})` })
    .from(cartCounts)
    .where(ofBusiness(businessId, status));
  return Number(row?.n ?? 0);
}

/** Carts per status, and all of them. */
export async function cartTotalsByStatus(businessId: string, db?: Db): Promise<Record<"all" | CartStatus, number>> {
  db ??= await getDb();
  const rows = await db
    .select({ status: cartCounts.status, n: sql<string>`sum(${cartCounts.n})` })
    .from(cartCounts)
    .where(ofBusiness(businessId))
    .groupBy(cartCounts.status);
  const totals = Object.fromEntries([["all", 0], ...CART_STATUSES.map((s) => [s, 0])]) as Record<"all" | CartStatus, number>;
  for (const row of rows) {
    totals[row.status] = Number(row.n);
    totals.all += Number(row.n);
  }
  return totals;
}

/**
 * A subquery of the ids of carts [offset, offset + limit) in the list order (created_at desc,
 * id desc), exactly what `ORDER BY … LIMIT limit OFFSET offset` would give, without walking
 * `offset` index entries: the per-day counts say which day holds the offset-th cart and how many
 * newer carts lie before that day, so the index scan starts at the end of that day and skips
 * only that day's newer carts (at most a day's worth, whatever the page). Counts and carts are
 * read in one statement, so from one snapshot. Past the last cart, no day matches and the
 * subquery is empty.
 */
export function pageIdsQuery(businessId: string, status: CartStatus | undefined, limit: number, offset: number): SQL {
  const withStatus = status ? sql` and status = ${status}` : sql``;
  return sql`with days as (
      select day, sum(n) as n from cart_counts where business_id = ${businessId}${withStatus} group by day
    ), start as (
      select (day + 1)::timestamp at time zone 'UTC' as until, ${offset} - newer as skip
      from (select day, n, sum(n) over (order by day desc) - n as newer from days) as walk
      where newer <= ${offset} and newer + n > ${offset}
    )
    select id from carts
    where business_id = ${businessId}${withStatus} and created_at < (select until from start)
    order by created_at desc nulls last, id desc nulls last
    limit ${limit} offset (select skip from start)`;
}
