/**
 * SQL text builders for the generator. Everything here is inlined into set-based statements
 * (INSERT … SELECT over generate_series), so values are our own numbers and ids, quoted here.
 */

/** lib/ids.ts's alphabet: Crockford base32, lowercase. */
export const ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export function lit(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function textArray(values: readonly string[]): string {
  return `array[${values.map(lit).join(", ")}]::text[]`;
}

export function intArray(values: readonly number[]): string {
  return `array[${values.map((v) => String(Math.trunc(v))).join(", ")}]::bigint[]`;
}

/** A timestamptz from epoch milliseconds (a bigint expression). */
export function ts(ms: string): string {
  return `to_timestamp((${ms})::double precision / 1000)`;
}

/**
 * An id shaped like lib/ids.ts's newId: `prefix_` + 10 base32 characters of the time in
 * milliseconds + 12 base32 characters from the first 12 bytes of `hash` (a 16-byte bytea,
 * e.g. decode(md5(…), 'hex')), so ids sort by creation time like the app's.
 */
export function idSql(prefix: string, ms: string, hash: string): string {
  const time = Array.from({ length: 10 }, (_, i) => `substr('${ID_ALPHABET}', (((${ms}) >> ${5 * (9 - i)}) & 31)::int + 1, 1)`);
  const random = Array.from({ length: 12 }, (_, i) => `substr('${ID_ALPHABET}', (get_byte(${hash}, ${i}) & 31) + 1, 1)`);
  return `('${prefix}_' || ${[...time, ...random].join(" || ")})`;
}

/** A 16-byte hash of a text seed (the random part of an id). */
export function seedHash(seed: string): string {
  return `decode(md5(${seed}), 'hex')`;
}

/** An unguessable-looking url-safe token of 43 characters, like lib/ids.ts's newSecret. */
export function tokenSql(seed: string): string {
  return `translate(rtrim(encode(sha256(convert_to(${seed} || random()::text || random()::text, 'UTF8')), 'base64'), '='), '+/', '-_')`;
}
