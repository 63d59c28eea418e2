import { z } from "zod";
import { isCurrency } from "@/lib/money";
import { COUNTRY_CODES } from "./countries";

/**
 * The Torque data types and validation rules (seed 002). Where the seed's examples break its own
 * stated rules, the stated rule wins (docs/api.md lists each case):
 * - ids are the prefix plus ALPHANUMERIC characters within the stated total length, so the
 *   examples "business_mybusiness_2024", "prod_product_name" and "order_2024_001" are invalid;
 * - "prod_1" is valid (6 characters, as the length rule says, though the sample regex wants 7).
 */
const prefixedId = (prefix: string, min: number, max: number) =>
  z
    .string({ error: "must be a string" })
    .refine((v) => v.length >= min && v.length <= max, `must be ${min}–${max} characters`)
    .refine((v) => new RegExp(`^${prefix}_[A-Za-z0-9]+$`).test(v), `must be ${prefix}_ followed by letters and digits`);

export const businessId = prefixedId("business", 8, 32);
export const productId = prefixedId("prod", 6, 24);
export const orderId = prefixedId("order", 8, 32);
export const sessionId = prefixedId("session", 10, 36);

/** 002's email pattern. */
export const email = z
  .string({ error: "must be a string" })
  .trim()
  .max(254, "must be at most 254 characters")
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be a valid email address")
  .transform((v) => v.toLowerCase());

/** A money amount as sent: a JSON number or a decimal string; exactness and range are checked with the currency. */
export const amount = z.union([z.number({ error: "must be a number" }), z.string().trim().regex(/^-?\d+(\.\d+)?$/, "must be a decimal number")], {
  error: "must be a number",
});

export const quantity = z
  .number({ error: "must be a number" })
  .refine(Number.isInteger, "must be a whole number")
  .refine((v) => v >= 1, "must be at least 1")
  .refine((v) => v <= 999_999, "must be at most 999,999");

/** 0–100 with at most 2 decimals. */
export const percentage = z
  .number({ error: "must be a number" })
  .refine((v) => v >= 0, "must not be negative")
  .refine((v) => v <= 100, "must not exceed 100")
  .refine((v) => /^\d+(\.\d{1,2})?$/.test(String(v)), "must have at most 2 decimal places");

/** Strict booleans: "true", 1 and null are refused (002). */
export const bool = z.boolean({ error: "must be true or false" });

/** A JSON object with exactly these fields (unknown ones are named as errors); not zod's default message when missing. */
const object = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape, { error: "must be an object" });

const nonEmpty = (max = 200) => z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

/** An optional free text. */
const text = (max: number) => z.string({ error: "must be a string" }).trim().max(max, `must be at most ${max} characters`);

export const phone = z
  .string({ error: "must be a string" })
  .trim()
  // "+1 (555) 123-4567", "(555) 123-4567", "555.123.4567": digits with an optional leading +
  .regex(/^\+?[0-9(][0-9 ().-]{5,22}$/, "must be a valid phone number")
  .refine((v) => {
    const digits = v.replace(/\D/g, "").length;
    return digits >= 7 && digits <= 15;
  }, "must have 7 to 15 digits");

export const countryCode = z
  .string({ error: "must be a string" })
  .trim()
  .transform((v) => v.toUpperCase())
  .refine((v) => COUNTRY_CODES.has(v), "must be an ISO 3166-1 alpha-2 country code");

export const address = object({
  street: nonEmpty(),
  city: nonEmpty(),
  state: nonEmpty(),
  postalCode: nonEmpty(20),
  country: countryCode,
  apartment: text(100).optional(),
});

export const httpUrl = z.url({ protocol: /^https?$/, error: "must be a valid http(s) URL" }).max(2048, "must be at most 2048 characters");

export const hexColor = z.string({ error: "must be a string" }).regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, "must be a hex colour like #3B82F6");

