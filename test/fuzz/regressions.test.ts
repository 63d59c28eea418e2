import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useEnv } from "@/lib/testing/env";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { parseOrderListParams } from "@/lib/orders/list-url";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { newCheckout } from "@/lib/testing/orders";
import { asStaff, staffSession, TEST_ORIGIN } from "@/lib/testing/staff";
import { twigOrder } from "@/lib/testing/twig";
import { GET as getCart, PATCH as patchCart } from "@/app/api/carts/[id]/route";
import { GET as listCarts, POST as createCartRoute } from "@/app/api/carts/route";
import { PUT as consent } from "@/app/api/contacts/consent/route";
import { GET as exportCarts } from "@/app/api/dashboard/export/carts/route";
import { PUT as recoverySteps } from "@/app/api/dashboard/recovery/steps/route";
import { POST as stripeWebhook } from "@/app/api/webhooks/stripe/route";
import { POST as payCheckout } from "@/app/checkout/[sessionId]/pay/route";
import { POST as confirmTestPayment } from "@/app/pay/test/[id]/confirm/route";
import { GET as openRecoveryLink } from "@/app/r/[token]/route";
import { POST as authorizeTwig } from "@/app/twig/checkout/[orderId]/authorize/route";
import { POST as cancelTwig } from "@/app/twig/checkout/[orderId]/cancel/route";
import { GET as twigReturn } from "@/app/twig/checkout/[orderId]/return/route";
import { POST as oneClick } from "@/app/u/[token]/one-click/route";
import { PATCH as patchTwigOrder } from "@/app/v1/operations/order/route";
import { GET as listOrders } from "@/app/v1/orders/route";

/**
 * Each bug the fuzz suite (test/fuzz/*.test.ts) found, as a plain example: every one of these
 * answered 500, threw out of the route, or named no field before it was fixed (docs/reliability.md).
 */

let shop: Awaited<ReturnType<typeof newBusiness>>;
let cartId: string;

beforeAll(async () => {
  shop = await newBusiness();
  cartId = (await createCart(shop.business, createCartInput.parse(seedCart))).id;
});

const post = (body: string) => call(createCartRoute, { method: "POST", key: shop.key, path: "/api/carts", rawBody: body, headers: { "content-type": "application/json" } });
const deep = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

describe("JSON bodies Postgres cannot store", () => {
  it("refuses a NUL character in a field with 422 naming it (was a 500 from Postgres)", async () => {
    const res = await call(consent, { method: "PUT", key: shop.key, path: "/api/contacts/consent", body: { email: "a@example.com", consent: "granted", source: "web\u0000" } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field: "source" } });
  });

  it("refuses an unpaired surrogate in metadata, value or key, naming where (jsonb refuses it: was a 500)", async () => {
    const value = await post(JSON.stringify({ ...seedCart, metadata: { note: "\ud800" } }));
    expect(value.status).toBe(422);
    expect(value.body.error.details.field).toBe("metadata.note");
    const key = await post(JSON.stringify({ ...seedCart, metadata: { "\udc00": 1 } }));
    expect(key.status).toBe(422);
    expect(key.body.error.details.field).toBe("metadata.\udc00");
  });

  it("refuses 10 000-deep metadata with 400 (storing it overflowed the stack: was a 500)", async () => {
    const body = JSON.stringify({ ...seedCart, metadata: { x: 1 } }).replace('{"x":1}', deep(10_000));
    const created = await post(body);
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: "BAD_REQUEST", details: { field: "body" } });
    const patched = await call(patchCart, { method: "PATCH", key: shop.key, path: `/api/carts/${cartId}`, params: { id: cartId }, rawBody: `{"metadata":${deep(10_000)}}`, headers: { "content-type": "application/json" } });
    expect(patched.status).toBe(400);
  });

  it("keeps accepting nesting a merchant would send", async () => {
    const res = await post(JSON.stringify({ ...seedCart, metadata: JSON.parse(deep(40)) }));
    expect(res.status).toBe(201);
  });

  it("holds Twig PATCH values sent as JSON string literals to the same rules (they bypassed the body check)", async () => {
    const order = await twigOrder(shop);
    const patch = (value: string) =>
      call(patchTwigOrder, { method: "PATCH", key: shop.key, path: "/v1/operations/order", body: { orderId: order.id, updateItems: [{ operation: "UPDATE", field: "customer", value }] } });
    for (const value of ['{"firstName":"A\\u0000","lastName":"B","email":"a@b.co"}', '{"firstName":"\\ud800","lastName":"B","email":"a@b.co"}', deep(10_000)]) {
      const res = await patch(value);
      expect(res.status).toBe(400);
      expect(res.body.field).toBe("updateItems[0].value");
    }
  });
});

