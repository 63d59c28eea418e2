import { randomUUID } from "node:crypto";
import { and, count, eq, like } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useEnv } from "@/lib/testing/env";
import { POST } from "@/app/api/webhooks/stripe/route";
import { getDb } from "@/db/client";
import { carts, events, orders, paymentSessions, payments, stripeEvents } from "@/db/schema";
import { createCart } from "@/lib/carts/service";
import { newId } from "@/lib/ids";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { placedOrder } from "@/lib/testing/orders";
import { seededRandom } from "@/lib/seeded-random";
import { eventId, materialize, plan, shuffle, type Delivery, type Plan, type Target } from "./stripe-stream";

/**
 * Issue 9, "Stripe": one seeded stream of signed events (checkout.session.completed,
 * payment_intent.succeeded and checkout.session.expired for many carts and checkout orders, a
 * quarter of the deliveries duplicates, 1% forged or stale) is delivered through the webhook route
 * to two businesses with the same fixtures: (a) in order, one at a time; (b) shuffled, 8–16 at
 * once. Both must end in the same state, each event applied exactly once.
 *
 * 10,000 deliveries on Postgres (TEST_DATABASE_URL); PGlite runs 2,000 so the default suite stays
 * quick (PGlite serializes every transaction; RELIABILITY_STRIPE_EVENTS overrides the count).
 */

const SECRET = "whsec_reliability_stream";
const SEED = Number(process.env.RELIABILITY_SEED ?? 20261123);
const ON_POSTGRES = Boolean(process.env.TEST_DATABASE_URL);
const TOTAL = Number(process.env.RELIABILITY_STRIPE_EVENTS ?? (ON_POSTGRES ? 10_000 : 2_000));
const START = Math.floor(Date.now() / 1000) - 86_400;

let restoreEnv: () => void;
beforeAll(() => {
  restoreEnv = useEnv({ STRIPE_WEBHOOK_SECRET: SECRET });
});
afterAll(() => restoreEnv());

/** Runs `work` over `items` with at most `width` at once. */
async function pool<T>(items: T[], width: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

/** A business with the plan's carts (abandoned) and checkout orders (pending), and the open sessions its expired events close. */
async function fixtures(p: Plan): Promise<Target> {
  const { business } = await newBusiness({ defaultCurrency: "USD" });
  const target: Target = { tag: randomUUID().slice(0, 8), businessId: business.id, cartIds: [], orderIds: [], amounts: { cart: [], order: [] } };
  const width = ON_POSTGRES ? 4 : 1;
  await pool(Array.from({ length: p.carts }, (_, i) => i), width, async (i) => {
    const cart = await createCart(business, { customerEmail: `shopper${i}@stream.test`, currency: "USD", items: [{ name: "Mug", quantity: 1 + (i % 3), price: 10 + (i % 7) }] });
    target.cartIds[i] = cart.id;
    target.amounts.cart[i] = cart.totalMinor;
  });
  await pool(Array.from({ length: p.orders }, (_, i) => i), width, async (i) => {
    const { order } = await placedOrder(business, { cart: { items: [{ productId: `prod_${i % 9}`, quantity: 1, price: 20 + (i % 5) }] } });
    target.orderIds[i] = order.id;
    target.amounts.order[i] = order.totalMinor;
  });
  const db = await getDb();
  const rows = p.openSessions.map(({ subject, session }) => ({
    id: newId("ps"),
    businessId: business.id,
    ...(subject.kind === "cart" ? { cartId: target.cartIds[subject.index]! } : { orderId: target.orderIds[subject.index]! }),
    provider: "stripe" as const,
    providerSessionId: `cs_${target.tag}_${session}`,
    url: `https://checkout.stripe.test/c/pay/cs_${target.tag}_${session}`,
    amountMinor: subject.kind === "cart" ? target.amounts.cart[subject.index]! : target.amounts.order[subject.index]!,
    currency: "USD",
    expiresAt: new Date((START + 86_400) * 1000),
  }));
  for (let i = 0; i < rows.length; i += 500) await db.insert(paymentSessions).values(rows.slice(i, i + 500));
  return target;
}

type Answer = { event: number; kind: Delivery["kind"]; status: number; outcome?: string };

async function deliver(t: Target, p: Plan, d: Delivery): Promise<Answer> {
  const body = JSON.stringify(materialize(t, p.events[d.event]!, START));
  const now = Math.floor(Date.now() / 1000);
  const header = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: d.kind === "wrong-secret" ? "whsec_someone_else" : SECRET,
    timestamp: d.kind === "stale" ? now - 600 : now,
  });
  const sent = d.kind === "tampered" ? body.replace(/"amount_(total|received)":\d+/, '"amount_$1":1').replace('"livemode":false', '"livemode":true') : body;
  const res = await call(POST, { method: "POST", path: "/api/webhooks/stripe", rawBody: sent, headers: { "content-type": "application/json", "stripe-signature": header } });
  return { event: d.event, kind: d.kind, status: res.status, outcome: res.body?.outcome };
}

