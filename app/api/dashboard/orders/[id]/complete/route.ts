import { tracker } from "@/lib/http/dialects/tracker";
import { staffRoute } from "@/lib/http/session-route";
import { completeOrder } from "@/lib/orders/service";

type Params = { id: string };

/** Staff confirm a paid order is fulfilled: processing → completed (409 from any other status). */
export const POST = staffRoute<Params>("changeCarts", async ({ params, staff }) => {
  const order = await completeOrder(staff.business.id, params.id);
  return tracker.ok({ id: order.id, status: order.status });
});
