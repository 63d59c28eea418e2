import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts, discountCodes, events, paymentSessions, payments, stripeEvents, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { newId } from "@/lib/ids";
import { newBusiness } from "@/lib/testing/fixtures";
import { writeStripeCartPayment, type Receipt } from "./cart-payment";
import { handleStripeEvent } from "./stripe-events";
import { recordPayment, type PaymentInput } from "./service";

/** The one-statement cart payment: what it writes, and when it leaves the work to a transaction. */

const RUN = randomUUID().slice(0, 8);
let seq = 0;
let business: Business;

beforeAll(async () => {
  business = (await newBusiness()).business;
});

async function abandonedCart(b: Business = business): Promise<string> {
  const input = createCartInput.parse({ customerEmail: `buyer.${++seq}.${RUN}@example.com`, items: [{ name: "Mug", quantity: 2, price: "12.50" }] });
  return (await createCart(b, input)).id;
}

async function openSession(cartId: string, fields: Partial<typeof paymentSessions.$inferInsert> = {}): Promise<string> {
  const id = newId("ps");
  await (await getDb()).insert(paymentSessions).values({
    id,
    businessId: business.id,
    cartId,
    provider: "stripe",
    providerSessionId: `cs_cp_${++seq}_${RUN}`,
    url: "https://checkout.stripe.test/c/pay/x",
    amountMinor: 2500n,
    currency: "USD",
    expiresAt: new Date(Date.now() + 3600_000),
    ...fields,
  });
  return id;
}

/** Another business, whose active endpoint subscribes to cart.recovered. */
async function subscribedBusiness(): Promise<{ business: Business; endpointId: string }> {
  const { business: b } = await newBusiness();
  const endpointId = newId("wh");
  await (await getDb()).insert(webhookEndpoints).values({ id: endpointId, businessId: b.id, url: `https://hooks.example/${endpointId}`, events: ["cart.recovered"], secret: "whsec_test" });
  return { business: b, endpointId };
}

const receipt = (): Receipt => ({ id: `evt_cp_${++seq}_${RUN}`, type: "checkout.session.completed", livemode: false, createdAt: new Date("2026-11-02T10:00:00Z") });

const payment = (cartId: string, fields: Partial<PaymentInput> = {}): PaymentInput => ({
  businessId: business.id,
  cartId,
  provider: "stripe",
  providerPaymentId: `pi_cp_${++seq}_${RUN}`,
  providerSessionId: `cs_paid_${seq}_${RUN}`,
  paymentSessionId: null,
  amountMinor: 2500n,
  currency: "USD",
  paidAt: new Date("2026-11-02T10:00:00Z"),
  channel: "link",
  ...fields,
});

async function stateOf(cartId: string, eventId: string, businessId = business.id) {
  const db = await getDb();
  const [cart] = await db.select().from(carts).where(eq(carts.id, cartId));
  const [receipt] = await db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId));
  const paid = await db.select().from(payments).where(eq(payments.cartId, cartId));
  const written = await db
    .select({ type: events.type, data: events.data })
    .from(events)
    .where(and(eq(events.businessId, businessId), eq(events.subjectId, cartId)))
    .orderBy(asc(events.seq));
  return { cart: cart!, receipt, paid, types: written.map((e) => e.type), written };
}

