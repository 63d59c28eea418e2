import { z } from "zod";
import { WEBHOOK_EVENTS } from "@/db/schema";
import { parseIsoInstant } from "@/lib/orders/schema";

/** Input schemas of /v1/webhooks… (Torque dialect: strict bodies, 400 naming the field). */

const url = z.string({ error: "must be a URL" }).trim().min(1, "is required").max(2048, "must be at most 2048 characters");

const events = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `must be one of ${WEBHOOK_EVENTS.join(", ")}` }), { error: "must be an array of event types" })
  .min(1, "must contain at least one event type");

/** Printable ASCII without spaces, so every receiver's HMAC library reads the same key bytes. */
const secret = z
  .string({ error: "must be a string" })
  .min(8, "must be at least 8 characters")
  .max(256, "must be at most 256 characters")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
  // A whsec_ secret signs Standard Webhooks with its base64-decoded bytes, so it must decode.
  .refine((v) => !v.startsWith("whsec_") || isStandardSecret(v.slice(6)), "must be whsec_ followed by the base64 of 24 to 64 bytes (or not start with whsec_)");

function isStandardSecret(b64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) return false;
  const bytes = Buffer.from(b64, "base64").length;
  return bytes >= 24 && bytes <= 64;
}

const description = z.string({ error: "must be a string" }).trim().max(500, "must be at most 500 characters");

export const createWebhookInput = z.strictObject({
  url,
  events,
  secret: secret.optional(),
  description: description.optional(),
});

export const updateWebhookInput = z
  .strictObject({
    url: url.optional(),
    events: events.optional(),
    /** null (or "") clears it. */
    description: description.nullable().optional(),
    status: z.enum(["active", "disabled"], { error: "must be active or disabled" }).optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), { message: "must change at least one of url, events, description, status", path: [] })
  .transform((v) => ({ ...v, description: v.description === "" ? null : v.description }));

export const rotateSecretInput = z.strictObject({
  gracePeriodHours: z
    .number({ error: "must be a number of hours" })
    .int("must be a whole number of hours")
    .min(0, "must be at least 0")
    .max(168, "must be at most 168 (7 days)")
    .default(24),
});

export const emptyInput = z.strictObject({});

const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((v) => v >= min, `must be at least ${min}`)
    .refine((v) => v <= max, `must be at most ${max}`)
    .default(fallback);

export const listDeliveriesQuery = z.strictObject({
  status: z.enum(["pending", "delivered", "failed"], { error: "must be pending, delivered or failed" }).optional(),
  limit: wholeNumber(1, 100, 20),
  offset: wholeNumber(0, 1_000_000, 0),
});

const DAY_MS = 86_400_000;

const instant = z.string({ error: "must be an ISO 8601 date-time" }).transform((text, ctx) => {
  const parsed = parseIsoInstant(text.trim());
  if (!parsed) {
    ctx.addIssue({ code: "custom", message: "must be an ISO 8601 date-time (2024-01-15T10:00:00Z) or date (2024-01-15)" });
    return z.NEVER;
  }
  return parsed;
});

/**
 * POST /v1/webhooks/{id}/replay: failed deliveries created in [since, until). A date-only
 * `until` includes that whole day (UTC), as in GET /v1/orders.
 */
export const replayFailedInput = z
  .strictObject({ since: instant.optional(), until: instant.optional() })
  .transform((v, ctx) => {
    const from = v.since?.at;
    const to = v.until ? new Date(v.until.at.getTime() + (v.until.dateOnly ? DAY_MS : 0)) : undefined;
    if (from && to && to <= from) {
      ctx.addIssue({ code: "custom", path: ["until"], message: "must be later than since" });
      return z.NEVER;
    }
    return { from, to };
  });
