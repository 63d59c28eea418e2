import Stripe from "stripe";
import { z } from "zod";
import { env } from "@/lib/env";
import { fromZod } from "@/lib/http/errors";
import { assertStorableJson } from "@/lib/http/input";

const holder = globalThis as typeof globalThis & { __cartbackStripe?: { key: string; client: Stripe } };

/** The Stripe client, or null in test mode (no STRIPE_SECRET_KEY). */
export function stripe(): Stripe | null {
  const { STRIPE_SECRET_KEY: key, STRIPE_API_URL } = env();
  if (!key) return null;
  if (holder.__cartbackStripe?.key === key + (STRIPE_API_URL ?? "")) return holder.__cartbackStripe.client;
  const target = STRIPE_API_URL ? new URL(STRIPE_API_URL) : undefined;
  const client = new Stripe(key, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(target && {
      host: target.hostname,
      port: Number(target.port || (target.protocol === "https:" ? 443 : 80)),
      protocol: target.protocol.replace(":", "") as "http" | "https",
    }),
  });
  holder.__cartbackStripe = { key: key + (STRIPE_API_URL ?? ""), client };
  return client;
}

export function paymentMode(): "stripe" | "test" {
  return env().STRIPE_SECRET_KEY ? "stripe" : "test";
}

/** Verifies a webhook on its raw body; throws if the signature is missing, wrong or stale. */
export function verifyStripeEvent(rawBody: string, signature: string, secret: string): Stripe.Event {
  return Stripe.webhooks.constructEvent(rawBody, signature, secret);
}

const text = z.string().min(1).max(255);
const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The fields lib/payments/stripe-events.ts reads of the objects of the event types it applies. */
const OBJECTS: Record<string, z.ZodType> = {
  "checkout.session": z.looseObject({
    id: text,
    amount_total: amount.nullish(),
    currency: z.string().max(10).nullish(),
    payment_intent: z.union([text, z.looseObject({ id: text })]).nullish(),
    payment_status: z.string().nullish(),
  }),
  payment_intent: z.looseObject({ id: text, amount_received: amount, amount_capturable: amount.optional(), currency: z.string().max(10), status: z.string().nullish() }),
};

const eventShape = z.looseObject({
  id: text,
  type: text,
  created: z.number().int().min(0).max(4_102_444_800),
  livemode: z.boolean(),
  data: z.looseObject({ object: z.looseObject({ metadata: z.record(z.string(), z.string()).nullish() }) }),
});

/**
 * A signed event is Stripe's, but its fields are still checked before anything is stored: a
 * malformed one is refused with a 400 naming the field, never a 500 that Stripe would retry for days.
 */
export function checkStripeEvent(event: Stripe.Event): Stripe.Event {
  assertStorableJson(event);
  const envelope = eventShape.safeParse(event);
  if (!envelope.success) throw fromZod("bad_request", envelope.error);
  const kind = /^(checkout\.session|payment_intent)\./.exec(event.type)?.[1];
  const object = kind ? OBJECTS[kind]!.safeParse(event.data.object) : undefined;
  if (object && !object.success) throw fromZod("bad_request", prefixed(object.error, ["data", "object"]));
  return event;
}

function prefixed(error: z.ZodError, path: string[]): z.ZodError {
  return new z.ZodError(error.issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] })));
}
