import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { checkoutSessions, type CheckoutOptionsSnapshot, type CustomerSnapshot } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { env } from "@/lib/env";
import { recordEvent } from "@/lib/events";
import { ApiError } from "@/lib/http/errors";
import { newId, randomChars } from "@/lib/ids";
import { MoneyError, toMinor } from "@/lib/money";
import type { FullRequest, SimpleRequest } from "@/lib/torque/validation";
import { priceCheckout, type PricedCheckout } from "./pricing";

export type CheckoutSession = typeof checkoutSessions.$inferSelect;

const DEFAULT_EXPIRES_IN = 3600;

/** Session ids carry 90 random bits: the hosted page shows the customer's details to whoever holds the id. */
export function newSessionId(): string {
  return newId("session") + randomChars(6);
}

export function checkoutUrl(sessionId: string): string {
  return `${env().APP_URL}/checkout/${sessionId}`;
}

function isFull(body: FullRequest | SimpleRequest): body is FullRequest {
  return "customerData" in body;
}

/**
 * POST /v1/checkout/generate-link, both request shapes: prices the cart exactly and stores an
 * open checkout session with a snapshot of everything the hosted page needs.
 */
export async function createCheckoutSession(business: Business, body: FullRequest | SimpleRequest, now = new Date()): Promise<{ session: CheckoutSession; priced: PricedCheckout }> {
  if (body.businessId !== undefined && body.businessId !== business.id) {
    throw new ApiError("forbidden", "businessId: does not match the API key's business", { field: "businessId" });
  }
  const currency = body.cart.currency ?? "USD"; // 002: "currency (default: USD)"
  let priced: PricedCheckout;
  let customer: CustomerSnapshot;
  if (isFull(body)) {
    // 001's items have no name; a merchant's `metadata.name` is the best label we get.
    const items = body.cart.items.map((i) => ({ ...i, name: typeof i.metadata?.name === "string" ? i.metadata.name.slice(0, 200) : null }));
    priced = priceCheckout({ currency, items, discounts: body.cart.discounts, shipping: body.cart.shipping });
    const c = body.customerData;
    customer = { email: c.email, firstName: c.firstName, lastName: c.lastName, phone: c.phone ?? null, address: c.address ?? null, preferences: c.preferences ?? null };
  } else {
    priced = priceCheckout({ currency, items: body.cart.items.map((i) => ({ productId: i.id, name: i.name, quantity: i.quantity, price: i.price })) });
    if (body.cart.total !== undefined && exactTotal(body.cart.total, currency) !== priced.totalMinor) {
      throw new ApiError("validation", "cart.total: does not match the sum of price × quantity", { field: "cart.total" });
    }
    const [firstName, ...rest] = (body.customer.name ?? "").split(/\s+/).filter(Boolean);
    customer = { email: body.customer.email, firstName: firstName ?? null, lastName: rest.join(" ") || null };
  }
  const o = body.options ?? {};
  const options: CheckoutOptionsSnapshot = {
    allowGuest: o.allowGuest ?? true,
    requireShipping: o.requireShipping ?? false,
    customFields: o.customFields ?? null,
    redirectUrl: o.redirectUrl ?? null,
    webhookUrl: o.webhookUrl ?? null,
    theme: o.theme ?? null,
  };
  const id = newSessionId();
  const db = await getDb();
  const session = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(checkoutSessions)
      .values({
        id,
        businessId: business.id,
        currency,
        items: priced.items,
        discounts: priced.discounts,
        shipping: priced.shipping,
        subtotalMinor: priced.subtotalMinor,
        discountMinor: priced.discountMinor,
        shippingMinor: priced.shippingMinor,
        totalMinor: priced.totalMinor,
        customer,
        options,
        metadata: isFull(body) ? (body.cart.metadata ?? null) : null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + (o.expiresIn ?? DEFAULT_EXPIRES_IN) * 1000),
      })
      .returning();
    await recordEvent(tx, { businessId: business.id, type: "checkout.created", subjectId: id, at: now, data: { totalMinor: priced.totalMinor.toString(), currency } });
    return row!;
  });
  return { session, priced };
}

function exactTotal(value: number | string, currency: string): bigint {
  try {
    return toMinor(value, currency);
  } catch (error) {
    if (error instanceof MoneyError) throw new ApiError("validation", `cart.total: ${error.message}`, { field: "cart.total" });
    throw error;
  }
}

/** A session by id, for the hosted page (the id is the customer's capability) or its business. */
export async function getCheckoutSession(sessionId: string, businessId?: string): Promise<CheckoutSession | undefined> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(checkoutSessions)
    .where(businessId ? and(eq(checkoutSessions.id, sessionId), eq(checkoutSessions.businessId, businessId)) : eq(checkoutSessions.id, sessionId));
  return row;
}
