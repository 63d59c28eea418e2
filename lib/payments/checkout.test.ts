import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { paymentSessions, payments } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { eventsFor } from "@/lib/events";
import { getOrder } from "@/lib/orders/queries";
import { cancelOrder } from "@/lib/orders/service";
import { toOrderStatus } from "@/lib/orders/torque";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { placedOrder, startPayment } from "@/lib/testing/orders";
import { StripeMock } from "@/lib/testing/stripe-mock";
import { POST as stripeWebhook } from "@/app/api/webhooks/stripe/route";

// Stripe ids are unique across the whole database, which test files share on Postgres.
const RUN = randomUUID().slice(0, 8);

/** Paying a checkout order through Stripe Checkout (StripeMock) and Stripe's signed webhooks. */

const SECRET = "whsec_cartback_orders";
const stripe = new StripeMock();
let seq = 0;

beforeAll(async () => {
  const url = await stripe.start();
  Object.assign(process.env, { STRIPE_SECRET_KEY: "sk_test_cartback", STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_URL: url });
  resetEnvForTests();
});
afterAll(async () => {
  Object.assign(process.env, { STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "", STRIPE_API_URL: "" });
  resetEnvForTests();
  await stripe.stop();
});

function deliver(type: string, object: Record<string, unknown>) {
  const payload = JSON.stringify({ id: `evt_order_${++seq}_${Date.now()}`, object: "event", api_version: "2026-10-28.endive", created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object } });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
  return call(stripeWebhook, { method: "POST", rawBody: payload, headers: { "content-type": "application/json", "stripe-signature": signature } });
}

/** The metadata Stripe echoes back: what we sent on the session. */
function sentMetadata(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form) {
    const m = /^metadata\[(\w+)\]$/.exec(k);
    if (m) out[m[1]!] = v;
  }
  return out;
}

/** What Stripe would charge for the session we created: Σ unit × quantity − coupon + shipping. */
function stripeTotal(form: URLSearchParams, couponAmountOff: number): number {
  let total = 0;
  for (let i = 0; form.has(`line_items[${i}][quantity]`); i++) {
    total += Number(form.get(`line_items[${i}][quantity]`)) * Number(form.get(`line_items[${i}][price_data][unit_amount]`));
  }
  return total - couponAmountOff + Number(form.get("shipping_options[0][shipping_rate_data][fixed_amount][amount]") ?? 0);
}

const discounted = {
  cart: {
    items: [
      { productId: "prod_1", quantity: 2, price: 29.99, variant: "large" },
      { productId: "prod_2", quantity: 1, price: 49.99 },
    ],
    discounts: [{ code: "SAVE20", amount: 20, type: "percentage" }],
    shipping: { method: "standard", cost: 5.99 },
  },
};

