import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts, discountCodes, paymentSessions, payments } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { createCart } from "@/lib/carts/service";
import { resetEnvForTests } from "@/lib/env";
import { eventsFor } from "@/lib/events";
import { generateLink } from "@/lib/links/service";
import { issueDiscountCode } from "@/lib/recovery/discounts";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { StripeMock } from "@/lib/testing/stripe-mock";
import { GET as open } from "@/app/r/[token]/route";
import { POST as payTest } from "@/app/pay/test/[id]/confirm/route";
import { POST as stripeWebhook } from "@/app/api/webhooks/stripe/route";
import { getTestSession } from "./checkout";
import { recordPayment } from "./service";

/** A recovery email's discount code, applied when the cart's link opens a checkout and used up by its payment. */

const HOUR = 3600_000;
const RUN = randomUUID().slice(0, 8);

type Step = { discountType: "percentage" | "fixed"; discountValue: bigint; discountCurrency: string | null; discountValidHours: number };
const percent = (hundredths: bigint, hours = 48): Step => ({ discountType: "percentage", discountValue: hundredths, discountCurrency: null, discountValidHours: hours });

async function cartWithCode(input: Parameters<typeof createCart>[1] = seedCart, step: Step | null = percent(1500n), issuedAt = new Date()) {
  const { business } = await newBusiness();
  const cart = await createCart(business, input);
  const link = await generateLink(business.id, cart.id);
  const db = await getDb();
  const code = step ? await issueDiscountCode(db, { businessId: business.id, cartId: cart.id, messageId: null, currency: cart.currency, step, now: issuedAt }) : null;
  return { business, cart, code, token: link.url.split("/r/")[1]! };
}

async function openSession(token: string) {
  const res = await call(open, { params: { token }, path: `/r/${token}` });
  expect(res.status).toBe(303);
  const location = res.headers.get("location")!;
  const db = await getDb();
  const [session] = await db.select().from(paymentSessions).where(eq(paymentSessions.url, location));
  return session!;
}

async function codeRow(id: string) {
  const [row] = await (await getDb()).select().from(discountCodes).where(eq(discountCodes.id, id));
  return row!;
}

const typesOf = async (business: Business, cartId: string) => (await eventsFor(await getDb(), business.id, cartId)).map((e) => e.type);

