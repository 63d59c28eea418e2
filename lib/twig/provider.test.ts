import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { paymentSessions } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { ApiError } from "@/lib/http/errors";
import { CARD_DECLINED, StripeMock } from "@/lib/testing/stripe-mock";
import {
  authorizationFromSession,
  captureAuthorization,
  refundCapture,
  startAuthorization,
  voidAuthorization,
  type TwigOrderForPayment,
} from "./provider";

/** Authorizing a Twig order on Stripe Checkout, then capturing, refunding and voiding it (StripeMock). */

// Ids are unique across the whole database, which test files share on Postgres.
const RUN = randomUUID().slice(0, 8);
const SECRET_KEY = "sk_test_twigprovider";
const stripe = new StripeMock();
let seq = 0;

beforeAll(async () => {
  const url = await stripe.start();
  Object.assign(process.env, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: "whsec_twig_provider", STRIPE_API_URL: url });
  resetEnvForTests();
});
afterAll(async () => {
  Object.assign(process.env, { STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "", STRIPE_API_URL: "" });
  resetEnvForTests();
  await stripe.stop();
});

/** The seed's init example: items 1450.00 + shipping 30.00 + tax 20.00 = 1500.00 USD. */
function order(overrides: Partial<TwigOrderForPayment> = {}): TwigOrderForPayment {
  return {
    id: `order_twig${++seq}${RUN}`,
    businessId: `business_twig${RUN}`,
    currency: "USD",
    totalMinor: 150000n,
    customerEmail: "taulant@taulant.com",
    expiresAt: null,
    lines: [
      { label: "T-Shirt", quantity: 1, unitPriceMinor: 90000n },
      { label: "Shoes", quantity: 2, unitPriceMinor: 27500n },
    ],
    taxMinor: 2000n,
    shippingMinor: 3000n,
    shippingMethod: "United States Postal Service",
    ...overrides,
  };
}

/** What Stripe would hold for the session: Σ unit × quantity + shipping. */
function stripeTotal(form: URLSearchParams): number {
  let total = Number(form.get("shipping_options[0][shipping_rate_data][fixed_amount][amount]") ?? 0);
  for (let i = 0; form.has(`line_items[${i}][quantity]`); i++) {
    total += Number(form.get(`line_items[${i}][quantity]`)) * Number(form.get(`line_items[${i}][price_data][unit_amount]`));
  }
  return total;
}

const sessionIdOf = (url: string) => url.split("/").pop()!;

/** An order authorized on Stripe: its PaymentIntent holds the total. */
async function authorized(overrides: Partial<TwigOrderForPayment> = {}) {
  const url = await startAuthorization(order(overrides));
  return stripe.authorize(sessionIdOf(url!));
}

const key = () => `twig-op-${++seq}-${RUN}`;

