import Link from "next/link";
import { listEndpoints, MERCHANT_DISABLED_REASON, type WebhookEndpoint } from "@/lib/webhooks/endpoints";

/** Disabled by Cartback (410 Gone, or days of failures) rather than by the business. */
export function disabledBySystem(endpoint: Pick<WebhookEndpoint, "status" | "disabledReason">): boolean {
  return endpoint.status === "disabled" && endpoint.disabledReason !== MERCHANT_DISABLED_REASON;
}

/**
 * Shown above every dashboard page (to admins and owners, who can fix it) while Cartback has
 * disabled one of the business's webhook endpoints.
 */
export async function WebhookAlert({ businessId }: { businessId: string }) {
  const disabled = (await listEndpoints(businessId)).filter(disabledBySystem);
  if (disabled.length === 0) return null;
  return (
    <section
      aria-label="Webhook alerts"
      data-testid="webhook-alert"
      className="mb-6 rounded-xl border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-900 dark:border-rose-900/60 dark:bg-rose-950/40 dark:text-rose-100"
    >
      <ul className="space-y-2">
        {disabled.map((endpoint) => (
          <li key={endpoint.id} className="flex gap-2">
            <span aria-hidden className="mt-px shrink-0 text-rose-600 dark:text-rose-400">
              ⚠
            </span>
            <p className="min-w-0">
              Webhook endpoint <span className="font-mono font-medium break-all">{endpoint.url}</span> was disabled:{" "}
              {(endpoint.disabledReason ?? "deliveries kept failing").replace(/\.$/, "")}. Fix it and re-enable it in{" "}
              <Link
                href="/settings#webhooks"
                className="rounded font-medium underline underline-offset-2 hover:text-rose-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-rose-500 dark:hover:text-white"
              >
                Settings
              </Link>
              .
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
