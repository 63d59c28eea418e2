import { notFound } from "next/navigation";
import { CustomerCard } from "@/components/customer-card";
import { getCart } from "@/lib/carts/queries";
import { formatMoney } from "@/lib/money";
import { getTestSession } from "@/lib/payments/checkout";

export const dynamic = "force-dynamic";
export const metadata = { title: "Test checkout", robots: { index: false } };

/** Stands in for Stripe Checkout when no Stripe keys are configured. */
export default async function TestCheckoutPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await getTestSession(id);
  if (!session?.cartId) notFound();
  const cart = await getCart(session.businessId, session.cartId);
  if (!cart) notFound();
  const open = session.status === "open" && session.expiresAt > new Date();

  return (
    <CustomerCard business={session.businessName} title="Checkout">
      <p role="note" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
        TEST MODE — no real payment will be taken. Stripe is not configured on this Cartback.
      </p>
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {cart.items.map((item) => (
          <li key={item.position} className="flex justify-between gap-4 py-2 text-sm">
            <span>
              {item.name} <span className="text-slate-500">× {item.quantity}</span>
            </span>
            <span className="tabular-nums">{formatMoney(item.unitPriceMinor * BigInt(item.quantity), cart.currency)}</span>
          </li>
        ))}
      </ul>
      <p className="flex justify-between font-semibold">
        <span>Total</span>
        <span className="tabular-nums" data-testid="total">{formatMoney(session.amountMinor, session.currency)}</span>
      </p>
      <p className="text-sm text-slate-500">Paying as {cart.customerEmail}</p>
      {open ? (
        <form method="post" action={`/pay/test/${session.id}/confirm`}>
          <button className="w-full rounded-lg bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
            Pay {formatMoney(session.amountMinor, session.currency)} (test)
          </button>
        </form>
      ) : (
        <p className="font-medium">This checkout is closed. <a className="underline" href={`/r/${session.token}`}>Open the payment link again</a>.</p>
      )}
    </CustomerCard>
  );
}
