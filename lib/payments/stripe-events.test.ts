import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { paymentSessions, stripeEvents } from "@/db/schema";
import { newId } from "@/lib/ids";
import { recordAuthorization } from "@/lib/twig/service";
import { handleStripeEvent } from "./stripe-events";

/** Stripe's authorization events for Twig orders (capture "manual"), with Twig's bookkeeping stubbed. */

vi.mock("@/lib/twig/service", () => ({ recordAuthorization: vi.fn() }));
const record = vi.mocked(recordAuthorization);

// Stripe ids are unique across the whole database, which test files share on Postgres.
const RUN = randomUUID().slice(0, 8);
let seq = 0;

beforeEach(() => {
  record.mockReset();
  record.mockResolvedValue("authorized");
});

function event(type: string, object: Record<string, unknown>): Stripe.Event {
  return { id: `evt_twig_${++seq}_${RUN}`, object: "event", created: 1_760_000_000 + seq, livemode: false, type, data: { object } } as unknown as Stripe.Event;
}

/** A Twig order's open Stripe payment session, and the metadata we put on its session and intent. */
async function heldOrder() {
  const ref = { businessId: `business_twig${RUN}`, orderId: `order_twig${++seq}${RUN}`, sessionId: newId("ps") };
  await (await getDb()).insert(paymentSessions).values({
    id: ref.sessionId,
    businessId: ref.businessId,
    orderId: ref.orderId,
    provider: "stripe",
    providerSessionId: `cs_twig_${seq}_${RUN}`,
    url: "https://checkout.stripe.test/c/pay/x",
    amountMinor: 150000n,
    currency: "USD",
    expiresAt: new Date(Date.now() + 3600_000),
  });
  const metadata = { order_id: ref.orderId, business_id: ref.businessId, payment_session_id: ref.sessionId, capture: "manual" };
  return { ...ref, metadata };
}

const sessionCompleted = (metadata: Record<string, string>, o: { pi?: unknown; amount?: number; currency?: string } = {}) =>
  event("checkout.session.completed", {
    id: `cs_twig_${++seq}_${RUN}`,
    object: "checkout.session",
    amount_total: o.amount ?? 150000,
    currency: o.currency ?? "usd",
    payment_intent: o.pi ?? `pi_twig_${seq}_${RUN}`,
    // A hold completes unpaid: nothing is captured yet.
    payment_status: "unpaid",
    status: "complete",
    metadata,
  });

const intent = (type: string, metadata: Record<string, string>, o: Record<string, unknown> = {}) =>
  event(type, {
    id: `pi_twig_${++seq}_${RUN}`,
    object: "payment_intent",
    amount: 150000,
    amount_capturable: 150000,
    amount_received: 0,
    currency: "usd",
    status: "requires_capture",
    metadata,
    ...o,
  });

async function sessionRow(id: string) {
  return (await (await getDb()).select().from(paymentSessions).where(eq(paymentSessions.id, id)))[0]!;
}

describe("Twig authorizations from Stripe events", () => {
  it("checkout.session.completed (capture manual, unpaid) records the authorization with the session's intent, amount and time", async () => {
    const o = await heldOrder();
    const evt = sessionCompleted(o.metadata, { pi: `pi_held_${RUN}` });
    expect(await handleStripeEvent(evt)).toBe("applied");
    expect(record).toHaveBeenCalledTimes(1);
    expect(record.mock.calls[0]![1]).toEqual({
      businessId: o.businessId,
      orderId: o.orderId,
      provider: "stripe",
      providerRef: `pi_held_${RUN}`,
      amountMinor: 150000n,
      currency: "USD",
      at: new Date(evt.created * 1000),
      // recordAuthorization closes it as complete, in the same transaction.
      paymentSessionId: o.sessionId,
    });
    const [stored] = await (await getDb()).select().from(stripeEvents).where(eq(stripeEvents.id, evt.id));
    expect(stored).toMatchObject({ outcome: "applied", businessId: o.businessId });
  });

  it("takes the intent's id when Stripe sends it expanded, and the amount in the currency's minor units", async () => {
    const o = await heldOrder();
    await handleStripeEvent(sessionCompleted(o.metadata, { pi: { id: `pi_expanded_${RUN}`, object: "payment_intent" }, amount: 6360, currency: "kwd" }));
    expect(record.mock.calls[0]![1]).toMatchObject({ providerRef: `pi_expanded_${RUN}`, amountMinor: 6360n, currency: "KWD" });
  });

  it("payment_intent.amount_capturable_updated records the amount held", async () => {
    const o = await heldOrder();
    const evt = intent("payment_intent.amount_capturable_updated", o.metadata);
    expect(await handleStripeEvent(evt)).toBe("applied");
    expect(record.mock.calls[0]![1]).toMatchObject({ providerRef: (evt.data.object as Stripe.PaymentIntent).id, amountMinor: 150000n, currency: "USD" });
  });

  it("maps the bookkeeping's answers: already recorded and not authorizable → recorded, no order → unmatched; the session stays open", async () => {
    for (const [answer, outcome] of [
      ["already_recorded", "recorded"],
      ["not_authorizable", "recorded"],
      ["no_order", "unmatched"],
    ] as const) {
      const o = await heldOrder();
      record.mockResolvedValueOnce(answer);
      expect(await handleStripeEvent(sessionCompleted(o.metadata))).toBe(outcome);
      expect((await sessionRow(o.sessionId)).status).toBe("open");
    }
  });

  it("a redelivered event is a duplicate and records nothing again", async () => {
    const o = await heldOrder();
    const evt = sessionCompleted(o.metadata);
    await handleStripeEvent(evt);
    expect(await handleStripeEvent(evt)).toBe("duplicate");
    expect(record).toHaveBeenCalledTimes(1);
  });

  it("a held intent's succeeded (our own capture) and a capturable update that is no longer a hold record nothing", async () => {
    const o = await heldOrder();
    expect(await handleStripeEvent(intent("payment_intent.succeeded", o.metadata, { status: "succeeded", amount_received: 150000, amount_capturable: 0 }))).toBe("recorded");
    expect(await handleStripeEvent(intent("payment_intent.amount_capturable_updated", o.metadata, { status: "canceled", amount_capturable: 0 }))).toBe("recorded");
    expect(record).not.toHaveBeenCalled();
  });

  it("ignores capturable updates for intents that are not Twig holds", async () => {
    const o = await heldOrder();
    const { capture: _, ...automatic } = o.metadata;
    expect(await handleStripeEvent(intent("payment_intent.amount_capturable_updated", automatic))).toBe("ignored");
    expect(await handleStripeEvent(intent("payment_intent.amount_capturable_updated", {}))).toBe("ignored");
    expect(record).not.toHaveBeenCalled();
  });
});
