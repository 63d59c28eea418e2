import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accounts, appSettings, sessions, users, verifications } from "@/db/schema";
import { env } from "@/lib/env";
import { describeError, withoutParams } from "@/lib/http/errors";
import { newSecret } from "@/lib/ids";
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "./password";

async function createAuth() {
  const db = await getDb();
  const { APP_URL } = env();
  return betterAuth({
    appName: "Cartback",
    baseURL: APP_URL,
    basePath: "/api/auth",
    secret: await appSecret(),
    database: drizzleAdapter(db, { provider: "pg", schema: { user: users, session: sessions, account: accounts, verification: verifications } }),
    emailAndPassword: {
      enabled: true,
      // Staff join by invitation (lib/auth/invitations.ts) or the CLI, never by open sign-up.
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      password: { hash: hashPassword, verify: ({ hash, password }) => verifyPassword(hash, password) },
    },
    session: { expiresIn: 7 * 24 * 3600, updateAge: 24 * 3600 },
    trustedOrigins: [APP_URL],
    rateLimit: { enabled: env().NODE_ENV === "production", window: 60, max: 100, customRules: { "/sign-in/email": { window: 60, max: env().SIGN_IN_RATE_LIMIT } } },
    // disableOriginCheck: false, said explicitly: Better Auth turns its Origin/CSRF checks off when it
    // detects a test run, and the tests must exercise the checks production runs.
    advanced: { cookiePrefix: "cartback", useSecureCookies: APP_URL.startsWith("https:"), disableOriginCheck: false },
    telemetry: { enabled: false },
    // Better Auth logs errors whole, and a failed query's parameters hold session tokens: log the
    // driver's code and message only. Unexpected errors are thrown to the route (publicRoute), which
    // logs them the same way, instead of being printed raw by Better Auth's router.
    logger: { log: logSafely },
    onAPIError: { throw: true },
  });
}

function logSafely(level: "debug" | "info" | "warn" | "error", message: string, ...args: unknown[]): void {
  const safe = args.map((arg) => (arg instanceof Error ? describeError(arg) : typeof arg === "string" ? withoutParams(arg) : arg));
  const write = level === "error" ? console.error : level === "warn" ? console.warn : console.log;
  write(`[better-auth] ${withoutParams(message)}`, ...safe);
}

export type Auth = Awaited<ReturnType<typeof createAuth>>;

const holder = globalThis as typeof globalThis & { __cartbackAuth?: Promise<Auth> };

export function getAuth(): Promise<Auth> {
  return (holder.__cartbackAuth ??= createAuth().catch((error) => {
    holder.__cartbackAuth = undefined;
    throw error;
  }));
}

export function resetAuthForTests(): void {
  holder.__cartbackAuth = undefined;
}

/** The instance's secret: AUTH_SECRET, or the one generated on first start. Signs sessions and seals stored keys. */
export async function appSecret(): Promise<string> {
  return env().AUTH_SECRET ?? (await storedSecret());
}

/** Without AUTH_SECRET, one random secret is made on first start and kept in the database. */
async function storedSecret(): Promise<string> {
  const db = await getDb();
  await db.insert(appSettings).values({ key: "auth_secret", value: newSecret() }).onConflictDoNothing();
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, "auth_secret"));
  return row!.value;
}
