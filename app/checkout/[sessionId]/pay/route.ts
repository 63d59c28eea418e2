import { encodeFlash, FLASH_COOKIE, FLASH_MAX_AGE, payCheckout } from "@/lib/checkout/page";
import { env } from "@/lib/env";
import { ApiError } from "@/lib/http/errors";
import { assertSameOrigin } from "@/lib/http/session-route";

const MAX_FORM_BYTES = 64 * 1024;

/**
 * The hosted checkout's Pay button (a plain form post, so it works without JavaScript):
 * on to the payment page, back to the checkout with the form's errors, or to the checkout
 * page when it has expired or is already paid (the page says which).
 */
export async function POST(req: Request, { params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  const page = `/checkout/${encodeURIComponent(sessionId)}`;
  try {
    assertSameOrigin(req);
  } catch (error) {
    if (error instanceof ApiError) return text(403, "This payment form can only be submitted from its checkout page.");
    throw error;
  }
  const form = await readForm(req);
  if (!form) return text(400, "Send the checkout form as application/x-www-form-urlencoded.");

  const outcome = await payCheckout(sessionId, form);
  const flash = (value: string, maxAge: number) =>
    `${FLASH_COOKIE}=${value}; Path=${page}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${env().APP_URL.startsWith("https:") ? "; Secure" : ""}`;
  switch (outcome.kind) {
    case "not_found":
      return text(404, "This checkout does not exist.");
    case "closed":
      return see(page, flash("", 0));
    case "invalid":
      return see(`${page}?invalid=1#errors`, flash(encodeFlash({ errors: outcome.errors, values: outcome.values }), FLASH_MAX_AGE));
    case "redirect":
      return see(outcome.url, flash("", 0));
  }
}

function see(location: string, cookie: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Set-Cookie": cookie, "Cache-Control": "no-store" } });
}

function text(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

async function readForm(req: Request): Promise<URLSearchParams | FormData | undefined> {
  const type = req.headers.get("content-type") ?? "";
  if (Number(req.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) return undefined;
  try {
    if (type.startsWith("multipart/form-data")) return await req.formData();
    if (!type.startsWith("application/x-www-form-urlencoded")) return undefined;
    const body = await req.text();
    return body.length > MAX_FORM_BYTES ? undefined : new URLSearchParams(body);
  } catch {
    return undefined;
  }
}
