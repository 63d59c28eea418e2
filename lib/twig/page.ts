import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { businesses, orders, type OrderStatus } from "@/db/schema";
import { checkoutTheme, type CheckoutTheme } from "@/lib/checkout/page";
import { couldBeId } from "@/lib/ids";
import { getOrder, type OrderView } from "@/lib/orders/queries";
import type { TwigOrderForPayment } from "./provider";
import type { TwigAddress } from "./schema";

/**
 * Twig's hosted checkout page /twig/checkout/{orderId} (seed 003's "Order Flow": the customer
 * confirms the order and authorizes the payment, then goes back to the merchant's confirmUrl or
 * cancelUrl). The order id in the URL is the customer's capability: the order is found by it alone.
 */

export type TwigCheckoutState = "open" | "authorized" | "cancelled" | "expired";

export type TwigCheckoutView = { state: "not_found" } | { state: TwigCheckoutState; order: OrderView; businessName: string };

/** Payment is done (authorized, and maybe captured or refunded since). */
const AUTHORIZED: readonly OrderStatus[] = ["authorized", "processing", "completed", "partially_refunded", "refunded"];

/** Our ids are far shorter; a longer path segment is not worth a query. */
const MAX_ORDER_ID = 100;

export async function viewTwigCheckout(orderId: string, now = new Date()): Promise<TwigCheckoutView> {
  const owner = couldBeId(orderId) ? await twigOrderOwner(orderId) : undefined;
  const order = owner && (await getOrder(owner.businessId, orderId));
  if (!owner || !order) return { state: "not_found" };
  return { state: checkoutState(order, now), order, businessName: owner.businessName };
}

/** The business of a Twig order, by the order's id alone. */
async function twigOrderOwner(orderId: string): Promise<{ businessId: string; businessName: string } | undefined> {
  if (!orderId || orderId.length > MAX_ORDER_ID) return undefined;
  const db = await getDb();
  const [row] = await db
    .select({ businessId: orders.businessId, businessName: businesses.name })
    .from(orders)
    .innerJoin(businesses, eq(businesses.id, orders.businessId))
    .where(and(eq(orders.id, orderId), eq(orders.source, "twig")));
  return row;
}

/** A pending order past its expiration reads as expired before the sweep has expired it. */
export function checkoutState(order: { status: OrderStatus; expiresAt: Date | null }, now = new Date()): TwigCheckoutState {
  if (AUTHORIZED.includes(order.status)) return "authorized";
  if (order.status === "cancelled") return "cancelled";
  if (order.status === "expired") return "expired";
  return order.expiresAt && order.expiresAt <= now ? "expired" : "open";
}

/** Twig orders carry no theme of their own: the page wears Cartback's default colours. */
export const twigTheme: CheckoutTheme = checkoutTheme({
  allowGuest: true,
  requireShipping: false,
  customFields: null,
  redirectUrl: null,
  webhookUrl: null,
  theme: null,
});

// ---------------------------------------------------------------------------------------------
// What the page shows

export type TwigSummaryLine = {
  key: string;
  name: string;
  description: string | null;
  imageUrl: string | null;
  quantity: number;
  unitMinor: bigint;
  /** The line's tax: Twig's line `tax` is per unit. */
  taxMinor: bigint;
  totalMinor: bigint;
};

export type TwigSummary = {
  currency: string;
  lines: TwigSummaryLine[];
  itemCount: number;
  /** The merchant's breakdown, which is what the customer authorizes (lines are not reconciled with it). */
  itemsMinor: bigint;
  taxMinor: bigint;
  shipping: { method: string | null; amountMinor: bigint };
  totalMinor: bigint;
  customer: { name: string; email: string; phone: string | null };
  shippingAddress: TwigAddress | null;
  billingAddress: TwigAddress | null;
};

export function summarizeTwigOrder(order: OrderView): TwigSummary {
  const shipping = (order.shipping ?? {}) as { method?: string; address?: TwigAddress };
  const billing = (order.billing ?? null) as { address?: TwigAddress } | null;
  const name = [order.customer.firstName, order.customer.lastName].filter(Boolean).join(" ");
  return {
    currency: order.currency,
    lines: order.items.map((item) => ({
      key: item.id,
      name: item.name ?? item.itemId,
      description: item.description || null,
      imageUrl: item.imageUrl && /^https?:\/\//i.test(item.imageUrl) ? item.imageUrl : null,
      quantity: item.quantity,
      unitMinor: item.unitPriceMinor,
      taxMinor: item.taxMinor * BigInt(item.quantity),
      totalMinor: item.unitPriceMinor * BigInt(item.quantity),
    })),
    itemCount: order.items.reduce((n, i) => n + i.quantity, 0),
    itemsMinor: order.subtotalMinor,
    taxMinor: order.taxMinor,
    shipping: { method: shipping.method || null, amountMinor: order.shippingMinor },
    totalMinor: order.totalMinor,
    customer: { name: name || order.customerEmail, email: order.customerEmail, phone: order.customer.phone ?? null },
    shippingAddress: shipping.address ?? null,
    billingAddress: billing?.address ?? null,
  };
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** An address as lines on an envelope. Twig's `country` is free text (often a state), so it sits beside the city. */
export function addressLines(a: TwigAddress): string[] {
  let country: string | undefined;
  try {
    country = regionNames.of(a.countryCode);
  } catch {
    country = a.countryCode;
  }
  const region = a.country && a.country !== a.countryCode && a.country !== country ? a.country : "";
  const locality = [a.city, [region, a.postalCode].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return [`${a.firstName} ${a.lastName}`.trim(), a.addressLine1, a.addressLine2 ?? "", locality, country ?? ""].filter(Boolean);
}

export function sameAddress(a: TwigAddress | null, b: TwigAddress | null): boolean {
  if (!a || !b) return false;
  const keys: (keyof TwigAddress)[] = ["firstName", "lastName", "addressLine1", "addressLine2", "city", "country", "postalCode", "countryCode"];
  return keys.every((k) => (a[k] ?? "") === (b[k] ?? ""));
}

// ---------------------------------------------------------------------------------------------
// Authorizing

/** What the payment provider needs to hold the order's total. */
export function paymentOrder(order: OrderView): TwigOrderForPayment {
  const shipping = (order.shipping ?? {}) as { method?: string };
  return {
    id: order.id,
    businessId: order.businessId,
    currency: order.currency,
    totalMinor: order.totalMinor,
    customerEmail: order.customerEmail,
    expiresAt: order.expiresAt,
    lines: order.items.map((item) => ({ label: item.name ?? item.itemId, quantity: item.quantity, unitPriceMinor: item.unitPriceMinor })),
    taxMinor: order.taxMinor,
    shippingMinor: order.shippingMinor,
    shippingMethod: shipping.method || null,
  };
}
