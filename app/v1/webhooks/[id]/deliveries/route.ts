import { torque } from "@/lib/http/dialects/torque";
import { keyRoute } from "@/lib/http/handler";
import { readQuery } from "@/lib/http/input";
import { listDeliveries } from "@/lib/webhooks/endpoints";
import { toDelivery } from "@/lib/webhooks/format";
import { listDeliveriesQuery } from "@/lib/webhooks/schema";

/** GET /v1/webhooks/{id}/deliveries?status&limit&offset — 002's WebhookDelivery, newest first. */
export const GET = keyRoute<{ id: string }>(torque, async ({ url, params, business }) => {
  const query = readQuery(url, listDeliveriesQuery);
  const { deliveries, total } = await listDeliveries(business.id, params.id, query);
  return torque.ok({
    deliveries: deliveries.map(toDelivery),
    pagination: { total, limit: query.limit, offset: query.offset, hasMore: query.offset + deliveries.length < total },
  });
});
