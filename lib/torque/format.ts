import type { CheckoutSession } from "@/lib/checkout/service";
import { checkoutUrl } from "@/lib/checkout/service";
import { toDecimalNumber } from "@/lib/money";

/** 001's generate-link answer (cartSummary also names the discount and shipping it applied). */
export function toGenerateLinkResponse(session: CheckoutSession) {
  const amount = (minor: bigint) => toDecimalNumber(minor, session.currency);
  return {
    checkoutUrl: checkoutUrl(session.id),
    sessionId: session.id,
    expiresAt: session.expiresAt.toISOString(),
    cartSummary: {
      itemCount: session.items.reduce((n, i) => n + i.quantity, 0),
      productCount: session.items.length,
      subtotal: amount(session.subtotalMinor),
      discount: amount(session.discountMinor),
      shipping: amount(session.shippingMinor),
      total: amount(session.totalMinor),
      currency: session.currency,
    },
    customerData: {
      email: session.customer.email,
      firstName: session.customer.firstName,
      lastName: session.customer.lastName,
    },
  };
}
