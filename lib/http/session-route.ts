import { env } from "@/lib/env";
import { can, type Permission } from "@/lib/auth/roles";
import { staffFromHeaders, type Staff } from "@/lib/auth/staff";
import { tracker } from "./dialects/tracker";
import { ApiError } from "./errors";
import { publicRoute, type PublicContext } from "./handler";

export type StaffContext<P> = PublicContext<P> & { staff: Staff };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Dashboard routes authenticated by the staff session cookie. Mutations must come from our own
 * pages (Origin, or Sec-Fetch-Site for browsers that omit it), so another site cannot ride the
 * cookie; the role must allow the permission. Answers in the tracker envelope.
 */
export function staffRoute<P = Record<string, never>>(permission: Permission, handler: (ctx: StaffContext<P>) => Promise<Response>) {
  return publicRoute<P>(tracker, async (ctx) => {
    if (!SAFE_METHODS.has(ctx.req.method)) assertSameOrigin(ctx.req);
    const staff = await staffFromHeaders(ctx.req.headers);
    if (!staff) throw new ApiError("unauthorized", "Sign in to continue");
    if (!can(staff.role, permission)) throw new ApiError("forbidden", `Your role (${staff.role}) cannot do this`);
    return handler({ ...ctx, staff });
  });
}

export function assertSameOrigin(req: Request): void {
  const origin = req.headers.get("origin");
  const allowed = new Set([env().APP_URL, new URL(req.url).origin]);
  if (origin ? allowed.has(origin) : req.headers.get("sec-fetch-site") === "same-origin") return;
  throw new ApiError("forbidden", "Cross-site request refused");
}