/** Custom CSS is shown on our page: plain rules only, nothing that can leave the style sheet or load things. */
export const customCss = z
  .string({ error: "must be a string" })
  .max(10_000, "must be at most 10000 characters")
  .refine(
    (v) => !/<|@import|url\s*\(|\bimage(?:-set)?\s*\(|expression\s*\(|javascript:|\\/i.test(v),
    "must not contain <, @import, url(), image(), image-set(), expression() or escapes",
  )
  .refine(balancedBraces, "must be valid CSS (unbalanced braces)");

function balancedBraces(css: string): boolean {
  let depth = 0;
  for (const c of css) {
    if (c === "{") depth++;
    if (c === "}" && --depth < 0) return false;
  }
  return depth === 0;
}

export const currency = z
  .string({ error: "must be a string" })
  .trim()
  .transform((v) => v.toUpperCase())
  .refine(isCurrency, "must be an ISO 4217 currency code");

const metadata = z.record(z.string(), z.unknown(), { error: "must be an object" });

export const discount = object({
  code: nonEmpty(64),
  amount: z.number({ error: "must be a number" }).refine((v) => v > 0, "must be a positive number"),
  type: z.enum(["percentage", "fixed"], { error: 'must be "percentage" or "fixed"' }),
  description: text(500).optional(),
});

export const shipping = object({
  method: nonEmpty(100),
  cost: amount,
  estimatedDays: z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must not be negative").max(365, "must be at most 365").optional(),
  description: text(500).optional(),
});

export const theme = object({
  primaryColor: hexColor.optional(),
  secondaryColor: hexColor.optional(),
  logo: httpUrl.optional(),
  customCSS: customCss.optional(),
});

/** Seconds; 002 says "positive number". We cap a checkout at 30 days. */
const expiresIn = z
  .number({ error: "must be a number" })
  .refine(Number.isInteger, "must be a whole number of seconds")
  .refine((v) => v > 0, "must be a positive number")
  .refine((v) => v <= 30 * 86_400, "must be at most 2592000 (30 days)");

export const options = object({
  expiresIn: expiresIn.optional(),
  allowGuest: bool.optional(),
  requireShipping: bool.optional(),
  customFields: z
    .record(z.string().max(64), z.unknown(), {
      error: (issue) => (issue.code === "invalid_key" ? "field names must be at most 64 characters" : "must be an object"),
    })
    .optional(),
  redirectUrl: httpUrl.optional(),
  webhookUrl: httpUrl.optional(),
  theme: theme.optional(),
});

export const preferences = object({
  newsletter: bool.optional(),
  marketing: bool.optional(),
  language: text(35).optional(),
  currency: currency.optional(),
  timezone: text(64).optional(),
});

export const customerData = object({
  email,
  firstName: nonEmpty(),
  lastName: nonEmpty(),
  phone: phone.optional(),
  address: address.optional(),
  preferences: preferences.optional(),
});

/** 001's request: businessId, cart items with productId, customerData, options. */
export const fullRequest = object({
  businessId,
  cart: object({
    items: z
      .array(
        object({
          productId,
          quantity,
          price: amount,
          variant: text(200).optional(),
          metadata: metadata.optional(),
        }),
        { error: "must be an array" },
      )
      .min(1, "at least one item is required")
      .max(100, "at most 100 items"),
    currency: currency.optional(),
    discounts: z.array(discount, { error: "must be an array" }).max(10, "at most 10 discounts").optional(),
    shipping: shipping.optional(),
    metadata: metadata.optional(),
  }),
  customerData,
  options: options.optional(),
});

/** 000's request: items with id/name/price/quantity, an optional total, a customer with a name. */
export const simpleRequest = object({
  businessId: businessId.optional(),
  cart: object({
    items: z
      .array(
        object({
          id: nonEmpty(100),
          name: nonEmpty(),
          price: amount,
          quantity,
        }),
        { error: "must be an array" },
      )
      .min(1, "at least one item is required")
      .max(100, "at most 100 items"),
    total: amount.optional(),
    currency: currency.optional(),
  }),
  customer: object({
    email,
    name: nonEmpty().optional(),
  }),
  options: options.optional(),
});

export type FullRequest = z.infer<typeof fullRequest>;
export type SimpleRequest = z.infer<typeof simpleRequest>;
