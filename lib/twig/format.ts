import type { OrderStatus, TwigMerchant } from "@/db/schema";
import { toDecimalString } from "@/lib/money";
import type { OrderView } from "@/lib/orders/queries";
import type { TwigAddress } from "./schema";

/**
 * How orders read in the Twig API (seed 003): the order object of GET/PATCH and init, and the
 * Twig projection of our state machine. Amounts are decimal strings of the order's currency
 * ("1500.00"), as the seed writes them.
 */

export type TwigStatus =
  | "PENDING"
  | "AUTHORIZED"
  | "PARTIALLY_CAPTURED"
  | "CAPTURED"
  | "PARTIALLY_REFUNDED"
  | "REFUNDED"
  | "CANCELLED"
  | "EXPIRED";

export type TwigOperationType = "VOID" | "CAPTURE" | "REFUND";

type Amounts = { status: OrderStatus; authorizedMinor: bigint; capturedMinor: bigint; refundedMinor: bigint };

const FIXED_STATUS: Record<Exclude<OrderStatus, "authorized">, TwigStatus> = {
  pending: "PENDING",
  processing: "CAPTURED",
  completed: "CAPTURED",
  partially_refunded: "PARTIALLY_REFUNDED",
  refunded: "REFUNDED",
  cancelled: "CANCELLED",
  expired: "EXPIRED",
};

/** An authorized order is AUTHORIZED until a first partial capture; the rest map one to one. */
export function twigStatus(order: Amounts): TwigStatus {
  if (order.status !== "authorized") return FIXED_STATUS[order.status];
  if (order.capturedMinor === 0n) return "AUTHORIZED";
  return order.refundedMinor > 0n ? "PARTIALLY_REFUNDED" : "PARTIALLY_CAPTURED";
}

/** What the merchant may do next, in the seed's order (VOID before CAPTURE). */
export function twigOperations(order: Amounts): { type: TwigOperationType }[] {
  const refundable = order.capturedMinor - order.refundedMinor > 0n;
  const ops: TwigOperationType[] = [];
  switch (order.status) {
    case "pending":
      ops.push("VOID");
      break;
    case "authorized":
      if (order.capturedMinor === 0n) ops.push("VOID");
      if (order.authorizedMinor - order.capturedMinor > 0n) ops.push("CAPTURE");
      if (refundable) ops.push("REFUND");
      break;
    case "processing":
    case "completed":
    case "partially_refunded":
      if (refundable) ops.push("REFUND");
      break;
  }
  return ops.map((type) => ({ type }));
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function address(stored: unknown): TwigAddress & { addressLine2: string | null } {
  const a = (stored ?? {}) as Partial<TwigAddress>;
  return {
    firstName: a.firstName ?? "",
    lastName: a.lastName ?? "",
    addressLine1: a.addressLine1 ?? "",
    addressLine2: a.addressLine2 ?? null,
    city: a.city ?? "",
    country: a.country ?? "",
    postalCode: a.postalCode ?? "",
    countryCode: a.countryCode ?? "",
  };
}

/** All six keys, unset ones as null / false. */
function merchant(m: TwigMerchant | null) {
  return {
    confirmUrl: m?.confirmUrl ?? null,
    cancelUrl: m?.cancelUrl ?? null,
    validationUrl: m?.validationUrl ?? null,
    pushUrl: m?.pushUrl ?? null,
    requiresValidateCallbackSuccess: m?.requiresValidateCallbackSuccess ?? false,
    captureOnExpire: m?.captureOnExpire ?? false,
  };
}

/** The order as the merchant sent it (init's fields), with current values: what PATCH merges into. */
export function twigDocument(view: OrderView) {
  const money = (minor: bigint) => toDecimalString(minor, view.currency);
  const shipping = (view.shipping ?? {}) as { method?: string; amountMinor?: string; address?: unknown };
  const billing = view.billing as { address?: unknown } | null;
  return {
    merchantOrderReference: view.merchantReference ?? "",
    dateCreated: iso(view.merchantCreatedAt ?? view.createdAt)!,
    amount: {
      currencyCode: view.currency,
      value: money(view.totalMinor),
      breakdown: { items: money(view.subtotalMinor), shipping: money(view.shippingMinor), tax: money(view.taxMinor) },
    },
    customer: {
      firstName: view.customer.firstName ?? "",
      lastName: view.customer.lastName ?? "",
      email: view.customer.email,
      phoneNumber: view.customer.phone ?? null,
      locale: view.customer.locale ?? null,
    },
    lineItems: view.items.map((item) => ({
      itemId: item.itemId,
      name: item.name ?? "",
      description: item.description ?? "",
      amount: money(item.unitPriceMinor),
      tax: money(item.taxMinor),
      quantity: String(item.quantity),
      imageUrl: item.imageUrl ?? "",
      category: item.category ?? "",
      categoryHierarchy: item.categoryHierarchy ?? null,
      metadata: item.metadata ?? null,
    })),
    shipping: {
      method: shipping.method ?? "",
      amount: money(BigInt(shipping.amountMinor ?? view.shippingMinor)),
      address: address(shipping.address),
    },
    billing: billing ? { address: address(billing.address) } : null,
    merchant: merchant(view.merchant),
    expiration: iso(view.expiresAt),
  };
}

export type TwigDocument = ReturnType<typeof twigDocument>;

/**
 * The seed's order object (GET, PATCH, init's `order`), plus what the seed leaves out but a
 * merchant needs to reconcile: the authorized, captured and refunded amounts, and `updatedAt`.
 */
export function toTwigOrder(view: OrderView) {
  const doc = twigDocument(view);
  const money = (minor: bigint) => toDecimalString(minor, view.currency);
  return {
    orderId: view.id,
    merchantOrderReference: doc.merchantOrderReference,
    merchantDateCreated: iso(view.merchantCreatedAt),
    dateCreated: iso(view.createdAt)!,
    status: twigStatus(view),
    reason: view.statusReason ?? "",
    amount: doc.amount,
    customer: doc.customer,
    lineItems: doc.lineItems,
    shipping: doc.shipping,
    billing: doc.billing,
    operations: twigOperations(view),
    merchant: doc.merchant,
    expiration: doc.expiration,
    authorizedAmount: money(view.authorizedMinor),
    capturedAmount: money(view.capturedMinor),
    refundedAmount: money(view.refundedMinor),
    updatedAt: iso(view.updatedAt)!,
  };
}

export type TwigOrder = ReturnType<typeof toTwigOrder>;
