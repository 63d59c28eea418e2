import Stripe from "stripe";
import fc from "fast-check";
import { afterAll, beforeAll, describe } from "vitest";
import { useEnv } from "@/lib/testing/env";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { setConsent } from "@/lib/contacts/service";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { keyAuth, type Auth } from "@/lib/testing/fuzz/auth";
import type { Endpoint } from "@/lib/testing/fuzz/cases";
import { fuzzEndpoint, SHARE, useFuzzEnvironment } from "@/lib/testing/fuzz/run";
import { GET as analytics } from "@/app/api/analytics/route";
import { DELETE as deleteCart, GET as getCart, PATCH as patchCart } from "@/app/api/carts/[id]/route";
import { DELETE as revokeLink, POST as paymentLink } from "@/app/api/carts/[id]/payment-link/route";
import { GET as listCarts, POST as createCartRoute } from "@/app/api/carts/route";
import { PUT as consent } from "@/app/api/contacts/consent/route";
import { POST as erase } from "@/app/api/contacts/erase/route";
import { GET as contact } from "@/app/api/contacts/route";
import { POST as acceptInvitation } from "@/app/api/invitations/accept/route";
import { POST as stripeWebhook } from "@/app/api/webhooks/stripe/route";
import { TEST_ORIGIN } from "@/lib/testing/staff";

/** The Tracker API (seed 004) and the other routes answering in its envelope: fuzzed bodies, queries, headers, ids. */

useFuzzEnvironment();

const STRIPE_SECRET = "whsec_fuzz_secret";
type World = { businessId: string; otherId: string; auth: Auth; cartId: string; linkedCartId: string; doomedCartId: string };
let w: World;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = useEnv({ STRIPE_WEBHOOK_SECRET: STRIPE_SECRET });
  const [shop, other] = [await newBusiness(), await newBusiness()];
  const auth = await keyAuth(shop.business.id, shop.key);
  const cart = () => createCart(shop.business, createCartInput.parse(seedCart));
  const [c1, c2, c3] = [await cart(), await cart(), await cart()];
  await call(paymentLink, { method: "POST", key: shop.key, params: { id: c2.id }, path: `/api/carts/${c2.id}/payment-link` });
  await setConsent(shop.business.id, "customer@example.com", { consent: "granted", source: "fuzz" });
  w = { businessId: shop.business.id, otherId: other.business.id, auth, cartId: c1.id, linkedCartId: c2.id, doomedCartId: c3.id };
});

afterAll(() => restoreEnv());

const api = (e: Omit<Endpoint, "shape" | "headers" | "badAuth" | "businessIds">): Endpoint => ({
  ...e,
  shape: "tracker",
  headers: w.auth.headers,
  badAuth: w.auth.badAuth,
  businessIds: [w.businessId, w.otherId],
});

