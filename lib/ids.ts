import { randomBytes, randomFillSync } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";

/**
 * Ids look like `cart_01jd3k8x9zq4m2n7p5r6t8v0wx`: a type prefix, 10 characters of time (so new
 * rows land at the end of their indexes and ids sort by creation) and 12 random characters.
 * All suffixes are lowercase alphanumerics, which keeps them inside the Torque id rules
 * (e.g. `business_` ids are at most 32 characters).
 */
export type IdPrefix =
  | "business" | "key" | "cust" | "cart" | "item" | "link" | "ps" | "pay" | "evt" | "order"
  | "session" | "user" | "member" | "invite" | "wh" | "whd" | "op" | "step" | "msg" | "disc" | "erasure";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lowercase

/**
 * Whether text from a URL could be one of our ids or tokens. None holds a NUL, and Postgres
 * refuses to even compare text that does (a 500), so such a lookup is answered "not found" at once.
 */
export const couldBeId = (text: string): boolean => !text.includes("\u0000");

let last = { time: "", random: "" };

/**
 * Within one millisecond, ids from this process keep increasing (the random part is
 * incremented, as monotonic ULIDs do), so "newest first" is stable for rows made in a burst.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = time === last.time ? increment(last.random) : randomChars(12);
  last = { time, random };
  return `${prefix}_${time}${random}`;
}

/**
 * In SQL, the id of a row one statement derives from two others (a webhook delivery: an event to
 * an endpoint): the first id's time, then 12 hex characters of a hash of both (hex is within the
 * alphabet), so the rows it makes in one go need no ids from here.
 */
export function derivedIdSql(prefix: IdPrefix, from: SQL, and: SQL): SQL {
  return sql`${prefix + "_"} || left(split_part(${from}, '_', 2), 10) || left(md5(${from} || ${and}), 12)`;
}

function increment(base32: string): string {
  const digits = [...base32];
  for (let i = digits.length - 1; i >= 0; i--) {
    const value = ALPHABET.indexOf(digits[i]!);
    if (value < 31) {
      digits[i] = ALPHABET[value + 1]!;
      return digits.join("");
    }
    digits[i] = ALPHABET[0]!;
  }
  return randomChars(base32.length); // all 12 characters overflowed: practically never
}

// Drawn from the system's generator 4 KiB at a time, as Node's randomUUID does: the hot writes
// make several ids a request, and each draw costs a call into OpenSSL and a new Buffer.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

export function randomChars(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    if (poolAt === pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    out += ALPHABET[pool[poolAt++]! & 31];
  }
  return out;
}

/** An unguessable url-safe secret (256 bits). */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}
