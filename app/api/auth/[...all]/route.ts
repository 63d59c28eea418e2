import { getAuth } from "@/lib/auth/auth";
import { tracker } from "@/lib/http/dialects/tracker";
import { publicRoute } from "@/lib/http/handler";

/**
 * Better Auth's endpoints: /api/auth/sign-in/email, /api/auth/sign-out, /api/auth/get-session…
 * Its own errors (401, 403, 429) are its answers; anything unexpected (the database failing) is
 * thrown (onAPIError.throw) and becomes a logged 500, or a 503 with Retry-After, here.
 */
const handler = publicRoute<{ all: string[] }>(tracker, async ({ req }) => (await getAuth()).handler(req));

export const GET = handler;
export const POST = handler;