describe("Tracker API", () => {
  fuzzEndpoint("POST /api/carts", () =>
    api({
      handler: createCartRoute,
      method: "POST",
      route: "/api/carts",
      body: {
        ...seedCart,
        currency: "USD",
        status: "abandoned",
        totalValue: "99.98",
        items: [{ ...seedCart.items[0], productId: "sku-1", imageUrl: "https://img.test/a.png" }],
        metadata: { source: "web" },
        consent: { marketing: true, source: "checkout" },
      },
    }),
    { share: SHARE.writes },
  );
  fuzzEndpoint("GET /api/carts", () => api({ handler: listCarts, method: "GET", route: "/api/carts", query: { status: "abandoned", page: "1", limit: "10" } }));
  fuzzEndpoint("GET /api/carts/[id]", () => api({ handler: getCart, method: "GET", route: "/api/carts/[id]", params: { id: w.cartId } }));
  fuzzEndpoint("PATCH /api/carts/[id]", () =>
    api({
      handler: patchCart,
      method: "PATCH",
      route: "/api/carts/[id]",
      params: { id: w.cartId },
      body: { customerName: "Ann", customerEmail: "ann@example.com", items: [{ name: "Mug", quantity: 1, price: "12.50" }], metadata: { a: 1 } },
    }),
    { share: SHARE.writes },
  );
  fuzzEndpoint("DELETE /api/carts/[id]", () => api({ handler: deleteCart, method: "DELETE", route: "/api/carts/[id]", params: { id: w.doomedCartId } }));
  fuzzEndpoint("POST /api/carts/[id]/payment-link", () =>
    api({ handler: paymentLink, method: "POST", route: "/api/carts/[id]/payment-link", params: { id: w.linkedCartId }, body: { rotate: false, expiresInHours: 48 } }),
  );
  fuzzEndpoint("DELETE /api/carts/[id]/payment-link", () => api({ handler: revokeLink, method: "DELETE", route: "/api/carts/[id]/payment-link", params: { id: w.linkedCartId } }));
  fuzzEndpoint("GET /api/analytics", () =>
    api({ handler: analytics, method: "GET", route: "/api/analytics", query: { startDate: "2024-01-01", endDate: "2024-12-31", currency: "USD" } }),
  );
  fuzzEndpoint("GET /api/contacts", () => api({ handler: contact, method: "GET", route: "/api/contacts", query: { email: "customer@example.com" } }));
  fuzzEndpoint("PUT /api/contacts/consent", () =>
    api({ handler: consent, method: "PUT", route: "/api/contacts/consent", body: { email: "customer@example.com", consent: "granted", source: "checkout" } }),
  );
  fuzzEndpoint("POST /api/contacts/erase", () =>
    api({ handler: erase, method: "POST", route: "/api/contacts/erase", body: fc.uuid().map((u) => ({ email: `gone-${u.slice(0, 8)}@example.com` })) }),
    { share: SHARE.writes },
  );
});

describe("Stripe webhook and invitation acceptance (tracker envelope, no API key)", () => {
  /** A signed checkout.session.completed for a cart of the shop: the valid request. */
  const event = fc.record({ id: fc.uuid(), amount: fc.nat({ max: 100_000 }) }).map(({ id, amount }) => ({
    id: `evt_fuzz_${id}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: "checkout.session.completed",
    data: { object: { id: `cs_${id}`, object: "checkout.session", amount_total: amount, currency: "usd", payment_intent: `pi_${id}`, payment_status: "paid", metadata: { cart_id: w.cartId, business_id: w.businessId } } },
  }));
  const sign = (payload: string) => Stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET });

  fuzzEndpoint(
    "POST /api/webhooks/stripe (bad signatures)",
    () => ({
      handler: stripeWebhook,
      method: "POST",
      route: "/api/webhooks/stripe",
      shape: "tracker",
      body: event,
      headers: { "stripe-signature": sign("{}") },
      badAuth: [{}, { "stripe-signature": "" } as Record<string, string>, { "stripe-signature": "t=1,v1=00" }, { "stripe-signature": sign("other") }, { "stripe-signature": "x".repeat(10_000) }],
      businessIds: [w.businessId, w.otherId],
      validRefused: true,
    }),
  );
  fuzzEndpoint(
    "POST /api/webhooks/stripe (signed)",
    () => ({
      handler: stripeWebhook,
      method: "POST",
      route: "/api/webhooks/stripe",
      shape: "tracker",
      body: event,
      headers: {},
      badAuth: [{}],
      businessIds: [w.businessId, w.otherId],
      // Every body is signed, so the fuzz reaches the event handling behind the signature check.
      prepare: (c) => ({ ...c, headers: { ...c.headers, "stripe-signature": sign(typeof c.body === "string" ? c.body : Buffer.from(c.body ?? "").toString("utf8")) } }),
    }),
    { share: SHARE.writes },
  );
  fuzzEndpoint(
    "POST /api/invitations/accept",
    () => ({
      handler: acceptInvitation,
      method: "POST",
      route: "/api/invitations/accept",
      shape: "tracker",
      body: { token: "no-such-invitation-token", name: "Ann", password: "correct horse battery" },
      headers: { origin: TEST_ORIGIN },
      badAuth: [{}, { origin: "https://evil.example" }, { origin: "null" }] as Record<string, string>[],
      businessIds: [w.businessId, w.otherId],
      validRefused: true,
    }),
  );
});
