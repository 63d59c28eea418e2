import { torqueCheckout } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readQuery } from "@/lib/http/input";
import { findOrder } from "@/lib/orders/queries";
import { orderStatusQuery, parseOrderRef } from "@/lib/orders/schema";
import { toOrderStatus } from "@/lib/orders/torque";

/** 001: an order's status, with customer, cart and payment when `includeDetails=true`. Takes an order id or its session id. */
export const GET = keyRoute<{ orderId: string }>(torqueCheckout, async ({ url, params, business }) => {
  const { includeDetails } = readQuery(url, orderStatusQuery);
  const order = await findOrder(business.id, parseOrderRef(params.orderId));
  return torqueCheckout.ok({ order: toOrderStatus(order, includeDetails) });
});
