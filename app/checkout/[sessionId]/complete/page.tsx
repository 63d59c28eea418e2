import { notFound, redirect } from "next/navigation";
import { checkoutCompletion, checkoutTheme } from "@/lib/checkout/page";
import { CheckoutFrame, StateCard } from "../checkout-ui";

export const dynamic = "force-dynamic";
export const metadata = { title: { absolute: "Your order" }, robots: { index: false, follow: false }, referrer: "same-origin" as const };

type Props = { params: Promise<{ sessionId: string }> };

/**
 * Where the payment page sends the customer back. A paid order goes on to the merchant's
 * redirectUrl (with orderId and sessionId); until Stripe's webhook confirms the payment, the
 * page waits and refreshes itself.
 */
export default async function CheckoutCompletePage({ params }: Props) {
  const { sessionId } = await params;
  const done = await checkoutCompletion(sessionId);
  if (done.state === "not_found") notFound();
  const checkout = `/checkout/${encodeURIComponent(sessionId)}`;
  if (done.state === "no_order") redirect(checkout);
  if (done.state === "paid" && done.redirectTo) redirect(done.redirectTo);

  const theme = checkoutTheme(done.session.options);
  return (
    <CheckoutFrame businessName={done.businessName} theme={theme}>
      {done.state === "paid" && (
        <StateCard tone="success" title="Payment received — thank you">
          <p>Your order from {done.businessName} is confirmed. {done.businessName} will be in touch with the details.</p>
          <p>
            Order number <span className="font-mono font-medium text-slate-900 dark:text-slate-100">{done.orderId}</span>
          </p>
        </StateCard>
      )}
      {done.state === "confirming" && (
        <StateCard
          tone="waiting"
          title="Confirming your payment…"
          action={
            <a href={checkout} className="text-sm font-medium text-slate-600 underline underline-offset-2 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white">
              Didn’t finish paying? Return to checkout
            </a>
          }
        >
          <meta httpEquiv="refresh" content="3" />
          <p role="status">We are waiting for the payment provider to confirm your payment. This page refreshes by itself — please keep it open.</p>
        </StateCard>
      )}
      {done.state === "closed" && (
        <StateCard tone="closed" title="This checkout has expired">
          <p>No payment was taken. Please contact {done.businessName} for a new checkout link.</p>
        </StateCard>
      )}
    </CheckoutFrame>
  );
}
