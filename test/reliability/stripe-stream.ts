import { seededRandom } from "@/lib/seeded-random";

/**
 * A reproducible stream of Stripe events for many carts and checkout orders, independent of the
 * business it is delivered to: `plan` decides what happens (seeded), `materialize` gives it one
 * business's ids (every Stripe id carries the business's tag, as ids are unique database-wide).
 */

export type SubjectKind = "cart" | "order";

/** What one unique event says, before it has ids. */
export type PlannedEvent = {
  n: number;
  type: "checkout.session.completed" | "payment_intent.succeeded" | "checkout.session.expired";
  subject: { kind: SubjectKind; index: number };
  /** The payment (PaymentIntent) slot, for the two payment events. */
  payment?: number;
  /** The Checkout Session slot. */
  session: number;
  /** Seconds after the stream's start: both events of one payment share it. */
  created: number;
};

/** One HTTP delivery: an event (a second delivery of one is a duplicate), or a forged/stale one. */
export type Delivery = { event: number; kind: "valid" | "stale" | "wrong-secret" | "tampered" };

export type Plan = {
  carts: number;
  orders: number;
  events: PlannedEvent[];
  /** Deliveries in the events' order (each duplicate somewhere after its original). */
  inOrder: Delivery[];
  /** Open sessions to create before delivery, per subject: the sessions the expired events close. */
  openSessions: { subject: { kind: SubjectKind; index: number }; session: number }[];
  /** What the stream must leave behind, computed from the plan alone. */
  expect: { paidCarts: number; paidOrders: number; payments: number; duplicatePayments: number; closedSessions: number; duplicates: number; refused: number };
};

export function shuffle<T>(items: T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * About `total` deliveries: three of four subjects get paid (checkout.session.completed and
 * payment_intent.succeeded of one PaymentIntent), one in twenty of those twice (a second tab:
 * same amount and time, so the outcome does not depend on which arrives first); every subject has
 * 1–8 other sessions expire. A quarter of the deliveries are duplicates; 1% are forged or stale.
 */
export function plan(options: { total: number; seed: number; duplicateShare?: number }): Plan {
  const rand = seededRandom(options.seed);
  const duplicateShare = options.duplicateShare ?? 0.25;
  const unique = Math.round(options.total * (0.99 - duplicateShare));
  const events: PlannedEvent[] = [];
  const openSessions: Plan["openSessions"] = [];
  const subjects: { kind: SubjectKind; index: number }[] = [];
  let carts = 0;
  let orders = 0;
  let payments = 0;
  let sessions = 0;
  let clock = 0;
  const expect = { paidCarts: 0, paidOrders: 0, payments: 0, duplicatePayments: 0, closedSessions: 0, duplicates: 0, refused: 0 };
  const push = (e: Omit<PlannedEvent, "n">) => events.push({ ...e, n: events.length });

  while (events.length < unique) {
    const kind: SubjectKind = rand() < 0.75 ? "cart" : "order";
    const subject = { kind, index: kind === "cart" ? carts++ : orders++ };
    subjects.push(subject);
    const paid = rand() < 0.75;
    const expiring = 1 + Math.floor(rand() * 8);
    const timeline: Omit<PlannedEvent, "n">[] = [];
    for (let i = 0; i < expiring; i++) {
      const session = sessions++;
      timeline.push({ type: "checkout.session.expired", subject, session, created: 0 });
      // A paid subject's other tabs are closed by the payment itself; only an unpaid one's are ours to close.
      if (!paid) {
        openSessions.push({ subject, session });
        expect.closedSessions++;
      }
    }
    if (paid) {
      const times = rand() < 0.05 ? 2 : 1;
      if (kind === "cart") expect.paidCarts++;
      else expect.paidOrders++;
      expect.duplicatePayments += times - 1;
      for (let t = 0; t < times; t++) {
        const payment = payments++;
        expect.payments++;
        const session = sessions++;
        const at = timeline.length;
        timeline.splice(at, 0, { type: "checkout.session.completed", subject, payment, session, created: 0 }, { type: "payment_intent.succeeded", subject, payment, session, created: 0 });
      }
    }
    // The subject's events in a plausible order. All its payment events share one second: which
    // of two payments recovers the cart then changes nothing but which id is "first".
    let paidAt: number | undefined;
    for (const e of timeline) {
      if (e.type === "checkout.session.expired" || paidAt === undefined) clock += 1 + Math.floor(rand() * 5);
      if (e.type !== "checkout.session.expired") paidAt ??= clock;
      push({ ...e, created: e.type === "checkout.session.expired" ? clock : paidAt! });
    }
  }
  if (orders === 0) throw new Error("plan: too few events for an order");

  const inOrder: Delivery[] = events.map((e) => ({ event: e.n, kind: "valid" }));
  const duplicates = Math.round(options.total * duplicateShare);
  for (let i = 0; i < duplicates; i++) {
    const original = Math.floor(rand() * events.length);
    const position = inOrder.findIndex((d) => d.event === original && d.kind === "valid");
    inOrder.splice(position + 1 + Math.floor(rand() * (inOrder.length - position)), 0, { event: original, kind: "valid" });
  }
  expect.duplicates = duplicates;
  const forged = Math.max(3, options.total - inOrder.length);
  const kinds: Delivery["kind"][] = ["stale", "wrong-secret", "tampered"];
  for (let i = 0; i < forged; i++) {
    inOrder.splice(Math.floor(rand() * inOrder.length), 0, { event: Math.floor(rand() * events.length), kind: kinds[i % 3]! });
  }
  expect.refused = forged;
  return { carts, orders, events, inOrder, openSessions, expect };
}

/** One business's ids for the plan. */
export type Target = { tag: string; businessId: string; cartIds: string[]; orderIds: string[]; amounts: { cart: bigint[]; order: bigint[] } };

export const eventId = (t: Target, n: number) => `evt_${t.tag}_${n}`;
export const intentId = (t: Target, p: number) => `pi_${t.tag}_${p}`;
export const sessionId = (t: Target, s: number) => `cs_${t.tag}_${s}`;

/** The Stripe event as Stripe would send it (only the fields Cartback reads, plus the envelope). */
export function materialize(t: Target, e: PlannedEvent, start: number): Record<string, unknown> {
  const id = e.subject.kind === "cart" ? t.cartIds[e.subject.index]! : t.orderIds[e.subject.index]!;
  const metadata = { business_id: t.businessId, [e.subject.kind === "cart" ? "cart_id" : "order_id"]: id };
  const amount = Number((e.subject.kind === "cart" ? t.amounts.cart : t.amounts.order)[e.subject.index]!);
  const object =
    e.type === "checkout.session.completed"
      ? { id: sessionId(t, e.session), object: "checkout.session", amount_total: amount, currency: "usd", payment_intent: intentId(t, e.payment!), payment_status: "paid", status: "complete", metadata }
      : e.type === "payment_intent.succeeded"
        ? { id: intentId(t, e.payment!), object: "payment_intent", amount_received: amount, currency: "usd", status: "succeeded", metadata }
        : { id: sessionId(t, e.session), object: "checkout.session", status: "expired", payment_status: "unpaid", metadata };
  return { id: eventId(t, e.n), object: "event", api_version: "2026-10-28.endive", created: start + e.created, livemode: false, pending_webhooks: 1, type: e.type, data: { object } };
}
