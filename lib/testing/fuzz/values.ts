import fc from "fast-check";

/**
 * Hostile values for request fuzzing: text a parser must survive, numbers JSON cannot hold,
 * money that is negative, fractional beyond the currency, or bigger than any column.
 */

/** Literal text spliced into a JSON document where a value goes (`{"a": NaN}`); see `toJsonText`. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Characters that break naive code: NUL and control characters, lone surrogates, BOM, RTL, emoji, combining marks. */
export const NASTY_CHARS = [
  "\u0000", "\u0001", "\u0007", "\b", "\t", "\n", "\r", "\u000b", "\u001b", "\u007f", "\u0085", "\u00a0",
  "\ud800", "\udfff", "\udc00\ud800", "\ufeff", "\ufffd", "\uffff", "\u200b", "\u200d", "\u202e", "\u2028", "\u2029",
  "💩", "👩‍👩‍👧‍👦", "🇺🇸", "𝕳", "e\u0301", "Z̴̡̧̛̺̞͇̈́̓", "ß", "İ", "ﷺ", "Ω", "中", "𠜎", "\\", "\"", "'", "`", "<", ">", "&", "%", "$", "{", "}",
];

/** Whole strings with a reputation: injections, reserved words, numbers-as-text, paths, templates. */
export const NASTY_STRINGS = [
  "", " ", "   ", "\u0000", "null", "undefined", "NaN", "Infinity", "-Infinity", "true", "false", "0", "-0", "[]", "{}",
  "__proto__", "constructor", "prototype", "toString", "hasOwnProperty",
  "' OR '1'='1", "'; DROP TABLE carts; --", "\"; select pg_sleep(1); --", "%00", "%", "%%", "%s%n", "\\u0000",
  "../../../etc/passwd", "..", "/", "?", "#", "a/b", "a?b=c", "<script>alert(1)</script>", "{{link}}", "${process.env}", "{{constructor.constructor('x')()}}",
  "https://example.com", "javascript:alert(1)", "http://127.0.0.1/", "file:///etc/passwd", "mailto:a@b.c",
  "a@b.c", "A@B.CO", "a@b", "@", "a@@b.c", " a@b.co ", "a\u0000@b.co", "\ud800@b.co",
  "USD", "usd", "XXX", "EUR ", "JPY", "KWD", "2024-01-15", "2024-02-30", "2024-01-15T10:00:00Z", "9999-12-31T23:59:59Z", "0000-00-00",
  "1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "1".repeat(400),
  "\ud800", "\udfff", "💩".repeat(1000), "a".repeat(10_000), "\u0000".repeat(50),
];

/** Numbers JSON can carry, at the edges: signs, fractions, exponents, beyond safe integers and bigint. */
export const EDGE_NUMBERS = [
  0, -0, 1, -1, 0.1, 0.5, 0.005, 0.01, -0.01, 1.5, 49.999, 99.98, 1e-7, 5e-324, 1e21, 1e308, -1e308,
  2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 63, 2 ** 64, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE,
];

/** Number texts a JSON parser refuses or reads as something else (spliced raw, so the body is what it says). */
export const NUMBER_LITERALS = [
  "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "-0", "0.0000000000000000000001",
  "00", "01", "1.", ".5", "+1", "0x10", "1_000", "1e", "--1", "1.2.3", "9223372036854775807", "9223372036854775808", "18446744073709551616",
];

/** Money as decimal text: negative, more places than any currency, exponents, separators, overflow. */
export const MONEY_STRINGS = [
  "-1", "-0.01", "-0", "0", "0.00", "0.001", "0.005", "1.005", "49.999", "0.1", "1.10", "10.000", "1.0000000000000001",
  "1e3", "1E2", "1e-2", "+5", "5.", ".5", " 1.00", "1.00 ", "1,00", "1,000.00", "1 000", "1.00.0", "١٢٣", "１２",
  "NaN", "Infinity", "-Infinity", "0x10", "", " ", "USD 1.00", "$1.00", "1.00USD",
  "999999999.99", "1000000000.00", "99999999999999999999.99", "9223372036854775807", "9223372036854775808", "92233720368547758.08",
  "0." + "0".repeat(400) + "1", "1".repeat(400),
];

const nastyChar = fc.constantFrom(...NASTY_CHARS);

/** Short text mixing ordinary unicode (graphemes, astral planes) with the nasty characters. */
export const nastyText: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) }, { weight: 2, arbitrary: nastyChar }, fc.string({ unit: "binary", maxLength: 3 })), { maxLength: 8 })
  .map((parts) => parts.join(""));

export const nastyString: fc.Arbitrary<string> = fc.oneof({ weight: 2, arbitrary: nastyText }, { weight: 1, arbitrary: fc.constantFrom(...NASTY_STRINGS) });

export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...EDGE_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export const numberLiteral: fc.Arbitrary<RawJson> = fc.constantFrom(...NUMBER_LITERALS).map((t) => new RawJson(t));

export const moneyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...MONEY_STRINGS),
  // Random decimals with too many places, a sign, or a huge whole part.
  fc.tuple(fc.constantFrom("", "-", "+"), fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.nat({ max: 12 }), fc.nat()).map(([sign, whole, places, frac]) =>
    places ? `${sign}${whole}.${String(frac).padStart(places, "0").slice(0, places)}` : `${sign}${whole}`,
  ),
);

/** A key of an unknown field: ordinary, unicode, or one of JavaScript's own property names. */
export const nastyKey: fc.Arbitrary<string> = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("__proto__", "constructor", "prototype", "", " ", "\u0000", "💩", "id", "businessId", "then", "toJSON"));

/** Any JSON value made of the hostile pieces above (objects may carry `__proto__` keys). */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; leaf: unknown }>((tie) => ({
  leaf: fc.oneof(
    { weight: 3, arbitrary: nastyString },
    { weight: 2, arbitrary: nastyNumber },
    { weight: 1, arbitrary: numberLiteral },
    { weight: 1, arbitrary: moneyString },
    { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
  ),
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 4, arbitrary: tie("leaf") },
    { weight: 1, arbitrary: fc.array(tie("value"), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(nastyKey, tie("value")), { maxLength: 4 }).map(objectOf) },
  ),
})).value;

/** An object from entries, keeping keys such as `__proto__` as own properties. */
export function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** False for text with an unpaired surrogate, which no URL or byte stream can carry. */
export const isWellFormed = (text: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

/** JSON text of a value that may hold RawJson literals. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${toJsonText((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  // JSON.stringify(undefined) is undefined; -0 prints as 0, so keep its sign.
  if (value === undefined) return "null";
  if (Object.is(value, -0)) return "-0";
  return JSON.stringify(value);
}

/** `[[[…]]]` or `{"a":{"a":…}}`, `depth` levels deep. */
export function deepJson(depth: number, kind: "array" | "object" = "array"): RawJson {
  return new RawJson(kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth));
}