/** Everything the stream can change, in the plan's terms (the business's ids and tag taken out). */
async function state(t: Target) {
  const db = await getDb();
  const plain = (s: string | null) => (s === null ? null : s.replaceAll(t.tag, "T"));
  const cartIndex = new Map(t.cartIds.map((id, i) => [id, i]));
  const orderIndex = new Map(t.orderIds.map((id, i) => [id, i]));
  const cartRows = new Map((await db.select().from(carts).where(eq(carts.businessId, t.businessId))).map((r) => [r.id, r]));
  const orderRows = new Map((await db.select().from(orders).where(eq(orders.businessId, t.businessId))).map((r) => [r.id, r]));
  const paymentRows = await db.select().from(payments).where(eq(payments.businessId, t.businessId));
  const sessionRows = await db
    .select({ providerSessionId: paymentSessions.providerSessionId, status: paymentSessions.status })
    .from(paymentSessions)
    .where(and(eq(paymentSessions.businessId, t.businessId), like(paymentSessions.providerSessionId, `cs_${t.tag}_%`)));
  // Which of a payment's two events "applied" depends on which came first; how many applied does not.
  const byType = await db.select({ key: stripeEvents.type, n: count() }).from(stripeEvents).where(eq(stripeEvents.businessId, t.businessId)).groupBy(stripeEvents.type);
  const byOutcome = await db.select({ key: stripeEvents.outcome, n: count() }).from(stripeEvents).where(eq(stripeEvents.businessId, t.businessId)).groupBy(stripeEvents.outcome);
  const domain = await db.select({ type: events.type, n: count() }).from(events).where(eq(events.businessId, t.businessId)).groupBy(events.type);
  return {
    carts: t.cartIds.map((id) => {
      const c = cartRows.get(id)!;
      return [c.status, c.recoveredAmountMinor, c.recoveredAt?.toISOString() ?? null, c.recoveryChannel];
    }),
    orders: t.orderIds.map((id) => {
      const o = orderRows.get(id)!;
      return [o.status, o.capturedMinor, o.paidAt?.toISOString() ?? null];
    }),
    payments: paymentRows
      .map((r) => [r.cartId ? `cart ${cartIndex.get(r.cartId)}` : `order ${orderIndex.get(r.orderId!)}`, plain(r.providerPaymentId), plain(r.providerSessionId), r.amountMinor, r.paidAt.toISOString()].join(" | "))
      .sort(),
    sessions: sessionRows.map((s) => `${plain(s.providerSessionId)} ${s.status}`).sort(),
    stripeEvents: [...byType, ...byOutcome].map((s) => `${s.key} ${s.n}`).sort(),
    domainEvents: domain.map((d) => `${d.type} ${d.n}`).sort(),
  };
}

