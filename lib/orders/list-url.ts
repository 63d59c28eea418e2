import type { OrderStatus } from "@/db/schema";
import { TORQUE_FILTER, type TorqueStatus } from "./status";

/**
 * The staff orders list as it lives in the URL (?status=&email=&page=), so a view can be shared
 * and survives a reload. Statuses are the Torque projection (lib/orders/status.ts): "Cancelled"
 * includes expired checkouts, "Pending" authorized ones. Pure: used by the server page and the
 * client filter form alike.
 */

/** Tab order: the order's life, start to end. */
export const ORDER_TABS = ["pending", "processing", "completed", "cancelled", "refunded"] as const satisfies readonly TorqueStatus[];

export const ORDER_STATUS_LABELS: Record<TorqueStatus, string> = {
  pending: "Pending",
  processing: "Processing",
  completed: "Completed",
  cancelled: "Cancelled",
  refunded: "Refunded",
};

export const ORDER_SOURCE_LABELS: Record<"checkout" | "twig" | "cart", string> = {
  checkout: "Checkout",
  twig: "Twig",
  cart: "Recovered cart",
};

export const MAX_EMAIL_LENGTH = 254;
/** Far enough for any real list; keeps OFFSET from being used to scan the whole table. */
export const MAX_PAGE = 10_000;

export type OrderListParams = {
  status?: TorqueStatus;
  /** The customer's email, exact and case-insensitive (what listOrders supports). */
  email?: string;
  /** 1-based. */
  page: number;
};

export type SearchParams = Record<string, string | string[] | undefined>;

export function isOrderTab(value: unknown): value is TorqueStatus {
  return typeof value === "string" && (ORDER_TABS as readonly string[]).includes(value);
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Reads the view from the URL; anything unknown or malformed falls back to the default. */
export function parseOrderListParams(searchParams: SearchParams): OrderListParams {
  const status = first(searchParams.status);
  // No stored email holds a NUL, and Postgres refuses one even in a comparison.
  const email = first(searchParams.email)?.replace(/\u0000/g, "").trim().toLowerCase().slice(0, MAX_EMAIL_LENGTH);
  const page = first(searchParams.page);
  const n = page && /^\d{1,6}$/.test(page) ? Number(page) : 1;
  return {
    status: isOrderTab(status) ? status : undefined,
    email: email || undefined,
    page: Math.min(Math.max(n, 1), MAX_PAGE),
  };
}

/** The URL of a view, without the defaults, e.g. /orders?status=pending&email=jane%40example.com. */
export function ordersHref(view: Partial<OrderListParams>): string {
  const params = new URLSearchParams();
  if (view.status) params.set("status", view.status);
  const email = view.email?.trim();
  if (email) params.set("email", email);
  if (view.page && view.page > 1) params.set("page", String(view.page));
  const query = params.toString();
  return query ? `/orders?${query}` : "/orders";
}

/** The internal statuses a tab shows (all of them for "All"). */
export function statusesOf(tab: TorqueStatus | undefined): readonly OrderStatus[] | undefined {
  return tab ? TORQUE_FILTER[tab] : undefined;
}

/** Per-tab counts from per-internal-status counts. */
export function tabCounts(counts: Record<"all" | OrderStatus, number>): Record<"all" | TorqueStatus, number> {
  const sum = (tab: TorqueStatus) => TORQUE_FILTER[tab].reduce((n, s) => n + counts[s], 0);
  return {
    all: counts.all,
    pending: sum("pending"),
    processing: sum("processing"),
    completed: sum("completed"),
    cancelled: sum("cancelled"),
    refunded: sum("refunded"),
  };
}
