import { ApiError } from "@/lib/http/errors";
import { assertSameOrigin } from "@/lib/http/session-route";

/** Answers of the hosted Twig page's routes: the customer's browser follows them, nothing caches them. */

export const checkoutPage = (orderId: string) => `/twig/checkout/${encodeURIComponent(orderId)}`;

/** 303: the browser follows with a GET, so reloading the next page never re-posts the form. */
export function see(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}

export function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

/** The page's buttons post from our own origin; anything else is another site riding the customer's link. */
export function crossSite(req: Request): Response | undefined {
  try {
    assertSameOrigin(req);
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return text(403, "This form can only be submitted from its checkout page.");
    throw error;
  }
}
