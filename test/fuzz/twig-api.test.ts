import fc from "fast-check";
import { beforeAll, describe } from "vitest";
import { newBusiness } from "@/lib/testing/fixtures";
import { keyAuth, type Auth } from "@/lib/testing/fuzz/auth";
import type { Endpoint } from "@/lib/testing/fuzz/cases";
import { fuzzEndpoint, SHARE, useFuzzEnvironment } from "@/lib/testing/fuzz/run";
import { authorizedTwigOrder, twigInitBody, twigOrder } from "@/lib/testing/twig";
import { operate } from "@/lib/twig/operations";
import { TWIG_API_VERSION } from "@/lib/webhooks/signing";
import { GET as getOrder } from "@/app/v1/operations/order/[orderId]/route";
import { POST as cancel } from "@/app/v1/operations/order/cancel/route";
import { POST as init } from "@/app/v1/operations/order/init/route";
import { PATCH as patch } from "@/app/v1/operations/order/route";
import { POST as capture } from "@/app/v1/payment/order/capture/route";
import { POST as refund } from "@/app/v1/payment/order/refund/route";

/** The Twig API (seed 003): order init/get/patch and the idempotent capture, refund and cancel, fuzzed. */

useFuzzEnvironment();

type World = { businessId: string; otherId: string; auth: Auth; pendingId: string; cancellableId: string; authorizedId: string; capturedId: string };
let w: World;

beforeAll(async () => {
  const [shop, other] = [await newBusiness(), await newBusiness()];
  const auth = await keyAuth(shop.business.id, shop.key);
  const pending = await twigOrder(shop);
  const cancellable = await twigOrder(shop);
  const authorized = await authorizedTwigOrder(shop);
  const captured = await authorizedTwigOrder(shop);
  await operate(shop.business.id, "capture", { orderId: captured.id, key: crypto.randomUUID(), amountMinor: 22_000n, currency: "USD", message: null, dateCreated: null }, "api");
  w = {
    businessId: shop.business.id,
    otherId: other.business.id,
    auth: { ...auth, headers: { ...auth.headers, "twig-api-version": TWIG_API_VERSION } },
    pendingId: pending.id,
    cancellableId: cancellable.id,
    authorizedId: authorized.id,
    capturedId: captured.id,
  };
});

const api = (e: Omit<Endpoint, "shape" | "headers" | "badAuth" | "businessIds">): Endpoint => ({
  ...e,
  shape: "twig",
  headers: w.auth.headers,
  badAuth: [...w.auth.badAuth, { "x-api-key": w.auth.headers["x-api-key"]!, "twig-api-version": "1999-01-01" }],
  businessIds: [w.businessId, w.otherId],
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A capture or refund of 1.00 USD under a fresh idempotency key. */
const moneyMove = (orderId: () => string) =>
  fc.uuid().map((id) => ({ orderId: orderId(), id, dateCreated: "2024-05-01T12:00:00.000+00:00", amount: "1.00", currencyCode: "USD", message: "fuzz" }));

describe("Twig API", () => {
  fuzzEndpoint("POST /v1/operations/order/init", () =>
    api({
      handler: init,
      method: "POST",
      route: "/v1/operations/order/init",
      body: fc.uuid().map((ref) =>
        twigInitBody({
          merchantOrderReference: `ref-${ref}`,
          expiration: inDays(7),
          merchant: { confirmUrl: "https://shop.example/ok", cancelUrl: "https://shop.example/cancel", requiresValidateCallbackSuccess: false, captureOnExpire: false },
        }),
      ),
    }),
    { share: SHARE.writes },
  );
  fuzzEndpoint("GET /v1/operations/order/[orderId]", () => api({ handler: getOrder, method: "GET", route: "/v1/operations/order/[orderId]", params: { orderId: w.pendingId } }));
  fuzzEndpoint("PATCH /v1/operations/order", () =>
    api({
      handler: patch,
      method: "PATCH",
      route: "/v1/operations/order",
      // The seed sends each value as a JSON string literal; the object itself is accepted too, and lets the mutations reach inside it.
      body: fc.constantFrom(
        { orderId: w.pendingId, updateItems: [{ operation: "UPDATE", field: "customer", value: '{"firstName":"Ann","lastName":"Lee","email":"ann@example.com"}' }] },
        {
          orderId: w.pendingId,
          updateItems: [
            { operation: "UPDATE", field: "customer", value: { firstName: "Ann", lastName: "Lee", email: "ann@example.com", phoneNumber: "+15555550100", locale: "en-US" } },
            { operation: "UPDATE", field: "expiration", value: JSON.stringify(inDays(10)) },
          ],
        },
      ),
    }),
    { share: SHARE.writes },
  );
  fuzzEndpoint("POST /v1/operations/order/cancel", () =>
    api({
      handler: cancel,
      method: "POST",
      route: "/v1/operations/order/cancel",
      body: fc.uuid().map((id) => ({ orderId: w.cancellableId, id, dateCreated: "2024-05-01T12:00:00.000+00:00", message: "Customer asked" })),
    }),
  );
  fuzzEndpoint("POST /v1/payment/order/capture", () => api({ handler: capture, method: "POST", route: "/v1/payment/order/capture", body: moneyMove(() => w.authorizedId) }), {
    share: SHARE.writes,
  });
  fuzzEndpoint("POST /v1/payment/order/refund", () => api({ handler: refund, method: "POST", route: "/v1/payment/order/refund", body: moneyMove(() => w.capturedId) }), {
    share: SHARE.writes,
  });
});
