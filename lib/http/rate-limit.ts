import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env, rateLimitStore } from "@/lib/env";
import { getDb } from "@/db/client";
import { rateLimits } from "@/db/schema";
import type { CountIn, Counted } from "@/lib/auth/api-keys";
import { ApiError } from "./errors";

export type RateLimitPolicy = "standard" | "bursty";
export type RateLimitState = { limit: number; remaining: number; resetAt: number; burstRemaining?: number };

/** Counters of one budget, in a store every app instance shares. */
type Budget = { points: number; duration: number; prefix: string };

type Limiters = {
  base: RateLimiterAbstract;
  burstMinute: RateLimiterAbstract;
  burstWindow: RateLimiterAbstract;
  /** With the Postgres store, the base budget is counted by the key lookup itself (lib/auth/api-keys.ts). */
  baseInKeyLookup?: CountIn;
};

const holder = globalThis as typeof globalThis & { __cartbackLimiter?: Promise<Limiters> };

/**
 * Per-key budgets in a store every app instance shares: Postgres (default with DATABASE_URL),
 * Redis (REDIS_URL), or process memory for the embedded database. If the shared store fails,
 * an in-memory limiter keeps limiting instead of failing requests.
 */
async function createLimiters(): Promise<Limiters> {
  const perMinute = env().RATE_LIMIT_PER_MINUTE;
  const store = await storeFactory();
  const base = { points: perMinute, duration: 60, prefix: "api" };
  return {
    base: store(base),
    ...(rateLimitStore() === "postgres" ? { baseInKeyLookup: { prefix: base.prefix, durationMs: base.duration * 1000 } } : {}),
    // Torque's bursts: up to twice the rate in any minute, for at most five minutes' worth an hour.
    burstMinute: store({ points: perMinute, duration: 60, prefix: "burst1m" }),
    burstWindow: store({ points: perMinute * 5, duration: 3600, prefix: "burst1h" }),
  };
}

async function storeFactory(): Promise<(b: Budget) => RateLimiterAbstract> {
  const memory = (b: Budget) => new RateLimiterMemory({ points: b.points, duration: b.duration, keyPrefix: b.prefix });
  switch (rateLimitStore()) {
    case "redis": {
      const { RateLimiterRedis } = await import("rate-limiter-flexible");
      const { default: Redis } = await import("ioredis");
      const storeClient = new Redis(env().REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      storeClient.on("error", () => {}); // the insurance limiter takes over; reconnects on its own
      await ready(storeClient);
      return (b) => new RateLimiterRedis({ points: b.points, duration: b.duration, keyPrefix: b.prefix, storeClient, insuranceLimiter: memory(b) });
    }
    case "postgres": {
      const { PreparedRateLimiterDrizzle } = await import("./rate-limit-postgres");
      const storeClient = await getDb();
      return (b) => new PreparedRateLimiterDrizzle({ points: b.points, duration: b.duration, keyPrefix: b.prefix, storeClient, schema: rateLimits, insuranceLimiter: memory(b) });
    }
    default:
      return memory;
  }
}

/** Commands sent before the connection is up would fail over to memory; give it a moment first. */
function ready(client: import("ioredis").Redis, timeoutMs = 2000): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once("ready", done);
  });
}

export async function limiter(): Promise<RateLimiterAbstract> {
  return (await limiters()).base;
}

function limiters(): Promise<Limiters> {
  return (holder.__cartbackLimiter ??= createLimiters());
}

export function resetLimiterForTests(): void {
  holder.__cartbackLimiter = undefined;
}

/** Where the key lookup should count the request in the base budget, if the store allows it. */
export async function baseInKeyLookup(): Promise<CountIn | undefined> {
  return (await limiters()).baseInKeyLookup;
}

/**
 * Counts one request for the key; throws 429 with Retry-After once its budget is spent. `counted`:
 * the key lookup already counted it in the base budget (baseInKeyLookup), and this is the result.
 */
export async function consume(key: string, policy: RateLimitPolicy = "standard", counted?: Counted | null): Promise<RateLimitState> {
  const { base, burstMinute, burstWindow } = await limiters();
  let refused: RateLimiterRes;
  try {
    return state(base.points, counted ? asConsumed(base.points, counted) : await base.consume(key));
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    refused = rejection;
  }
  if (policy === "bursty") {
    try {
      const minute = await burstMinute.consume(key);
      const window = await burstWindow.consume(key);
      return { ...state(base.points, refused), burstRemaining: Math.min(minute.remainingPoints, window.remainingPoints) };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      refused = rejection.msBeforeNext < refused.msBeforeNext ? refused : rejection;
    }
  }
  const s = state(base.points, refused);
  const retryAfter = Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
  throw new ApiError("rate_limited", `Rate limit of ${base.points} requests per minute exceeded; retry in ${retryAfter}s`, {
    headers: { ...rateLimitHeaders({ ...s, remaining: 0, ...(policy === "bursty" ? { burstRemaining: 0 } : {}) }), "Retry-After": String(retryAfter) },
  });
}

/** The store's row after a consume, read as rate-limiter-flexible reads it (RateLimiterDrizzle): refused past the budget. */
function asConsumed(limit: number, { points, expire }: Counted): RateLimiterRes {
  const res = new RateLimiterRes(Math.max(limit - points, 0), expire ? Math.max(expire.getTime() - Date.now(), 0) : -1, points, points === 1);
  if (points > limit) throw res;
  return res;
}

function state(limit: number, res: RateLimiterRes): RateLimitState {
  return {
    limit,
    remaining: Math.max(0, res.remainingPoints),
    resetAt: Math.ceil((Date.now() + res.msBeforeNext) / 1000),
  };
}

export function rateLimitHeaders(s: RateLimitState): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(s.limit),
    "X-RateLimit-Remaining": String(s.remaining),
    "X-RateLimit-Reset": String(s.resetAt),
    ...(s.burstRemaining !== undefined ? { "X-RateLimit-Burst-Remaining": String(s.burstRemaining) } : {}),
  };
}
