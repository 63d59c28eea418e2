import type { CheckoutItemSnapshot, DiscountSnapshot, ShippingSnapshot } from "@/db/schema";
import { ApiError } from "@/lib/http/errors";
import { exponentOf, MoneyError, percentOf, scaledInteger, toDecimalString, toMinor } from "@/lib/money";

export type PricingInput = {
  currency: string;
  items: { productId: string; name?: string | null; quantity: number; price: number | string; variant?: string; metadata?: Record<string, unknown> }[];
  discounts?: { code: string; amount: number; type: "percentage" | "fixed"; description?: string }[];
  shipping?: { method: string; cost: number | string; estimatedDays?: number; description?: string };
};

export type PricedCheckout = {
  currency: string;
  items: CheckoutItemSnapshot[];
  discounts: DiscountSnapshot[];
  shipping: ShippingSnapshot | null;
  subtotalMinor: bigint;
  discountMinor: bigint;
  shippingMinor: bigint;
  totalMinor: bigint;
  /** Units across all lines, and distinct lines (001's itemCount and productCount). */
  itemCount: number;
  productCount: number;
};

const invalid = (field: string, message: string) => new ApiError("validation", `${field}: ${message}`, { field });

function exact(value: number | string, currency: string, field: string): bigint {
  try {
    return toMinor(value, currency);
  } catch (error) {
    if (error instanceof MoneyError) throw invalid(field, error.message);
    throw error;
  }
}

/** 002's Price maximum: 999,999.99 in a 2-decimal currency; in general 999,999 and all decimals. */
const maxPrice = (currency: string) => 10n ** BigInt(6 + exponentOf(currency)) - 1n;

/**
 * The largest subtotal or total, in minor units: 15 significant digits, so the amount survives
 * as an exact JSON number (a double holds every 15-digit decimal; beyond that the answer's
 * `total` could print a different amount than the one stored).
 */
const MAX_TOTAL_MINOR = 10n ** 15n - 1n;

/** 002's Price: 0.01 to 999,999.99 in a 2-decimal currency; in general 1 minor unit to 999,999 and all decimals. */
function price(value: number | string, currency: string, field: string): bigint {
  const minor = exact(value, currency, field);
  const max = maxPrice(currency);
  if (minor < 1n) throw invalid(field, "must be greater than zero");
  if (minor > max) throw invalid(field, `must be at most ${toDecimalString(max, currency)}`);
  return minor;
}

/**
 * Prices a checkout exactly, in minor units. Rules (also in docs/api.md):
 * - subtotal = Σ price × quantity;
 * - each percentage discount is taken from the subtotal, rounded half up to the minor unit;
 *   fixed discounts are taken as given; together they never exceed the subtotal (the last
 *   discounts shrink so the applied amounts still add up to the discount total);
 * - shipping is added after discounts; total = subtotal − discounts + shipping;
 * - shipping costs 0 to 002's Price maximum (999,999.99); subtotal and total stay below 10^15
 *   minor units (9,999,999,999,999.99 in USD), so the JSON numbers we answer are exact.
 */
export function priceCheckout(input: PricingInput, path = "cart"): PricedCheckout {
  const { currency } = input;
  let subtotalMinor = 0n;
  let itemCount = 0;
  const items = input.items.map((item, i) => {
    const unit = price(item.price, currency, `${path}.items[${i}].price`);
    subtotalMinor += unit * BigInt(item.quantity);
    itemCount += item.quantity;
    return {
      productId: item.productId,
      name: item.name ?? null,
      quantity: item.quantity,
      unitPriceMinor: unit.toString(),
      variant: item.variant ?? null,
      metadata: item.metadata ?? null,
    };
  });

  if (subtotalMinor > MAX_TOTAL_MINOR) {
    throw invalid(`${path}.items`, `the cart's subtotal must be at most ${toDecimalString(MAX_TOTAL_MINOR, currency)}`);
  }

  let remaining = subtotalMinor;
  const discounts = (input.discounts ?? []).map((d, i) => {
    const field = `${path}.discounts[${i}].amount`;
    let wanted: bigint;
    if (d.type === "percentage") {
      if (d.amount > 100) throw invalid(field, "must not exceed 100 for a percentage");
      let hundredths: bigint;
      try {
        hundredths = scaledInteger(d.amount, 2);
      } catch {
        throw invalid(field, "a percentage has at most 2 decimal places");
      }
      wanted = percentOf(subtotalMinor, hundredths);
    } else {
      wanted = exact(d.amount, currency, field);
    }
    const applied = wanted < remaining ? wanted : remaining;
    remaining -= applied;
    return {
      code: d.code,
      type: d.type,
      amount: String(d.amount),
      description: d.description ?? null,
      appliedMinor: applied.toString(),
    };
  });
  const discountMinor = subtotalMinor - remaining;

  let shipping: ShippingSnapshot | null = null;
  let shippingMinor = 0n;
  if (input.shipping) {
    shippingMinor = exact(input.shipping.cost, currency, `${path}.shipping.cost`);
    if (shippingMinor < 0n) throw invalid(`${path}.shipping.cost`, "must not be negative");
    if (shippingMinor > maxPrice(currency)) throw invalid(`${path}.shipping.cost`, `must be at most ${toDecimalString(maxPrice(currency), currency)}`);
    shipping = {
      method: input.shipping.method,
      costMinor: shippingMinor.toString(),
      estimatedDays: input.shipping.estimatedDays ?? null,
      description: input.shipping.description ?? null,
    };
  }

  const totalMinor = subtotalMinor - discountMinor + shippingMinor;
  if (totalMinor > MAX_TOTAL_MINOR) {
    throw invalid(`${path}.shipping.cost`, `the cart's total must be at most ${toDecimalString(MAX_TOTAL_MINOR, currency)}`);
  }

  return {
    currency,
    items,
    discounts,
    shipping,
    subtotalMinor,
    discountMinor,
    shippingMinor,
    totalMinor,
    itemCount,
    productCount: items.length,
  };
}
