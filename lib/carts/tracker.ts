import { toDecimalNumber } from "@/lib/money";
import type { CartView } from "./queries";

/** A cart as the Quick Checkout Tracker seed shows it: decimal amounts, ISO timestamps. */
export function toTrackerCart(cart: CartView) {
  const amount = (minor: bigint) => toDecimalNumber(minor, cart.currency);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: cart.id,
    customerEmail: cart.customerEmail,
    customerName: cart.customerName,
    items: cart.items.map((item) => ({
      name: item.name,
      quantity: item.quantity,
      price: amount(item.unitPriceMinor),
      ...(item.productId ? { productId: item.productId } : {}),
      ...(item.imageUrl ? { imageUrl: item.imageUrl } : {}),
    })),
    totalValue: amount(cart.totalMinor),
    currency: cart.currency,
    status: cart.status,
    abandonedAt: iso(cart.abandonedAt),
    recoveredAt: iso(cart.recoveredAt),
    expiredAt: iso(cart.expiredAt),
    recoveredValue: cart.recoveredAmountMinor === null ? null : amount(cart.recoveredAmountMinor),
    paymentLink: cart.link?.url ?? null,
    paymentLinkExpiresAt: iso(cart.link?.expiresAt ?? null),
    metadata: cart.metadata,
    createdAt: cart.createdAt.toISOString(),
    updatedAt: cart.updatedAt.toISOString(),
  };
}
