import fc from "fast-check";
import { afterAll, beforeAll, describe } from "vitest";
import { newBusiness } from "@/lib/testing/fixtures";
import { keyAuth, type Auth } from "@/lib/testing/fuzz/auth";
import type { Endpoint } from "@/lib/testing/fuzz/cases";
import { fuzzEndpoint, SHARE, useFuzzEnvironment } from "@/lib/testing/fuzz/run";
import { placedOrder } from "@/lib/testing/orders";
import { allowLoopbackWebhooks, startReceiver } from "@/lib/testing/webhook-receiver";
import { createEndpoint, sendTestEvent } from "@/lib/webhooks/endpoints";
import { GET as analytics } from "@/app/v1/analytics/route";
import { POST as generateLink } from "@/app/v1/checkout/generate-link/route";
import { GET as orderStatus } from "@/app/v1/checkout/order-status/[orderId]/route";
import { POST as cancelOrder } from "@/app/v1/checkout/orders/[orderId]/cancel/route";
import { GET as checkoutOrders } from "@/app/v1/checkout/orders/route";
import { GET as getOrder } from "@/app/v1/orders/[id]/route";
import { GET as listOrders } from "@/app/v1/orders/route";
import { POST as replayDelivery } from "@/app/v1/webhooks/[id]/deliveries/[deliveryId]/replay/route";
import { GET as deliveries } from "@/app/v1/webhooks/[id]/deliveries/route";
import { POST as replayFailed } from "@/app/v1/webhooks/[id]/replay/route";
import { POST as rotateSecret } from "@/app/v1/webhooks/[id]/rotate-secret/route";
import { DELETE as deleteWebhook, GET as getWebhook, PATCH as patchWebhook } from "@/app/v1/webhooks/[id]/route";
import { POST as testWebhook } from "@/app/v1/webhooks/[id]/test/route";
import { GET as listWebhooks, POST as createWebhook } from "@/app/v1/webhooks/route";

/** The Torque APIs (seeds 000–002): checkout links, orders, analytics and webhook subscriptions, fuzzed. */

useFuzzEnvironment();

type World = {
  businessId: string;
  otherId: string;
  auth: Auth;
  orderId: string;
  cancellableId: string;
  webhookId: string;
  doomedWebhookId: string;
  deliveryId: string;
};
let w: World;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let restoreRanges: () => void;

beforeAll(async () => {
  // Test events go to a receiver on loopback, which the SSRF guard refuses unless allowed.
  restoreRanges = allowLoopbackWebhooks();
  receiver = await startReceiver();
  const [shop, other] = [await newBusiness(), await newBusiness()];
  const auth = await keyAuth(shop.business.id, shop.key);
  const { order } = await placedOrder(shop.business);
  const { order: cancellable } = await placedOrder(shop.business);
  const hook = await createEndpoint(shop.business.id, { url: receiver.url, events: ["order.paid"] });
  const doomed = await createEndpoint(shop.business.id, { url: receiver.url, events: ["order.paid"] });
  const delivery = await sendTestEvent(shop.business.id, hook.id);
  w = {
    businessId: shop.business.id,
    otherId: other.business.id,
    auth,
    orderId: order.id,
    cancellableId: cancellable.id,
    webhookId: hook.id,
    doomedWebhookId: doomed.id,
    deliveryId: delivery.id,
  };
});

afterAll(async () => {
  restoreRanges();
  await receiver.close();
});

const torqueApi = (shape: "torque" | "torque-checkout") => (e: Omit<Endpoint, "shape" | "headers" | "badAuth" | "businessIds">): Endpoint => ({
  ...e,
  shape,
  headers: w.auth.headers,
  badAuth: w.auth.badAuth,
  businessIds: [w.businessId, w.otherId],
});
const api = torqueApi("torque");
const checkoutApi = torqueApi("torque-checkout");