/** Each event's valid deliveries: exactly one took effect, the rest answered "duplicate"; forged and stale ones were refused. */
function assertExactlyOnce(p: Plan, answers: Answer[]) {
  const refused = answers.filter((a) => a.kind !== "valid");
  expect(refused.every((a) => a.status === 400)).toBe(true);
  expect(refused).toHaveLength(p.expect.refused);
  const valid = answers.filter((a) => a.kind === "valid");
  expect(valid.filter((a) => a.status !== 200)).toEqual([]);
  const effective = new Map<number, number>();
  for (const a of valid) if (a.outcome !== "duplicate") effective.set(a.event, (effective.get(a.event) ?? 0) + 1);
  expect(effective.size).toBe(p.events.length);
  expect([...effective.values()].every((n) => n === 1)).toBe(true);
  expect(valid.filter((a) => a.outcome === "duplicate")).toHaveLength(p.expect.duplicates);
}

/** What the plan alone says the state must be. */
function assertExpected(p: Plan, s: Awaited<ReturnType<typeof state>>) {
  expect(s.carts.filter((c) => c[0] === "recovered")).toHaveLength(p.expect.paidCarts);
  expect(s.carts.filter((c) => c[0] !== "recovered").every((c) => c[0] === "abandoned")).toBe(true);
  expect(s.orders.filter((o) => o[0] === "processing")).toHaveLength(p.expect.paidOrders);
  expect(s.orders.filter((o) => o[0] !== "processing").every((o) => o[0] === "pending")).toBe(true);
  expect(s.payments).toHaveLength(p.expect.payments);
  expect(s.sessions.filter((x) => x.endsWith(" expired"))).toHaveLength(p.expect.closedSessions);
  expect(s.sessions).toHaveLength(p.expect.closedSessions);
  const n = (line: string) => Number(s.domainEvents.find((d) => d.startsWith(`${line} `))?.split(" ")[1] ?? 0);
  expect(n("cart.recovered")).toBe(p.expect.paidCarts);
  expect(n("order.paid")).toBe(p.expect.paidOrders);
  expect(n("payment.duplicate")).toBe(p.expect.duplicatePayments);
  expect(n("checkout.expired")).toBe(p.expect.closedSessions);
  const stored = s.stripeEvents.filter((line) => line.includes(".")).reduce((sum, line) => sum + Number(line.split(" ")[1]), 0);
  expect(stored).toBe(p.events.length);
  expect(s.stripeEvents).toContain(`applied ${p.expect.paidCarts + p.expect.paidOrders}`);
}

describe(`Stripe: ${TOTAL.toLocaleString("en-US")} signed deliveries, in order and shuffled`, () => {
  const p = plan({ total: TOTAL, seed: SEED });
  const timings: Record<string, number> = {};

  it("the plan has the promised shape", () => {
    expect(p.inOrder).toHaveLength(TOTAL);
    const share = p.expect.duplicates / TOTAL;
    expect(share).toBeGreaterThanOrEqual(0.2);
    expect(share).toBeLessThanOrEqual(0.3);
    const types = new Set(p.events.map((e) => e.type));
    expect(types).toEqual(new Set(["checkout.session.completed", "payment_intent.succeeded", "checkout.session.expired"]));
    expect(p.carts).toBeGreaterThan(10);
    expect(p.orders).toBeGreaterThan(10);
  });

  it("ends in the same state, each event applied exactly once, whatever the order and concurrency", { timeout: 600_000 }, async () => {
    let t0 = Date.now();
    const [a, b] = [await fixtures(p), await fixtures(p)];
    timings.fixtures = Date.now() - t0;

    t0 = Date.now();
    const inOrder: Answer[] = [];
    for (const d of p.inOrder) inOrder.push(await deliver(a, p, d));
    timings.inOrder = Date.now() - t0;

    t0 = Date.now();
    const rand = seededRandom(SEED + 1);
    const shuffled = shuffle(p.inOrder, rand);
    const concurrent: Answer[] = [];
    for (let i = 0; i < shuffled.length; ) {
      const width = 8 + Math.floor(rand() * 9);
      concurrent.push(...(await Promise.all(shuffled.slice(i, i + width).map((d) => deliver(b, p, d)))));
      i += width;
    }
    timings.shuffled = Date.now() - t0;

    assertExactlyOnce(p, inOrder);
    assertExactlyOnce(p, concurrent);
    const [stateA, stateB] = [await state(a), await state(b)];
    assertExpected(p, stateA);
    expect(stateB).toEqual(stateA);
    console.info(
      `[reliability] stripe: ${TOTAL} deliveries × 2 (${p.events.length} events, ${p.expect.duplicates} duplicates, ${p.expect.refused} forged/stale; ` +
        `${p.carts} carts, ${p.orders} orders) on ${ON_POSTGRES ? "Postgres" : "PGlite"}: fixtures ${timings.fixtures} ms, in order ${timings.inOrder} ms, shuffled ${timings.shuffled} ms`,
    );
  });
});

