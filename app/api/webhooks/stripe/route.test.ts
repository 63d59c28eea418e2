import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useEnv } from "@/lib/testing/env";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { payments, stripeEvents } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { eventsFor } from "@/lib/events";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { POST as createCart } from "@/app/api/carts/route";
import { GET as getCart } from "@/app/api/carts/[id]/route";
import { POST } from "./route";

// Stripe ids are unique across the whole database, which test files share on Postgres.
const RUN = randomUUID().slice(0, 8);

const SECRET = "whsec_cartback_test_secret";
let seq = 0;

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = useEnv({ STRIPE_WEBHOOK_SECRET: SECRET });
});
afterAll(() => restoreEnv());

type Ref = { businessId: string; cartId: string };

function event(type: string, object: Record<string, unknown>, id = `evt_test_${++seq}_${Date.now()}`) {
  return { id, object: "event", api_version: "2026-10-28.endive", created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object } };
}

const metadata = (r: Ref) => ({ cart_id: r.cartId, business_id: r.businessId });

const sessionCompleted = (r: Ref, o: { pi?: string; amount?: number; currency?: string; status?: string } = {}) =>
  event("checkout.session.completed", {
    id: `cs_test_${++seq}`,
    object: "checkout.session",
    amount_total: o.amount ?? 9998,
    currency: o.currency ?? "usd",
    payment_intent: o.pi ?? `pi_${seq}_${RUN}`,
    payment_status: o.status ?? "paid",
    metadata: metadata(r),
  });

const intentSucceeded = (r: Ref, pi: string, amount = 9998) =>
  event("payment_intent.succeeded", { id: pi, object: "payment_intent", amount_received: amount, currency: "usd", metadata: metadata(r) });

function deliver(payload: unknown, options: { secret?: string; timestamp?: number; tamper?: boolean; signature?: string | null } = {}) {
  const body = JSON.stringify(payload);
  const header =
    options.signature === undefined
      ? Stripe.webhooks.generateTestHeaderString({ payload: body, secret: options.secret ?? SECRET, timestamp: options.timestamp })
      : options.signature;
  const sent = options.tamper ? body.replace("9998", "1") : body;
  return call(POST, {
    method: "POST",
    path: "/api/webhooks/stripe",
    rawBody: sent,
    headers: { "content-type": "application/json", ...(header === null ? {} : { "stripe-signature": header }) },
  });
}

async function abandonedCart() {
  const { key, business } = await newBusiness();
  const res = await call(createCart, { key, path: "/api/carts", body: seedCart });
  const cartId = res.body.data.id as string;
  return { key, ref: { businessId: business.id, cartId } };
}

async function cartOf(key: string, id: string) {
  return (await call(getCart, { key, params: { id } })).body.data;
}

async function recoveredEvents(ref: Ref) {
  const events = await eventsFor(await getDb(), ref.businessId, ref.cartId);
  return events.filter((e) => e.type === "cart.recovered");
}