describe("a discount code at a test-mode checkout", () => {
  it("lowers the session's amount, shows a Discount line, and is used up by the payment", async () => {
    const { business, cart, code, token } = await cartWithCode(); // $99.98, 15% off = 14.997 → $15.00
    const session = await openSession(token);
    expect(session).toMatchObject({ amountMinor: 8498n, currency: "USD", discountCodeId: code!.id, messageId: null });
    const page = (await getTestSession(session.id))!;
    expect(page.adjustments).toEqual([{ label: `Discount ${code!.code}`, amountMinor: -1500n }]);
    expect(page.lines.reduce((sum, l) => sum + l.amountMinor, 0n) + page.adjustments[0]!.amountMinor).toBe(session.amountMinor);

    expect((await call(payTest, { method: "POST", params: { id: session.id } })).status).toBe(303);
    const db = await getDb();
    const [paid] = await db.select().from(carts).where(eq(carts.id, cart.id));
    expect(paid).toMatchObject({ status: "recovered", recoveredAmountMinor: 8498n, recoveryChannel: "link" });
    const [payment] = await db.select().from(payments).where(eq(payments.cartId, cart.id));
    expect(payment!.amountMinor).toBe(8498n);
    expect(await codeRow(code!.id)).toMatchObject({ paymentId: payment!.id, redeemedAt: payment!.paidAt });
    const types = await typesOf(business, cart.id);
    expect(types.filter((t) => t === "discount.redeemed")).toHaveLength(1);
    expect(types.indexOf("discount.redeemed")).toBeGreaterThan(types.indexOf("payment.succeeded"));
  });

  it("computes the discount exactly in the cart's currency: JPY and KWD", async () => {
    const yen = await cartWithCode({ customerEmail: "kim@example.com", currency: "JPY", items: [{ name: "Tea", quantity: 1, price: 1005 }] }, percent(1000n));
    expect((await openSession(yen.token)).amountMinor).toBe(904n); // ¥1,005 − ¥100.5 → ¥101 off
    const dinar = await cartWithCode({ customerEmail: "ali@example.com", currency: "KWD", items: [{ name: "Oud", quantity: 1, price: "12.345" }] }, percent(1000n));
    expect((await openSession(dinar.token)).amountMinor).toBe(11_110n); // 12.345 − 1.2345 (→ 1.235) = 11.110
    const fixed = await cartWithCode(seedCart, { discountType: "fixed", discountValue: 500n, discountCurrency: "USD", discountValidHours: 48 });
    expect((await openSession(fixed.token)).amountMinor).toBe(9498n);
  });

  it("a checkout lives no longer than the code it applies", async () => {
    const { code, token } = await cartWithCode(seedCart, percent(1000n), new Date(Date.now() - 47.75 * HOUR)); // 15 minutes left
    const session = await openSession(token);
    expect(session.discountCodeId).toBe(code!.id);
    expect(session.expiresAt).toEqual(code!.expiresAt);
  });

  it("an expired code is neither applied nor used", async () => {
    const { business, cart, code, token } = await cartWithCode(seedCart, percent(1000n), new Date(Date.now() - 49 * HOUR));
    const session = await openSession(token);
    expect(session).toMatchObject({ amountMinor: 9998n, discountCodeId: null });
    expect((await getTestSession(session.id))!.adjustments).toEqual([]);
    await call(payTest, { method: "POST", params: { id: session.id } });
    expect(await codeRow(code!.id)).toMatchObject({ redeemedAt: null, paymentId: null });
    expect(await typesOf(business, cart.id)).not.toContain("discount.redeemed");
  });

  it("without a code the checkout is the cart's total", async () => {
    const { token } = await cartWithCode(seedCart, null);
    expect(await openSession(token)).toMatchObject({ amountMinor: 9998n, discountCodeId: null });
  });

  it("two payments racing for one code: one recovers the cart and uses the code, the other is a duplicate", async () => {
    const { business, cart, code, token } = await cartWithCode();
    const a = await openSession(token);
    const b = await openSession(token);
    expect([a.discountCodeId, b.discountCodeId]).toEqual([code!.id, code!.id]);
    const db = await getDb();
    const pay = (s: typeof a, n: number) =>
      db.transaction((tx) =>
        recordPayment(tx, {
          businessId: business.id,
          cartId: cart.id,
          provider: "test",
          providerPaymentId: `race_${n}_${RUN}`,
          paymentSessionId: s.id,
          amountMinor: s.amountMinor,
          currency: "USD",
          paidAt: new Date(),
          channel: "link",
        }),
      );
    const outcomes = await Promise.all([pay(a, 1), pay(b, 2)]);
    expect([...outcomes].sort()).toEqual(["duplicate_payment", "recovered"]);
    const winner = `race_${outcomes.indexOf("recovered") + 1}_${RUN}`;
    const [won] = await db.select().from(payments).where(eq(payments.providerPaymentId, winner));
    expect(await codeRow(code!.id)).toMatchObject({ paymentId: won!.id });
    const types = await typesOf(business, cart.id);
    expect(types.filter((t) => t === "discount.redeemed")).toHaveLength(1);
    expect(types.filter((t) => t === "cart.recovered")).toHaveLength(1);
    expect(types.filter((t) => t === "payment.duplicate")).toHaveLength(1);
  });
});

