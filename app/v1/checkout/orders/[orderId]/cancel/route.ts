import { torqueCheckout } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { resolveOrderId } from "@/lib/orders/queries";
import { cancelOrderBody, parseOrderRef } from "@/lib/orders/schema";
import { cancelOrder } from "@/lib/orders/service";
import { toCancelResponse } from "@/lib/orders/torque";

/** 001: cancels a pending order (409 ORDER_NOT_CANCELLABLE otherwise). The body is optional. */
export const POST = keyRoute<{ orderId: string }>(torqueCheckout, async ({ req, params, business }) => {
  const ref = parseOrderRef(params.orderId);
  const input = await readJson(req, cancelOrderBody, { optional: true });
  const order = await cancelOrder(business.id, await resolveOrderId(business.id, ref), input);
  return torqueCheckout.ok(toCancelResponse(order));
});
