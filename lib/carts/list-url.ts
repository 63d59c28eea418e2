import type { CartStatus } from "@/db/schema";

/**
 * The carts list view as it lives in the URL (?status=&q=&sort=&after=|before=), so a view can be
 * shared and survives a reload. Pure: used by the server page and the client filter form alike.
 */

export const CART_SORTS = ["newest", "oldest", "value_desc", "value_asc"] as const;
export type CartSort = (typeof CART_SORTS)[number];

export const SORT_LABELS: Record<CartSort, string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  value_desc: "Highest value",
  value_asc: "Lowest value",
};

/** Tab order: the cart's life, start to end. */
export const LIST_STATUSES = ["active", "abandoned", "recovered", "expired"] as const satisfies readonly CartStatus[];

export const STATUS_LABELS: Record<CartStatus, string> = {
  active: "Active",
  abandoned: "Abandoned",
  recovered: "Recovered",
  expired: "Expired",
};

export const MAX_QUERY_LENGTH = 100;

export type CartListParams = {
  status?: CartStatus;
  q?: string;
  sort: CartSort;
  /** Cursor of the page after / before the current one (at most one of them). */
  after?: string;
  before?: string;
};

export type SearchParams = Record<string, string | string[] | undefined>;

export function isCartSort(value: unknown): value is CartSort {
  return typeof value === "string" && (CART_SORTS as readonly string[]).includes(value);
}

export function isListStatus(value: unknown): value is CartStatus {
  return typeof value === "string" && (LIST_STATUSES as readonly string[]).includes(value);
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const CURSOR = /^[A-Za-z0-9_-]{1,512}$/;

/** Reads the view from the URL; anything unknown or malformed falls back to the default. */
export function parseCartListParams(searchParams: SearchParams): CartListParams {
  const status = first(searchParams.status);
  const sort = first(searchParams.sort);
  // No stored text holds a NUL, and Postgres refuses one even in a search pattern.
  const q = first(searchParams.q)?.replace(/\u0000/g, "").trim().slice(0, MAX_QUERY_LENGTH);
  const after = first(searchParams.after);
  const before = first(searchParams.before);
  return {
    status: isListStatus(status) ? status : undefined,
    q: q || undefined,
    sort: isCartSort(sort) ? sort : "newest",
    after: after && CURSOR.test(after) ? after : undefined,
    before: !(after && CURSOR.test(after)) && before && CURSOR.test(before) ? before : undefined,
  };
}

/** The URL of a view, without the defaults, e.g. /carts?status=abandoned&q=noah. */
export function cartsHref(view: Partial<CartListParams>): string {
  const params = new URLSearchParams();
  if (view.status) params.set("status", view.status);
  const q = view.q?.trim();
  if (q) params.set("q", q);
  if (view.sort && view.sort !== "newest") params.set("sort", view.sort);
  if (view.after) params.set("after", view.after);
  else if (view.before) params.set("before", view.before);
  const query = params.toString();
  return query ? `/carts?${query}` : "/carts";
}