describe("startAuthorization", () => {
  it("creates a manual-capture Checkout Session for exactly the order: lines, a Tax line, shipping as a fixed rate, our metadata and URLs", async () => {
    const o = order({ expiresAt: new Date(Date.now() + 7 * 24 * 3600_000) });
    const now = new Date();
    const url = await startAuthorization(o, now);
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_mock\w+$/);

    const [ps] = await (await getDb()).select().from(paymentSessions).where(eq(paymentSessions.orderId, o.id));
    const sent = stripe.sessionCreates().at(-1)!;
    const params = Object.fromEntries(sent.form);
    // A week-long Twig order: Stripe keeps a session open for at most 24 hours.
    expect(Number(params.expires_at)).toBe(Math.floor((now.getTime() + 24 * 3600_000) / 1000));
    delete params.expires_at;
    const metadata = { order_id: o.id, business_id: o.businessId, payment_session_id: ps!.id, capture: "manual" };
    expect(params).toEqual({
      mode: "payment",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": "90000",
      "line_items[0][price_data][product_data][name]": "T-Shirt",
      "line_items[1][quantity]": "2",
      "line_items[1][price_data][currency]": "usd",
      "line_items[1][price_data][unit_amount]": "27500",
      "line_items[1][price_data][product_data][name]": "Shoes",
      "line_items[2][quantity]": "1",
      "line_items[2][price_data][currency]": "usd",
      "line_items[2][price_data][unit_amount]": "2000",
      "line_items[2][price_data][product_data][name]": "Tax",
      "shipping_options[0][shipping_rate_data][display_name]": "United States Postal Service",
      "shipping_options[0][shipping_rate_data][type]": "fixed_amount",
      "shipping_options[0][shipping_rate_data][fixed_amount][amount]": "3000",
      "shipping_options[0][shipping_rate_data][fixed_amount][currency]": "usd",
      customer_email: "taulant@taulant.com",
      client_reference_id: o.id,
      ...Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`metadata[${k}]`, v])),
      "payment_intent_data[capture_method]": "manual",
      ...Object.fromEntries(Object.entries(metadata).map(([k, v]) => [`payment_intent_data[metadata][${k}]`, v])),
      "payment_method_options[card][request_multicapture]": "if_available",
      success_url: `http://cartback.test/twig/checkout/${o.id}/return?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `http://cartback.test/twig/checkout/${o.id}`,
    });
    expect(stripeTotal(sent.form)).toBe(150000);
    expect(sent.headers["idempotency-key"]).toBe(ps!.id);
    expect(ps).toMatchObject({
      businessId: o.businessId,
      orderId: o.id,
      cartId: null,
      provider: "stripe",
      providerSessionId: sessionIdOf(url!),
      url,
      amountMinor: 150000n,
      currency: "USD",
      status: "open",
    });
  });

  it("sends each currency's minor units (JPY none, KWD three) and leaves out a zero tax and zero shipping", async () => {
    for (const [currency, unit, total] of [
      ["JPY", 1500n, 4500],
      ["KWD", 2120n, 6360],
    ] as const) {
      const o = order({ currency, totalMinor: BigInt(total), lines: [{ label: "Tea", quantity: 3, unitPriceMinor: unit }], taxMinor: 0n, shippingMinor: 0n });
      await startAuthorization(o);
      const form = stripe.sessionCreates().at(-1)!.form;
      expect(form.get("line_items[0][price_data][currency]")).toBe(currency.toLowerCase());
      expect(form.get("line_items[0][price_data][unit_amount]")).toBe(String(unit));
      expect(form.has("line_items[1][quantity]")).toBe(false);
      expect([...form.keys()].some((k) => k.startsWith("shipping_options"))).toBe(false);
      expect(stripeTotal(form)).toBe(total);
    }
  });

  it("charges the breakdown's items amount as one line when the line items do not add up to it (Twig does not reconcile them)", async () => {
    // The seed's example: lines 90 + 2 × 45 = 180, but breakdown.items is 1450.
    const o = order({ lines: [{ label: "T-Shirt", quantity: 1, unitPriceMinor: 9000n }, { label: "Shoes", quantity: 2, unitPriceMinor: 4500n }] });
    await startAuthorization(o);
    const form = stripe.sessionCreates().at(-1)!.form;
    expect(form.get("line_items[0][quantity]")).toBe("1");
    expect(form.get("line_items[0][price_data][product_data][name]")).toBe("T-Shirt, 2 × Shoes");
    expect(form.get("line_items[0][price_data][unit_amount]")).toBe("145000");
    expect(form.get("line_items[1][price_data][product_data][name]")).toBe("Tax");
    expect(stripeTotal(form)).toBe(150000);
  });

  it("a Stripe refusal is an ApiError conflict and leaves no payment session", async () => {
    const o = order();
    stripe.failNext = 1;
    await expect(startAuthorization(o)).rejects.toMatchObject({ kind: "conflict", message: "Stripe refused the checkout session: Mock failure" });
    expect(await (await getDb()).select().from(paymentSessions).where(eq(paymentSessions.orderId, o.id))).toEqual([]);
  });

  it("in test mode (no Stripe keys) returns null without calling Stripe: the hosted page authorizes", async () => {
    Object.assign(process.env, { STRIPE_SECRET_KEY: "" });
    resetEnvForTests();
    try {
      const before = stripe.requests.length;
      const o = order();
      expect(await startAuthorization(o)).toBeNull();
      expect(stripe.requests.length).toBe(before);
      expect(await (await getDb()).select().from(paymentSessions).where(eq(paymentSessions.orderId, o.id))).toEqual([]);
    } finally {
      Object.assign(process.env, { STRIPE_SECRET_KEY: SECRET_KEY });
      resetEnvForTests();
    }
  });
});

