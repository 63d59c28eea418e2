import { sql, type SQL } from "drizzle-orm";
import { RateLimiterDrizzle } from "rate-limiter-flexible";
import type { Db } from "@/db/client";
import { preparedPerDb } from "@/db/prepared";
import { rateLimits } from "@/db/schema";

const expired = sql`${rateLimits.expire} <= ${sql.placeholder("now")}::timestamptz`;

/** rate-limiter-flexible's rule for a consume: add the points, or start over once the window expired. */
const consumeRule = {
  target: rateLimits.key,
  set: {
    points: sql`case when ${expired} then excluded.points else ${rateLimits.points} + excluded.points end`,
    expire: sql`case when ${expired} then excluded.expire else ${rateLimits.expire} end`,
  },
};

/** rate-limiter-flexible's upsert for a consume (same SQL), prepared once instead of built per request. */
const consumeStatement = preparedPerDb((db) =>
  db
    .insert(rateLimits)
    .values({ key: sql.placeholder("key"), points: sql.placeholder("points"), expire: sql`${sql.placeholder("expire")}::timestamptz` })
    .onConflictDoUpdate(consumeRule)
    .returning({ points: rateLimits.points, expire: rateLimits.expire })
    .prepare("rate_limit_consume"),
);

/**
 * The same consume as a CTE (`counted`) of another statement, for the rows `source` selects as
 * (key, points, expire), with placeholders `now` (and whatever `source` uses): the API key lookup
 * counts its request in the statement that finds the key.
 */
export function consumeCte(db: Db, source: SQL) {
  return db.$with("counted").as(
    db.insert(rateLimits).select(source).onConflictDoUpdate(consumeRule).returning({ points: rateLimits.points, expire: rateLimits.expire }),
  );
}

/**
 * The library's Postgres (Drizzle) store, whose consume runs on every API request: its upsert
 * is prepared once. `_upsert` is the store interface rate-limiter-flexible documents for custom
 * stores; the rarer forced writes (block, set) keep the library's own code.
 */
type StoreMethods = { _upsert(key: string, points: number, msDuration: number, forceExpire?: boolean): Promise<unknown> };
const libraryUpsert = (RateLimiterDrizzle.prototype as unknown as StoreMethods)._upsert;

export class PreparedRateLimiterDrizzle extends RateLimiterDrizzle {
  private readonly db: Db;

  constructor(opts: ConstructorParameters<typeof RateLimiterDrizzle>[0] & { storeClient: Db }) {
    super(opts);
    this.db = opts.storeClient;
  }

  async _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<unknown> {
    if (forceExpire || msDuration <= 0) return libraryUpsert.call(this, key, points, msDuration, forceExpire);
    const now = Date.now();
    const [row] = await consumeStatement(this.db).execute({
      key,
      points,
      now: new Date(now).toISOString(),
      expire: new Date(now + msDuration).toISOString(),
    });
    return row;
  }
}
