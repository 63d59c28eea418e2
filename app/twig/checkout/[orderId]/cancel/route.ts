import { ApiError } from "@/lib/http/errors";
import { cancelByCustomer, returnUrl } from "@/lib/twig/customer";
import { viewTwigCheckout } from "@/lib/twig/page";
import { checkoutPage, crossSite, see, text } from "../respond";

/**
 * The page's "Cancel order" button (a plain form post): the pending order is cancelled and the
 * customer goes back to the merchant's cancelUrl (our page when there is none). An order no
 * longer open goes back to the page, which says what became of it.
 */
export async function POST(req: Request, { params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = await params;
  const refused = crossSite(req);
  if (refused) return refused;
  const view = await viewTwigCheckout(orderId);
  if (view.state === "not_found") return text(404, "This order does not exist.");
  const page = checkoutPage(orderId);
  if (view.state !== "open") return see(page);

  try {
    await cancelByCustomer(view.order.businessId, orderId);
  } catch (error) {
    // Decided a moment ago by another request: the page shows how.
    if (error instanceof ApiError) return see(page);
    throw error;
  }
  const after = await viewTwigCheckout(orderId);
  return see(after.state === "cancelled" ? returnUrl(after.order) : page);
}
