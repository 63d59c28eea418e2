import { randomBytes } from "node:crypto";

/**
 * Ids look like `cart_01jd3k8x9zq4m2n7p5r6t8v0wx`: a type prefix, 10 characters of time (so new
 * rows land at the end of their indexes and ids sort by creation) and 12 random characters.
 * All suffixes are lowercase alphanumerics, which keeps them inside the Torque id rules
 * (e.g. `business_` ids are at most 32 characters).
 */
export type IdPrefix =
  | "business" | "key" | "cust" | "cart" | "item" | "link" | "ps" | "pay" | "evt" | "order"
  | "session" | "user" | "member" | "wh" | "whd";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lowercase

export function newId(prefix: IdPrefix, now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${prefix}_${time}${randomChars(12)}`;
}

export function randomChars(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** An unguessable url-safe secret (256 bits). */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}
