import type { OrderStatus } from "@/db/schema";

/** The order state machine shared by Torque, Twig and recovered carts. */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ["authorized", "processing", "cancelled", "expired"],
  authorized: ["processing", "completed", "partially_refunded", "cancelled", "expired"],
  processing: ["completed", "refunded", "partially_refunded"],
  completed: ["refunded", "partially_refunded"],
  partially_refunded: ["refunded", "partially_refunded"],
  cancelled: [],
  refunded: [],
  expired: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

export type TorqueStatus = "pending" | "processing" | "completed" | "cancelled" | "refunded";

/** 001/002's five statuses. An expired checkout order reads as cancelled; a partial refund as completed. */
export const TORQUE_STATUS: Record<OrderStatus, TorqueStatus> = {
  pending: "pending",
  authorized: "pending",
  processing: "processing",
  completed: "completed",
  partially_refunded: "completed",
  cancelled: "cancelled",
  expired: "cancelled",
  refunded: "refunded",
};

/** Which internal statuses a Torque status filter means ("paid", as in 000's example, is processing or completed). */
export const TORQUE_FILTER: Record<TorqueStatus | "paid", readonly OrderStatus[]> = {
  pending: ["pending", "authorized"],
  processing: ["processing"],
  completed: ["completed", "partially_refunded"],
  cancelled: ["cancelled", "expired"],
  refunded: ["refunded"],
  paid: ["processing", "completed", "partially_refunded"],
};