describe("writeStripeCartPayment", () => {
  it("records the event with its outcome, the payment, the recovered cart and its events; closes the cart's other sessions", async () => {
    const cartId = await abandonedCart();
    const paying = await openSession(cartId);
    const otherTab = await openSession(cartId);
    const r = receipt();
    const written = await writeStripeCartPayment(await getDb(), r, payment(cartId, { paymentSessionId: paying }));

    const otherTabStripeId = (await (await getDb()).select().from(paymentSessions).where(eq(paymentSessions.id, otherTab)))[0]!.providerSessionId;
    expect(written).toMatchObject({ kind: "written", outcome: "recovered", duplicate: false, toExpire: [otherTabStripeId] });
    expect(written.kind === "written" && written.owed).toMatchObject({ subscriptions: [], discountCodeId: null });
    const s = await stateOf(cartId, r.id);
    expect(s.receipt).toMatchObject({ outcome: "applied", businessId: business.id, cartId, type: "checkout.session.completed" });
    expect(s.paid).toHaveLength(1);
    expect(s.paid[0]).toMatchObject({ amountMinor: 2500n, currency: "USD", provider: "stripe" });
    expect(s.cart).toMatchObject({ status: "recovered", recoveredAmountMinor: 2500n, recoveryChannel: "link", recoveryStep: null });
    expect(s.cart.recoveredAt?.toISOString()).toBe("2026-11-02T10:00:00.000Z");
    expect(s.types.slice(-2)).toEqual(["payment.succeeded", "cart.recovered"]);
    expect(s.types.filter((t) => t.startsWith("payment.") || t === "cart.recovered")).toHaveLength(2);
    const recovered = s.written.find((e) => e.type === "cart.recovered")!.data;
    expect(recovered).toEqual({
      paymentId: s.paid[0]!.id,
      provider: "stripe",
      providerPaymentId: s.paid[0]!.providerPaymentId,
      amountMinor: "2500",
      currency: "USD",
      channel: "link",
      from: "abandoned",
    });
    const sessions = await (await getDb()).select().from(paymentSessions).where(eq(paymentSessions.cartId, cartId));
    expect(Object.fromEntries(sessions.map((x) => [x.id, x.status]))).toEqual({ [paying]: "complete", [otherTab]: "expired" });
  });

  it("a repeat of the event writes nothing and says so; another event for the same payment is recorded, not applied", async () => {
    const cartId = await abandonedCart();
    const first = receipt();
    const p = payment(cartId);
    await writeStripeCartPayment(await getDb(), first, p);
    expect(await writeStripeCartPayment(await getDb(), first, p)).toMatchObject({ kind: "written", outcome: "no_cart", duplicate: true, toExpire: [] });
    const second = receipt();
    expect(await writeStripeCartPayment(await getDb(), second, p)).toMatchObject({ kind: "written", outcome: "already_recorded", duplicate: false, toExpire: [] });
    const s = await stateOf(cartId, second.id);
    expect(s.receipt?.outcome).toBe("recorded");
    expect(s.paid).toHaveLength(1);
    expect(s.types.filter((t) => t === "cart.recovered")).toHaveLength(1);
  });

  it("a cart it cannot find is recorded as unmatched", async () => {
    const r = receipt();
    const written = await writeStripeCartPayment(await getDb(), r, payment(`cart_missing_${RUN}`));
    expect(written).toMatchObject({ kind: "written", outcome: "no_cart", duplicate: false });
    expect((await stateOf(`cart_missing_${RUN}`, r.id)).receipt).toMatchObject({ outcome: "unmatched", cartId: `cart_missing_${RUN}` });
  });

  it("writes nothing when an endpoint awaits the cart's webhook or the session holds a discount code", async () => {
    const { business: subscribed } = await subscribedBusiness();
    const db = await getDb();
    const cartId = await abandonedCart(subscribed);
    const r = receipt();
    expect(await writeStripeCartPayment(db, r, { ...payment(cartId), businessId: subscribed.id })).toEqual({ kind: "needs_transaction" });

    const discounted = await abandonedCart();
    const codeId = newId("disc");
    await db.insert(discountCodes).values({ id: codeId, businessId: business.id, cartId: discounted, code: `CP${seq}${RUN}`, type: "percentage", value: 1000n, expiresAt: new Date(Date.now() + 3600_000) });
    const session = await openSession(discounted, { discountCodeId: codeId });
    const r2 = receipt();
    expect(await writeStripeCartPayment(db, r2, payment(discounted, { paymentSessionId: session }))).toEqual({ kind: "needs_transaction" });

    for (const [cartId_, eventId] of [[cartId, r.id], [discounted, r2.id]] as const) {
      const s = await stateOf(cartId_, eventId);
      expect(s.receipt).toBeUndefined();
      expect(s.paid).toHaveLength(0);
      expect(s.cart.status).toBe("abandoned");
    }
    expect((await db.select().from(paymentSessions).where(eq(paymentSessions.id, session)))[0]!.status).toBe("open");
  });
});

describe("a paid cart's Stripe event that owes a webhook", () => {
  it("is applied by the same statement in a transaction, with the delivery of the cart as recovered", async () => {
    const { business: subscribed, endpointId } = await subscribedBusiness();
    const db = await getDb();
    const cartId = await abandonedCart(subscribed);
    const event = {
      id: `evt_cp_${++seq}_${RUN}`,
      object: "event",
      created: 1_795_000_000,
      livemode: false,
      type: "checkout.session.completed",
      data: { object: { id: `cs_se_${seq}_${RUN}`, object: "checkout.session", amount_total: 2500, currency: "usd", payment_intent: `pi_se_${seq}_${RUN}`, payment_status: "paid", metadata: { cart_id: cartId, business_id: subscribed.id } } },
    } as unknown as Stripe.Event;

    expect(await handleStripeEvent(event)).toBe("applied");
    expect(await handleStripeEvent(event)).toBe("duplicate");
    const s = await stateOf(cartId, event.id, subscribed.id);
    expect(s.receipt).toMatchObject({ outcome: "applied", cartId });
    expect(s.paid).toHaveLength(1);
    expect(s.types.filter((t) => t === "cart.recovered")).toHaveLength(1);
    const deliveries = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
    expect(deliveries.map((d) => d.eventType)).toEqual(["cart.recovered"]);
    expect(JSON.parse(deliveries[0]!.payload)).toMatchObject({ type: "cart.recovered", data: { cart: { id: cartId, status: "recovered" } } });
  });
});

describe("recordPayment", () => {
  it("owes the subscribed endpoint a delivery of the cart as recovered, written in the caller's transaction", async () => {
    const { business: subscribed, endpointId } = await subscribedBusiness();
    const db = await getDb();
    const cartId = await abandonedCart(subscribed);
    const outcome = await db.transaction((tx) => recordPayment(tx, { ...payment(cartId), businessId: subscribed.id }));
    expect(outcome).toBe("recovered");
    const deliveries = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
    expect(deliveries.map((d) => d.eventType)).toEqual(["cart.recovered"]);
    const body = JSON.parse(deliveries[0]!.payload) as { type: string; data: { cart: { id: string; status: string } } };
    expect(body).toMatchObject({ type: "cart.recovered", data: { cart: { id: cartId, status: "recovered" } } });
  });

  it("a rolled-back transaction leaves neither the payment nor the recovery", async () => {
    const cartId = await abandonedCart();
    const db = await getDb();
    const failed = db.transaction(async (tx) => {
      await recordPayment(tx, payment(cartId));
      throw new Error("later step failed");
    });
    await expect(failed).rejects.toThrow("later step failed");
    const [cart] = await db.select().from(carts).where(eq(carts.id, cartId));
    expect(cart!.status).toBe("abandoned");
    expect(await db.select().from(payments).where(eq(payments.cartId, cartId))).toHaveLength(0);
  });
});
