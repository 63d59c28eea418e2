import { getOrder, orderNotFound, type OrderView } from "@/lib/orders/queries";

/** A Twig order of the business; another tenant's, a Torque order or a missing one answer 404 alike. */
export async function getTwigOrder(businessId: string, orderId: string): Promise<OrderView> {
  const order = await getOrder(businessId, orderId);
  if (!order || order.source !== "twig") throw orderNotFound();
  return order;
}
