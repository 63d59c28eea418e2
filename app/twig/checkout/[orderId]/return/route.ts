import { authorize } from "@/lib/twig/service";
import { returnUrl, runValidation, settledOrder } from "@/lib/twig/customer";
import { viewTwigCheckout } from "@/lib/twig/page";
import { authorizationFromSession } from "@/lib/twig/provider";
import { checkoutPage, see, text } from "../respond";

/**
 * Stripe Checkout's success_url (`?session_id=`): the authorization is recorded at once (the
 * webhook may come later, and records it only once), the merchant's validationUrl is called, and
 * the customer goes on to the confirmUrl, or the cancelUrl when a required validation failed.
 * A session that holds nothing (yet), or holds money for another order, goes back to the page.
 */
export async function GET(req: Request, { params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = await params;
  const view = await viewTwigCheckout(orderId);
  if (view.state === "not_found") return text(404, "This order does not exist.");
  const page = checkoutPage(orderId);
  const sessionId = new URL(req.url).searchParams.get("session_id");
  if (!sessionId) return see(page);

  const held = await authorizationFromSession(sessionId);
  const { businessId } = view.order;
  if (!held || held.metadata.order_id !== orderId || held.metadata.business_id !== businessId) return see(page);
  await authorize({
    businessId,
    orderId,
    provider: "stripe",
    providerRef: held.paymentIntentId,
    amountMinor: held.amountMinor,
    currency: held.currency,
    at: new Date(),
    paymentSessionId: held.metadata.payment_session_id ?? null,
  });
  await runValidation(businessId, orderId);
  const order = await settledOrder(businessId, orderId);
  return see(order && order.status !== "pending" ? returnUrl(order) : page);
}
