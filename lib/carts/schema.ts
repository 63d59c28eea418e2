import { z } from "zod";
import { CART_STATUSES } from "@/db/schema";
import { isCurrency } from "@/lib/money";

/** A decimal amount as the seeds send it: a JSON number or a decimal string. Exactness is checked in money.ts. */
export const amountInput = z.union(
  [z.number().nonnegative("must not be negative"), z.string().trim().regex(/^\d+(\.\d+)?$/, "must be a decimal amount")],
  { error: "must be a number or a decimal string" },
);

export const emailInput = z
  .string({ error: "must be a string" })
  .trim()
  .max(254)
  .pipe(z.email("must be a valid email address"))
  .transform((v) => v.toLowerCase());

export const currencyInput = z
  .string({ error: "must be a string" })
  .trim()
  .transform((v) => v.toUpperCase())
  .refine(isCurrency, "must be an ISO 4217 currency code");

const nameInput = z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(200);

export const cartItemInput = z.strictObject({
  name: nameInput,
  quantity: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(999_999, "must be at most 999999"),
  price: amountInput,
  productId: z.string().trim().min(1).max(100).optional(),
  imageUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048).optional(),
});

export const itemsInput = z.array(cartItemInput, { error: "must be an array of items" }).min(1, "must contain at least one item").max(100, "must contain at most 100 items");

/** Where a marketing consent came from (a checkout checkbox, a signup form…), as the merchant names it. */
export const consentSourceInput = z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(100, "must be at most 100 characters");

/** The customer's marketing consent given with the cart; recorded on the contact (lib/contacts). */
export const cartConsentInput = z.strictObject(
  {
    marketing: z.boolean({ error: "must be true or false" }),
    source: consentSourceInput.optional(),
  },
  { error: "must be an object like { \"marketing\": true }" },
);

export const createCartInput = z.strictObject({
  customerEmail: emailInput,
  customerName: nameInput.nullish(),
  currency: currencyInput.optional(),
  status: z.enum(["active", "abandoned"], { error: "must be active or abandoned" }).optional(),
  items: itemsInput,
  /** Optional check: if sent, it must equal the total we compute from the items. */
  totalValue: amountInput.optional(),
  metadata: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
  consent: cartConsentInput.optional(),
});

export const updateCartInput = z
  .strictObject({
    status: z.enum(CART_STATUSES, { error: `must be one of ${CART_STATUSES.join(", ")}` }).optional(),
    customerEmail: emailInput.optional(),
    customerName: nameInput.nullish(),
    items: itemsInput.optional(),
    metadata: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "must contain at least one field to change", path: [] });

export const listCartsQuery = z.strictObject({
  status: z.enum(CART_STATUSES, { error: `must be one of ${CART_STATUSES.join(", ")}` }).optional(),
  page: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(1_000_000).default(1),
  limit: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(100, "must be at most 100").default(10),
});

export const paymentLinkInput = z.strictObject({
  rotate: z.boolean({ error: "must be true or false" }).optional(),
  expiresInHours: z.number().int("must be a whole number").min(1, "must be at least 1").max(24 * 90, "must be at most 2160 (90 days)").optional(),
});

export type CartItemInput = z.infer<typeof cartItemInput>;
export type CreateCartInput = z.infer<typeof createCartInput>;
export type UpdateCartInput = z.infer<typeof updateCartInput>;
