import { randomUUID } from "node:crypto";
import { DEFAULT_STEPS } from "@/lib/recovery/steps";
import { twigInitBody } from "@/lib/testing/twig";
import type { Tenant } from "./tenant";

/**
 * Every route handler of the app (app/**\/route.ts), each exported method, and how another tenant
 * (`b`) calls it with the first tenant's (`a`) ids. tenant-isolation.test.ts checks this table
 * against the files on disk, so a new route or method without an entry fails until it gets one.
 *
 * - key: API key routes, in their dialect; `b` sends its own key.
 * - staff: dashboard routes, `b`'s owner session (and a business cookie naming `a`'s business).
 * - session: Better Auth and the invitation form (`b`'s session cookie, same origin).
 * - signed: Stripe's webhook (signed with the webhook secret).
 * - capability: customer pages whose id or token in the URL is the unguessable capability the
 *   customer was given (a link, a checkout, an unsubscribe token); no tenant credentials apply.
 *   Their probes send a's other ids in its place: knowing ids is not holding the capability.
 * - none: answers nothing of any tenant.
 */

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
export type Dialect = "tracker" | "torque" | "torque-checkout" | "twig";

export type Probe = {
  /** Path with query; `params` are the route's dynamic segments. */
  path: (a: Tenant, b: Tenant) => string;
  params?: (a: Tenant, b: Tenant) => Record<string, string>;
  body?: (a: Tenant, b: Tenant) => unknown;
  /** A form post (application/x-www-form-urlencoded) from our own pages, instead of JSON. */
  form?: (a: Tenant, b: Tenant) => Record<string, string>;
  /** What `b` must get. */
  expect: number;
  /** `a`'s values `b` sent itself and may see echoed (an email it asked about). */
  echoes?: (a: Tenant) => string[];
  /** The same call with `a`'s own credentials: proves the ids are right (safe methods only). */
  own?: { status: number; shows: (a: Tenant) => string };
};

export type Route =
  | { access: "key"; dialect: Dialect; methods: Partial<Record<Method, Probe[]>> }
  | { access: "staff" | "session" | "signed" | "none"; methods: Partial<Record<Method, Probe[]>> }
  | { access: "capability"; why: string; methods: Partial<Record<Method, Probe[]>> };

const id = (value: (a: Tenant, b: Tenant) => string) => (a: Tenant, b: Tenant) => ({ id: value(a, b) });
const orderId = (value: (a: Tenant) => string) => (a: Tenant) => ({ orderId: value(a) });
const hook = (endpoint: (a: Tenant, b: Tenant) => string, delivery: (a: Tenant) => string) => (a: Tenant, b: Tenant) => ({ id: endpoint(a, b), deliveryId: delivery(a) });
const fresh = (who: string) => `${who}-${randomUUID()}@other.test`;
const op = (orderId: string, extra: Record<string, unknown> = {}) => ({ orderId, id: randomUUID(), dateCreated: "2026-11-23T10:00:00Z", message: "", ...extra });

/** Ids of `a` the probes aim at, several where a route takes more than one kind. */
const A = {
  cart: (a: Tenant) => a.ids.cart,
  endpoint: (a: Tenant) => a.ids.endpoint,
  delivery: (a: Tenant) => a.ids.delivery,
  twig: (a: Tenant) => a.ids.twigOrder,
};

