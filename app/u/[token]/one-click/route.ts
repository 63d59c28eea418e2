import { contactByToken, unsubscribeContact } from "@/lib/contacts/service";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ token: string }> };

/**
 * RFC 8058 one-click unsubscribe: the List-Unsubscribe URL of every recovery email. Mail clients
 * POST `List-Unsubscribe=One-Click` here and get a plain 200; the unsubscribe page's button posts
 * here too and is sent back to the page, which then says it is done. Idempotent, no login.
 */
export async function POST(req: Request, { params }: Ctx) {
  const { token } = await params;
  const contact = await contactByToken(token);
  if (!contact) return new Response("Unknown unsubscribe link", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  await unsubscribeContact(contact.businessId, { token }, new Date(), "customer");
  const body = await req.text().catch(() => "");
  if (new URLSearchParams(body).get("List-Unsubscribe") === "One-Click") {
    return new Response("Unsubscribed", { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  }
  return new Response(null, { status: 303, headers: { Location: `/u/${encodeURIComponent(token)}`, "Cache-Control": "no-store" } });
}

/** Opening the URL (a client without one-click support, a link scanner) only shows the page. */
export async function GET(_req: Request, { params }: Ctx) {
  const { token } = await params;
  return new Response(null, { status: 303, headers: { Location: `/u/${encodeURIComponent(token)}`, "Cache-Control": "no-store" } });
}
