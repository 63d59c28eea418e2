import { and, asc, count, desc, eq, gt, isNull, or, sql, type SQL } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { CART_STATUSES, carts, customers, recoveryLinks, type CartStatus } from "@/db/schema";
import { cartTotalsByStatus } from "./counts";
import { isCartSort, MAX_QUERY_LENGTH, type CartSort } from "./list-url";

/**
 * The staff carts list: status tabs with counts, search by customer email or name, four sorts,
 * and keyset pagination (no OFFSET), so page 4,000 costs what page 1 costs.
 *
 * Each sort walks an index of db/schema.ts:
 * - newest / oldest: carts_list_idx (business_id, created_at desc, id desc), or with a status
 *   carts_status_list_idx (business_id, status, created_at desc, id desc), read forwards or backwards;
 * - value_desc / value_asc: carts_value_idx (business_id, status, total_minor, id). That index
 *   starts with the status, so without a status filter the page is the merge of four small index
 *   walks, one per status (UNION ALL of LIMIT n+1 each), instead of a sort of every cart.
 */

export { CART_SORTS, isCartSort, type CartSort } from "./list-url";
export type PageDirection = "after" | "before";

export type CartSearch = {
  status?: CartStatus;
  /** Case-insensitive "contains" on the customer's email or name. */
  q?: string;
  sort?: CartSort;
  /** Opaque cursor from a previous page's nextCursor / prevCursor. */
  cursor?: string;
  /** "after" (default) reads the page after the cursor, "before" the page before it. */
  direction?: PageDirection;
  limit?: number;
};

export type CartListRow = {
  id: string;
  customerEmail: string;
  customerName: string | null;
  status: CartStatus;
  currency: string;
  totalMinor: bigint;
  itemCount: number;
  createdAt: Date;
  abandonedAt: Date | null;
  recoveredAt: Date | null;
  /** A current (unrevoked, unexpired) recovery link exists. */
  hasLiveLink: boolean;
};

export type CartPage = { carts: CartListRow[]; nextCursor?: string; prevCursor?: string };

export type StatusCounts = Record<"all" | CartStatus, number>;

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

type SortSpec = { key: "date" | "value"; order: "asc" | "desc" };

const SORTS: Record<CartSort, SortSpec> = {
  newest: { key: "date", order: "desc" },
  oldest: { key: "date", order: "asc" },
  value_desc: { key: "value", order: "desc" },
  value_asc: { key: "value", order: "asc" },
};

export function isCartStatus(value: unknown): value is CartStatus {
  return typeof value === "string" && (CART_STATUSES as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Cursors: base64url of JSON {s: sort, k: sort key as text, i: id}. The date key is Postgres's
// own microsecond text (a JS Date keeps only milliseconds, which would skip or repeat rows that
// share a millisecond); the value key is the bigint's decimal text.

type Cursor = { sort: CartSort; key: string; id: string };

const DATE_KEY = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;
const VALUE_KEY = /^-?\d{1,19}$/;
const ID = /^[a-z]{1,16}_[0-9a-z]{1,64}$/;
const BIGINT_MAX = 2n ** 63n - 1n;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, k: cursor.key, i: cursor.id })).toString("base64url");
}

/** The cursor if it is well formed and made for this sort; undefined otherwise (→ first page). */
export function decodeCursor(text: string | undefined, sort: CartSort): Cursor | undefined {
  if (!text || text.length > 512 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  const { s, k, i } = raw as Record<string, unknown>;
  if (s !== sort || typeof k !== "string" || typeof i !== "string" || !ID.test(i)) return undefined;
  if (SORTS[sort].key === "date") {
    const match = DATE_KEY.exec(k);
    if (!match) return undefined;
    // Round-trip through Date so "2025-02-30…" is refused here rather than by Postgres.
    const date = new Date(match[1] + "Z");
    if (Number.isNaN(date.getTime()) || date.toISOString() !== match[1] + "Z") return undefined;
  } else {
    if (!VALUE_KEY.test(k)) return undefined;
    const value = BigInt(k);
    if (value > BIGINT_MAX || value < -BIGINT_MAX - 1n) return undefined;
  }
  return { sort, key: k, id: i };
}

// ---------------------------------------------------------------------------------------------
// Query pieces

/** LIKE pattern for "contains q": %, _ and \ in q match themselves (\ is Postgres's default LIKE escape). */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
}

