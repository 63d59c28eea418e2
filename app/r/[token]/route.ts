import { openLink } from "@/lib/links/service";
import { MESSAGE_ID } from "@/lib/links/url";

export const dynamic = "force-dynamic";

/**
 * A customer opens a recovery link: off to a fresh checkout, or to a page saying why not.
 * `?m=<messageId>` marks a click from a recovery email (attribution); anything else there is ignored.
 */
export async function GET(req: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const status = `/r/${encodeURIComponent(token)}/status`;
  const m = new URL(req.url).searchParams.get("m");
  const messageId = m && MESSAGE_ID.test(m) ? m : null;
  try {
    const result = await openLink(token, new Date(), messageId);
    return seeOther("redirect" in result ? result.redirect : status);
  } catch (error) {
    console.error("[cartback] opening a recovery link failed:", error instanceof Error ? error.message : error);
    // The retry keeps the email's mark, so a payment after it is still credited to the email.
    return seeOther(`${status}?error=1${messageId ? `&m=${messageId}` : ""}`);
  }
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}
