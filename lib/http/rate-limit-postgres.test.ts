import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { getDb } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { PreparedRateLimiterDrizzle } from "./rate-limit-postgres";

describe("the Postgres rate-limit store's prepared consume", () => {
  it("counts within the window, refuses past the budget, and starts a new window once it expires", async () => {
    const db = await getDb();
    const limiter = new PreparedRateLimiterDrizzle({ points: 2, duration: 1, storeClient: db, schema: rateLimits, clearExpiredByTimeout: false });
    const key = `window-${randomUUID()}`;
    const spend = () => limiter.consume(key).then((r) => r.remainingPoints, () => "limited");
    expect([await spend(), await spend(), await spend()]).toEqual([1, 0, "limited"]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await spend()).toBe(1);
  });

  it("keeps the library's forced writes (block) working", async () => {
    const db = await getDb();
    const limiter = new PreparedRateLimiterDrizzle({ points: 5, duration: 60, storeClient: db, schema: rateLimits, clearExpiredByTimeout: false });
    const key = `block-${randomUUID()}`;
    await limiter.block(key, 60);
    await expect(limiter.consume(key)).rejects.toMatchObject({ remainingPoints: 0 });
  });
});
