import type Stripe from "stripe";
import { getDb } from "@/db/client";
import { paymentSessions } from "@/db/schema";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { fromStripeAmount, toStripeAmount } from "@/lib/money";
import { stripe } from "@/lib/payments/stripe";

/**
 * Twig's payments at Stripe: the customer authorizes the order total on Stripe Checkout (a hold,
 * capture_method manual), and the merchant later captures (in parts where the card allows
 * multicapture), refunds or voids it.
 */

const MIN_STRIPE_LIFETIME_MS = 31 * 60_000; // Stripe wants 30 min to 24 h
const MAX_STRIPE_LIFETIME_MS = 24 * 3600_000;
const MAX_ITEM_LINES = 99; // Stripe takes 100 line items in payment mode; one is kept for tax

export type TwigOrderForPayment = {
  id: string;
  businessId: string;
  currency: string;
  totalMinor: bigint;
  customerEmail: string;
  expiresAt: Date | null;
  lines: { label: string; quantity: number; unitPriceMinor: bigint }[];
  taxMinor: bigint;
  shippingMinor: bigint;
  shippingMethod: string | null;
};

type Line = { label: string; quantity: number; unitPriceMinor: bigint };

/**
 * Where to send the customer to authorize the order: a Stripe Checkout Session holding exactly
 * the order total. Test mode (no Stripe keys) returns null: Twig's own hosted page authorizes.
 */
export async function startAuthorization(order: TwigOrderForPayment, now = new Date()): Promise<string | null> {
  const client = stripe();
  if (!client) return null;
  const id = newId("ps");
  const appUrl = env().APP_URL;
  const until = order.expiresAt ? order.expiresAt.getTime() - now.getTime() : MAX_STRIPE_LIFETIME_MS;
  const expiresAt = new Date(now.getTime() + Math.min(MAX_STRIPE_LIFETIME_MS, Math.max(MIN_STRIPE_LIFETIME_MS, until)));
  const currency = order.currency.toLowerCase();
  const metadata = { order_id: order.id, business_id: order.businessId, payment_session_id: id, capture: "manual" };
  let session: Stripe.Checkout.Session;
  try {
    session = await client.checkout.sessions.create(
      {
        mode: "payment",
        line_items: chargedLines(order).map((line) => ({
          quantity: line.quantity,
          price_data: { currency, unit_amount: toStripeAmount(line.unitPriceMinor, order.currency), product_data: { name: line.label } },
        })),
        ...(order.shippingMinor > 0n
          ? {
              shipping_options: [
                {
                  shipping_rate_data: {
                    display_name: order.shippingMethod || "Shipping",
                    type: "fixed_amount" as const,
                    fixed_amount: { amount: toStripeAmount(order.shippingMinor, order.currency), currency },
                  },
                },
              ],
            }
          : {}),
        customer_email: order.customerEmail,
        client_reference_id: order.id,
        metadata,
        payment_intent_data: { capture_method: "manual", metadata },
        payment_method_options: { card: { request_multicapture: "if_available" } },
        success_url: `${appUrl}/twig/checkout/${order.id}/return?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${appUrl}/twig/checkout/${order.id}`,
        expires_at: Math.floor(expiresAt.getTime() / 1000),
      },
      { idempotencyKey: id },
    );
  } catch (error) {
    throw stripeFailure("checkout session", error);
  }
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
  const db = await getDb();
  await db.insert(paymentSessions).values({
    id,
    businessId: order.businessId,
    orderId: order.id,
    provider: "stripe",
    providerSessionId: session.id,
    url: session.url,
    amountMinor: order.totalMinor,
    currency: order.currency,
    createdAt: now,
    expiresAt,
  });
  return session.url;
}

/**
 * The lines Stripe charges, adding up exactly to the total. Twig does not reconcile line items
 * with the breakdown, so when they do not add up to its items amount they become one line of that
 * amount. Tax is a line of its own; shipping goes to the shipping rate.
 */
function chargedLines(order: TwigOrderForPayment): Line[] {
  const itemsMinor = order.totalMinor - order.taxMinor - order.shippingMinor;
  if (itemsMinor < 0n || order.taxMinor < 0n || order.shippingMinor < 0n) {
    throw new Error(`Order ${order.id}: tax and shipping exceed the total`);
  }
  const sum = order.lines.reduce((total, l) => total + l.unitPriceMinor * BigInt(l.quantity), 0n);
  const itemised =
    order.lines.length > 0 &&
    order.lines.length <= MAX_ITEM_LINES &&
    order.lines.every((l) => Number.isSafeInteger(l.quantity) && l.quantity > 0 && l.unitPriceMinor >= 0n) &&
    sum === itemsMinor;
  const items = itemised ? order.lines : [{ label: summary(order.lines), quantity: 1, unitPriceMinor: itemsMinor }];
  return order.taxMinor > 0n ? [...items, { label: "Tax", quantity: 1, unitPriceMinor: order.taxMinor }] : items;
}