export const ROUTES: Record<string, Route> = {
  // ---- Tracker (004), API key ----
  "app/api/analytics/route.ts": { access: "key", dialect: "tracker", methods: { GET: [{ path: () => "/api/analytics?period=90d", expect: 200 }] } },
  "app/api/carts/route.ts": {
    access: "key",
    dialect: "tracker",
    methods: {
      GET: [
        { path: () => "/api/carts?limit=100", expect: 200, own: { status: 200, shows: A.cart } },
        { path: () => "/api/carts?status=abandoned&limit=100", expect: 200 },
      ],
      POST: [{ path: () => "/api/carts", body: () => ({ customerEmail: fresh("cart"), items: [{ name: "Mug", quantity: 1, price: 5 }] }), expect: 201 }],
    },
  },
  "app/api/carts/[id]/route.ts": {
    access: "key",
    dialect: "tracker",
    methods: {
      GET: [{ path: (a) => `/api/carts/${a.ids.cart}`, params: id(A.cart), expect: 404, own: { status: 200, shows: A.cart } }],
      PATCH: [{ path: (a) => `/api/carts/${a.ids.cart}`, params: id(A.cart), body: () => ({ customerName: "Mallory", status: "expired" }), expect: 404 }],
      DELETE: [{ path: (a) => `/api/carts/${a.ids.cart}`, params: id(A.cart), expect: 404 }],
    },
  },
  "app/api/carts/[id]/payment-link/route.ts": {
    access: "key",
    dialect: "tracker",
    methods: {
      POST: [{ path: (a) => `/api/carts/${a.ids.cart}/payment-link`, params: id(A.cart), body: () => ({ rotate: true }), expect: 404 }],
      DELETE: [{ path: (a) => `/api/carts/${a.ids.cart}/payment-link`, params: id(A.cart), expect: 404 }],
    },
  },
  "app/api/contacts/route.ts": {
    access: "key",
    dialect: "tracker",
    methods: { GET: [{ path: (a) => `/api/contacts?email=${encodeURIComponent(a.emails.customer)}`, expect: 404, own: { status: 200, shows: (a) => a.emails.customer } }] },
  },
  "app/api/contacts/consent/route.ts": {
    access: "key",
    dialect: "tracker",
    // b records consent for the same address: its own contact, never a's.
    methods: { PUT: [{ path: () => "/api/contacts/consent", body: (a) => ({ email: a.emails.customer, consent: "denied", source: "mallory" }), expect: 200, echoes: (a) => [a.emails.customer] }] },
  },
  "app/api/contacts/erase/route.ts": {
    access: "key",
    dialect: "tracker",
    methods: { POST: [{ path: () => "/api/contacts/erase", body: (a) => ({ email: a.emails.buyer }), expect: 200, echoes: (a) => [a.emails.buyer] }] },
  },

  // ---- Dashboard (staff session) ----
  "app/api/dashboard/business/route.ts": { access: "staff", methods: { PATCH: [{ path: () => "/api/dashboard/business", body: () => ({ linkTtlHours: 48 }), expect: 200 }] } },
  "app/api/dashboard/carts/[id]/link/route.ts": {
    access: "staff",
    methods: {
      POST: [{ path: (a) => `/api/dashboard/carts/${a.ids.cart}/link`, params: id(A.cart), body: () => ({ rotate: true }), expect: 404 }],
      DELETE: [{ path: (a) => `/api/dashboard/carts/${a.ids.cart}/link`, params: id(A.cart), expect: 404 }],
    },
  },
  "app/api/dashboard/carts/[id]/status/route.ts": {
    access: "staff",
    methods: { POST: [{ path: (a) => `/api/dashboard/carts/${a.ids.cart}/status`, params: id(A.cart), body: () => ({ status: "recovered" }), expect: 404 }] },
  },
  "app/api/dashboard/changes/route.ts": { access: "staff", methods: { GET: [{ path: () => "/api/dashboard/changes", expect: 200 }] } },
  "app/api/dashboard/contacts/erase/route.ts": {
    access: "staff",
    methods: { POST: [{ path: () => "/api/dashboard/contacts/erase", body: (a) => ({ email: a.emails.customer }), expect: 200, echoes: (a) => [a.emails.customer] }] },
  },
  "app/api/dashboard/export/analytics/route.ts": { access: "staff", methods: { GET: [{ path: () => "/api/dashboard/export/analytics?period=90d", expect: 200 }] } },
  "app/api/dashboard/export/carts/route.ts": {
    access: "staff",
    methods: {
      GET: [
        { path: () => "/api/dashboard/export/carts", expect: 200, own: { status: 200, shows: (a) => a.emails.customer } },
        { path: (a) => `/api/dashboard/export/carts?q=${encodeURIComponent(a.emails.customer)}`, expect: 200 },
      ],
    },
  },
  "app/api/dashboard/invitations/route.ts": {
    access: "staff",
    methods: { POST: [{ path: () => "/api/dashboard/invitations", body: () => ({ email: fresh("invite"), role: "viewer" }), expect: 201 }] },
  },
  "app/api/dashboard/invitations/[id]/route.ts": {
    access: "staff",
    methods: { DELETE: [{ path: (a) => `/api/dashboard/invitations/${a.ids.invitation}`, params: id((a) => a.ids.invitation), expect: 404 }] },
  },
  "app/api/dashboard/keys/route.ts": { access: "staff", methods: { POST: [{ path: () => "/api/dashboard/keys", body: () => ({ name: "Mallory's key" }), expect: 201 }] } },
  "app/api/dashboard/keys/[id]/route.ts": {
    access: "staff",
    methods: {
      DELETE: [
        { path: (a) => `/api/dashboard/keys/${a.ids.apiKey}`, params: id((a) => a.ids.apiKey), expect: 404 },
        { path: (a) => `/api/dashboard/keys/${a.ids.secondKey}`, params: id((a) => a.ids.secondKey), expect: 404 },
      ],
    },
  },
  "app/api/dashboard/members/[id]/route.ts": {
    access: "staff",
    methods: {
      PATCH: [{ path: (a) => `/api/dashboard/members/${a.ids.agentMembership}`, params: id((a) => a.ids.agentMembership), body: () => ({ role: "owner" }), expect: 404 }],
      DELETE: [{ path: (a) => `/api/dashboard/members/${a.ids.agentMembership}`, params: id((a) => a.ids.agentMembership), expect: 404 }],
    },
  },
  "app/api/dashboard/orders/[id]/cancel/route.ts": {
    access: "staff",
    methods: {
      POST: [
        { path: (a) => `/api/dashboard/orders/${a.ids.pendingOrder}/cancel`, params: id((a) => a.ids.pendingOrder), body: () => ({ reason: "mallory" }), expect: 404 },
        { path: (a) => `/api/dashboard/orders/${a.ids.twigOrder}/cancel`, params: id(A.twig), body: () => ({ key: randomUUID() }), expect: 404 },
      ],
    },
  },
  "app/api/dashboard/orders/[id]/capture/route.ts": {
    access: "staff",
    methods: { POST: [{ path: (a) => `/api/dashboard/orders/${a.ids.twigOrder}/capture`, params: id(A.twig), body: () => ({ amount: "1.00", key: randomUUID() }), expect: 404 }] },
  },
  "app/api/dashboard/orders/[id]/complete/route.ts": {
    access: "staff",
    methods: { POST: [{ path: (a) => `/api/dashboard/orders/${a.ids.paidOrder}/complete`, params: id((a) => a.ids.paidOrder), expect: 404 }] },
  },
  "app/api/dashboard/orders/[id]/refund/route.ts": {
    access: "staff",
    methods: { POST: [{ path: (a) => `/api/dashboard/orders/${a.ids.twigOrder}/refund`, params: id(A.twig), body: () => ({ amount: "1.00", key: randomUUID() }), expect: 404 }] },
  },
  "app/api/dashboard/recovery/messages/[id]/send/route.ts": {
    access: "staff",
    methods: { POST: [{ path: (a) => `/api/dashboard/recovery/messages/${a.ids.message}/send`, params: id((a) => a.ids.message), expect: 404 }] },
  },
  "app/api/dashboard/recovery/steps/route.ts": {
    access: "staff",
    methods: { PUT: [{ path: () => "/api/dashboard/recovery/steps", body: () => ({ steps: [DEFAULT_STEPS[0]] }), expect: 200 }] },
  },
  "app/api/dashboard/webhooks/route.ts": {
    access: "staff",
    methods: { POST: [{ path: () => "/api/dashboard/webhooks", body: () => ({ url: "https://hooks.example/mallory", events: ["order.paid"] }), expect: 201 }] },
  },
  "app/api/dashboard/webhooks/[id]/route.ts": {
    access: "staff",
    methods: {
      PATCH: [{ path: (a) => `/api/dashboard/webhooks/${a.ids.endpoint}`, params: id(A.endpoint), body: () => ({ url: "https://hooks.example/stolen" }), expect: 404 }],
      DELETE: [{ path: (a) => `/api/dashboard/webhooks/${a.ids.endpoint}`, params: id(A.endpoint), expect: 404 }],
    },
  },
  "app/api/dashboard/webhooks/[id]/deliveries/[deliveryId]/replay/route.ts": {
    access: "staff",
    methods: {
      POST: [
        { path: (a) => `/api/dashboard/webhooks/${a.ids.endpoint}/deliveries/${a.ids.delivery}/replay`, params: hook(A.endpoint, A.delivery), expect: 404 },
        // b's own endpoint with a's delivery: the pair must belong together, and to b.
        { path: (a, b) => `/api/dashboard/webhooks/${b.ids.endpoint}/deliveries/${a.ids.delivery}/replay`, params: hook((_a, b) => b.ids.endpoint, A.delivery), expect: 404 },
      ],
    },
  },
  "app/api/dashboard/webhooks/[id]/replay/route.ts": {
    access: "staff",
    methods: { POST: [{ path: (a) => `/api/dashboard/webhooks/${a.ids.endpoint}/replay`, params: id(A.endpoint), expect: 404 }] },
  },
  "app/api/dashboard/webhooks/[id]/rotate/route.ts": {
    access: "staff",
    methods: { POST: [{ path: (a) => `/api/dashboard/webhooks/${a.ids.endpoint}/rotate`, params: id(A.endpoint), expect: 404 }] },
  },
  "app/api/dashboard/webhooks/[id]/test/route.ts": {
    access: "staff",
    methods: { POST: [{ path: (a) => `/api/dashboard/webhooks/${a.ids.endpoint}/test`, params: id(A.endpoint), expect: 404 }] },
  },

  // ---- Sessions, Stripe, customers' pages ----
  "app/api/auth/[...all]/route.ts": {
    access: "session",
    methods: {
      GET: [{ path: () => "/api/auth/get-session", expect: 200 }],
      // a's staff email with a guessed password: no session, and the answer does not say whether the account exists.
      POST: [{ path: () => "/api/auth/sign-in/email", body: (a) => ({ email: a.emails.owner, password: "not the password" }), expect: 401 }],
    },
  },
  "app/api/invitations/accept/route.ts": {
    access: "session",
    // An invitation's id is not its token: knowing a's ids does not let b join a.
    methods: { POST: [{ path: () => "/api/invitations/accept", body: (a) => ({ token: a.ids.invitation, name: "Mallory", password: "correct horse battery" }), expect: 404 }] },
  },
  "app/api/webhooks/stripe/route.ts": {
    access: "signed",
    // A genuine Stripe event whose metadata names b's business and a's cart recovers neither.
    methods: { POST: [{ path: () => "/api/webhooks/stripe", body: (a, b) => ({ business_id: b.ids.business, cart_id: a.ids.cart }), expect: 200 }] },
  },
  "app/api/bench/empty/route.ts": {
    access: "none",
    methods: { GET: [{ path: () => "/api/bench/empty", expect: 404 }], POST: [{ path: () => "/api/bench/empty", body: () => ({}), expect: 404 }] },
  },
  "app/checkout/[sessionId]/pay/route.ts": {
    access: "capability",
    why: "the checkout session id is the customer's link to the hosted checkout",
    methods: { POST: [{ path: (a) => `/checkout/${a.ids.pendingOrder}/pay`, params: (a) => ({ sessionId: a.ids.pendingOrder }), form: () => ({ email: "m@other.test", firstName: "M", lastName: "M" }), expect: 404 }] },
  },
  "app/pay/test/[id]/confirm/route.ts": {
    access: "capability",
    why: "the test payment session id is the customer's (test mode only)",
    methods: { POST: [{ path: (a) => `/pay/test/${a.ids.pendingOrder}/confirm`, params: id((a) => a.ids.pendingOrder), expect: 404 }] },
  },
  "app/r/[token]/route.ts": {
    access: "capability",
    why: "the recovery link's 256-bit token is the customer's",
    // The link's id instead of its token: off to the page that says the link is unknown, not to a checkout.
    methods: { GET: [{ path: (a) => `/r/${a.ids.link}`, params: (a) => ({ token: a.ids.link }), expect: 303 }] },
  },
  "app/twig/checkout/[orderId]/authorize/route.ts": {
    access: "capability",
    why: "seed 003: the merchant sends its customer to the checkout URL with the order id",
    methods: { POST: [{ path: (a) => `/twig/checkout/${a.merchantOrderReference}/authorize`, params: (a) => ({ orderId: a.merchantOrderReference }), form: () => ({}), expect: 404 }] },
  },
  "app/twig/checkout/[orderId]/cancel/route.ts": {
    access: "capability",
    why: "seed 003: the merchant sends its customer to the checkout URL with the order id",
    methods: { POST: [{ path: (a) => `/twig/checkout/${a.ids.pendingOrder}/cancel`, params: (a) => ({ orderId: a.ids.pendingOrder }), form: () => ({}), expect: 404 }] },
  },
  "app/twig/checkout/[orderId]/return/route.ts": {
    access: "capability",
    why: "Stripe's return URL; only a Stripe session holding this order's money authorizes it",
    // A Twig order id with another business's session id: back to the page, nothing authorized.
    methods: { GET: [{ path: (a, b) => `/twig/checkout/${a.ids.twigOrder}/return?session_id=${b.ids.checkoutSession}`, params: (a) => ({ orderId: a.ids.twigOrder }), expect: 303 }] },
  },
  "app/u/[token]/one-click/route.ts": {
    access: "capability",
    why: "the contact's 256-bit unsubscribe token (RFC 8058 one-click)",
    methods: {
      GET: [{ path: (a) => `/u/${a.ids.customer}/one-click`, params: (a) => ({ token: a.ids.customer }), expect: 303 }],
      POST: [{ path: (a) => `/u/${a.ids.customer}/one-click`, params: (a) => ({ token: a.ids.customer }), form: () => ({ "List-Unsubscribe": "One-Click" }), expect: 404 }],
    },
  },

  // ---- Torque (000–002), API key ----
  "app/v1/analytics/route.ts": { access: "key", dialect: "torque", methods: { GET: [{ path: () => "/v1/analytics", expect: 200 }] } },
  "app/v1/orders/route.ts": {
    access: "key",
    dialect: "torque",
    methods: { GET: [{ path: () => "/v1/orders?limit=100", expect: 200, own: { status: 200, shows: (a) => a.ids.paidOrder } }] },
  },
  "app/v1/orders/[id]/route.ts": {
    access: "key",
    dialect: "torque",
    methods: {
      GET: [
        { path: (a) => `/v1/orders/${a.ids.paidOrder}`, params: id((a) => a.ids.paidOrder), expect: 404, own: { status: 200, shows: (a) => a.emails.buyer } },
        { path: (a) => `/v1/orders/${a.ids.paidCheckoutSession}`, params: id((a) => a.ids.paidCheckoutSession), expect: 404, own: { status: 200, shows: (a) => a.ids.paidOrder } },
        { path: (a) => `/v1/orders/${a.ids.twigOrder}`, params: id(A.twig), expect: 404 },
      ],
    },
  },
  "app/v1/webhooks/route.ts": {
    access: "key",
    dialect: "torque",
    methods: {
      GET: [{ path: () => "/v1/webhooks", expect: 200, own: { status: 200, shows: A.endpoint } }],
      POST: [{ path: () => "/v1/webhooks", body: () => ({ url: "https://hooks.example/mallory-api", events: ["order.paid"] }), expect: 201 }],
    },
  },
  "app/v1/webhooks/[id]/route.ts": {
    access: "key",
    dialect: "torque",
    methods: {
      GET: [{ path: (a) => `/v1/webhooks/${a.ids.endpoint}`, params: id(A.endpoint), expect: 404, own: { status: 200, shows: A.endpoint } }],
      PATCH: [{ path: (a) => `/v1/webhooks/${a.ids.endpoint}`, params: id(A.endpoint), body: () => ({ url: "https://hooks.example/stolen" }), expect: 404 }],
      DELETE: [{ path: (a) => `/v1/webhooks/${a.ids.endpoint}`, params: id(A.endpoint), expect: 404 }],
    },
  },
  "app/v1/webhooks/[id]/deliveries/route.ts": {
    access: "key",
    dialect: "torque",
    methods: { GET: [{ path: (a) => `/v1/webhooks/${a.ids.endpoint}/deliveries`, params: id(A.endpoint), expect: 404, own: { status: 200, shows: A.delivery } }] },
  },
  "app/v1/webhooks/[id]/deliveries/[deliveryId]/replay/route.ts": {
    access: "key",
    dialect: "torque",
    methods: {
      POST: [
        { path: (a) => `/v1/webhooks/${a.ids.endpoint}/deliveries/${a.ids.delivery}/replay`, params: hook(A.endpoint, A.delivery), expect: 404 },
        { path: (a, b) => `/v1/webhooks/${b.ids.endpoint}/deliveries/${a.ids.delivery}/replay`, params: hook((_a, b) => b.ids.endpoint, A.delivery), expect: 404 },
      ],
    },
  },
  "app/v1/webhooks/[id]/replay/route.ts": { access: "key", dialect: "torque", methods: { POST: [{ path: (a) => `/v1/webhooks/${a.ids.endpoint}/replay`, params: id(A.endpoint), expect: 404 }] } },
  "app/v1/webhooks/[id]/rotate-secret/route.ts": {
    access: "key",
    dialect: "torque",
    methods: { POST: [{ path: (a) => `/v1/webhooks/${a.ids.endpoint}/rotate-secret`, params: id(A.endpoint), body: () => ({ gracePeriodHours: 0 }), expect: 404 }] },
  },
  "app/v1/webhooks/[id]/test/route.ts": { access: "key", dialect: "torque", methods: { POST: [{ path: (a) => `/v1/webhooks/${a.ids.endpoint}/test`, params: id(A.endpoint), expect: 404 }] } },
  "app/v1/checkout/generate-link/route.ts": {
    access: "key",
    dialect: "torque-checkout",
    methods: {
      POST: [
        // 001's shape names the business: b naming a's is refused (the route's 403), not a session in a.
        {
          path: () => "/v1/checkout/generate-link",
          body: (a) => ({ businessId: a.ids.business, cart: { items: [{ productId: "prod_m", quantity: 1, price: 1 }] }, customerData: { email: fresh("gl"), firstName: "M", lastName: "M" } }),
          expect: 403,
        },
        { path: () => "/v1/checkout/generate-link", body: () => ({ cart: { items: [{ id: "prod_m", name: "Mug", quantity: 1, price: 1 }] }, customer: { email: fresh("gl") } }), expect: 200 },
      ],
    },
  },
  "app/v1/checkout/order-status/[orderId]/route.ts": {
    access: "key",
    dialect: "torque-checkout",
    methods: {
      GET: [
        { path: (a) => `/v1/checkout/order-status/${a.ids.pendingOrder}?includeDetails=true`, params: orderId((a) => a.ids.pendingOrder), expect: 404, own: { status: 200, shows: (a) => a.emails.buyer } },
        { path: (a) => `/v1/checkout/order-status/${a.ids.checkoutSession}`, params: orderId((a) => a.ids.checkoutSession), expect: 404, own: { status: 200, shows: (a) => a.ids.pendingOrder } },
      ],
    },
  },
  "app/v1/checkout/orders/route.ts": {
    access: "key",
    dialect: "torque-checkout",
    methods: { GET: [{ path: () => "/v1/checkout/orders?limit=100", expect: 200, own: { status: 200, shows: (a) => a.ids.pendingOrder } }] },
  },
  "app/v1/checkout/orders/[orderId]/cancel/route.ts": {
    access: "key",
    dialect: "torque-checkout",
    methods: {
      POST: [
        { path: (a) => `/v1/checkout/orders/${a.ids.pendingOrder}/cancel`, params: orderId((a) => a.ids.pendingOrder), body: () => ({ reason: "mallory" }), expect: 404 },
        { path: (a) => `/v1/checkout/orders/${a.ids.checkoutSession}/cancel`, params: orderId((a) => a.ids.checkoutSession), expect: 404 },
      ],
    },
  },

  // ---- Twig (003), API key ----
  "app/v1/operations/order/[orderId]/route.ts": {
    access: "key",
    dialect: "twig",
    methods: { GET: [{ path: (a) => `/v1/operations/order/${a.ids.twigOrder}`, params: orderId(A.twig), expect: 404, own: { status: 200, shows: (a) => a.emails.shopper } }] },
  },
  "app/v1/operations/order/route.ts": {
    access: "key",
    dialect: "twig",
    methods: {
      PATCH: [
        {
          path: () => "/v1/operations/order/",
          body: (a) => ({ orderId: a.ids.twigOrder, updateItems: [{ operation: "UPDATE", field: "billing", value: '{"address":{"city":"Stolen"}}' }] }),
          expect: 404,
        },
      ],
    },
  },
  "app/v1/operations/order/init/route.ts": {
    access: "key",
    dialect: "twig",
    // References are per business: b may use a's, and learns nothing about a from it.
    methods: { POST: [{ path: () => "/v1/operations/order/init", body: (a) => twigInitBody({ merchantOrderReference: a.merchantOrderReference }), expect: 200, echoes: (a) => [a.merchantOrderReference] }] },
  },
  "app/v1/operations/order/cancel/route.ts": {
    access: "key",
    dialect: "twig",
    methods: { POST: [{ path: () => "/v1/operations/order/cancel", body: (a) => op(a.ids.twigOrder), expect: 404 }] },
  },
  "app/v1/payment/order/capture/route.ts": {
    access: "key",
    dialect: "twig",
    methods: { POST: [{ path: () => "/v1/payment/order/capture", body: (a) => op(a.ids.twigOrder, { amount: "1.00", currencyCode: "USD" }), expect: 404 }] },
  },
  "app/v1/payment/order/refund/route.ts": {
    access: "key",
    dialect: "twig",
    methods: { POST: [{ path: () => "/v1/payment/order/refund", body: (a) => op(a.ids.twigOrder, { amount: "1.00", currencyCode: "USD" }), expect: 404 }] },
  },
};

