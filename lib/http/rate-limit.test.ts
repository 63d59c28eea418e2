import { afterEach, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { getDb } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { GET } from "@/app/api/carts/route";
import { ApiError } from "./errors";
import { consume, limiter, resetLimiterForTests, type RateLimitState } from "./rate-limit";

function configure(vars: Record<string, string>) {
  Object.assign(process.env, vars);
  resetEnvForTests();
  resetLimiterForTests();
}

afterEach(() => configure({ RATE_LIMIT_STORE: "memory", RATE_LIMIT_PER_MINUTE: "100", DATABASE_URL: "", REDIS_URL: "" }));

async function spend(n: number, key: string) {
  const outcomes: (number | ApiError)[] = [];
  for (let i = 0; i < n; i++) {
    try {
      outcomes.push((await consume(key)).remaining);
    } catch (e) {
      outcomes.push(e as ApiError);
    }
  }
  return outcomes;
}

describe("rate limiting per API key", () => {
  it("allows 100 requests a minute, then answers 429 with Retry-After and the limit headers", async () => {
    const { key } = await newBusiness();
    let last;
    for (let i = 0; i < 100; i++) {
      last = await call(GET, { key, path: "/api/carts" });
      expect(last.status).toBe(200);
    }
    expect(last!.headers.get("x-ratelimit-limit")).toBe("100");
    expect(last!.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(last!.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    const limited = await call(GET, { key, path: "/api/carts" });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ success: false, error: { code: "RATE_LIMITED" } });
    const retry = Number(limited.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    // another key of another business is unaffected
    const other = await newBusiness();
    expect((await call(GET, { key: other.key, path: "/api/carts" })).status).toBe(200);
  });

  it("the Postgres store is shared by every app instance", async () => {
    configure({ RATE_LIMIT_STORE: "postgres", DATABASE_URL: "postgres://unused@127.0.0.1/unused", RATE_LIMIT_PER_MINUTE: "5" });
    const instanceA = await limiter();
    resetLimiterForTests();
    const instanceB = await limiter();
    expect(instanceA).not.toBe(instanceB);
    const key = `shared-${randomUUID()}`;
    const results = [];
    for (let i = 0; i < 6; i++) {
      const rl = i % 2 ? instanceA : instanceB;
      results.push(await rl.consume(key).then((r) => r.remainingPoints, () => "limited"));
    }
    expect(results).toEqual([4, 3, 2, 1, 0, "limited"]);
  });

  it("with the Postgres store, the key lookup counts the request in the same budget the library reads", async () => {
    configure({ RATE_LIMIT_STORE: "postgres", DATABASE_URL: "postgres://unused@127.0.0.1/unused", RATE_LIMIT_PER_MINUTE: "5" });
    const { key, apiKey } = await newBusiness();
    const remaining = async () => {
      const res = await call(GET, { key, path: "/api/carts" });
      return res.status === 200 ? Number(res.headers.get("x-ratelimit-remaining")) : res.status;
    };
    const library = await limiter();
    const ownConsume = vi.spyOn(library, "consume");
    expect([await remaining(), await remaining(), await remaining()]).toEqual([4, 3, 2]);
    expect(ownConsume).not.toHaveBeenCalled();
    ownConsume.mockRestore();
    // The library's own consume (another instance, or the burst path) sees those requests.
    expect(await library.consume(apiKey.id).then((r) => r.remainingPoints)).toBe(1);
    const refused = await call(GET, { key, path: "/api/carts" }).then(() => call(GET, { key, path: "/api/carts" }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // Unknown and revoked keys are refused without a counter of their own.
    const db = await getDb();
    const rows = async () => (await db.select({ key: rateLimits.key }).from(rateLimits)).length;
    const before = await rows();
    expect((await call(GET, { key: "cbk_unknown", path: "/api/carts" })).status).toBe(401);
    expect(await rows()).toBe(before);
  });

  it("a request the key lookup counted past the budget still gets Torque's burst", async () => {
    configure({ RATE_LIMIT_STORE: "postgres", DATABASE_URL: "postgres://unused@127.0.0.1/unused", RATE_LIMIT_PER_MINUTE: "2" });
    const key = `counted-${randomUUID()}`;
    const expire = new Date(Date.now() + 30_000);
    expect(await consume(key, "standard", { points: 2, expire })).toMatchObject({ limit: 2, remaining: 0 });
    await expect(consume(key, "standard", { points: 3, expire })).rejects.toMatchObject({ kind: "rate_limited" });
    expect(await consume(key, "bursty", { points: 3, expire })).toMatchObject({ remaining: 0, burstRemaining: 1 });
  });

  it.runIf(process.env.TEST_REDIS_URL)("the Redis store is shared by every app instance", async () => {
    configure({ RATE_LIMIT_STORE: "redis", REDIS_URL: process.env.TEST_REDIS_URL!, RATE_LIMIT_PER_MINUTE: "3" });
    const instanceA = await limiter();
    resetLimiterForTests();
    const instanceB = await limiter();
    const key = `shared-${randomUUID()}`;
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await (i % 2 ? instanceA : instanceB).consume(key).then((r) => r.remainingPoints, () => "limited"));
    expect(results).toEqual([2, 1, 0, "limited"]);
  });

  it("keeps limiting in memory when the shared store is down", async () => {
    configure({ RATE_LIMIT_STORE: "redis", REDIS_URL: "redis://127.0.0.1:1", RATE_LIMIT_PER_MINUTE: "2" });
    const outcomes = await spend(3, `down-${randomUUID()}`);
    expect(outcomes.slice(0, 2)).toEqual([1, 0]);
    expect(outcomes[2]).toBeInstanceOf(ApiError);
    expect((outcomes[2] as ApiError).kind).toBe("rate_limited");
  });
});

describe("rate-limit headers", () => {
  it("are sent on refused requests too", async () => {
    const { key } = await newBusiness();
    const res = await call(GET, { key, path: "/api/carts?limit=500" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("99");
  });
});

describe("Torque's bursts", () => {
  it("allows up to twice the rate in a minute, and at most five minutes' worth of extra", async () => {
    configure({ RATE_LIMIT_STORE: "memory", RATE_LIMIT_PER_MINUTE: "10" });
    const key = `bursty-${randomUUID()}`;
    const standard = `standard-${randomUUID()}`;
    const outcomes: (RateLimitState | ApiError)[] = [];
    for (let i = 0; i < 21; i++) outcomes.push(await consume(key, "bursty").catch((e: ApiError) => e));
    expect(outcomes.slice(0, 20).every((o) => !(o instanceof ApiError))).toBe(true);
    expect((outcomes[9] as RateLimitState).remaining).toBe(0);
    expect((outcomes[10] as RateLimitState).burstRemaining).toBe(9);
    expect(outcomes[20]).toBeInstanceOf(ApiError);
    // the standard policy stops at the base rate
    const plain = [];
    for (let i = 0; i < 11; i++) plain.push(await consume(standard).then(() => "ok", () => "limited"));
    expect(plain.filter((o) => o === "limited")).toHaveLength(1);
  });
});
