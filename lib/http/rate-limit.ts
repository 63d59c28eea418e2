import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env, rateLimitStore } from "@/lib/env";
import { getDb } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { ApiError } from "./errors";

export type RateLimitState = { limit: number; remaining: number; resetAt: number };

const WINDOW_SECONDS = 60;
const holder = globalThis as typeof globalThis & { __cartbackLimiter?: Promise<RateLimiterAbstract> };

/**
 * A fixed one-minute window per API key, in a store every app instance shares: Postgres
 * (default with DATABASE_URL), Redis (REDIS_URL), or process memory for the embedded database.
 * If the shared store fails, an in-memory limiter keeps limiting instead of failing requests.
 */
async function createLimiter(): Promise<RateLimiterAbstract> {
  const points = env().RATE_LIMIT_PER_MINUTE;
  const base = { points, duration: WINDOW_SECONDS, keyPrefix: "api" };
  const insuranceLimiter = new RateLimiterMemory(base);
  switch (rateLimitStore()) {
    case "redis": {
      const { RateLimiterRedis } = await import("rate-limiter-flexible");
      const { default: Redis } = await import("ioredis");
      const storeClient = new Redis(env().REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      storeClient.on("error", () => {}); // the insurance limiter takes over; reconnects on its own
      await ready(storeClient);
      return new RateLimiterRedis({ ...base, storeClient, insuranceLimiter });
    }
    case "postgres": {
      const { RateLimiterDrizzle } = await import("rate-limiter-flexible");
      return new RateLimiterDrizzle({ ...base, storeClient: await getDb(), schema: rateLimits, insuranceLimiter });
    }
    default:
      return insuranceLimiter;
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

export function limiter(): Promise<RateLimiterAbstract> {
  return (holder.__cartbackLimiter ??= createLimiter());
}

export function resetLimiterForTests(): void {
  holder.__cartbackLimiter = undefined;
}

/** Counts one request for the key; throws 429 with Retry-After once the minute's budget is spent. */
export async function consume(key: string): Promise<RateLimitState> {
  const rl = await limiter();
  try {
    return state(rl.points, await rl.consume(key));
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const s = state(rl.points, rejection);
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new ApiError("rate_limited", `Rate limit of ${rl.points} requests per minute exceeded; retry in ${retryAfter}s`, {
      headers: { ...rateLimitHeaders(s), "Retry-After": String(retryAfter) },
    });
  }
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
  };
}