/** The dashboard's pages (app/(dashboard)/**\/page.tsx): detail pages take a's ids, lists must not show a's rows. */
export type Page = { params?: (a: Tenant) => Record<string, string>; searchParams?: (a: Tenant) => Record<string, string>; own: (a: Tenant) => string };

export const PAGES: Record<string, Page> = {
  "app/(dashboard)/page.tsx": { searchParams: () => ({ period: "90d" }), own: () => 'data-abandoned="1"' },
  "app/(dashboard)/carts/page.tsx": { searchParams: () => ({}), own: (a) => a.emails.customer },
  "app/(dashboard)/carts/[id]/page.tsx": { params: (a) => ({ id: a.ids.cart }), own: (a) => a.emails.customer },
  "app/(dashboard)/orders/page.tsx": { searchParams: () => ({}), own: (a) => a.emails.shopper },
  "app/(dashboard)/orders/[id]/page.tsx": { params: (a) => ({ id: a.ids.twigOrder }), own: (a) => a.emails.shopper },
  "app/(dashboard)/recovery/page.tsx": { own: () => "Recovery" },
  "app/(dashboard)/recovery/messages/page.tsx": { searchParams: () => ({}), own: (a) => a.emails.customer },
  "app/(dashboard)/recovery/messages/[id]/page.tsx": { params: (a) => ({ id: a.ids.message }), own: (a) => a.secrets.discountCode },
  "app/(dashboard)/settings/page.tsx": { own: (a) => a.emails.agent },
  "app/(dashboard)/settings/webhooks/[id]/page.tsx": { params: (a) => ({ id: a.ids.endpoint }), searchParams: () => ({}), own: (a) => `https://hooks.example/${a.tag}` },
};

/** More detail-page ids of a: the orders page takes checkout orders as well as Twig orders. */
export const MORE_DETAIL_IDS: [page: string, what: string, id: (a: Tenant) => string][] = [
  ["app/(dashboard)/orders/[id]/page.tsx", "a pending checkout order", (a) => a.ids.pendingOrder],
  ["app/(dashboard)/orders/[id]/page.tsx", "a paid checkout order", (a) => a.ids.paidOrder],
];