/** Seed 000's generate-link body and seed 002's full 001-shape body: mutations start from either. */
const generateLinkBodies = () =>
  fc.constantFrom(
    {
      cart: { items: [{ id: "product_123", name: "Product Name", price: 29.99, quantity: 2 }], total: 59.98 },
      customer: { email: "customer@example.com", name: "John Doe" },
      options: { expiresIn: 3600, redirectUrl: "https://yourdomain.com/thank-you" },
    },
    {
      businessId: w.businessId,
      cart: {
        items: [{ productId: "prod_1", quantity: 2, price: 29.99, variant: "large", metadata: { color: "blue" } }],
        currency: "USD",
        discounts: [{ code: "SAVE20", amount: 20, type: "percentage" }],
        shipping: { method: "standard", cost: 5.99, estimatedDays: 3 },
      },
      customerData: {
        email: "customer@example.com",
        firstName: "John",
        lastName: "Doe",
        phone: "+1234567890",
        address: { street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US" },
      },
      options: { expiresIn: 7200, allowGuest: true, requireShipping: false, redirectUrl: "https://example.com/thank-you", customFields: { notes: "x" } },
    },
  );

describe("Torque checkout API (001)", () => {
  fuzzEndpoint("POST /v1/checkout/generate-link", () => checkoutApi({ handler: generateLink, method: "POST", route: "/v1/checkout/generate-link", body: generateLinkBodies() }), {
    share: SHARE.writes,
  });
  fuzzEndpoint("GET /v1/checkout/order-status/[orderId]", () =>
    checkoutApi({ handler: orderStatus, method: "GET", route: "/v1/checkout/order-status/[orderId]", params: { orderId: w.orderId }, query: { includeDetails: "true" } }),
  );
  fuzzEndpoint("POST /v1/checkout/orders/[orderId]/cancel", () =>
    checkoutApi({
      handler: cancelOrder,
      method: "POST",
      route: "/v1/checkout/orders/[orderId]/cancel",
      params: { orderId: w.cancellableId },
      body: { reason: "Customer changed their mind", refundCustomer: false },
    }),
  );
  fuzzEndpoint("GET /v1/checkout/orders", () =>
    checkoutApi({
      handler: checkoutOrders,
      method: "GET",
      route: "/v1/checkout/orders",
      query: { limit: "20", offset: "0", status: "pending", startDate: "2024-01-01", endDate: "2030-01-01", customerEmail: "customer@example.com" },
    }),
  );
});

describe("Torque orders and analytics (000)", () => {
  fuzzEndpoint("GET /v1/orders", () => api({ handler: listOrders, method: "GET", route: "/v1/orders", query: { status: "paid", limit: "50", offset: "0", startDate: "2024-01-01" } }));
  fuzzEndpoint("GET /v1/orders/[id]", () => api({ handler: getOrder, method: "GET", route: "/v1/orders/[id]", params: { id: w.orderId } }));
  fuzzEndpoint("GET /v1/analytics", () => api({ handler: analytics, method: "GET", route: "/v1/analytics", query: { startDate: "2024-01-01", endDate: "2024-12-31", currency: "USD" } }));
});

describe("Torque webhook subscriptions", () => {
  fuzzEndpoint("POST /v1/webhooks", () =>
    api({
      handler: createWebhook,
      method: "POST",
      route: "/v1/webhooks",
      body: { url: "https://merchant.example/hooks", events: ["order.paid", "order.cancelled"], secret: "whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0", description: "Orders" },
    }),
    { share: SHARE.writes },
  );
  // Lists every subscription the POST above made (a few hundred): a write's cost.
  fuzzEndpoint("GET /v1/webhooks", () => api({ handler: listWebhooks, method: "GET", route: "/v1/webhooks" }), { share: SHARE.writes });
  fuzzEndpoint("GET /v1/webhooks/[id]", () => api({ handler: getWebhook, method: "GET", route: "/v1/webhooks/[id]", params: { id: w.webhookId } }));
  fuzzEndpoint("PATCH /v1/webhooks/[id]", () =>
    api({
      handler: patchWebhook,
      method: "PATCH",
      route: "/v1/webhooks/[id]",
      params: { id: w.webhookId },
      body: { url: receiver.url, events: ["order.paid"], description: "Paid orders", status: "active" },
    }),
    { share: SHARE.writes },
  );
  fuzzEndpoint("DELETE /v1/webhooks/[id]", () => api({ handler: deleteWebhook, method: "DELETE", route: "/v1/webhooks/[id]", params: { id: w.doomedWebhookId } }));
  fuzzEndpoint("GET /v1/webhooks/[id]/deliveries", () =>
    api({ handler: deliveries, method: "GET", route: "/v1/webhooks/[id]/deliveries", params: { id: w.webhookId }, query: { status: "delivered", limit: "20", offset: "0" } }),
  );
  fuzzEndpoint("POST /v1/webhooks/[id]/deliveries/[deliveryId]/replay", () =>
    api({
      handler: replayDelivery,
      method: "POST",
      route: "/v1/webhooks/[id]/deliveries/[deliveryId]/replay",
      params: { id: w.webhookId, deliveryId: w.deliveryId },
      body: {},
    }),
  );
  fuzzEndpoint("POST /v1/webhooks/[id]/replay", () =>
    api({ handler: replayFailed, method: "POST", route: "/v1/webhooks/[id]/replay", params: { id: w.webhookId }, body: { since: "2024-01-01T00:00:00Z", until: "2030-01-01" } }),
  );
  fuzzEndpoint("POST /v1/webhooks/[id]/rotate-secret", () =>
    api({ handler: rotateSecret, method: "POST", route: "/v1/webhooks/[id]/rotate-secret", params: { id: w.webhookId }, body: { gracePeriodHours: 24 } }),
    { share: SHARE.writes },
  );
  fuzzEndpoint("POST /v1/webhooks/[id]/test", () => api({ handler: testWebhook, method: "POST", route: "/v1/webhooks/[id]/test", params: { id: w.webhookId }, body: {} }), {
    share: SHARE.writes,
  });
});