describe("authorizationFromSession", () => {
  it("is null until the customer authorizes, then the PaymentIntent holding the total, with our metadata", async () => {
    const o = order();
    const url = await startAuthorization(o);
    const sessionId = sessionIdOf(url!);
    expect(await authorizationFromSession(sessionId)).toBeNull();

    const intent = stripe.authorize(sessionId);
    expect(intent.id).toMatch(/^pi_mock/);
    const found = await authorizationFromSession(sessionId);
    expect(found).toEqual({
      paymentIntentId: intent.id,
      amountMinor: 150000n,
      currency: "USD",
      metadata: { order_id: o.id, business_id: o.businessId, payment_session_id: expect.stringMatching(/^ps_/), capture: "manual" },
    });
    const lookup = stripe.requests.at(-1)!;
    expect(lookup.method).toBe("GET");
    expect(lookup.path).toBe(`/v1/checkout/sessions/${sessionId}`);
    expect([...lookup.form.values()]).toContain("payment_intent");
  });

  it("reads KWD amounts back in minor units, and is null for a session Stripe does not know", async () => {
    const url = await startAuthorization(order({ currency: "KWD", totalMinor: 6360n, lines: [{ label: "Tea", quantity: 3, unitPriceMinor: 2120n }], taxMinor: 0n, shippingMinor: 0n }));
    stripe.authorize(sessionIdOf(url!));
    expect(await authorizationFromSession(sessionIdOf(url!))).toMatchObject({ amountMinor: 6360n, currency: "KWD" });
    expect(await authorizationFromSession("cs_test_nobody")).toBeNull();
  });

  it("is null once the authorization was voided", async () => {
    const url = await startAuthorization(order());
    const intent = stripe.authorize(sessionIdOf(url!));
    await voidAuthorization(intent.id, key());
    expect(await authorizationFromSession(sessionIdOf(url!))).toBeNull();
  });
});

describe("captureAuthorization", () => {
  it("captures part with final_capture=false (the rest stays held), then the rest as the final capture", async () => {
    const intent = await authorized();
    const first = key();
    await captureAuthorization(intent.id, 50000n, "USD", { final: false, idempotencyKey: first });
    const partial = stripe.requests.at(-1)!;
    expect(partial.path).toBe(`/v1/payment_intents/${intent.id}/capture`);
    expect(Object.fromEntries(partial.form)).toEqual({ amount_to_capture: "50000", final_capture: "false" });
    expect(partial.headers["idempotency-key"]).toBe(first);
    expect(stripe.paymentIntent(intent.id)).toMatchObject({ status: "requires_capture", amount_received: 50000, amount_capturable: 100000 });

    await captureAuthorization(intent.id, 100000n, "USD", { final: true, idempotencyKey: key() });
    expect(Object.fromEntries(stripe.requests.at(-1)!.form)).toEqual({ amount_to_capture: "100000" });
    expect(stripe.paymentIntent(intent.id)).toMatchObject({ status: "succeeded", amount_received: 150000, amount_capturable: 0 });
  });

  it("a final partial capture releases the rest: nothing more can be captured", async () => {
    const intent = await authorized();
    await captureAuthorization(intent.id, 40000n, "USD", { final: true, idempotencyKey: key() });
    expect(stripe.paymentIntent(intent.id)).toMatchObject({ status: "succeeded", amount_received: 40000, amount_capturable: 0 });
    await expect(captureAuthorization(intent.id, 1000n, "USD", { final: true, idempotencyKey: key() })).rejects.toMatchObject({ kind: "conflict" });
  });

  it("a retry with the same idempotency key captures once", async () => {
    const intent = await authorized();
    const same = key();
    await captureAuthorization(intent.id, 30000n, "USD", { final: false, idempotencyKey: same });
    await captureAuthorization(intent.id, 30000n, "USD", { final: false, idempotencyKey: same });
    expect(stripe.paymentIntent(intent.id)).toMatchObject({ amount_received: 30000, amount_capturable: 120000 });
  });

  it("refuses to capture more than is held, as an ApiError conflict with Stripe's message", async () => {
    const intent = await authorized();
    const error = await captureAuthorization(intent.id, 150001n, "USD", { final: true, idempotencyKey: key() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      kind: "conflict",
      message: "Stripe refused the capture: The amount_to_capture (150001) must be greater than 0 and at most the amount_capturable (150000).",
    });
    expect(stripe.paymentIntent(intent.id)).toMatchObject({ status: "requires_capture", amount_received: 0, amount_capturable: 150000 });
  });

  it("sends JPY and KWD amounts in Stripe's units", async () => {
    const jpy = await authorized({ currency: "JPY", totalMinor: 4500n, lines: [{ label: "Tea", quantity: 3, unitPriceMinor: 1500n }], taxMinor: 0n, shippingMinor: 0n });
    await captureAuthorization(jpy.id, 1500n, "JPY", { final: false, idempotencyKey: key() });
    expect(stripe.requests.at(-1)!.form.get("amount_to_capture")).toBe("1500");
    const kwd = await authorized({ currency: "KWD", totalMinor: 6360n, lines: [{ label: "Tea", quantity: 3, unitPriceMinor: 2120n }], taxMinor: 0n, shippingMinor: 0n });
    await captureAuthorization(kwd.id, 2120n, "KWD", { final: false, idempotencyKey: key() });
    expect(stripe.requests.at(-1)!.form.get("amount_to_capture")).toBe("2120");
    expect(stripe.paymentIntent(kwd.id)).toMatchObject({ amount_received: 2120, amount_capturable: 4240 });
  });
});