describe("a discount code at a Stripe checkout", () => {
  const stripe = new StripeMock();
  const SECRET = "whsec_cartback_discounts";
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
    const payload = JSON.stringify({ id: `evt_disc_${++seq}_${RUN}`, object: "event", api_version: "2026-10-28.endive", created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object } });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    return call(stripeWebhook, { method: "POST", rawBody: payload, headers: { "content-type": "application/json", "stripe-signature": signature } });
  }

  const metadataOf = (form: URLSearchParams) =>
    Object.fromEntries([...form].flatMap(([k, v]) => (/^metadata\[(\w+)\]$/.test(k) ? [[k.slice(9, -1), v]] : [])));

  /** What Stripe charges for the session we created: Σ unit × quantity − the coupon. */
  const stripeTotal = (form: URLSearchParams, amountOff: number) => {
    let total = 0;
    for (let i = 0; form.has(`line_items[${i}][quantity]`); i++) {
      total += Number(form.get(`line_items[${i}][quantity]`)) * Number(form.get(`line_items[${i}][price_data][unit_amount]`));
    }
    return total - amountOff;
  };

  const japaneseCart = {
    customerEmail: "kim@example.com",
    currency: "JPY",
    items: [
      { name: "Matcha", quantity: 2, price: 1505 },
      { name: "Whisk", quantity: 1, price: 800 },
    ],
  };

  it("sends a one-off coupon of exactly our discount, so Stripe charges exactly our amount", async () => {
    // ¥3,810 − 12.5% (476.25 → ¥476) = ¥3,334; the code has 2 hours left
    const { code, token } = await cartWithCode(japaneseCart, percent(1250n), new Date(Date.now() - 46 * HOUR));
    const session = await openSession(token);
    expect(session).toMatchObject({ provider: "stripe", amountMinor: 3334n, discountCodeId: code!.id });

    const coupon = stripe.requests.filter((r) => r.path === "/v1/coupons").at(-1)!;
    expect(Object.fromEntries(coupon.form)).toEqual({ amount_off: "476", currency: "jpy", duration: "once", name: `Discount ${code!.code}`, max_redemptions: "1" });
    expect(coupon.headers["idempotency-key"]).toBe(`${session.id}-coupon`);
    const sent = stripe.sessionCreates().at(-1)!;
    expect(sent.form.get("discounts[0][coupon]")).toBe("coupon_mock1");
    expect(stripeTotal(sent.form, 476)).toBe(3334);
    // Stripe's session ends with the code (at least Stripe's 30 minutes away)
    expect(Number(sent.form.get("expires_at"))).toBe(Math.floor(code!.expiresAt.getTime() / 1000));
    expect(session.expiresAt).toEqual(code!.expiresAt);
  });

  it("a code about to expire still gets Stripe's minimum session length", async () => {
    const { code, token } = await cartWithCode(seedCart, percent(1000n), new Date(Date.now() - 47.9 * HOUR)); // 6 minutes left
    await openSession(token);
    const expiresAt = Number(stripe.sessionCreates().at(-1)!.form.get("expires_at")) * 1000;
    expect(expiresAt).toBeGreaterThan(code!.expiresAt.getTime());
    expect(expiresAt - Date.now()).toBeGreaterThan(30 * 60_000);
  });

  it("without a code no coupon is created", async () => {
    const before = stripe.requests.filter((r) => r.path === "/v1/coupons").length;
    const { token } = await cartWithCode(seedCart, null);
    await openSession(token);
    expect(stripe.requests.filter((r) => r.path === "/v1/coupons")).toHaveLength(before);
    expect(stripe.sessionCreates().at(-1)!.form.has("discounts[0][coupon]")).toBe(false);
  });

  it("Stripe's payment uses the code once, whatever events follow", async () => {
    const { business, cart, code, token } = await cartWithCode(japaneseCart, percent(1000n)); // ¥3,810 − ¥381 = ¥3,429
    const session = await openSession(token);
    const sent = stripe.sessionCreates().at(-1)!;
    const completed = {
      id: session.providerSessionId,
      object: "checkout.session",
      amount_total: 3429,
      currency: "jpy",
      payment_intent: `pi_disc_1_${RUN}`,
      payment_status: "paid",
      metadata: metadataOf(sent.form),
    };
    expect((await deliver("checkout.session.completed", completed)).body.outcome).toBe("applied");
    expect((await deliver("checkout.session.completed", completed)).body.outcome).toBe("recorded");
    const intent = { id: `pi_disc_1_${RUN}`, object: "payment_intent", amount_received: 3429, currency: "jpy", metadata: metadataOf(sent.form) };
    expect((await deliver("payment_intent.succeeded", intent)).body.outcome).toBe("recorded");

    const db = await getDb();
    const [paid] = await db.select().from(carts).where(eq(carts.id, cart.id));
    expect(paid).toMatchObject({ status: "recovered", recoveredAmountMinor: 3429n });
    const [payment] = await db.select().from(payments).where(eq(payments.cartId, cart.id));
    expect(await codeRow(code!.id)).toMatchObject({ paymentId: payment!.id });
    expect((await typesOf(business, cart.id)).filter((t) => t === "discount.redeemed")).toHaveLength(1);
  });

  it("two sessions with the same code paid at once: the code is used by the payment that recovers the cart only", async () => {
    const { business, cart, code, token } = await cartWithCode(seedCart, percent(1000n));
    const a = await openSession(token);
    const formA = stripe.sessionCreates().at(-1)!.form;
    const b = await openSession(token);
    const formB = stripe.sessionCreates().at(-1)!.form;
    const event = (s: typeof a, form: URLSearchParams, n: number) => ({
      id: s.providerSessionId,
      object: "checkout.session",
      amount_total: 8998,
      currency: "usd",
      payment_intent: `pi_disc_race_${n}_${RUN}`,
      payment_status: "paid",
      metadata: metadataOf(form),
    });
    const results = await Promise.all([deliver("checkout.session.completed", event(a, formA, 1)), deliver("checkout.session.completed", event(b, formB, 2))]);
    expect(results.map((r) => r.body.outcome).sort()).toEqual(["applied", "recorded"]);
    const db = await getDb();
    const all = await db.select().from(payments).where(eq(payments.cartId, cart.id));
    expect(all).toHaveLength(2);
    const used = await codeRow(code!.id);
    expect(all.map((p) => p.id)).toContain(used.paymentId);
    const types = await typesOf(business, cart.id);
    expect(types.filter((t) => t === "discount.redeemed")).toHaveLength(1);
    expect(types.filter((t) => t === "payment.duplicate")).toHaveLength(1);
  });
});
