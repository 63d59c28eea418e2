import { torqueCheckout } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readQuery } from "@/lib/http/input";
import { listOrders } from "@/lib/orders/queries";
import { listOrdersQuery } from "@/lib/orders/schema";
import { paginated, toOrderListItem } from "@/lib/orders/torque";

/** 001: the business's orders, newest first, filtered and paginated. */
export const GET = keyRoute(torqueCheckout, async ({ url, business }) => {
  const query = readQuery(url, listOrdersQuery);
  const { orders, total } = await listOrders(business.id, query);
  return torqueCheckout.ok(paginated(orders.map(toOrderListItem), total, query));
});