describe("refundCapture", () => {
  it("refunds captured money in parts, returning Stripe's refund ids, and refuses more than is left", async () => {
    const intent = await authorized();
    await captureAuthorization(intent.id, 100000n, "USD", { final: false, idempotencyKey: key() });
    const firstKey = key();
    const first = await refundCapture(intent.id, 60000n, "USD", firstKey);
    const sent = stripe.requests.at(-1)!;
    expect(sent.path).toBe("/v1/refunds");
    expect(Object.fromEntries(sent.form)).toEqual({ payment_intent: intent.id, amount: "60000" });
    expect(sent.headers["idempotency-key"]).toBe(firstKey);
    const second = await refundCapture(intent.id, 40000n, "USD", key());
    expect(first).toMatch(/^re_mock/);
    expect(second).toMatch(/^re_mock/);
    expect(second).not.toBe(first);
    // The same key again is the same refund, not a new one.
    expect(await refundCapture(intent.id, 60000n, "USD", firstKey)).toBe(first);

    await expect(refundCapture(intent.id, 1n, "USD", key())).rejects.toMatchObject({ kind: "conflict", message: expect.stringMatching(/^Stripe refused the refund: /) });
  });

  it("refuses a refund above the captured amount although more is still held", async () => {
    const intent = await authorized();
    await captureAuthorization(intent.id, 10000n, "USD", { final: false, idempotencyKey: key() });
    await expect(refundCapture(intent.id, 10001n, "USD", key())).rejects.toMatchObject({
      kind: "conflict",
      message: "Stripe refused the refund: Refund amount (10001) is greater than unrefunded amount on charge (10000)",
    });
  });
});

describe("voidAuthorization", () => {
  it("cancels the PaymentIntent (the hold is released); voiding again counts as done", async () => {
    const intent = await authorized();
    const first = key();
    await voidAuthorization(intent.id, first);
    const sent = stripe.requests.at(-1)!;
    expect(sent).toMatchObject({ method: "POST", path: `/v1/payment_intents/${intent.id}/cancel` });
    expect(sent.headers["idempotency-key"]).toBe(first);
    expect(stripe.paymentIntent(intent.id)).toMatchObject({ status: "canceled", amount_capturable: 0 });
    await expect(voidAuthorization(intent.id, key())).resolves.toBeUndefined();
    await expect(captureAuthorization(intent.id, 1000n, "USD", { final: true, idempotencyKey: key() })).rejects.toMatchObject({
      kind: "conflict",
      message: "Stripe refused the capture: You cannot capture this PaymentIntent because it has a status of canceled.",
    });
  });

  it("refuses to void a captured authorization", async () => {
    const intent = await authorized();
    await captureAuthorization(intent.id, 150000n, "USD", { final: true, idempotencyKey: key() });
    await expect(voidAuthorization(intent.id, key())).rejects.toMatchObject({
      kind: "conflict",
      message: "Stripe refused the void: You cannot cancel this PaymentIntent because it has a status of succeeded.",
    });
  });
});

describe("Stripe failures", () => {
  it("a card error is a conflict carrying Stripe's message", async () => {
    const intent = await authorized();
    stripe.failNextWith(CARD_DECLINED);
    await expect(captureAuthorization(intent.id, 1000n, "USD", { final: true, idempotencyKey: key() })).rejects.toMatchObject({
      kind: "conflict",
      message: "Stripe refused the capture: Your card has insufficient funds.",
    });
  });

  it("never puts a secret key or the idempotency key in the message", async () => {
    const intent = await authorized();
    const idempotencyKey = key();
    stripe.failNextWith({ status: 401, error: { type: "authentication_error", message: `Invalid API Key provided: ${SECRET_KEY}` } });
    const error = (await refundCapture(intent.id, 1000n, "USD", idempotencyKey).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toContain("Invalid API Key provided: [redacted]");
    expect(error.message).not.toContain(SECRET_KEY);
    expect(error.message).not.toContain(idempotencyKey);
  });

  it("Stripe failing or unreachable is 'unavailable' (retry with the same id), not a refusal", async () => {
    const intent = await authorized();
    stripe.failNextWith({ status: 500, error: { type: "api_error", message: "An unknown error occurred" } });
    await expect(voidAuthorization(intent.id, key())).rejects.toMatchObject({ kind: "unavailable", message: expect.stringContaining("An unknown error occurred") });
    expect(stripe.paymentIntent(intent.id)!.status).toBe("requires_capture");
  });
});
