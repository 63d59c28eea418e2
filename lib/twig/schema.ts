import { z } from "zod";
import type { TwigMerchant } from "@/db/schema";
import { ApiError, fromZod } from "@/lib/http/errors";
import { storageProblem } from "@/lib/http/input";
import { exponentOf, isCurrency, MoneyError, toDecimalString, toMinor } from "@/lib/money";
import { parseIsoInstant } from "@/lib/orders/schema";
import { COUNTRY_CODES } from "@/lib/torque/countries";
import { httpUrl, phone } from "@/lib/torque/validation";

/**
 * Input schemas of the Twig API (seed 003). Amounts arrive as decimal strings ("1500.00") or
 * JSON numbers (111) and become exact minor units of the order's currency. Unknown keys are
 * dropped. Where the seed's example omits a field its list calls required, the example wins:
 * `customer.locale` is optional, and `imageUrl` is any text ("imageurl"), not a URL.
 */

export type TwigAddress = {
  firstName: string;
  lastName: string;
  addressLine1: string;
  addressLine2?: string | null;
  city: string;
  /** Free text: the seed puts a state ("CA") or a city ("Los Angeles") here. */
  country: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, uppercased. */
  countryCode: string;
};

export type TwigLineItem = {
  itemId: string;
  name: string;
  description: string;
  category: string;
  categoryHierarchy: string[] | null;
  metadata: unknown;
  quantity: number;
  /** Unit price and unit tax. */
  amountMinor: bigint;
  taxMinor: bigint;
  imageUrl: string;
};

export type TwigInitInput = {
  merchantOrderReference: string;
  currency: string;
  amount: { valueMinor: bigint; itemsMinor: bigint; taxMinor: bigint; shippingMinor: bigint };
  customer: { firstName: string; lastName: string; email: string; phoneNumber: string | null; locale: string | null };
  lineItems: TwigLineItem[];
  shipping: { method: string; amountMinor: bigint; address: TwigAddress };
  billing: { address: TwigAddress } | null;
  /** Only the keys the merchant sent (so the business's defaults can fill the rest); null when absent. */
  merchant: TwigMerchant | null;
  dateCreated: Date;
  expiration: Date | null;
};

export type TwigOperationInput = { orderId: string; id: string; dateCreated: Date; message: string | null };
export type TwigPaymentOperationInput = TwigOperationInput & { amountMinor: bigint; currency: string };

export const TWIG_PATCH_FIELDS = ["amount", "customer", "shipping", "billing", "merchant", "lineItems", "expiration"] as const;
export type TwigPatchField = (typeof TWIG_PATCH_FIELDS)[number];

/**
 * One PATCH update. `value` arrives as a JSON string literal (the seed) or, leniently, as the
 * object itself. Expiration's value is a JSON string literal of the date (`"\"2026-12-01T00:00:00Z\""`,
 * a bare date string is accepted too) or `"null"` to clear it.
 */
export type TwigUpdate =
  | { operation: "UPDATE"; field: Exclude<TwigPatchField, "lineItems" | "expiration">; value: Record<string, unknown> }
  | { operation: "UPDATE"; field: "lineItems"; id: string; value: Record<string, unknown> }
  | { operation: "UPDATE"; field: "expiration"; value: string | null }
  | { operation: "DELETE"; field: "lineItems"; id: string };

export type TwigPatchInput = { orderId: string; updateItems: TwigUpdate[] };

// ---------------------------------------------------------------------------------------------
// Building blocks