describe("paying a checkout order with Stripe", () => {
  it("sends Stripe exactly the order: lines, the discount as a coupon, shipping as a fixed rate, our metadata; Stripe's total is ours", async () => {
    const { business } = await newBusiness();
    const { session, order } = await placedOrder(business, discounted);
    // 109.97 − 20% (21.994 → 21.99) + 5.99 = 93.97
    expect(order).toMatchObject({ subtotalMinor: 10997n, discountMinor: 2199n, shippingMinor: 599n, totalMinor: 9397n });
    const url = await startPayment(session, order);
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_mock\w+$/);

    const [ps] = await (await getDb()).select().from(paymentSessions).where(eq(paymentSessions.orderId, order.id));
    const coupon = stripe.requests.filter((r) => r.path === "/v1/coupons").at(-1)!;
    expect(Object.fromEntries(coupon.form)).toEqual({ amount_off: "2199", currency: "usd", duration: "once", name: "Discount", max_redemptions: "1" });
    expect(coupon.headers["idempotency-key"]).toBe(`${ps!.id}-coupon`);

    const sent = stripe.sessionCreates().at(-1)!;
    const params = Object.fromEntries(sent.form);
    expect(Number(params.expires_at)).toBe(Math.floor(order.expiresAt!.getTime() / 1000));
    delete params.expires_at;
    const metadata = { order_id: order.id, business_id: business.id, checkout_session_id: session.id, payment_session_id: ps!.id };
    expect(params).toEqual({
      mode: "payment",
      "line_items[0][quantity]": "2",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": "2999",
      "line_items[0][price_data][product_data][name]": "prod_1 (large)",
      "line_items[1][quantity]": "1",
      "line_items[1][price_data][currency]": "usd",
      "line_items[1][price_data][unit_amount]": "4999",
      "line_items[1][price_data][product_data][name]": "prod_2",
      "discounts[0][coupon]": "coupon_mock1",
      "shipping_options[0][shipping_rate_data][display_name]": "standard",
      "shipping_options[0][shipping_rate_data][type]": "fixed_amount",
      "shipping_options[0][shipping_rate_data][fixed_amount][amount]": "599",
      "shipping_options[0][shipping_rate_data][fixed_amount][currency]": "usd",
      customer_email: "customer@example.com",
      client_reference_id: order.id,
      ...Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`metadata[${k}]`, v])),
      ...Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`payment_intent_data[metadata][${k}]`, v])),
      success_url: `http://cartback.test/checkout/${session.id}/complete?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `http://cartback.test/checkout/${session.id}`,
    });
    expect(sent.headers["idempotency-key"]).toBe(ps!.id);
    expect(stripeTotal(sent.form, Number(coupon.form.get("amount_off")))).toBe(Number(order.totalMinor));
    expect(ps).toMatchObject({ provider: "stripe", amountMinor: 9397n, currency: "USD", status: "open", providerSessionId: url.split("/").pop() });
  });

  it("checkout.session.completed moves the order to processing once; the intent's event and redeliveries change nothing", async () => {
    const { business } = await newBusiness();
    const { session, order } = await placedOrder(business, discounted);
    const url = await startPayment(session, order);
    const sent = stripe.sessionCreates().at(-1)!;
    const completed = {
      id: url.split("/").pop(),
      object: "checkout.session",
      amount_total: 9397,
      currency: "usd",
      payment_intent: `pi_order_1_${RUN}`,
      payment_status: "paid",
      metadata: sentMetadata(sent.form),
    };
    const first = await deliver("checkout.session.completed", completed);
    expect(first.body).toEqual({ received: true, outcome: "applied" });
    expect((await deliver("checkout.session.completed", completed)).body.outcome).toBe("recorded");
    const intent = { id: `pi_order_1_${RUN}`, object: "payment_intent", amount_received: 9397, currency: "usd", metadata: sentMetadata(sent.form) };
    expect((await deliver("payment_intent.succeeded", intent)).body.outcome).toBe("recorded");

    const view = (await getOrder(business.id, order.id))!;
    expect(view).toMatchObject({ status: "processing", capturedMinor: 9397n });
    expect(view.payments).toHaveLength(1);
    expect(view.payments[0]).toMatchObject({ provider: "stripe", providerPaymentId: `pi_order_1_${RUN}`, providerSessionId: completed.id, amountMinor: 9397n });
    expect(toOrderStatus(view, true)).toMatchObject({
      status: "processing",
      payment: { method: "card", transactionId: `pi_order_1_${RUN}`, amount: 93.97, status: "confirmed", currency: "USD" },
    });
    const types = (await eventsFor(await getDb(), business.id, order.id)).map((e) => e.type);
    expect(types.filter((t) => t === "order.paid")).toHaveLength(1);
    const [ps] = await (await getDb()).select().from(paymentSessions).where(eq(paymentSessions.orderId, order.id));
    expect(ps!.status).toBe("complete");
  });

  it("when the intent's event comes first, the session's event still fills in the Checkout Session id", async () => {
    const { business } = await newBusiness();
    const { session, order } = await placedOrder(business);
    const url = await startPayment(session, order);
    const metadata = sentMetadata(stripe.sessionCreates().at(-1)!.form);
    expect((await deliver("payment_intent.succeeded", { id: `pi_first_${RUN}`, object: "payment_intent", amount_received: 5998, currency: "usd", metadata })).body.outcome).toBe("applied");
    const csId = url.split("/").pop();
    await deliver("checkout.session.completed", { id: csId, object: "checkout.session", amount_total: 5998, currency: "usd", payment_intent: `pi_first_${RUN}`, payment_status: "paid", metadata });
    const [row] = await (await getDb()).select().from(payments).where(eq(payments.orderId, order.id));
    expect(row).toMatchObject({ providerPaymentId: `pi_first_${RUN}`, providerSessionId: csId });
  });

  it("a Stripe payment for an order cancelled meanwhile is kept as payment.duplicate; the order stays cancelled", async () => {
    const { business } = await newBusiness();
    const { session, order } = await placedOrder(business);
    const url = await startPayment(session, order);
    const metadata = sentMetadata(stripe.sessionCreates().at(-1)!.form);
    const before = stripe.requests.length;
    await cancelOrder(business.id, order.id, { reason: "Out of stock" });
    // cancelling closes the open Stripe Checkout Session
    expect(stripe.requests.slice(before).map((r) => r.path)).toEqual([`/v1/checkout/sessions/${url.split("/").pop()}/expire`]);
    const res = await deliver("checkout.session.completed", { id: url.split("/").pop(), object: "checkout.session", amount_total: 5998, currency: "usd", payment_intent: `pi_too_late_${RUN}`, payment_status: "paid", metadata });
    expect(res.body.outcome).toBe("recorded");
    const view = (await getOrder(business.id, order.id))!;
    expect(view.status).toBe("cancelled");
    expect(view.payments.map((p) => p.providerPaymentId)).toEqual([`pi_too_late_${RUN}`]);
    expect((await eventsFor(await getDb(), business.id, order.id)).map((e) => e.type)).toContain("payment.duplicate");
  });

  it("sends amounts in each currency's minor units (JPY has none, KWD has three)", async () => {
    const { business } = await newBusiness();
    for (const [currency, price, unitAmount] of [
      ["JPY", 1500, "1500"],
      ["KWD", "2.125", "2125"],
    ] as const) {
      const { session, order } = await placedOrder(business, { cart: { currency, items: [{ productId: "prod_1", quantity: 3, price }] } });
      await startPayment(session, order);
      const form = stripe.sessionCreates().at(-1)!.form;
      expect(form.get("line_items[0][price_data][currency]")).toBe(currency.toLowerCase());
      expect(form.get("line_items[0][price_data][unit_amount]")).toBe(unitAmount);
      expect(stripeTotal(form, 0)).toBe(Number(order.totalMinor));
      const metadata = sentMetadata(form);
      await deliver("checkout.session.completed", { id: `cs_${currency}`, object: "checkout.session", amount_total: Number(order.totalMinor), currency: currency.toLowerCase(), payment_intent: `pi_${currency}_${++seq}`, payment_status: "paid", metadata });
      const view = (await getOrder(business.id, order.id))!;
      expect(view.status).toBe("processing");
      expect(toOrderStatus(view, true)).toMatchObject({ cart: { total: currency === "JPY" ? 4500 : 6.375 }, payment: { amount: currency === "JPY" ? 4500 : 6.375, currency } });
    }
  });
});
