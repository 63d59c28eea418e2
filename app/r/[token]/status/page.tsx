import { notFound } from "next/navigation";
import { ButtonLink, CustomerCard } from "@/components/customer-card";
import { linkState } from "@/lib/links/service";
import { MESSAGE_ID } from "@/lib/links/url";

export const dynamic = "force-dynamic";
export const metadata = { title: "Your order", robots: { index: false } };

type Props = { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | undefined>> };

export default async function LinkStatusPage({ params, searchParams }: Props) {
  const { token } = await params;
  const query = await searchParams;
  const link = await linkState(token);
  if (link.state === "not_found") notFound();
  const business = link.businessName;
  // Back to checkout from a recovery email's link stays credited to that email.
  const m = typeof query.m === "string" && MESSAGE_ID.test(query.m) ? query.m : undefined;
  const retry = `/r/${encodeURIComponent(token)}${m ? `?m=${m}` : ""}`;

  switch (link.state) {
    case "paid":
      return (
        <CustomerCard business={business} title="Payment received — thank you!">
          <p>Your order is paid. {business} will be in touch with the details.</p>
        </CustomerCard>
      );
    case "open":
      if (query.session_id) {
        return (
          <CustomerCard business={business} title="Confirming your payment…">
            <meta httpEquiv="refresh" content="3" />
            <p>We are waiting for the payment provider to confirm. This page refreshes by itself.</p>
          </CustomerCard>
        );
      }
      return (
        <CustomerCard business={business} title={query.error ? "Checkout is unavailable right now" : "Checkout was not completed"}>
          <p>
            {query.error
              ? "We could not reach the payment provider. Your link still works: please try again in a moment."
              : "No payment was taken. Your cart is saved and you can return to checkout whenever you like."}
          </p>
          <ButtonLink href={retry}>Return to checkout</ButtonLink>
        </CustomerCard>
      );
    case "expired":
      return (
        <CustomerCard business={business} title="This payment link has expired">
          <p>Ask {business} for a new link and your cart will be waiting.</p>
        </CustomerCard>
      );
    case "revoked":
      return (
        <CustomerCard business={business} title="This payment link is no longer active">
          <p>{business} has replaced or withdrawn this link. Please use the most recent link they sent you.</p>
        </CustomerCard>
      );
    case "closed":
      return (
        <CustomerCard business={business} title="This cart is closed">
          <p>This cart can no longer be paid. Please contact {business} if you still want to order.</p>
        </CustomerCard>
      );
  }
}
