import { z } from "zod";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";
import { cancelOrder } from "@/lib/orders/service";
import { idempotencyKey, orderForStaff, voidTwigOrder } from "@/lib/twig/staff";

type Params = { id: string };

/**
 * Staff cancel an order, optionally saying why. A checkout order must be pending
 * (lib/orders/service.ts answers 409 otherwise). A Twig order is voided like the merchant's
 * cancel: its authorization is released and the merchant's pushUrl is told; `key` makes a
 * retry replay instead of failing.
 */
const cancelInput = z.strictObject({
  reason: z
    .string({ error: "must be a string" })
    .trim()
    .max(500, "must be at most 500 characters")
    .optional()
    .transform((v) => v || undefined),
  key: idempotencyKey.optional(),
});

export const POST = staffRoute<Params>("changeCarts", async ({ req, params, staff }) => {
  const { reason, key } = await readJson(req, cancelInput, { optional: true });
  const businessId = staff.business.id;
  if ((await orderForStaff(businessId, params.id)).source === "twig") {
    return tracker.ok(await voidTwigOrder(businessId, params.id, { key: key ?? null, reason: reason ?? null }));
  }
  const order = await cancelOrder(businessId, params.id, { reason, by: "staff" });
  return tracker.ok({ id: order.id, status: order.status });
});
