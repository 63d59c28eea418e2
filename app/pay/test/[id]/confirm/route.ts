import { ApiError } from "@/lib/http/errors";
import { payTestSession } from "@/lib/payments/checkout";

/** The test checkout's Pay button: recorded exactly like a Stripe payment, then back to the link's status page. */
export async function POST(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  try {
    const { returnUrl } = await payTestSession(id);
    return new Response(null, { status: 303, headers: { Location: returnUrl } });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const status = error.kind === "not_found" ? 404 : error.kind === "forbidden" ? 403 : 409;
    return new Response(error.message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