describe("money beyond the bigint columns", () => {
  it("refuses a fixed recovery discount too large to store, naming it (was a 500: out of range for bigint)", async () => {
    const owner = await staffSession(shop.business.id, "owner");
    const body = "Hi {{customer.firstName}}, {{link}} {{unsubscribe}}";
    const step = (amount: string) => ({ steps: [{ delayMinutes: 60, subject: "Your cart", body, discount: { type: "fixed", amount, currency: "USD", validHours: 24 } }] });
    const put = (amount: string) => call(recoverySteps, { method: "PUT", path: "/api/dashboard/recovery/steps", headers: asStaff(owner), body: step(amount) });
    const huge = await put("99999999999999999999.99");
    expect(huge.status).toBe(422);
    expect(huge.body.error.details.field).toBe("steps[0].discount.amount");
    expect(huge.body.error.message).toBe("steps[0].discount.amount: must be at most 999999999.99");
    expect((await put("999999999.99")).status).toBe(200);
  });
});

describe("names a field for every 4xx", () => {
  it("names an unknown empty key as [\"\"] (no field was named)", async () => {
    const body = await post(JSON.stringify({ ...seedCart, "": true }));
    expect(body.status).toBe(422);
    expect(body.body.error.details.field).toBe('[""]');
    const query = await call(listCarts, { key: shop.key, path: "/api/carts?=1" });
    expect(query.status).toBe(400);
    expect(query.body.error.details.field).toBe('[""]');
  });

  it("refuses a NUL in a query parameter with 400 naming it (was a 500 from Postgres)", async () => {
    const res = await call(listOrders, { key: shop.key, path: "/v1/orders?customerEmail=a%00%40b.co" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "INVALID_REQUEST", details: { field: "customerEmail" } });
  });
});

describe("ids holding a NUL are not found (Postgres refused to compare them: 500s and thrown errors)", () => {
  it("API routes answer 404", async () => {
    const res = await call(getCart, { key: shop.key, path: "/api/carts/%00", params: { id: "\u0000" } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
  });

  it("customer pages answer 404 or go on to their status page", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded", origin: TEST_ORIGIN };
    const nul = "\u0000";
    const answers = [
      await call(openRecoveryLink, { path: "/r/%00", params: { token: nul } }),
      await call(payCheckout, { method: "POST", path: "/checkout/%00/pay", params: { sessionId: nul }, rawBody: "email=a%40b.co", headers: form }),
      await call(confirmTestPayment, { method: "POST", path: "/pay/test/%00/confirm", params: { id: nul } }),
      await call(authorizeTwig, { method: "POST", path: "/twig/checkout/%00/authorize", params: { orderId: nul }, rawBody: "", headers: form }),
      await call(cancelTwig, { method: "POST", path: "/twig/checkout/%00/cancel", params: { orderId: nul }, rawBody: "", headers: form }),
      await call(twigReturn, { path: "/twig/checkout/%00/return?session_id=cs_1", params: { orderId: nul } }),
      await call(oneClick, { method: "POST", path: "/u/%00/one-click", params: { token: nul }, rawBody: "List-Unsubscribe=One-Click", headers: form }),
    ];
    expect(answers.map((a) => a.status)).toEqual([303, 404, 404, 404, 404, 404, 404]);
    expect(answers[0]!.headers.get("location")).toBe("/r/%00/status");
  });

  it("a NUL typed into the hosted checkout's form is dropped, not sent to Postgres (the route threw)", async () => {
    const session = await newCheckout(shop.business);
    const res = await call(payCheckout, {
      method: "POST",
      path: `/checkout/${session.id}/pay`,
      params: { sessionId: session.id },
      rawBody: "email=john%40example.com&firstName=Jo%00hn&lastName=Doe",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: TEST_ORIGIN },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).not.toMatch(/invalid=1/);
  });

  it("the dashboard's cart export and orders list ignore a NUL in their search (the export answered 500)", async () => {
    const owner = await staffSession(shop.business.id, "owner");
    const res = await call(exportCarts, { path: "/api/dashboard/export/carts?q=cust%00omer", headers: asStaff(owner) });
    expect(res.status).toBe(200);
    expect(parseOrderListParams({ email: "a\u0000@b.co" }).email).toBe("a@b.co");
  });
});

describe("signed Stripe events with missing or malformed fields", () => {
  const SECRET = "whsec_regression_secret";
  let restoreEnv: () => void;
  beforeAll(() => {
    restoreEnv = useEnv({ STRIPE_WEBHOOK_SECRET: SECRET });
  });
  afterAll(() => restoreEnv());
  const deliver = (payload: string) =>
    call(stripeWebhook, { method: "POST", path: "/api/webhooks/stripe", rawBody: payload, headers: { "content-type": "application/json", "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }) } });

  it("are refused with 400 naming the field, not a 500 Stripe would retry for days", async () => {
    const empty = await deliver("{}");
    expect(empty.status).toBe(400);
    expect(empty.body.error.details.field).toBe("id");
    const nul = await deliver("null");
    expect(nul.status).toBe(400);
    const amount = await deliver(
      JSON.stringify({
        id: `evt_regression_${Date.now()}`,
        object: "event",
        type: "checkout.session.completed",
        created: 1_700_000_000,
        livemode: false,
        data: { object: { id: "cs_1", amount_total: "lots", currency: "usd", metadata: { cart_id: cartId, business_id: shop.business.id } } },
      }),
    );
    expect(amount.status).toBe(400);
    expect(amount.body.error.details.field).toBe("data.object.amount_total");
  });
});
