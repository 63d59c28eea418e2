import { openLink } from "@/lib/links/service";

export const dynamic = "force-dynamic";

/** A customer opens a recovery link: off to a fresh checkout, or to a page saying why not. */
export async function GET(_req: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const status = `/r/${encodeURIComponent(token)}/status`;
  try {
    const result = await openLink(token);
    return seeOther("redirect" in result ? result.redirect : status);
  } catch (error) {
    console.error("[cartback] opening a recovery link failed:", error instanceof Error ? error.message : error);
    return seeOther(`${status}?error=1`);
  }
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}
