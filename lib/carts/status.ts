import type { CartStatus } from "@/db/schema";

/** The cart state machine: which status may follow which. Payment (webhooks) may recover any open cart. */
export const TRANSITIONS: Record<CartStatus, readonly CartStatus[]> = {
  active: ["abandoned", "recovered", "expired"],
  abandoned: ["recovered", "expired"],
  expired: ["abandoned", "recovered"],
  recovered: [],
};

export function canTransition(from: CartStatus, to: CartStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A recovery link can be generated or opened only while the cart can still be paid. */
export const LINKABLE: readonly CartStatus[] = ["active", "abandoned"];
