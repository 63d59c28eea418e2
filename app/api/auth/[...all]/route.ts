import { toNextJsHandler } from "better-auth/next-js";
import { getAuth } from "@/lib/auth/auth";

// Better Auth's endpoints: /api/auth/sign-in/email, /api/auth/sign-out, /api/auth/get-session…
const handler = toNextJsHandler(async (req: Request) => (await getAuth()).handler(req));

export const { GET, POST } = handler;
