import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { carts } from "@/db/schema";
import type { CsvRow } from "@/lib/http/csv";
import { toDecimalString } from "@/lib/money";
import type { CartListParams } from "./list-url";
import { cartPageQuery, encodeCursor, MAX_PAGE_SIZE } from "./search";

/** The carts CSV: one row per cart, amounts as exact decimals of the row's currency. */
export const CART_CSV_HEADER = [
  "id",
  "status",
  "customer_email",
  "customer_name",
  "currency",
  "total",
  "items",
  "created_at",
  "abandoned_at",
  "recovered_at",
  "expired_at",
  "recovered_amount",
  "recovery_channel",
  "recovery_step",
  "live_link",
];

/**
 * Every cart of the carts list's view (its status, search and sort), in the list's order, a batch
 * at a time: the list's own keyset query walks on from the last row of each batch, so an export
 * of any size holds one batch in memory and never repeats or skips a row.
 */
export async function* cartCsvBatches(
  businessId: string,
  view: Pick<CartListParams, "status" | "q" | "sort">,
  options: { batchSize?: number; now?: Date } = {},
): AsyncGenerator<CsvRow[]> {
  const db = await getDb();
  const limit = Math.min(options.batchSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const now = options.now ?? new Date();
  let cursor: string | undefined;
  for (;;) {
    const rows = await cartPageQuery(db, businessId, { status: view.status, q: view.q, sort: view.sort, cursor, direction: "after", limit }, now);
    const page = rows.slice(0, limit);
    if (page.length === 0) return;
    const extra = await db
      .select({
        id: carts.id,
        expiredAt: carts.expiredAt,
        recoveredAmountMinor: carts.recoveredAmountMinor,
        recoveryChannel: carts.recoveryChannel,
        recoveryStep: carts.recoveryStep,
      })
      .from(carts)
      .where(and(eq(carts.businessId, businessId), inArray(carts.id, page.map((r) => r.id))));
    const byId = new Map(extra.map((e) => [e.id, e]));
    yield page.map((r): CsvRow => {
      const e = byId.get(r.id);
      return [
        r.id,
        r.status,
        r.customerEmail,
        r.customerName,
        r.currency,
        toDecimalString(r.totalMinor, r.currency),
        r.itemCount,
        r.createdAt,
        r.abandonedAt,
        r.recoveredAt,
        e?.expiredAt,
        e?.recoveredAmountMinor == null ? null : toDecimalString(e.recoveredAmountMinor, r.currency),
        e?.recoveryChannel,
        e?.recoveryStep,
        r.hasLiveLink,
      ];
    });
    if (rows.length <= limit) return;
    const last = page[page.length - 1]!;
    cursor = encodeCursor({ sort: view.sort, key: last.sortKey, id: last.id });
  }
}