describe("Stripe: replayed, stale and wrongly signed deliveries", () => {
  async function oneCart() {
    const { business } = await newBusiness();
    const cart = await createCart(business, { customerEmail: "replay@stream.test", items: [{ name: "Mug", quantity: 1, price: 12 }] });
    const tag = randomUUID().slice(0, 8);
    const target: Target = { tag, businessId: business.id, cartIds: [cart.id], orderIds: [], amounts: { cart: [cart.totalMinor], order: [] } };
    const paid = materialize(target, { n: 0, type: "checkout.session.completed", subject: { kind: "cart", index: 0 }, payment: 0, session: 0, created: 0 }, START);
    return { target, cart, body: JSON.stringify(paid) };
  }
  const send = (body: string, header: string) =>
    call(POST, { method: "POST", path: "/api/webhooks/stripe", rawBody: body, headers: { "content-type": "application/json", "stripe-signature": header } });
  const stored = async (id: string) => (await (await getDb()).select().from(stripeEvents).where(eq(stripeEvents.id, id))).length;
  const paymentsOf = async (cartId: string) => (await (await getDb()).select().from(payments).where(eq(payments.cartId, cartId))).length;

  it("a second delivery of a processed event is acknowledged and changes nothing", async () => {
    const { target, cart, body } = await oneCart();
    const first = await send(body, Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }));
    expect(first.body).toEqual({ received: true, outcome: "applied" });
    const again = await send(body, Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: true, outcome: "duplicate" });
    expect(await stored(eventId(target, 0))).toBe(1);
    expect(await paymentsOf(cart.id)).toBe(1);
  });

  it("a captured request replayed 10 minutes later is refused, before or after the real one", async () => {
    const { target, cart, body } = await oneCart();
    const old = Math.floor(Date.now() / 1000) - 600;
    const captured = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, timestamp: old });
    const replayed = await send(body, captured);
    expect(replayed.status).toBe(400);
    expect(replayed.body).toMatchObject({ success: false, error: { code: "BAD_REQUEST", details: { field: "stripe-signature" } } });
    expect(await stored(eventId(target, 0))).toBe(0);
    expect(await paymentsOf(cart.id)).toBe(0);
    expect((await send(body, Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }))).body.outcome).toBe("applied");
    expect((await send(body, captured)).status).toBe(400);
    expect(await paymentsOf(cart.id)).toBe(1);
  });

  it.each([
    ["another secret", (body: string) => ({ body, header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: "whsec_attacker" }) })],
    ["a body changed after signing", (body: string) => ({ body: body.replace(/"amount_total":\d+/, '"amount_total":1'), header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) })],
    ["another event's signature", (body: string) => ({ body, header: Stripe.webhooks.generateTestHeaderString({ payload: body.replace("evt_", "evt_x"), secret: SECRET }) })],
    ["a v0 (test-scheme) signature only", (body: string) => ({ body, header: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET, scheme: "v0" }) })],
    ["an unsigned header", (body: string) => ({ body, header: `t=${Math.floor(Date.now() / 1000)}` })],
  ])("refuses %s, recording nothing", async (_name, forge) => {
    const { target, cart, body } = await oneCart();
    const { body: sent, header } = forge(body);
    const res = await send(sent, header);
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe("stripe-signature");
    expect(await stored(eventId(target, 0))).toBe(0);
    expect(await paymentsOf(cart.id)).toBe(0);
  });
});
