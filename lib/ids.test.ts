import { describe, expect, it } from "vitest";
import { newId, randomChars } from "./ids";

describe("newId", () => {
  it("is a prefix and 22 lowercase base32 characters", () => {
    expect(newId("cart")).toMatch(/^cart_[0-9a-hjkmnp-tv-z]{22}$/);
    expect(newId("business").length).toBeLessThanOrEqual(32); // Torque's BusinessId limit
  });

  it("sorts by creation time, also within one millisecond", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => newId("evt", 1_700_000_000_000 + Math.floor(i / 100)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("randomChars", () => {
  it("stays random across refills of its pool of random bytes", () => {
    const drawn = Array.from({ length: 3000 }, () => randomChars(12)); // 36,000 bytes: the 4 KiB pool refills 8 times
    for (const chars of drawn) expect(chars).toMatch(/^[0-9a-hjkmnp-tv-z]{12}$/);
    expect(new Set(drawn).size).toBe(drawn.length);
    expect(new Set(drawn.join("")).size).toBe(32);
    expect(randomChars(10_000)).toMatch(/^[0-9a-hjkmnp-tv-z]{10000}$/); // longer than the pool
  });
});
