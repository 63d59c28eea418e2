import { describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { discountCodes } from "@/db/schema";
import { eventsFor } from "@/lib/events";
import { createCart } from "@/lib/carts/service";
import { formatMoney, toDecimalString } from "@/lib/money";
import { newBusiness } from "@/lib/testing/fixtures";
import { currentDiscount, discountFor, discountLabel, issueDiscountCode, newDiscountCode, redeemDiscount } from "./discounts";

// Lets a test force the "random" characters of the next codes (to provoke a collision).
const forced: number[] = [];
vi.mock("node:crypto", async (original) => {
  const actual = await original<typeof import("node:crypto")>();
  return { ...actual, randomInt: (max: number) => (forced.length ? forced.shift()! : actual.randomInt(max)) };
});

const NOW = new Date("2025-03-10T12:00:00Z");
const HOUR = 3600_000;
const tenPercent = { discountType: "percentage" as const, discountValue: 1000n, discountCurrency: null, discountValidHours: 48 };
const fiveDollars = { discountType: "fixed" as const, discountValue: 500n, discountCurrency: "USD", discountValidHours: 24 };

const pct = (hundredths: bigint) => ({ type: "percentage" as const, value: hundredths, currency: null });
const fixed = (minor: bigint, currency: string) => ({ type: "fixed" as const, value: minor, currency });

async function cartOf(currency = "USD") {
  const { business } = await newBusiness();
  const cart = await createCart(business, { customerEmail: "dana@example.com", currency, items: [{ name: "Mug", quantity: 1, price: currency === "JPY" ? 1000 : 10 }] });
  return { business, cart };
}

describe("discount codes", () => {
  it("look like CB-XXXX-XXXX, from an alphabet without look-alikes", () => {
    for (let i = 0; i < 200; i++) expect(newDiscountCode()).toMatch(/^CB-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
  });
});

describe("discountFor: what a code takes off a total", () => {
  it("rounds a percentage half up, in minor units", () => {
    expect(discountFor(pct(1000n), 1005n, "USD")).toBe(101n); // 10% of $10.05 = 100.5¢ → 101¢
    expect(discountFor(pct(1000n), 1004n, "USD")).toBe(100n); // 100.4¢ → 100¢
    expect(discountFor(pct(1250n), 999n, "USD")).toBe(125n); // 12.5% of 999 = 124.875 → 125
    expect(discountFor(pct(1500n), 9998n, "USD")).toBe(1500n); // 15% of $99.98 = 1499.7 → $15.00
    expect(discountFor(pct(1n), 4999n, "USD")).toBe(0n); // 0.01% of $49.99 = 0.4999¢ → 0
    expect(discountFor(pct(1n), 5000n, "USD")).toBe(1n); // exactly half a cent → up
  });

  it("works in the currency's own minor unit: JPY (no decimals) and KWD (three)", () => {
    expect(discountFor(pct(1000n), 1005n, "JPY")).toBe(101n); // ¥100.5 → ¥101
    expect(discountFor(pct(1500n), 999n, "JPY")).toBe(150n); // ¥149.85 → ¥150
    expect(discountFor(pct(1000n), 1005n, "KWD")).toBe(101n); // 0.1005 KWD → 0.101 KWD
    expect(toDecimalString(1005n - discountFor(pct(1000n), 1005n, "KWD"), "KWD")).toBe("0.904");
    expect(discountFor(fixed(500n, "JPY"), 1200n, "JPY")).toBe(500n);
    expect(discountFor(fixed(1500n, "KWD"), 12_345n, "KWD")).toBe(1500n);
  });

  it("caps a fixed amount at the total, and gives nothing in another currency", () => {
    expect(discountFor(fixed(500n, "USD"), 9998n, "USD")).toBe(500n);
    expect(discountFor(fixed(5000n, "USD"), 3000n, "USD")).toBe(3000n);
    expect(discountFor(fixed(500n, "USD"), 9998n, "EUR")).toBe(0n);
    expect(discountFor(pct(9000n), 0n, "USD")).toBe(0n);
  });
});

describe("discountLabel", () => {
  it("says what the customer gets", () => {
    expect(discountLabel(pct(1000n))).toBe("10% off");
    expect(discountLabel(pct(1250n))).toBe("12.5% off");
    expect(discountLabel(pct(333n))).toBe("3.33% off");
    expect(discountLabel(fixed(500n, "USD"))).toBe("$5.00 off");
    expect(discountLabel(fixed(500n, "JPY"))).toBe("¥500 off");
    expect(discountLabel(fixed(1500n, "KWD"))).toBe(`${formatMoney(1500n, "KWD")} off`);
    expect(discountLabel(pct(1000n), "de-DE")).toBe("10\u00a0% off");
  });
});

describe("issueDiscountCode", () => {
  it("issues a code for the step's discount, valid for its hours", async () => {
    const { business, cart } = await cartOf();
    const db = await getDb();
    const code = await issueDiscountCode(db, { businessId: business.id, cartId: cart.id, messageId: "msg_1", currency: "USD", step: tenPercent, now: NOW });
    expect(code).toMatchObject({ businessId: business.id, cartId: cart.id, messageId: "msg_1", type: "percentage", value: 1000n, currency: "USD", redeemedAt: null });
    expect(code!.code).toMatch(/^CB-\w{4}-\w{4}$/);
    expect(code!.expiresAt).toEqual(new Date(NOW.getTime() + 48 * HOUR));
    const usd = await issueDiscountCode(db, { businessId: business.id, cartId: cart.id, messageId: null, currency: "USD", step: fiveDollars, now: NOW });
    expect(usd).toMatchObject({ type: "fixed", value: 500n, currency: "USD", expiresAt: new Date(NOW.getTime() + 24 * HOUR) });
  });

  it("issues nothing without a discount, or for a fixed discount in another currency", async () => {
    const { business, cart } = await cartOf("EUR");
    const db = await getDb();
    const base = { businessId: business.id, cartId: cart.id, messageId: null, currency: "EUR", now: NOW };
    expect(await issueDiscountCode(db, { ...base, step: { discountType: null, discountValue: null, discountCurrency: null, discountValidHours: 48 } })).toBeNull();
    expect(await issueDiscountCode(db, { ...base, step: fiveDollars })).toBeNull();
    expect(await db.select().from(discountCodes).where(eq(discountCodes.cartId, cart.id))).toHaveLength(0);
  });

  it("retries with another code when the code is taken in the business", async () => {
    const { business, cart } = await cartOf();
    const db = await getDb();
    const base = { businessId: business.id, cartId: cart.id, messageId: null, currency: "USD", step: tenPercent, now: NOW };
    forced.push(...Array(8).fill(0)); // "22222222"
    const first = await issueDiscountCode(db, base);
    expect(first!.code).toBe("CB-2222-2222");
    forced.push(...Array(8).fill(0), ...Array(8).fill(1)); // the same again, then "33333333"
    const second = await issueDiscountCode(db, base);
    expect(second!.code).toBe("CB-3333-3333");
    // another business may hold the same code
    const other = await cartOf();
    forced.push(...Array(8).fill(0));
    const elsewhere = await issueDiscountCode(db, { ...base, businessId: other.business.id, cartId: other.cart.id });
    expect(elsewhere!.code).toBe("CB-2222-2222");
  });
});

describe("currentDiscount and redeemDiscount", () => {
  it("the current code is the newest one neither expired nor used, of this cart and business", async () => {
    const { business, cart } = await cartOf();
    const db = await getDb();
    const base = { businessId: business.id, cartId: cart.id, messageId: null, currency: "USD", now: NOW };
    const older = await issueDiscountCode(db, { ...base, step: { ...tenPercent, discountValidHours: 100 } });
    const newer = await issueDiscountCode(db, { ...base, step: fiveDollars, now: new Date(NOW.getTime() + HOUR) });
    expect((await currentDiscount(db, business.id, cart.id, new Date(NOW.getTime() + 2 * HOUR)))?.id).toBe(newer!.id);
    // the newer one expires after 24 h: the older (100 h) is current again
    expect((await currentDiscount(db, business.id, cart.id, new Date(NOW.getTime() + 25 * HOUR)))?.id).toBe(older!.id);
    // exactly at expiry it no longer applies
    expect(await currentDiscount(db, business.id, cart.id, new Date(NOW.getTime() + 100 * HOUR))).toBeNull();
    // another business cannot see it
    const other = await newBusiness();
    expect(await currentDiscount(db, other.business.id, cart.id, NOW)).toBeNull();
    // once used, it is no longer current
    expect(await redeemDiscount(db, newer!.id, "pay_1", new Date(NOW.getTime() + 2 * HOUR))).toBe(true);
    expect((await currentDiscount(db, business.id, cart.id, new Date(NOW.getTime() + 2 * HOUR)))?.id).toBe(older!.id);
  });

  it("a code is used once, however many payments race for it", async () => {
    const { business, cart } = await cartOf();
    const db = await getDb();
    const code = await issueDiscountCode(db, { businessId: business.id, cartId: cart.id, messageId: "msg_x", currency: "USD", step: tenPercent, now: NOW });
    const results = await Promise.all(
      ["pay_a", "pay_b", "pay_c", "pay_d"].map((paymentId) => db.transaction((tx) => redeemDiscount(tx, code!.id, paymentId, NOW))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const [row] = await db.select().from(discountCodes).where(eq(discountCodes.id, code!.id));
    expect(row!.redeemedAt).toEqual(NOW);
    expect(row!.paymentId).toBe(["pay_a", "pay_b", "pay_c", "pay_d"][results.indexOf(true)]);
    const redeemed = (await eventsFor(db, business.id, cart.id)).filter((e) => e.type === "discount.redeemed");
    expect(redeemed).toHaveLength(1);
    expect(redeemed[0]!.data).toEqual({ discountCodeId: code!.id, code: code!.code, paymentId: row!.paymentId, messageId: "msg_x" });
  });
});
