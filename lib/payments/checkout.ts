import { and, eq, gt } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { businesses, discountCodes, paymentSessions, recoveryLinks } from "@/db/schema";
import type { CartView } from "@/lib/carts/queries";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/http/errors";
import { couldBeId, newId } from "@/lib/ids";
import { toStripeAmount } from "@/lib/money";
import { getCart } from "@/lib/carts/queries";
import { getOrder, itemLabel } from "@/lib/orders/queries";
import { recordOrderPayment } from "@/lib/orders/service";
import { currentDiscount, discountFor } from "@/lib/recovery/discounts";
import { recordPayment } from "./service";
import { paymentMode, stripe } from "./stripe";

const MIN_STRIPE_LIFETIME_MS = 31 * 60_000; // Stripe wants 30 min to 24 h
const MAX_STRIPE_LIFETIME_MS = 24 * 3600_000;
const TEST_LIFETIME_MS = 60 * 60_000;

type LinkRef = { id: string; token: string; expiresAt: Date };

/**
 * A fresh payment session for the cart as it is now: a Stripe Checkout Session with the cart's
 * items, or a test-mode session of ours when Stripe is not configured. Returns where to send the customer.
 *
 * The cart's current discount code (lib/recovery/discounts.ts), if any, lowers the amount: with
 * Stripe as a one-off coupon of exactly our discount, so Stripe charges exactly `amountMinor`.
 * The session lives no longer than the code (Stripe: at least its 30 minutes). `messageId` is the
 * recovery email whose link was clicked (attribution, docs/recovery.md).
 */
