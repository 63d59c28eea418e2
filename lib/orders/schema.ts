import { z } from "zod";
import { ApiError } from "@/lib/http/errors";
import { email, orderId, sessionId } from "@/lib/torque/validation";
import { TORQUE_FILTER, type TorqueStatus } from "./status";

/**
 * Input schemas of the Torque order endpoints (001's /v1/checkout/orders…, 000's /v1/orders…).
 * Query parameters arrive as text, so numbers and booleans are read strictly from their text.
 */

/** A whole number written in digits only ("20", not "20.0", "2e1" or " 20"). */
const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((v) => v >= min, `must be at least ${min}`)
    .refine((v) => v <= max, `must be at most ${max}`)
    .default(fallback);

const STATUS_FILTERS = Object.keys(TORQUE_FILTER) as (TorqueStatus | "paid")[];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

type Instant = { at: Date; dateOnly: boolean };

/**
 * ISO 8601 calendar date ("2024-01-15") or date-time ("2024-01-15T10:00:00Z", with an offset
 * or fraction; without a zone it is read as UTC). Impossible dates (2024-02-30) are refused.
 */
export function parseIsoInstant(text: string): Instant | undefined {
  const date = DATE.exec(text);
  const time = date ? undefined : DATE_TIME.exec(text);
  const m = date ?? time;
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, s] = time ? [Number(time[4]), Number(time[5]), Number(time[6] ?? 0)] : [0, 0, 0];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const utc = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (utc.getUTCFullYear() !== y || utc.getUTCMonth() !== mo - 1 || utc.getUTCDate() !== d) return undefined;
  if (!time) return { at: utc, dateOnly: true };
  const ms = time[7] ? Number(time[7].slice(1, 4).padEnd(3, "0")) : 0;
  const zone = time[8]?.toUpperCase();
  let offsetMinutes = 0;
  if (zone && zone !== "Z") {
    const digits = zone.replace(":", "");
    const oh = Number(digits.slice(1, 3));
    const om = Number(digits.slice(3, 5));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (digits[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  return { at: new Date(utc.getTime() + ms - offsetMinutes * 60_000), dateOnly: false };
}

const isoInstant = z.string().transform((text, ctx) => {
  const parsed = parseIsoInstant(text.trim());
  if (!parsed) {
    ctx.addIssue({ code: "custom", message: "must be an ISO 8601 date (2024-01-15) or date-time (2024-01-15T10:00:00Z)" });
    return z.NEVER;
  }
  return parsed;
});

const DAY_MS = 86_400_000;

/**
 * GET /v1/checkout/orders and GET /v1/orders. `startDate` is inclusive, `endDate` exclusive,
 * except that a date-only `endDate` includes that whole day (UTC). `status` takes 001's five
 * statuses and 000's "paid" (processing or completed).
 */
export const listOrdersQuery = z
  .strictObject({
    limit: wholeNumber(1, 100, 20),
    offset: wholeNumber(0, 1_000_000, 0),
    status: z.enum(STATUS_FILTERS, { error: `must be one of ${STATUS_FILTERS.join(", ")}` }).optional(),
    startDate: isoInstant.optional(),
    endDate: isoInstant.optional(),
    customerEmail: email.optional(),
  })
  .transform((q, ctx) => {
    const from = q.startDate?.at;
    const to = q.endDate ? new Date(q.endDate.at.getTime() + (q.endDate.dateOnly ? DAY_MS : 0)) : undefined;
    if (from && to && to <= from) {
      ctx.addIssue({ code: "custom", path: ["endDate"], message: "must be later than startDate" });
      return z.NEVER;
    }
    return {
      limit: q.limit,
      offset: q.offset,
      statuses: q.status ? TORQUE_FILTER[q.status] : undefined,
      from,
      to,
      customerEmail: q.customerEmail,
    };
  });

/** `?includeDetails=true|false` (001); any other value is refused rather than guessed. */
export const orderStatusQuery = z.strictObject({
  includeDetails: z
    .enum(["true", "false"], { error: "must be true or false" })
    .optional()
    .transform((v) => v === "true"),
});

/** POST /v1/checkout/orders/{orderId}/cancel: both fields optional, an empty body is fine. */
export const cancelOrderBody = z.strictObject({
  reason: z
    .string({ error: "must be a string" })
    .trim()
    .max(500, "must be at most 500 characters")
    .optional()
    .transform((v) => (v ? v : undefined)),
  refundCustomer: z.boolean({ error: "must be true or false" }).optional(),
});

export type OrderRef = { orderId: string } | { sessionId: string };

/**
 * The `{orderId}` path segment: an order id, or (our extension, since generate-link only hands
 * merchants a session id) the id of the checkout session that made the order. A malformed id is
 * a 400 naming `orderId`; a well-formed one that is missing or another tenant's is a 404 later.
 */
export function parseOrderRef(raw: string): OrderRef {
  const asSession = raw.startsWith("session_");
  const result = (asSession ? sessionId : orderId).safeParse(raw);
  if (!result.success) {
    const message = result.error.issues[0]?.message ?? "is not a valid id";
    throw new ApiError("bad_request", `orderId: ${message}`, { field: "orderId" });
  }
  return asSession ? { sessionId: raw } : { orderId: raw };
}
