/**
 * The only place that converts between the APIs' decimal amounts and stored minor units.
 * Amounts are integer minor units (bigint) plus an ISO 4217 code; conversion is done on the
 * decimal text of a number, never through float arithmetic.
 */

// ISO 4217 currencies whose minor unit is not 2 digits. Everything else in CURRENCIES uses 2.
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

const TWO_DIGIT = (
  "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD " +
  "CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD " +
  "GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD " +
  "MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP " +
  "PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS " +
  "TMT TOP TRY TTD TWD TZS UAH USD UZS VES WST XCD YER ZAR ZMW ZWL"
).split(" ");

export const CURRENCIES: readonly string[] = [...TWO_DIGIT, ...Object.keys(EXPONENTS)].sort();
const KNOWN = new Set(CURRENCIES);

export type Money = { minor: bigint; currency: string };

export class MoneyError extends Error {}

export function isCurrency(code: string): boolean {
  return KNOWN.has(code);
}

export function exponentOf(currency: string): number {
  if (!KNOWN.has(currency)) throw new MoneyError(`Unknown currency ${currency}`);
  return EXPONENTS[currency] ?? 2;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * "49.99" or 49.99 in USD → 4999n. Rejects more fraction digits than the currency allows
 * (trailing zeros excepted), exponents, NaN and Infinity.
 */
export function toMinor(amount: number | string, currency: string): bigint {
  const exponent = exponentOf(currency);
  return scaledInteger(amount, exponent, () =>
    exponent === 0 ? `${currency} amounts have no decimal places` : `${currency} amounts have at most ${exponent} decimal places`,
  );
}

/**
 * A decimal as an integer count of 10^-decimals: ("20.5", 2) → 2050n. Refuses more decimals
 * than that instead of rounding. Used for amounts and for percentages in hundredths.
 */
export function scaledInteger(value: number | string, decimals: number, tooPrecise = () => `at most ${decimals} decimal places`): bigint {
  // String(n) is the shortest text that round-trips to the same double: 49.99 → "49.99".
  const text = typeof value === "number" ? numberText(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyError(`"${text}" is not a decimal amount`);
  const [, sign, whole, fraction = ""] = match;
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > decimals) throw new MoneyError(tooPrecise());
  const scaled = BigInt(whole! + significant.padEnd(decimals, "0"));
  return sign ? -scaled : scaled;
}

/** minor × hundredths / 10000, rounded half up: a percentage (in hundredths of a percent) of an amount. */
export function percentOf(minor: bigint, hundredthsOfPercent: bigint): bigint {
  return (minor * hundredthsOfPercent + 5000n) / 10000n;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyError(`${n} is not a finite amount`);
  const text = String(n);
  if (/e/i.test(text)) {
    // 1e21 and above, or below 1e-6: far outside any price we accept.
    throw new MoneyError(`${text} is out of range`);
  }
  return text;
}

/** 4999n USD → "49.99"; 1000n JPY → "1000"; 1500n KWD → "1.500". */
export function toDecimalString(minor: bigint, currency: string): string {
  const exponent = exponentOf(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent ? "." + digits.slice(digits.length - exponent) : "";
  return (negative ? "-" : "") + whole + fraction;
}

/**
 * The seeds' JSON numbers: 4999n USD → 49.99. Parsing the exact decimal text gives the double
 * nearest to it, which JSON.stringify prints back as the same decimal.
 */
export function toDecimalNumber(minor: bigint, currency: string): number {
  const value = Number(toDecimalString(minor, currency));
  if (!Number.isSafeInteger(Math.trunc(value))) throw new MoneyError("amount too large for a JSON number");
  return value;
}

export function sumMinor(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/** Display text for people, e.g. "$49.99", "¥1,000", "KWD 1.500". */
export function formatMoney(minor: bigint, currency: string, locale = "en-US"): string {
  const exponent = exponentOf(currency);
  // Intl formats a decimal string exactly (no float rounding).
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(toDecimalString(minor, currency) as unknown as number);
}

// Stripe's own minor units differ from ISO 4217 for a few currencies: MGA is zero-decimal
// at Stripe, and ISK (zero-decimal in ISO) is sent as a two-decimal amount.
const STRIPE_EXPONENTS: Record<string, number> = { MGA: 0, ISK: 2 };

function stripeShift(currency: string): number {
  return (STRIPE_EXPONENTS[currency] ?? exponentOf(currency)) - exponentOf(currency);
}

/** Our minor units → Stripe's `unit_amount` / `amount` integer for the currency. */
export function toStripeAmount(minor: bigint, currency: string): number {
  const shift = stripeShift(currency);
  const scale = 10n ** BigInt(Math.abs(shift));
  if (shift < 0 && minor % scale !== 0n) throw new MoneyError(`${currency} amounts must be whole units at Stripe`);
  return Number(shift >= 0 ? minor * scale : minor / scale);
}

/** Stripe's integer amount for the currency → our minor units. */
export function fromStripeAmount(amount: number, currency: string): bigint {
  const shift = stripeShift(currency);
  const scale = 10n ** BigInt(Math.abs(shift));
  const value = BigInt(amount);
  return shift >= 0 ? value / scale : value * scale;
}