function summary(lines: Line[]): string {
  const text = lines.map((l) => (l.quantity === 1 ? l.label : `${l.quantity} × ${l.label}`)).join(", ");
  if (!text) return "Order items";
  return text.length > 250 ? `${text.slice(0, 249)}…` : text;
}

/**
 * After the customer returns from Stripe: the session's PaymentIntent when it holds an
 * authorization (requires_capture), with the amount held; null when not (yet) authorized or
 * when the session does not exist.
 */
export async function authorizationFromSession(
  checkoutSessionId: string,
): Promise<{ paymentIntentId: string; amountMinor: bigint; currency: string; metadata: Record<string, string> } | null> {
  const client = stripe();
  if (!client) return null;
  let session: Stripe.Checkout.Session;
  try {
    session = await client.checkout.sessions.retrieve(checkoutSessionId, { expand: ["payment_intent"] });
  } catch (error) {
    if ((error as Stripe.errors.StripeError).code === "resource_missing") return null;
    throw stripeFailure("lookup", error);
  }
  const intent = session.payment_intent;
  if (!intent || typeof intent === "string" || intent.status !== "requires_capture") return null;
  const currency = intent.currency.toUpperCase();
  return {
    paymentIntentId: intent.id,
    // What is held: still capturable plus anything already captured from it.
    amountMinor: fromStripeAmount(intent.amount_capturable + intent.amount_received, currency),
    currency,
    metadata: { ...intent.metadata },
  };
}

/**
 * Captures part or all of an authorization. A non-final capture keeps the rest held for later
 * captures (Stripe multicapture); a final one releases whatever is left.
 */
export async function captureAuthorization(
  paymentIntentId: string,
  amountMinor: bigint,
  currency: string,
  opts: { final: boolean; idempotencyKey: string },
): Promise<void> {
  const client = liveStripe();
  try {
    await client.paymentIntents.capture(
      paymentIntentId,
      { amount_to_capture: toStripeAmount(amountMinor, currency), ...(opts.final ? {} : { final_capture: false }) },
      { idempotencyKey: opts.idempotencyKey },
    );
  } catch (error) {
    throw stripeFailure("capture", error);
  }
}

/** Refunds captured money of the PaymentIntent; returns Stripe's refund id. */
export async function refundCapture(paymentIntentId: string, amountMinor: bigint, currency: string, idempotencyKey: string): Promise<string> {
  const client = liveStripe();
  try {
    const refund = await client.refunds.create({ payment_intent: paymentIntentId, amount: toStripeAmount(amountMinor, currency) }, { idempotencyKey });
    return refund.id;
  } catch (error) {
    throw stripeFailure("refund", error);
  }
}

/** Releases the authorization. An intent that is already cancelled counts as released. */
export async function voidAuthorization(paymentIntentId: string, idempotencyKey: string): Promise<void> {
  const client = liveStripe();
  try {
    await client.paymentIntents.cancel(paymentIntentId, {}, { idempotencyKey });
  } catch (error) {
    const e = error as Stripe.errors.StripeError;
    if (e.code === "payment_intent_unexpected_state" && e.payment_intent?.status === "canceled") return;
    throw stripeFailure("void", error);
  }
}

function liveStripe(): Stripe {
  const client = stripe();
  if (!client) throw new Error("Stripe is not configured; test-mode Twig orders are settled without a provider");
  return client;
}

/**
 * Stripe refusing (card declined, more than capturable, already refunded) is a conflict the
 * merchant can read; Stripe unreachable or failing is temporary, and a retry with the same
 * idempotency key cannot act twice. Anything that looks like an API key is cut from the message.
 */
function stripeFailure(action: string, error: unknown): unknown {
  const e = error as Partial<Stripe.errors.StripeError>;
  if (!(error instanceof Error) || typeof e.type !== "string" || !e.type.startsWith("Stripe")) return error;
  const message = (e.message ?? "").replace(/\b(sk|rk|pk|whsec)_[A-Za-z0-9_*]+/g, "[redacted]");
  if (e.rawType === "card_error" || e.rawType === "invalid_request_error" || e.rawType === "idempotency_error") {
    return new ApiError("conflict", `Stripe refused the ${action}: ${message}`);
  }
  return new ApiError("unavailable", `Stripe could not complete the ${action} now; retry later with the same id (${message})`);
}

/** Releases a hold nothing will capture; best effort (Stripe lets it lapse after 7 days anyway). */
export async function releaseHold(paymentIntentId: string): Promise<void> {
  try {
    await voidAuthorization(paymentIntentId, `twig-release-${paymentIntentId}`);
  } catch (error) {
    console.error(`[cartback] releasing Stripe hold ${paymentIntentId} failed:`, error instanceof Error ? error.message : error);
  }
}
