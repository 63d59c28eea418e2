import { z } from "zod";
import type { OrderStatus } from "@/db/schema";
import { ApiError } from "@/lib/http/errors";
import { MoneyError, toMinor } from "@/lib/money";
import { getOrder, orderNotFound, type OrderView } from "@/lib/orders/queries";
import { twigStatus, type TwigStatus } from "./format";
import { operate } from "./operations";

/**
 * What staff do to Twig orders from the dashboard: capture, refund and cancel (void) through the
 * same `operate` as the merchant's API, with the browser's idempotency key, so a double click or
 * a retry replays the first answer instead of moving money twice.
 */

/** The key the dialog makes once per opening (crypto.randomUUID()). */
export const idempotencyKey = z
  .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID")
  .transform((v) => v.toLowerCase());

export const moneyMoveInput = z.strictObject({
  /** A decimal string in the order's currency, e.g. "12.50". */
  amount: z.string({ error: (issue) => (issue.input === undefined ? "is required" : 'must be a decimal string like "12.50"') }),
  key: idempotencyKey,
});

export type StaffTwigAnswer = { id: string; status: OrderStatus; twigStatus: TwigStatus };

/** The business's order, or 404 for a missing or another business's one. */
export async function orderForStaff(businessId: string, orderId: string): Promise<OrderView> {
  const order = await getOrder(businessId, orderId);
  if (!order) throw orderNotFound();
  return order;
}

/** Capture or refund `amount` (decimal text in the order's currency) of a Twig order. */
export async function moveTwigMoney(
  businessId: string,
  orderId: string,
  kind: "capture" | "refund",
  input: z.output<typeof moneyMoveInput>,
): Promise<StaffTwigAnswer> {
  const order = await orderForStaff(businessId, orderId);
  if (order.source !== "twig") {
    throw new ApiError("conflict", `Only Twig orders can be ${kind === "capture" ? "captured" : "refunded"} from the dashboard`, { field: "orderId" });
  }
  const amountMinor = amountOf(input.amount, order.currency);
  await operate(businessId, kind, { orderId, key: input.key, amountMinor, currency: order.currency, message: null, dateCreated: null }, "staff");
  return answer(businessId, orderId);
}

/** Cancel a Twig order: voids its authorization (if any) and tells the merchant's pushUrl. */
export async function voidTwigOrder(businessId: string, orderId: string, input: { key: string | null; reason: string | null }): Promise<StaffTwigAnswer> {
  await operate(businessId, "void", { orderId, key: input.key, message: input.reason, dateCreated: null }, "staff");
  return answer(businessId, orderId);
}

async function answer(businessId: string, orderId: string): Promise<StaffTwigAnswer> {
  const order = await orderForStaff(businessId, orderId);
  return { id: order.id, status: order.status, twigStatus: twigStatus(order) };
}

function amountOf(amount: string, currency: string): bigint {
  let minor: bigint;
  try {
    minor = toMinor(amount, currency);
  } catch (error) {
    if (error instanceof MoneyError) throw new ApiError("validation", `amount: ${error.message}`, { field: "amount" });
    throw error;
  }
  if (minor <= 0n) throw new ApiError("validation", "amount: must be greater than 0", { field: "amount" });
  return minor;
}
