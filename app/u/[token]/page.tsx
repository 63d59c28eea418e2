import { notFound } from "next/navigation";
import { CustomerCard } from "@/components/customer-card";
import { getDb } from "@/db/client";
import { getBusiness } from "@/lib/businesses/service";
import { contactByToken } from "@/lib/contacts/service";

export const dynamic = "force-dynamic";
export const metadata = { title: "Unsubscribe", robots: { index: false }, referrer: "no-referrer" };

/** "jane.doe@example.com" → "j•••@example.com": enough to recognise, little to a stranger holding the link. */
function masked(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}•••@${domain}`;
}

/**
 * The unsubscribe link of every recovery email. Opening it changes nothing (mail scanners open
 * links); the button posts to the same one-click endpoint that mail clients use.
 */
export default async function UnsubscribePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const contact = await contactByToken(token);
  if (!contact) notFound();
  const business = (await getBusiness(await getDb(), contact.businessId))?.name ?? "this shop";

  if (contact.unsubscribedAt) {
    return (
      <CustomerCard business={business} title="You are unsubscribed">
        <p>
          {business} will not send cart reminder emails to {masked(contact.email)} any more.
        </p>
      </CustomerCard>
    );
  }
  return (
    <CustomerCard business={business} title="Unsubscribe from cart reminders?">
      <p>
        {business} emails {masked(contact.email)} when a cart is left unfinished. Unsubscribe and you will get no more of these
        reminders.
      </p>
      <form method="post" action={`/u/${encodeURIComponent(token)}/one-click`}>
        <button className="w-full rounded-lg bg-brand-600 px-4 py-2.5 font-medium text-white hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
          Unsubscribe
        </button>
      </form>
    </CustomerCard>
  );
}
