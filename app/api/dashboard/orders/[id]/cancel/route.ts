import { z } from "zod";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";
import { cancelOrder } from "@/lib/orders/service";

type Params = { id: string };

/** Staff cancel a pending order, optionally saying why; lib/orders/service.ts refuses any other status (409). */
const cancelInput = z.strictObject({
  reason: z
    .string({ error: "must be a string" })
    .trim()
    .max(500, "must be at most 500 characters")
    .optional()
    .transform((v) => v || undefined),
});

export const POST = staffRoute<Params>("changeCarts", async ({ req, params, staff }) => {
  const { reason } = await readJson(req, cancelInput, { optional: true });
  const order = await cancelOrder(staff.business.id, params.id, { reason, by: "staff" });
  return tracker.ok({ id: order.id, status: order.status });
});