describe("POST /api/webhooks/stripe", () => {
  it("checkout.session.completed (paid) recovers the cart with the amount and time", async () => {
    const { key, ref } = await abandonedCart();
    const evt = sessionCompleted(ref, { amount: 9998 });
    const res = await deliver(evt);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, outcome: "applied" });
    const cart = await cartOf(key, ref.cartId);
    expect(cart).toMatchObject({ status: "recovered", recoveredValue: 99.98, recoveredAt: new Date(evt.created * 1000).toISOString() });
  });

  it("payment_intent.succeeded recovers the cart too", async () => {
    const { key, ref } = await abandonedCart();
    expect((await deliver(intentSucceeded(ref, `pi_alone_${RUN}`))).body.outcome).toBe("applied");
    expect((await cartOf(key, ref.cartId)).status).toBe("recovered");
  });

  it("checkout.session.async_payment_succeeded recovers a cart whose session completed unpaid", async () => {
    const { key, ref } = await abandonedCart();
    const unpaid = await deliver(sessionCompleted(ref, { status: "unpaid", pi: `pi_async_${RUN}` }));
    expect(unpaid.body.outcome).toBe("recorded");
    expect((await cartOf(key, ref.cartId)).status).toBe("abandoned");
    const later = { ...sessionCompleted(ref, { pi: `pi_async_${RUN}` }), type: "checkout.session.async_payment_succeeded" };
    expect((await deliver(later)).body.outcome).toBe("applied");
    expect((await cartOf(key, ref.cartId)).status).toBe("recovered");
  });

  it("a duplicate delivery changes nothing", async () => {
    const { ref } = await abandonedCart();
    const evt = sessionCompleted(ref);
    expect((await deliver(evt)).body.outcome).toBe("applied");
    const again = await deliver(evt);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe("duplicate");
    expect(await recoveredEvents(ref)).toHaveLength(1);
  });

  it("concurrent duplicates apply once", async () => {
    const { ref } = await abandonedCart();
    const evt = sessionCompleted(ref);
    const results = await Promise.all(Array.from({ length: 8 }, () => deliver(evt)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.outcome === "applied")).toHaveLength(1);
    expect(results.filter((r) => r.body.outcome === "duplicate")).toHaveLength(7);
    expect(await recoveredEvents(ref)).toHaveLength(1);
  });

  it("the session and intent events of one payment, in any order or at once, record one payment", async () => {
    for (const order of ["session-first", "intent-first", "together"] as const) {
      const { ref, key } = await abandonedCart();
      const pi = `pi_${order}_${++seq}`;
      const a = sessionCompleted(ref, { pi });
      const b = intentSucceeded(ref, pi);
      if (order === "together") await Promise.all([deliver(a), deliver(b)]);
      else for (const e of order === "session-first" ? [a, b] : [b, a]) await deliver(e);
      const rows = await (await getDb()).select().from(payments).where(eq(payments.cartId, ref.cartId));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ providerPaymentId: pi, amountMinor: 9998n });
      expect(rows[0]!.providerSessionId).toMatch(/^cs_test_/);
      expect(await recoveredEvents(ref)).toHaveLength(1);
      expect((await cartOf(key, ref.cartId)).status).toBe("recovered");
    }
  });

  it("a late checkout.session.expired does not undo a payment", async () => {
    const { key, ref } = await abandonedCart();
    await deliver(sessionCompleted(ref));
    const expired = event("checkout.session.expired", { id: "cs_test_old", object: "checkout.session", metadata: metadata(ref) });
    expect((await deliver(expired)).body.outcome).toBe("recorded");
    expect((await cartOf(key, ref.cartId)).status).toBe("recovered");
  });

  it("a second, different payment for a paid cart is kept visible, not applied twice", async () => {
    const { key, ref } = await abandonedCart();
    await deliver(sessionCompleted(ref, { pi: `pi_first_${RUN}` }));
    const second = await deliver(sessionCompleted(ref, { pi: `pi_second_${RUN}`, amount: 5000 }));
    expect(second.body.outcome).toBe("recorded");
    expect((await cartOf(key, ref.cartId)).recoveredValue).toBe(99.98);
    const types = (await eventsFor(await getDb(), ref.businessId, ref.cartId)).map((e) => e.type);
    expect(types).toContain("payment.duplicate");
  });

  it("takes Stripe's amount in the currency's minor units (JPY, KWD)", async () => {
    const { key, business } = await newBusiness();
    for (const [currency, price, stripeAmount, value] of [
      ["JPY", 1500, 1500, 1500],
      ["KWD", "2.125", 2125, 2.125],
    ] as const) {
      const res = await call(createCart, { key, path: "/api/carts", body: { ...seedCart, currency, items: [{ name: "X", quantity: 1, price }] } });
      const ref = { businessId: business.id, cartId: res.body.data.id };
      await deliver(sessionCompleted(ref, { amount: stripeAmount, currency: currency.toLowerCase() }));
      expect(await cartOf(key, ref.cartId)).toMatchObject({ status: "recovered", recoveredValue: value });
    }
  });

  it("ignores event types it does not handle and objects that are not ours, with 200", async () => {
    const unknown = await deliver(event("customer.created", { id: "cus_1", object: "customer" }));
    expect(unknown.status).toBe(200);
    expect(unknown.body.outcome).toBe("ignored");
    const foreign = await deliver(event("checkout.session.completed", { id: "cs_x", object: "checkout.session", payment_status: "paid", metadata: {} }));
    expect(foreign.body.outcome).toBe("ignored");
  });

  it("an event naming a cart of another business does not touch either", async () => {
    const a = await abandonedCart();
    const b = await abandonedCart();
    const res = await deliver(sessionCompleted({ businessId: b.ref.businessId, cartId: a.ref.cartId }));
    expect(res.body.outcome).toBe("unmatched");
    expect((await cartOf(a.key, a.ref.cartId)).status).toBe("abandoned");
  });

  describe("refuses deliveries it cannot trust, without recording them", () => {
    it.each([
      ["a tampered body", { tamper: true }],
      ["the wrong secret", { secret: "whsec_someone_else" }],
      ["a stale timestamp (replay)", { timestamp: Math.floor(Date.now() / 1000) - 600 }],
      ["a garbage signature", { signature: "t=1,v1=deadbeef" }],
      ["no signature", { signature: null }],
    ])("%s → 400", async (_name, options) => {
      const { key, ref } = await abandonedCart();
      const evt = sessionCompleted(ref);
      const res = await deliver(evt, options as never);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: { code: "BAD_REQUEST", details: { field: "stripe-signature" } } });
      expect((await cartOf(key, ref.cartId)).status).toBe("abandoned");
      const stored = await (await getDb()).select().from(stripeEvents).where(eq(stripeEvents.id, evt.id));
      expect(stored).toHaveLength(0);
    });
  });

  it("answers 503 when no webhook secret is configured, so Stripe retries later", async () => {
    process.env.STRIPE_WEBHOOK_SECRET = "";
    resetEnvForTests();
    try {
      const { ref } = await abandonedCart();
      const res = await deliver(sessionCompleted(ref));
      expect(res.status).toBe(503);
    } finally {
      process.env.STRIPE_WEBHOOK_SECRET = SECRET;
      resetEnvForTests();
    }
  });
});
