import ipaddr from "ipaddr.js";
import { z } from "zod";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => p + "//").join(" or ")}`);

const positiveInt = (fallback: number) =>
  z.coerce.number().int("must be a whole number").positive("must be greater than 0").default(fallback);

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: optionalText.pipe(url(["postgres:", "postgresql:"]).optional()),
    PGLITE_DIR: z.string().default(".data/pglite"),
    APP_URL: url(["http:", "https:"]).default("http://localhost:3000").transform((v) => v.replace(/\/+$/, "")),
    STRIPE_SECRET_KEY: optionalText.pipe(
      z.string().regex(/^(sk|rk)_(test|live)_\w+$/, "must look like sk_test_… or sk_live_…").optional(),
    ),
    STRIPE_WEBHOOK_SECRET: optionalText.pipe(
      z.string().startsWith("whsec_", "must start with whsec_").optional(),
    ),
    /** Only for tests and local mocks: where the Stripe SDK sends its requests. */
    STRIPE_API_URL: optionalText.pipe(url(["http:", "https:"]).optional()),
    RATE_LIMIT_PER_MINUTE: positiveInt(100),
    RATE_LIMIT_STORE: z.enum(["memory", "postgres", "redis"]).optional(),
    REDIS_URL: optionalText.pipe(url(["redis:", "rediss:"]).optional()),
    MAX_BODY_BYTES: positiveInt(1024 * 1024),
    /** Comma-separated CIDR ranges outbound webhooks may reach although private (local development, tests). */
    WEBHOOK_ALLOWED_RANGES: z
      .string()
      .optional()
      .refine((v) => !v || v.split(",").every((r) => ipaddr.isValidCIDR(r.trim())), "must be CIDR ranges like 127.0.0.0/8,::1/128"),
    /** Allow http:// webhook URLs in production (always allowed outside production). */
    WEBHOOK_ALLOW_HTTP: z
      .enum(["true", "false"], { error: "must be true or false" })
      .optional()
      .transform((v) => v === "true"),
    /** Recovery emails go out here (smtp:// or smtps://, credentials in the URL); without it they wait in the dashboard's outbox. */
    SMTP_URL: optionalText.pipe(url(["smtp:", "smtps:"]).optional()),
    /** The From address of recovery emails. */
    SMTP_FROM: optionalText.pipe(z.email("must be an email address").optional()),
    /** Staff sign-in attempts per minute per client address (production only). */
    SIGN_IN_RATE_LIMIT: positiveInt(10),
    /** Signs staff session cookies; generated and stored in the database when unset. */
    AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  })
  .superRefine((env, ctx) => {
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["STRIPE_WEBHOOK_SECRET"],
        message: "is required when STRIPE_SECRET_KEY is set (payments are confirmed by webhooks)",
      });
    }
    if (env.RATE_LIMIT_STORE === "redis" && !env.REDIS_URL) {
      ctx.addIssue({ code: "custom", path: ["REDIS_URL"], message: "is required when RATE_LIMIT_STORE=redis" });
    }
    if (env.RATE_LIMIT_STORE === "postgres" && !env.DATABASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["RATE_LIMIT_STORE"],
        message: "postgres needs DATABASE_URL (the embedded database serves one process; use memory)",
      });
    }
  });

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {}

/** Parses the environment; throws one message listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable (`FOO=` in a .env file) means unset, so its default applies.
  const set = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ""));
  // Without APP_URL, links and the demo's banner point at this server: the port `next start` listens on.
  const port = set.PORT?.trim();
  if (!set.APP_URL && port && /^\d+$/.test(port)) set.APP_URL = `http://localhost:${port}`;
  const result = schema.safeParse(set);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(env)"} ${issue.message}`);
  throw new EnvError(`Invalid configuration (see .env.example):\n${lines.join("\n")}`);
}

let cached: Env | undefined;

export function env(): Env {
  return (cached ??= parseEnv(process.env));
}

/** Tests change process.env between cases; this makes the next env() read it again. */
export function resetEnvForTests(): void {
  cached = undefined;
}

export function rateLimitStore(e: Env = env()): "memory" | "postgres" | "redis" {
  if (e.RATE_LIMIT_STORE) return e.RATE_LIMIT_STORE;
  if (e.REDIS_URL) return "redis";
  return e.DATABASE_URL ? "postgres" : "memory";
}
