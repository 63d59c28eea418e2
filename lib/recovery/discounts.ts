import { randomInt } from "node:crypto";
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { discountCodes, type recoverySteps } from "@/db/schema";
import { recordEvent } from "@/lib/events";
import { newId } from "@/lib/ids";
import { formatMoney, percentOf } from "@/lib/money";

/**
 * Single-use, expiring discount codes carried by recovery emails. A code belongs to one cart; it
 * applies when that cart's recovery link opens a checkout before the code expires, and is used up
 * by the payment of that checkout (docs/recovery.md).
 */

export type DiscountCode = typeof discountCodes.$inferSelect;
type Step = Pick<typeof recoverySteps.$inferSelect, "discountType" | "discountValue" | "discountCurrency" | "discountValidHours">;

/** No 0/O, 1/I/L or U: a code read aloud or retyped from a phone is still right. */
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
const MAX_ATTEMPTS = 8;

/** "CB-7K2M-9QXD": 8 random characters of a 30-letter alphabet (~39 bits), in two groups. */
export function newDiscountCode(): string {
  let chars = "";
  for (let i = 0; i < 8; i++) chars += ALPHABET[randomInt(ALPHABET.length)];
  return `CB-${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/**
 * A fresh code for the discount of a sequence step, valid `discountValidHours` from `now`. Null
 * when the step has no discount, or has a fixed one in a currency other than the cart's.
 * Codes are unique per business: a collision is retried with another code.
 */
export async function issueDiscountCode(
  tx: Db,
  a: { businessId: string; cartId: string; messageId: string | null; currency: string; step: Step; now: Date },
): Promise<DiscountCode | null> {
  const { discountType: type, discountValue: value } = a.step;
  if (!type || value === null || value <= 0n) return null;
  if (type === "fixed" && a.step.discountCurrency !== a.currency) return null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [row] = await tx
      .insert(discountCodes)
      .values({
        id: newId("disc", a.now.getTime()),
        businessId: a.businessId,
        cartId: a.cartId,
        messageId: a.messageId,
        code: newDiscountCode(),
        type,
        value,
        currency: a.currency,
        expiresAt: new Date(a.now.getTime() + a.step.discountValidHours * 3600_000),
        createdAt: a.now,
      })
      .onConflictDoNothing({ target: [discountCodes.businessId, discountCodes.code] })
      .returning();
    if (row) return row;
  }
  throw new Error(`could not find a free discount code after ${MAX_ATTEMPTS} attempts`);
}

/** "10% off", "12.5% off", "$5.00 off", "¥500 off". */
export function discountLabel(code: Pick<DiscountCode, "type" | "value" | "currency">, locale = "en-US"): string {
  if (code.type === "percentage") {
    // Hundredths of a percent as a fraction (1000 → 0.1): display only, never used to compute money.
    const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(Number(code.value) / 10_000);
    return `${percent} off`;
  }
  return `${formatMoney(code.value, code.currency!, locale)} off`;
}

/**
 * What the code takes off a total, in minor units of `currency`: a percentage of the total
 * rounded half up, or the fixed amount capped at the total (0 in another currency). Never more
 * than the total, never negative.
 */
export function discountFor(code: Pick<DiscountCode, "type" | "value" | "currency">, totalMinor: bigint, currency: string): bigint {
  if (totalMinor <= 0n || code.value <= 0n) return 0n;
  const off = code.type === "percentage" ? percentOf(totalMinor, code.value) : code.currency === currency ? code.value : 0n;
  return off > totalMinor ? totalMinor : off;
}

/** The cart's newest code that is neither expired nor used, if any. */
export async function currentDiscount(db: Db, businessId: string, cartId: string, now: Date): Promise<DiscountCode | null> {
  const [row] = await db
    .select()
    .from(discountCodes)
    .where(
      and(
        eq(discountCodes.businessId, businessId),
        eq(discountCodes.cartId, cartId),
        isNull(discountCodes.redeemedAt),
        gt(discountCodes.expiresAt, now),
      ),
    )
    .orderBy(desc(discountCodes.createdAt), desc(discountCodes.id))
    .limit(1);
  return row ?? null;
}

/**
 * Uses the code up for a payment, inside the payment's transaction. Single use: the conditional
 * update lets exactly one payment through, however many race for it; returns whether this one did.
 * The code's expiry is checked when a checkout applies it, not here: a customer who opened the
 * checkout in time pays the price they were shown.
 */
export async function redeemDiscount(tx: Db, codeId: string, paymentId: string, at: Date): Promise<boolean> {
  const [row] = await tx
    .update(discountCodes)
    .set({ redeemedAt: at, paymentId })
    .where(and(eq(discountCodes.id, codeId), isNull(discountCodes.redeemedAt)))
    .returning();
  if (!row) return false;
  await recordEvent(tx, {
    businessId: row.businessId,
    type: "discount.redeemed",
    subjectId: row.cartId,
    at,
    data: { discountCodeId: row.id, code: row.code, paymentId, messageId: row.messageId },
  });
  return true;
}
