import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { getDb, getPipelinedDb, type Db } from "@/db/client";
import { preparedPerDb } from "@/db/prepared";
import { apiKeys, businesses } from "@/db/schema";
import { newId, newSecret } from "@/lib/ids";
import { ApiError } from "@/lib/http/errors";
import { consumeCte } from "@/lib/http/rate-limit-postgres";
import { sha256Hex } from "@/lib/sha256";

export type Business = typeof businesses.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;

const KEY_PREFIX = "cbk_";
const LAST_USED_PRECISION_MS = 60_000;

export function hashKey(key: string): string {
  return sha256Hex(key);
}

/** Creates a key and returns it in full: the only time it is ever shown. */
export async function createApiKey(db: Db, businessId: string, name = "Default"): Promise<{ key: string; apiKey: ApiKey }> {
  const key = KEY_PREFIX + newSecret();
  const [apiKey] = await db
    .insert(apiKeys)
    .values({ id: newId("key"), businessId, name, prefix: key.slice(0, 12), keyHash: hashKey(key) })
    .returning();
  return { key, apiKey: apiKey! };
}

export async function listApiKeys(businessId: string): Promise<ApiKey[]> {
  const db = await getDb();
  return db.select().from(apiKeys).where(eq(apiKeys.businessId, businessId)).orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(businessId: string, keyId: string): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.businessId, businessId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

/** The key from `x-api-key` or `Authorization: Bearer`. */
export function keyFromHeaders(headers: Headers): string | undefined {
  const direct = headers.get("x-api-key")?.trim();
  if (direct) return direct;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
  return match?.[1];
}

const keyMatches = and(eq(apiKeys.keyHash, sql.placeholder("keyHash")), isNull(apiKeys.revokedAt));

/** In SQL, the business of the key hashed in the `keyHash` placeholder; null unless the key is valid. */
export const keyBusinessId = sql`(select ${apiKeys.businessId} from ${apiKeys} where ${keyMatches})`;

// Every API request starts here.
const keyLookup = preparedPerDb((db) =>
  db
    .select({ apiKey: apiKeys, business: businesses })
    .from(apiKeys)
    .innerJoin(businesses, eq(businesses.id, apiKeys.businessId))
    .where(keyMatches)
    .limit(1)
    .prepare("authenticate"),
);

/** The lookup that also counts the request in a Postgres rate-limit budget: one round trip for both. */
const keyLookupCounting = preparedPerDb((db) => {
  const counted = consumeCte(
    db,
    sql`select ${sql.placeholder("budget")} || ':' || ${apiKeys.id}, 1, ${sql.placeholder("expire")}::timestamptz from ${apiKeys} where ${keyMatches}`,
  );
  return db
    .with(counted)
    .select({ apiKey: apiKeys, business: businesses, counted: { points: counted.points, expire: counted.expire } })
    .from(apiKeys)
    .innerJoin(businesses, eq(businesses.id, apiKeys.businessId))
    .leftJoin(counted, sql`true`)
    .where(keyMatches)
    .limit(1)
    .prepare("authenticate_counting");
});

/** A budget of rate-limiter-flexible's Postgres store (its key prefix and window) that counts this request. */
export type CountIn = { prefix: string; durationMs: number };
/** The budget's row after counting the request: points used in the window, and when it ends. */
export type Counted = { points: number; expire: Date | null };

/** The hash of the request's key; 401 when it sends none. */
export function requestKeyHash(headers: Headers): string {
  const key = keyFromHeaders(headers);
  if (!key) throw new ApiError("unauthorized", "Missing API key: send x-api-key or Authorization: Bearer");
  return hashKey(key);
}

export type Authenticated = { business: Business; apiKey: ApiKey; counted?: Counted };

export function authenticate(headers: Headers, countIn?: CountIn): Promise<Authenticated> {
  return authenticateKeyHash(requestKeyHash(headers), countIn);
}

/**
 * Resolves a key (by its hash) to its business, or throws 401. Revoked keys stop at once. With
 * `countIn`, the request is counted in that budget (keyed `prefix:keyId`) by the same statement.
 */
export async function authenticateKeyHash(keyHash: string, countIn?: CountIn): Promise<Authenticated> {
  const db = await getPipelinedDb();
  const now = Date.now();
  const [row] = countIn
    ? await keyLookupCounting(db).execute({ keyHash, budget: countIn.prefix, now: new Date(now).toISOString(), expire: new Date(now + countIn.durationMs).toISOString() })
    : await keyLookup(db).execute({ keyHash });
  if (!row) throw new ApiError("unauthorized", "Invalid or revoked API key");
  if (!row.apiKey.lastUsedAt || now - row.apiKey.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await db.update(apiKeys).set({ lastUsedAt: new Date(now) }).where(eq(apiKeys.id, row.apiKey.id));
  }
  return row;
}
