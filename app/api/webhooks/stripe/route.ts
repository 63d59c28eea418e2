import { env } from "@/lib/env";
import { ApiError } from "@/lib/http/errors";
import { tracker } from "@/lib/http/dialects/tracker";
import { publicRoute } from "@/lib/http/handler";
import { readBody } from "@/lib/http/input";
import { handleStripeEvent } from "@/lib/payments/stripe-events";
import { checkStripeEvent, verifyStripeEvent } from "@/lib/payments/stripe";

/** Stripe's deliveries: verified on the raw body, applied once per event id, 200 for types we ignore. */
export const POST = publicRoute(tracker, async ({ req }) => {
  const secret = env().STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new ApiError("unavailable", "Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET)");
  const signature = req.headers.get("stripe-signature");
  if (!signature) throw new ApiError("bad_request", "Missing Stripe-Signature header", { field: "stripe-signature" });
  const body = await readBody(req);
  let event;
  try {
    event = verifyStripeEvent(body, signature, secret);
  } catch {
    throw new ApiError("bad_request", "Invalid or expired Stripe signature", { field: "stripe-signature" });
  }
  const outcome = await handleStripeEvent(checkStripeEvent(event));
  return Response.json({ received: true, outcome });
});