export function normalizeQuery(q: string | undefined): string | undefined {
  const trimmed = q?.trim().slice(0, MAX_QUERY_LENGTH);
  return trimmed ? trimmed : undefined;
}

function searchCondition(q: string | undefined): SQL | undefined {
  if (!q) return undefined;
  const pattern = containsPattern(q);
  // ILIKE '%…%' is served by the pg_trgm GIN indexes customers_email_trgm_idx / customers_name_trgm_idx.
  return or(sql`${customers.email} ilike ${pattern}`, sql`${customers.name} ilike ${pattern}`);
}

const sortColumn = (spec: SortSpec) => (spec.key === "date" ? carts.createdAt : carts.totalMinor);

/** The key a cursor stores for a row, as text that Postgres reads back exactly. */
const sortKeyText = (spec: SortSpec): SQL<string> =>
  spec.key === "date"
    ? sql<string>`to_char(${carts.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
    : sql<string>`${carts.totalMinor}::text`;

/** Rows strictly past the cursor in the scan order: a row comparison, which btree indexes serve. */
function keysetCondition(spec: SortSpec, scan: "asc" | "desc", cursor: Cursor | undefined): SQL | undefined {
  if (!cursor) return undefined;
  const key = spec.key === "date" ? sql`${cursor.key}::timestamptz` : sql`${cursor.key}::bigint`;
  const op = scan === "desc" ? sql.raw("<") : sql.raw(">");
  return sql`(${sortColumn(spec)}, ${carts.id}) ${op} (${key}, ${cursor.id})`;
}

/**
 * ORDER BY in the exact shape of the index, so Postgres reads the index instead of sorting the
 * whole business. The date indexes are declared DESC NULLS LAST (Drizzle's .desc()), and a plain
 * DESC means NULLS FIRST, which an index with NULLS LAST cannot serve in either direction; the
 * columns are NOT NULL, so spelling out the nulls order changes nothing else.
 */
function scanOrder(spec: SortSpec, scan: "asc" | "desc"): SQL[] {
  const columns = [sortColumn(spec), carts.id];
  if (spec.key === "date") {
    const nulls = scan === "desc" ? sql.raw("desc nulls last") : sql.raw("asc nulls first");
    return columns.map((column) => sql`${column} ${nulls}`);
  }
  return columns.map((column) => (scan === "desc" ? desc(column) : asc(column)));
}

function pageSelect(db: Db, spec: SortSpec, now: Date) {
  return db
    .select({
      id: carts.id,
      customerEmail: customers.email,
      customerName: customers.name,
      status: carts.status,
      currency: carts.currency,
      totalMinor: carts.totalMinor,
      itemCount: carts.itemCount,
      createdAt: carts.createdAt,
      abandonedAt: carts.abandonedAt,
      recoveredAt: carts.recoveredAt,
      hasLiveLink: sql<boolean>`${recoveryLinks.id} is not null`.mapWith(Boolean),
      sortKey: sortKeyText(spec),
    })
    .from(carts)
    .innerJoin(customers, eq(customers.id, carts.customerId))
    .leftJoin(
      // At most one unrevoked link per cart (recovery_links_current_idx), so no row repeats.
      recoveryLinks,
      and(eq(recoveryLinks.cartId, carts.id), isNull(recoveryLinks.revokedAt), gt(recoveryLinks.expiresAt, now)),
    );
}

type Options = { status?: CartStatus; q?: string; spec: SortSpec; scan: "asc" | "desc"; cursor?: Cursor; take: number; now: Date };

/** The page query (not yet run): limit + 1 rows in scan order. */
function pageQuery(db: Db, businessId: string, o: Options) {
  const search = searchCondition(o.q);
  const keyset = keysetCondition(o.spec, o.scan, o.cursor);
  const tenant = eq(carts.businessId, businessId);

  if (o.spec.key === "value" && !o.status && !search) {
    // carts_value_idx is (business_id, status, total_minor, id): walk it once per status and
    // merge, so the database reads at most 4 × (limit + 1) index entries. (With a search, the
    // trigram indexes find the few matching customers first and one plain query is better.)
    const perStatus = CART_STATUSES.map((status) =>
      db
        .select({ id: carts.id })
        .from(carts)
        .where(and(tenant, eq(carts.status, status), keyset))
        .orderBy(...scanOrder(o.spec, o.scan))
        .limit(o.take),
    );
    const candidates = sql.join(
      perStatus.map((q) => sql`(${q})`),
      sql` union all `,
    );
    return pageSelect(db, o.spec, o.now)
      .where(and(tenant, sql`${carts.id} in (${candidates})`))
      .orderBy(...scanOrder(o.spec, o.scan))
      .limit(o.take);
  }

  return pageSelect(db, o.spec, o.now)
    .where(and(tenant, o.status ? eq(carts.status, o.status) : undefined, search, keyset))
    .orderBy(...scanOrder(o.spec, o.scan))
    .limit(o.take);
}

type Resolved = { sort: CartSort; limit: number; cursor?: Cursor; backward: boolean; options: Options };

/** The search with defaults applied and bad values dropped (unknown sort → newest, bad cursor → none). */
function resolve(search: CartSearch, now: Date): Resolved {
  const sort = isCartSort(search.sort) ? search.sort : "newest";
  const spec = SORTS[sort];
  const limit = Math.min(Math.max(Math.trunc(search.limit ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const cursor = decodeCursor(search.cursor, sort);
  const backward = Boolean(cursor) && search.direction === "before";
  const scan = backward ? (spec.order === "asc" ? "desc" : "asc") : spec.order;
  const status = isCartStatus(search.status) ? search.status : undefined;
  return { sort, limit, cursor, backward, options: { status, q: normalizeQuery(search.q), spec, scan, cursor, take: limit + 1, now } };
}

/** The SQL searchCarts runs for a page, for EXPLAIN in tests. */
export function cartPageQuery(db: Db, businessId: string, search: CartSearch, now = new Date()) {
  return pageQuery(db, businessId, resolve(search, now).options);
}

/**
 * One page of the business's carts. Reads limit + 1 rows to know whether another page follows.
 * A malformed, foreign or stale cursor gives the first page, never an error.
 */
export async function searchCarts(businessId: string, search: CartSearch = {}, options: { now?: Date; db?: Db } = {}): Promise<CartPage> {
  const db = options.db ?? (await getDb());
  const { sort, limit, cursor, backward, options: o } = resolve(search, options.now ?? new Date());

  type Row = Awaited<ReturnType<typeof pageQuery>>[number];
  const finish = (list: Row[], has: { next: boolean; prev: boolean }): CartPage => {
    const first = list[0];
    const last = list[list.length - 1];
    return {
      carts: list.map(({ sortKey: _key, ...row }) => row),
      nextCursor: has.next && last ? encodeCursor({ sort, key: last.sortKey, id: last.id }) : undefined,
      prevCursor: has.prev && first ? encodeCursor({ sort, key: first.sortKey, id: first.id }) : undefined,
    };
  };
  const firstPage = async (): Promise<CartPage> => {
    const rows = await pageQuery(db, businessId, { ...o, cursor: undefined, scan: o.spec.order });
    return finish(rows.slice(0, limit), { next: rows.length > limit, prev: false });
  };

  if (!cursor) return firstPage();
  const rows = await pageQuery(db, businessId, o);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backward) page.reverse();
  // A cursor past the end (its rows were deleted) or a short page back at the start (rows were
  // added or removed meanwhile): show a full first page rather than an empty or ragged one.
  if (page.length === 0 || (backward && !more && page.length < limit)) return firstPage();
  return backward ? finish(page, { next: true, prev: more }) : finish(page, { next: more, prev: true });
}

/** Counts for the status tabs, in one grouped query (with the same search as the list). */
export async function countCartsByStatus(businessId: string, q?: string, options: { db?: Db } = {}): Promise<StatusCounts> {
  const db = options.db ?? (await getDb());
  const search = searchCondition(normalizeQuery(q));
  // Without a search, the trigger-kept counts answer at once whatever the number of carts.
  if (!search) return cartTotalsByStatus(businessId, db);
  const rows = await db
    .select({ status: carts.status, n: count() })
    .from(carts)
    .innerJoin(customers, eq(customers.id, carts.customerId))
    .where(and(eq(carts.businessId, businessId), search))
    .groupBy(carts.status);
  const counts: StatusCounts = { all: 0, active: 0, abandoned: 0, recovered: 0, expired: 0 };
  for (const row of rows) {
    counts[row.status] = row.n;
    counts.all += row.n;
  }
  return counts;
}