export async function startPaymentSession(
  cart: CartView,
  link: LinkRef,
  now = new Date(),
  options: { messageId?: string | null } = {},
): Promise<string> {
  const id = newId("ps");
  const client = stripe();
  const appUrl = env().APP_URL;
  const db = await getDb();
  const code = await currentDiscount(db, cart.businessId, cart.id, now);
  const discountMinor = code ? discountFor(code, cart.totalMinor, cart.currency) : 0n;
  const discount = code && discountMinor > 0n ? { code, minor: discountMinor } : null;
  const base = {
    id,
    businessId: cart.businessId,
    cartId: cart.id,
    recoveryLinkId: link.id,
    messageId: options.messageId ?? null,
    discountCodeId: discount?.code.id ?? null,
    amountMinor: cart.totalMinor - discountMinor,
    currency: cart.currency,
    createdAt: now,
  };
  const codeLeft = discount ? discount.code.expiresAt.getTime() - now.getTime() : Infinity;
  if (!client) {
    const url = `${appUrl}/pay/test/${id}`;
    const expiresAt = new Date(now.getTime() + Math.min(TEST_LIFETIME_MS, codeLeft));
    await db.insert(paymentSessions).values({ ...base, provider: "test", url, expiresAt });
    return url;
  }
  const until = Math.min(link.expiresAt.getTime() - now.getTime(), codeLeft);
  const lifetime = Math.min(MAX_STRIPE_LIFETIME_MS, Math.max(MIN_STRIPE_LIFETIME_MS, until));
  const expiresAt = new Date(now.getTime() + lifetime);
  const currency = cart.currency.toLowerCase();
  const metadata = { cart_id: cart.id, business_id: cart.businessId, recovery_link_id: link.id, payment_session_id: id };
  const coupon = discount
    ? await client.coupons.create(
        {
          amount_off: toStripeAmount(discount.minor, cart.currency),
          currency,
          duration: "once",
          name: `Discount ${discount.code.code}`,
          max_redemptions: 1,
        },
        { idempotencyKey: `${id}-coupon` },
      )
    : undefined;
  const session = await client.checkout.sessions.create(
    {
      mode: "payment",
      line_items: cart.items.map((item) => ({
        quantity: item.quantity,
        price_data: {
          currency,
          unit_amount: toStripeAmount(item.unitPriceMinor, cart.currency),
          product_data: { name: item.name, ...(item.imageUrl ? { images: [item.imageUrl] } : {}) },
        },
      })),
      ...(coupon ? { discounts: [{ coupon: coupon.id }] } : {}),
      customer_email: cart.customerEmail,
      client_reference_id: cart.id,
      metadata,
      payment_intent_data: { metadata },
      success_url: `${appUrl}/r/${link.token}/status?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl}/r/${link.token}/status?cancelled=1${base.messageId ? `&m=${base.messageId}` : ""}`,
      expires_at: Math.floor(expiresAt.getTime() / 1000),
    },
    { idempotencyKey: id },
  );
  if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a url`);
  await db.insert(paymentSessions).values({ ...base, provider: "stripe", providerSessionId: session.id, url: session.url, expiresAt });
  return session.url;
}

/**
 * A payment session for a placed checkout order: Stripe Checkout with the order's lines, its
 * discount as a one-off coupon and its shipping as a fixed rate (so Stripe charges exactly our
 * total), or our test checkout without Stripe keys.
 */
export async function startOrderPaymentSession(
  order: { id: string; businessId: string; currency: string; totalMinor: bigint; discountMinor: bigint; shippingMinor: bigint; customerEmail: string; checkoutSessionId: string | null; expiresAt: Date | null },
  lines: { label: string; quantity: number; unitPriceMinor: bigint }[],
  shippingMethod: string | null,
  now = new Date(),
): Promise<string> {
  const id = newId("ps");
  const client = stripe();
  const appUrl = env().APP_URL;
  const db = await getDb();
  const base = { id, businessId: order.businessId, orderId: order.id, amountMinor: order.totalMinor, currency: order.currency, createdAt: now };
  if (!client) {
    const url = `${appUrl}/pay/test/${id}`;
    await db.insert(paymentSessions).values({ ...base, provider: "test", url, expiresAt: new Date(now.getTime() + TEST_LIFETIME_MS) });
    return url;
  }
  const until = order.expiresAt ? order.expiresAt.getTime() - now.getTime() : MAX_STRIPE_LIFETIME_MS;
  const expiresAt = new Date(now.getTime() + Math.min(MAX_STRIPE_LIFETIME_MS, Math.max(MIN_STRIPE_LIFETIME_MS, until)));
  const currency = order.currency.toLowerCase();
  const metadata = { order_id: order.id, business_id: order.businessId, checkout_session_id: order.checkoutSessionId ?? "", payment_session_id: id };
  const coupon =
    order.discountMinor > 0n
      ? await client.coupons.create(
          { amount_off: toStripeAmount(order.discountMinor, order.currency), currency, duration: "once", name: "Discount", max_redemptions: 1 },
          { idempotencyKey: `${id}-coupon` },
        )
      : undefined;
  const session = await client.checkout.sessions.create(
    {
      mode: "payment",
      line_items: lines.map((line) => ({
        quantity: line.quantity,
        price_data: { currency, unit_amount: toStripeAmount(line.unitPriceMinor, order.currency), product_data: { name: line.label } },
      })),
      ...(coupon ? { discounts: [{ coupon: coupon.id }] } : {}),
      ...(order.shippingMinor > 0n
        ? {
            shipping_options: [
              {
                shipping_rate_data: {
                  display_name: shippingMethod ?? "Shipping",
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
      payment_intent_data: { metadata },
      success_url: `${appUrl}/checkout/${order.checkoutSessionId}/complete?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${appUrl}/checkout/${order.checkoutSessionId}`,
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
export async function expireOpenSessions(scope: SessionScope): Promise<void> {
  await expireAtStripe(await closeOpenSessions(await getDb(), scope));
}

type SessionScope = { cartId: string } | { recoveryLinkId: string } | { orderId: string };

/**
 * Marks the scope's open sessions expired (in the caller's transaction, if any) and returns their
 * Stripe ids, for expireAtStripe once the change is committed.
 */
export async function closeOpenSessions(db: Db, scope: SessionScope): Promise<string[]> {
  const where =
    "cartId" in scope
      ? eq(paymentSessions.cartId, scope.cartId)
      : "orderId" in scope
        ? eq(paymentSessions.orderId, scope.orderId)
        : eq(paymentSessions.recoveryLinkId, scope.recoveryLinkId);
  const open = await db
    .update(paymentSessions)
    .set({ status: "expired" })
    .where(and(where, eq(paymentSessions.status, "open")))
    .returning({ provider: paymentSessions.provider, providerSessionId: paymentSessions.providerSessionId });
  return open.flatMap((s) => (s.provider === "stripe" && s.providerSessionId ? [s.providerSessionId] : []));
}

/** Closes Checkout Sessions at Stripe so their tabs can no longer take a payment; best effort. */
export async function expireAtStripe(sessionIds: string[]): Promise<void> {
  const client = stripe();
  if (!client || sessionIds.length === 0) return;
  await Promise.all(sessionIds.map((id) => client.checkout.sessions.expire(id).catch(() => undefined)));
}

/** What the test checkout page shows and where the customer goes after paying. */
export type TestSession = {
  session: typeof paymentSessions.$inferSelect;
  businessName: string;
  customerEmail: string;
  lines: { label: string; quantity: number; amountMinor: bigint }[];
  adjustments: { label: string; amountMinor: bigint }[];
  returnUrl: string;
};

/** A test-mode session (for a recovery link's cart or a checkout's order), for the test checkout page. */
export async function getTestSession(sessionId: string): Promise<TestSession | undefined> {
  if (!couldBeId(sessionId)) return undefined;
  const db = await getDb();
  const [row] = await db
    .select({ session: paymentSessions, businessName: businesses.name, token: recoveryLinks.token, code: discountCodes.code })
    .from(paymentSessions)
    .innerJoin(businesses, eq(businesses.id, paymentSessions.businessId))
    .leftJoin(recoveryLinks, eq(recoveryLinks.id, paymentSessions.recoveryLinkId))
    .leftJoin(discountCodes, eq(discountCodes.id, paymentSessions.discountCodeId))
    .where(and(eq(paymentSessions.id, sessionId), eq(paymentSessions.provider, "test")));
  if (!row) return undefined;
  const { session } = row;
  if (session.cartId && row.token) {
    const cart = await getCart(session.businessId, session.cartId);
    if (!cart) return undefined;
    const lines = cart.items.map((i) => ({ label: i.name, quantity: i.quantity, amountMinor: i.unitPriceMinor * BigInt(i.quantity) }));
    // The session's amount is the items' total less the code's discount, fixed when it was opened.
    const linesTotal = lines.reduce((sum, line) => sum + line.amountMinor, 0n);
    return {
      session,
      businessName: row.businessName,
      customerEmail: cart.customerEmail,
      lines,
      adjustments: row.code ? [{ label: `Discount ${row.code}`, amountMinor: session.amountMinor - linesTotal }] : [],
      returnUrl: `/r/${row.token}/status?session_id=${session.id}`,
    };
  }
  if (session.orderId) {
    const order = await getOrder(session.businessId, session.orderId);
    if (!order) return undefined;
    return {
      session,
      businessName: row.businessName,
      customerEmail: order.customerEmail,
      lines: order.items.map((i) => ({ label: itemLabel(i), quantity: i.quantity, amountMinor: i.unitPriceMinor * BigInt(i.quantity) })),
      adjustments: [
        ...(order.discountMinor > 0n ? [{ label: "Discount", amountMinor: -order.discountMinor }] : []),
        ...(order.shippingMinor > 0n ? [{ label: "Shipping", amountMinor: order.shippingMinor }] : []),
      ],
      returnUrl: `/checkout/${order.checkoutSessionId}/complete`,
    };
  }
  return undefined;
}

/** The customer pays a test-mode session: recorded exactly like a Stripe payment. */
export async function payTestSession(sessionId: string, now = new Date()): Promise<{ returnUrl: string }> {
  if (paymentMode() !== "test") throw new ApiError("forbidden", "Test payments are disabled while Stripe is configured");
  const found = await getTestSession(sessionId);
  if (!found || found.session.expiresAt <= now) throw new ApiError("not_found", "This test checkout has expired or does not exist");
  const db = await getDb();
  const settled = await db.transaction(async (tx) => {
    const [session] = await tx.select().from(paymentSessions).where(eq(paymentSessions.id, sessionId)).for("update");
    if (session!.status === "expired") throw new ApiError("conflict", "This checkout was closed; open the link again");
    const payment = {
      businessId: session!.businessId,
      provider: "test" as const,
      providerPaymentId: session!.id,
      paymentSessionId: session!.id,
      amountMinor: session!.amountMinor,
      currency: session!.currency,
      paidAt: now,
    };
    if (session!.cartId) {
      const outcome = await recordPayment(tx, { ...payment, cartId: session!.cartId, channel: "link" });
      return outcome === "recovered" ? { cartId: session!.cartId } : {};
    }
    const outcome = await recordOrderPayment(tx, { ...payment, orderId: session!.orderId! });
    return outcome === "paid" ? { orderId: session!.orderId! } : {};
  });
  if (settled.cartId) await expireOpenSessions({ cartId: settled.cartId });
  if (settled.orderId) await expireOpenSessions({ orderId: settled.orderId });
  return { returnUrl: found.returnUrl };
}
