import Stripe from "stripe";
import { env } from "@/lib/env";

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
