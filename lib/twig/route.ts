import { z } from "zod";
import { twig } from "@/lib/http/dialects/twig";
import { ApiError } from "@/lib/http/errors";
import { keyRoute, type KeyContext } from "@/lib/http/handler";
import { readJson } from "@/lib/http/input";
import { TWIG_API_VERSION } from "@/lib/webhooks/signing";

/**
 * Twig routes: an API key in `x-api-key` (or a bearer token), and the `twig-api-version` header,
 * which may be left out; a version we do not speak is refused rather than guessed at.
 */
export function twigRoute<P = Record<string, never>>(handler: (ctx: KeyContext<P>) => Promise<Response>) {
  return keyRoute<P>(twig, async (ctx) => {
    const version = ctx.req.headers.get("twig-api-version")?.trim();
    if (version && version !== TWIG_API_VERSION) {
      throw new ApiError("bad_request", `twig-api-version: only ${TWIG_API_VERSION} is supported`, { field: "twig-api-version" });
    }
    const response = await handler(ctx);
    response.headers.set("twig-api-version", TWIG_API_VERSION);
    return response;
  });
}

/** A capture, refund or cancel answer; a replayed one says so, as Stripe's API does. */
export function operationResponse(answer: { status: number; body: unknown; replayed: boolean }): Response {
  const response = twig.ok(answer.body, answer.status);
  if (answer.replayed) response.headers.set("Idempotent-Replayed", "true");
  return response;
}

/** The JSON body, unvalidated: Twig's parsers (lib/twig/schema.ts) name the fields. */
export const readTwigBody = (req: Request) => readJson(req, z.unknown());
