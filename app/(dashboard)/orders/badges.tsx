import { Badge } from "@/components/ui";
import type { OrderStatus } from "@/db/schema";
import { ORDER_SOURCE_LABELS, ORDER_STATUS_LABELS } from "@/lib/orders/list-url";
import { TORQUE_STATUS, type TorqueStatus } from "@/lib/orders/status";

/** Badges of the orders list and the order page: the Torque status projection and where the order came from. */

const TONE: Record<TorqueStatus, "amber" | "blue" | "green" | "slate" | "red"> = {
  pending: "amber",
  processing: "blue",
  completed: "green",
  cancelled: "slate",
  refunded: "red",
};

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  const shown = TORQUE_STATUS[status];
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