/** zod's message for a wrong type, or "is required" when the field is missing. */
const expected = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${what}`);

const text = (max: number, { allowEmpty = false } = {}) =>
  z
    .string({ error: expected("a string") })
    .trim()
    .min(allowEmpty ? 0 : 1, "must not be empty")
    .max(max, `must be at most ${max} characters`);

const object = <S extends z.core.$ZodLooseShape>(shape: S) => z.object(shape, { error: expected("an object") });

/** A money amount as sent; its exactness is checked once the currency is known (see `minor`). */
const decimal = z.union([z.number(), z.string()], { error: expected("a decimal string or number") });
type Decimal = z.infer<typeof decimal>;

const currencyCode = z
  .string({ error: expected("a string") })
  .trim()
  .transform((v) => v.toUpperCase())
  .refine(isCurrency, "must be an ISO 4217 currency code");

// Kosovo's XK is user-assigned, not ISO, but the seed's own example uses it (and so do Stripe and the EU).
const countryCode = z
  .string({ error: expected("a string") })
  .trim()
  .transform((v) => v.toUpperCase())
  .refine((v) => COUNTRY_CODES.has(v) || v === "XK", "must be an ISO 3166-1 alpha-2 country code");

const ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/** ISO 8601 date-time with a zone: "2021-11-09T18:32:04.646+00:00". */
export const dateTime = z.string({ error: expected("a string") }).transform((raw, ctx) => {
  const text = raw.trim();
  const parsed = ZONE.test(text) ? parseIsoInstant(text) : undefined;
  if (!parsed || parsed.dateOnly) {
    ctx.addIssue({ code: "custom", message: "must be an ISO 8601 date-time with a zone, e.g. 2021-11-09T18:32:04.646+00:00" });
    return z.NEVER;
  }
  return parsed.at;
});

const quantity = z
  .union([z.number(), z.string().trim().regex(/^\d+$/, "must be a whole number")], { error: expected("a whole number") })
  .transform(Number)
  .refine(Number.isInteger, "must be a whole number")
  .refine((v) => v >= 1, "must be at least 1")
  .refine((v) => v <= 999_999, "must be at most 999999");

const locale = z
  .string({ error: expected("a string") })
  .trim()
  .max(35, "must be at most 35 characters")
  .regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/, 'must be a language tag like "en-US"');

const email = z
  .string({ error: expected("a string") })
  .trim()
  .max(254, "must be at most 254 characters")
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be a valid email address")
  .transform((v) => v.toLowerCase());

const uuid = z
  .string({ error: expected("a string") })
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID")
  .transform((v) => v.toLowerCase());

const nullableUrl = httpUrl.nullable().optional();
const bool = z.boolean({ error: expected("true or false") });

const address = object({
  firstName: text(100),
  lastName: text(100),
  addressLine1: text(200),
  addressLine2: text(200, { allowEmpty: true })
    .nullable()
    .optional()
    .transform((v) => v || null),
  city: text(100),
  country: text(100),
  postalCode: text(20),
  countryCode,
});

const merchant = object({
  confirmUrl: nullableUrl,
  cancelUrl: nullableUrl,
  validationUrl: nullableUrl,
  pushUrl: nullableUrl,
  requiresValidateCallbackSuccess: bool.optional(),
  captureOnExpire: bool.optional(),
}).transform((m): TwigMerchant => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)));

/** Amounts of at most 999,999,999 whole units: far beyond any order, far inside bigint and JSON numbers. */
const MAX_WHOLE_UNITS = 1_000_000_000n;

type Ctx = z.core.$RefinementCtx;

/** The exact minor units of an amount, or an issue at `path` (relative to the schema being parsed). */
function minor(value: Decimal, currency: string, ctx: Ctx, path: PropertyKey[], { positive = false } = {}): bigint | undefined {
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", path, message });
    return undefined;
  };
  let result: bigint;
  try {
    result = toMinor(value, currency);
  } catch (error) {
    if (error instanceof MoneyError) return fail(error.message);
    throw error;
  }
  if (result < 0n) return fail("must not be negative");
  if (positive && result === 0n) return fail("must be greater than 0");
  const max = MAX_WHOLE_UNITS * 10n ** BigInt(exponentOf(currency)) - 1n;
  if (result > max) return fail(`must be at most ${toDecimalString(max, currency)}`);
  return result;
}

/** Marks the cross-field breakdown rule, so a PATCH reports it at `amount.value` rather than on one update. */
export const BREAKDOWN_RULE = "twig.breakdown";

// ---------------------------------------------------------------------------------------------
// POST /v1/operations/order/init

const amount = object({
  currencyCode,
  value: decimal,
  breakdown: object({ items: decimal, tax: decimal, shipping: decimal }),
}).transform((a, ctx) => {
  const currency = a.currencyCode;
  const valueMinor = minor(a.value, currency, ctx, ["value"], { positive: true });
  const itemsMinor = minor(a.breakdown.items, currency, ctx, ["breakdown", "items"]);
  const taxMinor = minor(a.breakdown.tax, currency, ctx, ["breakdown", "tax"]);
  const shippingMinor = minor(a.breakdown.shipping, currency, ctx, ["breakdown", "shipping"]);
  if (valueMinor === undefined || itemsMinor === undefined || taxMinor === undefined || shippingMinor === undefined) return z.NEVER;
  const sum = itemsMinor + taxMinor + shippingMinor;
  if (sum !== valueMinor) {
    ctx.addIssue({
      code: "custom",
      path: ["value"],
      message: `must equal breakdown items + tax + shipping, which add up to ${toDecimalString(sum, currency)}`,
      params: { rule: BREAKDOWN_RULE },
    });
    return z.NEVER;
  }
  return { currency, valueMinor, itemsMinor, taxMinor, shippingMinor };
});

const lineItem = object({
  itemId: text(100),
  name: text(200),
  description: text(1000, { allowEmpty: true }),
  category: text(100),
  categoryHierarchy: z
    .array(text(100), { error: expected("an array of strings") })
    .max(20, "at most 20 categories")
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  metadata: z.unknown().optional().transform((v) => v ?? null),
  quantity,
  amount: decimal,
  tax: decimal,
  imageUrl: text(2048),
});

const lineItems = z
  .array(lineItem, { error: expected("an array") })
  .min(1, "at least one line item is required")
  .max(100, "at most 100 line items")
  .superRefine((items, ctx) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const first = seen.get(item.itemId);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: [i, "itemId"], message: `duplicates lineItems[${first}].itemId` });
      else seen.set(item.itemId, i);
    });
  });

// `amount` first: its breakdown rule is reported even when other fields are wrong too.
const initShape = object({
  amount,
  merchantOrderReference: text(200),
  dateCreated: dateTime,
  customer: object({
    firstName: text(100),
    lastName: text(100),
    email,
    phoneNumber: phone
      .nullable()
      .optional()
      .transform((v) => v || null),
    locale: locale
      .nullable()
      .optional()
      .transform((v) => v || null),
  }),
  lineItems,
  shipping: object({ method: text(200), amount: decimal, address }),
  billing: object({ address }).nullable().optional(),
  merchant: merchant.nullable().optional(),
  expiration: dateTime.nullable().optional(),
});

const DAY_MS = 86_400_000;
export const MAX_EXPIRATION_DAYS = 30;

function expirationIssue(expiration: Date, now: Date): string | undefined {
  if (expiration.getTime() <= now.getTime()) return "must be in the future";
  if (expiration.getTime() > now.getTime() + MAX_EXPIRATION_DAYS * DAY_MS) return `must be at most ${MAX_EXPIRATION_DAYS} days ahead`;
  return undefined;
}

/**
 * The init schema. `now` bounds `expiration` (after now, at most 30 days ahead); null skips that
 * check (a PATCH that leaves the stored expiration alone).
 */
export function twigInitSchema(now: Date | null) {
  return initShape.transform((o, ctx): TwigInitInput => {
    const currency = o.amount.currency;
    const items = o.lineItems.map((item, i) => ({
      item,
      amountMinor: minor(item.amount, currency, ctx, ["lineItems", i, "amount"]),
      taxMinor: minor(item.tax, currency, ctx, ["lineItems", i, "tax"]),
    }));
    const shippingMinor = minor(o.shipping.amount, currency, ctx, ["shipping", "amount"]);
    const expirationProblem = now && o.expiration ? expirationIssue(o.expiration, now) : undefined;
    if (expirationProblem) ctx.addIssue({ code: "custom", path: ["expiration"], message: expirationProblem });
    if (shippingMinor === undefined || expirationProblem || items.some((i) => i.amountMinor === undefined || i.taxMinor === undefined)) return z.NEVER;
    return {
      merchantOrderReference: o.merchantOrderReference,
      currency,
      amount: { valueMinor: o.amount.valueMinor, itemsMinor: o.amount.itemsMinor, taxMinor: o.amount.taxMinor, shippingMinor: o.amount.shippingMinor },
      customer: o.customer,
      lineItems: items.map(({ item, amountMinor, taxMinor }) => ({
        itemId: item.itemId,
        name: item.name,
        description: item.description,
        category: item.category,
        categoryHierarchy: item.categoryHierarchy,
        metadata: item.metadata,
        quantity: item.quantity,
        amountMinor: amountMinor!,
        taxMinor: taxMinor!,
        imageUrl: item.imageUrl,
      })),
      shipping: { method: o.shipping.method, amountMinor: shippingMinor!, address: o.shipping.address },
      billing: o.billing ?? null,
      merchant: o.merchant ?? null,
      dateCreated: o.dateCreated,
      expiration: o.expiration ?? null,
    };
  });
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) throw fromZod("validation", result.error);
  return result.data;
}

export function parseTwigInit(body: unknown, now: Date): TwigInitInput {
  return parse(twigInitSchema(now), body);
}

// ---------------------------------------------------------------------------------------------
// Capture, refund, cancel

const message = text(500, { allowEmpty: true })
  .nullable()
  .optional()
  .transform((v) => v || null);

const operationShape = { orderId: text(100), id: uuid, dateCreated: dateTime, message };

const cancelOperation = object(operationShape);

const paymentOperation = object({ ...operationShape, amount: decimal, currencyCode }).transform((o, ctx): TwigPaymentOperationInput => {
  const amountMinor = minor(o.amount, o.currencyCode, ctx, ["amount"], { positive: true });
  if (amountMinor === undefined) return z.NEVER;
  return { orderId: o.orderId, id: o.id, amountMinor, currency: o.currencyCode, dateCreated: o.dateCreated, message: o.message };
});

/**
 * POST /v1/payment/order/capture, /v1/payment/order/refund (amount in `currencyCode`, > 0) and
 * /v1/operations/order/cancel (no amount). Whether the currency is the order's is the service's
 * question.
 */
export function parseOperation(body: unknown, kind: "capture" | "refund"): TwigPaymentOperationInput;
export function parseOperation(body: unknown, kind: "cancel"): TwigOperationInput;
export function parseOperation(body: unknown, kind: "capture" | "refund" | "cancel"): TwigOperationInput | TwigPaymentOperationInput {
  return kind === "cancel" ? parse(cancelOperation, body) : parse(paymentOperation, body);
}

// ---------------------------------------------------------------------------------------------
// PATCH /v1/operations/order

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A value sent as a JSON string literal: parsed, and held to what the request body is (lib/http/input.ts). */
function readJson(text: string): { ok: true; value: unknown } | { ok: false; problem?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  const problem = storageProblem(value);
  return problem ? { ok: false, problem: problem.field === "body" ? problem.message : `${problem.field} ${problem.message}` } : { ok: true, value };
}

const update = object({
  operation: z.enum(["UPDATE", "DELETE"], { error: expected('"UPDATE" or "DELETE"') }),
  field: z.enum(TWIG_PATCH_FIELDS, { error: expected(`one of ${TWIG_PATCH_FIELDS.join(", ")}`) }),
  id: text(100).optional(),
  value: z.unknown().optional(),
}).transform((u, ctx): TwigUpdate => {
  const issue = (path: string, message: string) => {
    ctx.addIssue({ code: "custom", path: [path], message });
    return z.NEVER;
  };
  if (u.field === "lineItems" && u.id === undefined) return issue("id", "is required for lineItems");
  if (u.operation === "DELETE") {
    if (u.field !== "lineItems") return issue("operation", "DELETE works only for field lineItems");
    return { operation: "DELETE", field: "lineItems", id: u.id! };
  }
  if (u.value === undefined) return issue("value", "is required");
  if (u.field === "expiration") {
    if (u.value === null) return { operation: "UPDATE", field: "expiration", value: null };
    if (typeof u.value !== "string") return issue("value", 'must be a JSON string literal of a date, e.g. "\\"2026-12-01T00:00:00Z\\""');
    const parsed = readJson(u.value);
    if (!parsed.ok && parsed.problem) return issue("value", parsed.problem);
    // A bare date is not valid JSON: take it as the date itself.
    const value = parsed.ok ? parsed.value : u.value;
    if (value !== null && typeof value !== "string") return issue("value", 'must be a JSON string literal of a date, e.g. "\\"2026-12-01T00:00:00Z\\""');
    return { operation: "UPDATE", field: "expiration", value };
  }
  let value: unknown = u.value;
  if (typeof value === "string") {
    const parsed = readJson(value);
    if (!parsed.ok) return issue("value", parsed.problem ?? "must be a JSON object in a string literal");
    value = parsed.value;
  }
  if (!isPlainObject(value)) return issue("value", "must be a JSON object in a string literal");
  if (u.field === "lineItems") return { operation: "UPDATE", field: "lineItems", id: u.id!, value };
  return { operation: "UPDATE", field: u.field, value };
});

const patch = object({
  orderId: text(100),
  updateItems: z.array(update, { error: expected("an array") }).min(1, "at least one update is required").max(50, "at most 50 updates"),
});

export function parsePatch(body: unknown): TwigPatchInput {
  return parse(patch, body);
}

/** An ApiError naming a field, for the checks zod does not make. */
export const invalid = (field: string, message: string) => new ApiError("validation", `${field}: ${message}`, { field });
