import { opened } from "@/db/client";
import { env } from "@/lib/env";
import { paymentMode } from "@/lib/payments/stripe";

export const dynamic = "force-dynamic";

/** What this Cartback instance is running on, and where its API lives. */
export default async function HomePage() {
  const { dialect } = await opened();
  const mode = paymentMode();
  const rows: [string, string][] = [
    ["Database", dialect === "pglite" ? `embedded (PGlite, ${env().PGLITE_DIR})` : "PostgreSQL"],
    ["Payments", mode === "stripe" ? "Stripe Checkout" : "test mode (no Stripe keys)"],
    ["Cart tracker API", `${env().APP_URL}/api/carts`],
    ["Stripe webhook", `${env().APP_URL}/api/webhooks/stripe`],
  ];
  return (
    <main className="mx-auto max-w-2xl p-6 sm:p-10">
      <h1 className="text-2xl font-semibold">Cartback</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        Abandoned-cart recovery: merchants report carts over the API, staff send payment links that never break,
        Stripe confirms payments by webhook.
      </p>
      <dl className="mt-6 divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
        {rows.map(([label, value]) => (
          <div key={label} className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:justify-between">
            <dt className="text-sm font-medium text-slate-500">{label}</dt>
            <dd className="font-mono text-sm break-all">{value}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-6 text-sm text-slate-500">
        The API reference is in <code>docs/api.md</code>. Create a business and key with <code>npm run cli -- business create --name &quot;My shop&quot;</code>.
      </p>
    </main>
  );
}
