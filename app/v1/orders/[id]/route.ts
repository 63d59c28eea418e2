import { torque } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { checkoutDiscounts, findOrder } from "@/lib/orders/queries";
import { parseOrderRef } from "@/lib/orders/schema";
import { toTorqueOrder } from "@/lib/orders/torque";

/** 000: GET /v1/orders/{orderId} — 002's Order. Takes an order id or its session id. */
export const GET = keyRoute<{ id: string }>(torque, async ({ params, business }) => {
  const order = await findOrder(business.id, parseOrderRef(params.id));
  const discounts = await checkoutDiscounts(business.id, [order.checkoutSessionId]);
  return torque.ok(toTorqueOrder(order, discounts.get(order.checkoutSessionId ?? "")));
});
