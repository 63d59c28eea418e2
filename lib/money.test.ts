import { describe, expect, it } from "vitest";
import { formatMoney, fromStripeAmount, MoneyError, toDecimalNumber, toDecimalString, toMinor, toStripeAmount } from "./money";

describe("toMinor", () => {
  it("converts decimal numbers exactly, per currency exponent", () => {
    expect(toMinor(49.99, "USD")).toBe(4999n);
    expect(toMinor(0.1, "USD")).toBe(10n);
    expect(toMinor(1.005, "KWD")).toBe(1005n);
    expect(toMinor(1500, "JPY")).toBe(1500n);
    expect(toMinor(999999.99, "USD")).toBe(99999999n);
    expect(toMinor(19.9, "EUR")).toBe(1990n);
  });

  it("accepts decimal strings, trailing zeros included", () => {
    expect(toMinor("1450.00", "USD")).toBe(145000n);
    expect(toMinor("90.0", "USD")).toBe(9000n);
    expect(toMinor("1000.000", "JPY")).toBe(1000n);
    expect(toMinor("0.001", "KWD")).toBe(1n);
  });

  it("refuses amounts finer than the currency allows instead of rounding", () => {
    expect(() => toMinor(29.999, "USD")).toThrow(/at most 2 decimal places/);
    expect(() => toMinor(10.5, "JPY")).toThrow(/no decimal places/);
    expect(() => toMinor("1.0005", "KWD")).toThrow(/at most 3/);
    // the float sum 0.1 + 0.2 is not a 2-decimal amount
    expect(() => toMinor(0.1 + 0.2, "USD")).toThrow(MoneyError);
  });

  it("refuses non-numbers, exponents, NaN and Infinity", () => {
    for (const bad of ["", "abc", "1e3", "1,00", " . ", "0x10"]) expect(() => toMinor(bad, "USD")).toThrow(MoneyError);
    for (const bad of [NaN, Infinity, -Infinity, 1e21]) expect(() => toMinor(bad, "USD")).toThrow(MoneyError);
  });

  it("refuses unknown currencies", () => {
    expect(() => toMinor(1, "XXX")).toThrow(/Unknown currency/);
  });
});

describe("back to decimals", () => {
  it("prints minor units with the currency's exponent", () => {
    expect(toDecimalString(4999n, "USD")).toBe("49.99");
    expect(toDecimalString(5n, "USD")).toBe("0.05");
    expect(toDecimalString(1500n, "KWD")).toBe("1.500");
    expect(toDecimalString(1000n, "JPY")).toBe("1000");
    expect(toDecimalString(-250n, "EUR")).toBe("-2.50");
  });

  it("gives JSON numbers that serialize to the exact decimal", () => {
    expect(JSON.stringify(toDecimalNumber(9998n, "USD"))).toBe("99.98");
    expect(JSON.stringify(toDecimalNumber(1001n, "KWD"))).toBe("1.001");
    // the classic: 0.1 + 0.2 money done in minor units stays exact
    expect(JSON.stringify(toDecimalNumber(toMinor(0.1, "USD") + toMinor(0.2, "USD"), "USD"))).toBe("0.3");
  });

  it("formats for people", () => {
    expect(formatMoney(123456n, "USD")).toBe("$1,234.56");
    expect(formatMoney(1000n, "JPY")).toBe("¥1,000");
    expect(formatMoney(1500n, "KWD")).toMatch(/KWD\s1\.500/);
  });
});

describe("Stripe amounts", () => {
  it("matches Stripe's minor units, including its special cases", () => {
    expect(toStripeAmount(4999n, "USD")).toBe(4999);
    expect(toStripeAmount(1000n, "JPY")).toBe(1000);
    expect(toStripeAmount(1500n, "KWD")).toBe(1500);
    expect(toStripeAmount(500n, "ISK")).toBe(50000);
    expect(fromStripeAmount(50000, "ISK")).toBe(500n);
    expect(toStripeAmount(120000n, "MGA")).toBe(1200);
    expect(() => toStripeAmount(120050n, "MGA")).toThrow(MoneyError);
  });
});
