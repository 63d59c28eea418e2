import { Badge } from "@/components/ui";
import type { OrderStatus } from "@/db/schema";
import { ORDER_SOURCE_LABELS, ORDER_STATUS_LABELS } from "@/lib/orders/list-url";
import { TORQUE_STATUS, type TorqueStatus } from "@/lib/orders/status";
import { twigStatus, type TwigStatus } from "@/lib/twig/format";

/**
 * Badges of the orders list and the order page: the order's status in the API it came from
 * (the Torque projection, or Twig's own statuses for Twig orders) and where the order came from.
 */

type Tone = "amber" | "blue" | "green" | "slate" | "red";

const TONE: Record<TorqueStatus, Tone> = {
  pending: "amber",
  processing: "blue",
  completed: "green",
  cancelled: "slate",
  refunded: "red",
};

export const TWIG_STATUS_LABELS: Record<TwigStatus, string> = {
  PENDING: "Pending",
  AUTHORIZED: "Authorized",
  PARTIALLY_CAPTURED: "Partially captured",
  CAPTURED: "Captured",
  PARTIALLY_REFUNDED: "Partially refunded",
  REFUNDED: "Refunded",
  CANCELLED: "Cancelled",
  EXPIRED: "Expired",
};

const TWIG_TONE: Record<TwigStatus, Tone> = {
  PENDING: "amber",
  AUTHORIZED: "blue",
  PARTIALLY_CAPTURED: "blue",
  CAPTURED: "green",
  PARTIALLY_REFUNDED: "red",
  REFUNDED: "red",
  CANCELLED: "slate",
  EXPIRED: "slate",
};

type BadgeOrder = { source: keyof typeof ORDER_SOURCE_LABELS; status: OrderStatus; authorizedMinor: bigint; capturedMinor: bigint; refundedMinor: bigint };

export function OrderStatusBadge({ order }: { order: BadgeOrder }) {
  if (order.source === "twig") {
    const shown = twigStatus(order);
    return <Badge tone={TWIG_TONE[shown]}>{TWIG_STATUS_LABELS[shown]}</Badge>;
  }
  const shown = TORQUE_STATUS[order.status];
  return <Badge tone={TONE[shown]}>{ORDER_STATUS_LABELS[shown]}</Badge>;
}

export function SourceBadge({ source }: { source: keyof typeof ORDER_SOURCE_LABELS }) {
  return (
    <span className="inline-flex items-center rounded-md border border-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-600 dark:border-slate-700 dark:text-slate-300">
      {ORDER_SOURCE_LABELS[source] ?? source}
    </span>
  );
}

/** "Jane Doe", or null when the customer gave no name. */
export function customerName(customer: { firstName: string | null; lastName: string | null }): string | null {
  return [customer.firstName, customer.lastName].filter(Boolean).join(" ") || null;
}
