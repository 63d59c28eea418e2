import { torque } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readQuery } from "@/lib/http/input";
import { checkoutDiscounts, listOrders } from "@/lib/orders/queries";
import { listOrdersQuery } from "@/lib/orders/schema";
import { paginated, toTorqueOrder } from "@/lib/orders/torque";

/** 000: GET /v1/orders?status=paid&limit=50 — 002's Orders, newest first, filtered and paginated. */
export const GET = keyRoute(torque, async ({ url, business }) => {
  const query = readQuery(url, listOrdersQuery);
  const { orders, total } = await listOrders(business.id, query);
  const discounts = await checkoutDiscounts(business.id, orders.map((o) => o.checkoutSessionId));
  const items = orders.map((o) => toTorqueOrder(o, discounts.get(o.checkoutSessionId ?? "")));
  return torque.ok(paginated(items, total, query));
});
