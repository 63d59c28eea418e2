import { ApiError } from "@/lib/http/errors";
import { expireOpenSessions } from "@/lib/payments/checkout";
import { authorizeTestPayment, returnUrl, runValidation, settledOrder } from "@/lib/twig/customer";
import { paymentOrder, viewTwigCheckout } from "@/lib/twig/page";
import { startAuthorization } from "@/lib/twig/provider";
import { checkoutPage, crossSite, see, text } from "../respond";

/**
 * The page's "Authorize" button (a plain form post). With Stripe: on to Stripe Checkout, which
 * holds the total and comes back to ../return. In test mode the authorization is simulated here,
 * the merchant's validationUrl is called, and the customer goes on to the confirmUrl (or the
 * cancelUrl when a required validation failed). An order no longer open goes back to the page,
 * which says why.
 */
export async function POST(req: Request, { params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = await params;
  const refused = crossSite(req);
  if (refused) return refused;
  const view = await viewTwigCheckout(orderId);
  if (view.state === "not_found") return text(404, "This order does not exist.");
  const page = checkoutPage(orderId);
  if (view.state !== "open") return see(page);
  const { businessId } = view.order;

  // A Stripe page opened by an earlier click must not hold the money a second time.
  await expireOpenSessions({ orderId });
  let stripeUrl: string | null;
  try {
    stripeUrl = await startAuthorization(paymentOrder(view.order));
  } catch (error) {
    // Stripe unreachable or refusing: nothing is held, and the page offers the button again.
    if (error instanceof ApiError) return see(`${page}?failed=1`);
    throw error;
  }
  if (stripeUrl) return see(stripeUrl);

  try {
    await authorizeTestPayment(businessId, orderId);
  } catch (error) {
    // Expired a moment ago: the page says so.
    if (error instanceof ApiError) return see(page);
    throw error;
  }
  await runValidation(businessId, orderId);
  const order = await settledOrder(businessId, orderId);
  return see(order && order.status !== "pending" ? returnUrl(order) : page);
}
