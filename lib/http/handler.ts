import { authenticateKeyHash, requestKeyHash, type ApiKey, type Business } from "@/lib/auth/api-keys";
import type { Dialect } from "./dialects/dialect";
import { ApiError, rootCause, withoutParams } from "./errors";
import { baseInKeyLookup, consume, rateLimitHeaders } from "./rate-limit";

type RouteContext<P> = { params: Promise<P> };

export type PublicContext<P> = { req: Request; url: URL; params: P };
export type KeyContext<P> = PublicContext<P> & { business: Business; apiKey: ApiKey };

/** Turns anything thrown into the dialect's error answer; unknown errors are logged 500s. */
export function publicRoute<P = Record<string, never>>(
  dialect: Dialect,
  handler: (ctx: PublicContext<P>) => Promise<Response>,
) {
  return async (req: Request, route: RouteContext<P>): Promise<Response> => {
    try {
      const params = await route.params;
      // No id holds a NUL, and Postgres refuses to even compare one: such an id is simply not found.
      if (Object.values(params ?? {}).some((v) => String(v).includes("\u0000"))) throw new ApiError("not_found", "Not found");
      return await handler({ req, url: new URL(req.url), params });
    } catch (error) {
      return dialect.error(asApiError(error, req));
    }
  };
}

/** API-key routes: authenticate → rate limit → handler, with rate-limit headers on every answer. */
export function keyRoute<P = Record<string, never>>(dialect: Dialect, handler: (ctx: KeyContext<P>) => Promise<Response>) {
  return publicRoute<P>(dialect, (ctx) => withKey(dialect, ctx, requestKeyHash(ctx.req.headers), handler));
}

/**
 * keyRoute for a route that answers one read, which `read` scopes by the key itself (it finds
 * nothing for a key that is not valid: `keyBusinessId`). The read goes out with the key lookup
 * instead of one round trip after it, and reaches the handler only once the key is accepted and
 * the request counted; the handler still checks that what it found is the key's business's.
 */
export function keyReadRoute<P, T>(
  dialect: Dialect,
  read: (keyHash: string, ctx: PublicContext<P>) => Promise<T>,
  handler: (ctx: KeyContext<P>, found: T) => Promise<Response>,
) {
  return publicRoute<P>(dialect, (ctx) => {
    const keyHash = requestKeyHash(ctx.req.headers);
    const found = read(keyHash, ctx);
    found.catch(() => {}); // a refused key leaves it unread; otherwise the handler awaits it
    return withKey(dialect, ctx, keyHash, async (keyed) => handler(keyed, await found));
  });
}

async function withKey<P>(dialect: Dialect, ctx: PublicContext<P>, keyHash: string, handler: (ctx: KeyContext<P>) => Promise<Response>): Promise<Response> {
  const { business, apiKey, counted } = await authenticateKeyHash(keyHash, await baseInKeyLookup());
  const limit = await consume(apiKey.id, dialect.rateLimit, counted);
  let response: Response;
  try {
    response = await handler({ ...ctx, business, apiKey });
  } catch (error) {
    response = dialect.error(asApiError(error, ctx.req));
  }
  for (const [name, value] of Object.entries(rateLimitHeaders(limit))) response.headers.set(name, value);
  return response;
}

function asApiError(error: unknown, req: Request): ApiError {
  if (error instanceof ApiError) return error;
  if (isConnectionError(error)) {
    return new ApiError("unavailable", "The database is unavailable; retry shortly", { headers: { "Retry-After": "5" } });
  }
  // Never the query parameters (Drizzle puts them in its message): they can hold secrets.
  const root = rootCause(error);
  console.error(`[cartback] ${req.method} ${new URL(req.url).pathname} failed:`, root.code ?? "", withoutParams(root.message), root.stack?.split("\n").slice(1, 4).join(" | ") ?? "");
  return new ApiError("internal", "Internal server error");
}

/**
 * The database is unreachable, going down or not up yet (a retry will do): the driver's connection
 * errors, the socket's, and Postgres's class 08 (connection exception), 57P01–57P03 (admin or crash
 * shutdown, "the database system is shutting down / starting up").
 */
const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
]);

function isConnectionError(error: unknown): boolean {
  const code = rootCause(error).code;
  return code !== undefined && (UNAVAILABLE.has(code) || code.startsWith("08"));
}
