import { notFound } from "next/navigation";
import { CustomerCard } from "@/components/customer-card";
import { formatMoney } from "@/lib/money";
import { getTestSession } from "@/lib/payments/checkout";

export const dynamic = "force-dynamic";
export const metadata = { title: "Test checkout", robots: { index: false } };

/** Stands in for Stripe Checkout when no Stripe keys are configured. */
export default async function TestCheckoutPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const found = await getTestSession(id);
  if (!found) notFound();
  const { session, lines, adjustments } = found;
  const open = session.status === "open" && session.expiresAt > new Date();
  const money = (minor: bigint) => formatMoney(minor, session.currency);

  return (
    <CustomerCard business={found.businessName} title="Checkout">
      <p role="note" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200">
        TEST MODE — no real payment will be taken. Stripe is not configured on this Cartback.
      </p>
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {lines.map((line, i) => (
          <li key={i} className="flex justify-between gap-4 py-2 text-sm">
            <span>
              {line.label} <span className="text-slate-500">× {line.quantity}</span>
            </span>
            <span className="tabular-nums">{money(line.amountMinor)}</span>
          </li>
        ))}
        {adjustments.map((a) => (
          <li key={a.label} className="flex justify-between gap-4 py-2 text-sm text-slate-500">
            <span>{a.label}</span>
            <span className="tabular-nums">{money(a.amountMinor)}</span>
          </li>
        ))}
      </ul>
      <p className="flex justify-between font-semibold">
        <span>Total</span>
        <span className="tabular-nums" data-testid="total">
          {money(session.amountMinor)}
        </span>
      </p>
      <p className="text-sm text-slate-500">Paying as {found.customerEmail}</p>
      {open ? (
        <form method="post" action={`/pay/test/${session.id}/confirm`}>
          <button className="w-full rounded-lg bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
            Pay {money(session.amountMinor)} (test)
          </button>
        </form>
      ) : (
        <p className="font-medium">
          This checkout is closed.{" "}
          <a className="underline" href={found.returnUrl}>
            Go back
          </a>
          .
        </p>
      )}
    </CustomerCard>
  );
}
