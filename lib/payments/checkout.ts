import { and, eq, gt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { businesses, paymentSessions, recoveryLinks } from "@/db/schema";
import type { CartView } from "@/lib/carts/queries";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { toStripeAmount } from "@/lib/money";
import { recordPayment, type PaymentOutcome } from "./service";
import { paymentMode, stripe } from "./stripe";

const MIN_STRIPE_LIFETIME_MS = 31 * 60_000; // Stripe wants 30 min to 24 h
const MAX_STRIPE_LIFETIME_MS = 24 * 3600_000;
const TEST_LIFETIME_MS = 60 * 60_000;

type LinkRef = { id: string; token: string; expiresAt: Date };

/**
 * A fresh payment session for the cart as it is now: a Stripe Checkout Session with the cart's
 * items, or a test-mode session of ours when Stripe is not configured. Returns where to send the customer.
 */
export async function startPaymentSession(cart: CartView, link: LinkRef, now = new Date()): Promise<string> {
  const id = newId("ps");
  const client = stripe();
  const appUrl = env().APP_URL;
  const db = await getDb();
  const base = {
    id,
    businessId: cart.businessId,
    cartId: cart.id,
    recoveryLinkId: link.id,
    amountMinor: cart.totalMinor,
    currency: cart.currency,
    createdAt: now,
  };
  if (!client) {
    const url = `${appUrl}/pay/test/${id}`;
    await db.insert(paymentSessions).values({ ...base, provider: "test", url, expiresAt: new Date(now.getTime() + TEST_LIFETIME_MS) });
    return url;
  }
  const lifetime = Math.min(MAX_STRIPE_LIFETIME_MS, Math.max(MIN_STRIPE_LIFETIME_MS, link.expiresAt.getTime() - now.getTime()));
  const expiresAt = new Date(now.getTime() + lifetime);
  const metadata = { cart_id: cart.id, business_id: cart.businessId, recovery_link_id: link.id, payment_session_id: id };
  const session = await client.checkout.sessions.create(
    {
      mode: "payment",
      line_items: cart.items.map((item) => ({
        quantity: item.quantity,
        price_data: {
          currency: cart.currency.toLowerCase(),
          unit_amount: toStripeAmount(item.unitPriceMinor, cart.currency),
          product_data: { name: item.name, ...(item.imageUrl ? { images: [item.imageUrl] } : {}) },
        },
      })),
      customer_email: cart.customerEmail,
      client_reference_id: cart.id,
      metadata,
      payment_intent_data: { metadata },
      success_url: `${appUrl}/r/${link.token}/status?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl}/r/${link.token}/status?cancelled=1`,
      expires_at: Math.floor(expiresAt.getTime() / 1000),
    },
    { idempotencyKey: id },
  );
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
  await db.insert(paymentSessions).values({ ...base, provider: "stripe", providerSessionId: session.id, url: session.url, expiresAt });
  return session.url;
}

/**
 * Closes the open Stripe sessions of a cart (after it was paid) or of a link (revoked or replaced),
 * so an old tab cannot take a second payment. Best effort: Stripe may already have closed them.
 */
export async function expireOpenSessions(scope: { cartId: string } | { recoveryLinkId: string }): Promise<void> {
  const db = await getDb();
  const where = "cartId" in scope ? eq(paymentSessions.cartId, scope.cartId) : eq(paymentSessions.recoveryLinkId, scope.recoveryLinkId);
  const open = await db
    .update(paymentSessions)
    .set({ status: "expired" })
    .where(and(where, eq(paymentSessions.status, "open")))
    .returning({ provider: paymentSessions.provider, providerSessionId: paymentSessions.providerSessionId });
  const client = stripe();
  if (!client) return;
  await Promise.all(
    open
      .filter((s) => s.provider === "stripe" && s.providerSessionId)
      .map((s) => client.checkout.sessions.expire(s.providerSessionId!).catch(() => undefined)),
  );
}

export type TestSession = typeof paymentSessions.$inferSelect & { token: string; businessName: string };

/** A test-mode session with its link token, for the test checkout page. */
export async function getTestSession(sessionId: string): Promise<TestSession | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ session: paymentSessions, token: recoveryLinks.token, businessName: businesses.name })
    .from(paymentSessions)
    .innerJoin(recoveryLinks, eq(recoveryLinks.id, paymentSessions.recoveryLinkId))
    .innerJoin(businesses, eq(businesses.id, paymentSessions.businessId))
    .where(and(eq(paymentSessions.id, sessionId), eq(paymentSessions.provider, "test")));
  return row ? { ...row.session, token: row.token, businessName: row.businessName } : undefined;
}

/** The customer pays a test-mode session: recorded exactly like a Stripe payment. */
export async function payTestSession(sessionId: string, now = new Date()): Promise<{ token: string; outcome: PaymentOutcome }> {
  if (paymentMode() !== "test") throw new ApiError("forbidden", "Test payments are disabled while Stripe is configured");
  const db = await getDb();
  const result = await db.transaction(async (tx) => {
    const [session] = await tx
      .select({ session: paymentSessions, token: recoveryLinks.token })
      .from(paymentSessions)
      .innerJoin(recoveryLinks, eq(recoveryLinks.id, paymentSessions.recoveryLinkId))
      .where(and(eq(paymentSessions.id, sessionId), eq(paymentSessions.provider, "test"), gt(paymentSessions.expiresAt, now)))
      .for("update", { of: paymentSessions });
    if (!session || !session.session.cartId) throw new ApiError("not_found", "This test checkout has expired or does not exist");
    if (session.session.status === "expired") throw new ApiError("conflict", "This checkout was closed; open the payment link again");
    const outcome = await recordPayment(tx, {
      businessId: session.session.businessId,
      cartId: session.session.cartId,
      provider: "test",
      providerPaymentId: session.session.id,
      paymentSessionId: session.session.id,
      amountMinor: session.session.amountMinor,
      currency: session.session.currency,
      paidAt: now,
      channel: "link",
    });
    return { token: session.token, outcome, cartId: session.session.cartId };
  });
  if (result.outcome === "recovered") await expireOpenSessions({ cartId: result.cartId });
  return { token: result.token, outcome: result.outcome };
}
