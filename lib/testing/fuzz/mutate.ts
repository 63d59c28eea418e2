import fc from "fast-check";
import { deepJson, jsonValue, moneyString, nastyKey, nastyNumber, nastyString, numberLiteral, toJsonText } from "./values";

/**
 * Bodies derived from a valid example: a field dropped, given a value of the wrong type or at a
 * boundary of its own type, an unknown field added, an array emptied or blown up — one to three
 * such changes at once, anywhere in the document.
 */

type Path = (string | number)[];

/** Every location in the example: objects, arrays and leaves (the root is `[]`). */
export function pathsOf(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

export function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);
}

/** A copy with the value at `path` replaced (or removed when `next` is REMOVE). */
export const REMOVE = Symbol("remove");
export function setAt(value: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next === REMOVE ? undefined : next;
  const [head, ...rest] = path;
  // A named key on an array (`__proto__` included) turns it into an object with index keys.
  if (Array.isArray(value) && typeof head === "number") {
    const copy = [...value];
    if (rest.length === 0 && next === REMOVE) copy.splice(head as number, 1);
    else copy[head as number] = setAt(copy[head as number], rest, next);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  // An earlier mutation may have replaced the container with a leaf: rebuild it as an object.
  const source = value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  for (const k of Object.keys(source)) Object.defineProperty(copy, k, { value: source[k], enumerable: true, writable: true, configurable: true });
  if (rest.length === 0 && next === REMOVE) delete copy[head as string];
  else Object.defineProperty(copy, head as string, { value: setAt(copy[head as string], rest, next), enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Values of the same type as `original`, at its edges. */
function boundaryOf(original: unknown): fc.Arbitrary<unknown> {
  if (typeof original === "string") {
    // A decimal-looking string is probably money: try the nasty money texts.
    if (/^-?\d+(\.\d+)?$/.test(original)) return fc.oneof(moneyString, numberLiteral.map((r) => r.text));
    // JSON inside a string (Twig's PATCH values): mutate the document inside.
    const inner = jsonIn(original);
    if (inner !== undefined) return fc.oneof(mutatedBody(inner), nastyString);
    return fc.oneof(
      nastyString,
      fc.constantFrom("", " ", original + " ", " " + original, original.toUpperCase(), original + "\u0000", original.repeat(300), original + "💩"),
    );
  }
  if (typeof original === "number") return fc.oneof(nastyNumber, numberLiteral, moneyString, fc.constant(String(original)), fc.constant(-original));
  if (typeof original === "boolean") return fc.constantFrom("true", "false", 1, 0, null, !original);
  if (Array.isArray(original)) {
    return fc.oneof(
      fc.constant([]),
      fc.constant([null]),
      fc.constant(original.length ? Array.from({ length: 1000 }, () => original[0]) : [{}]),
      fc.constant([...original, ...original]),
      fc.constant(deepJson(10_000)),
    );
  }
  if (original && typeof original === "object") return fc.oneof(fc.constant({}), fc.constant([]), fc.constant(deepJson(10_000, "object")));
  return jsonValue;
}

function jsonIn(text: string): object | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Something of another type entirely. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, "", "x", [], {}, [[]], { "": null }),
  numberLiteral,
  jsonValue,
);

type Mutation = (body: unknown) => unknown;

function mutationAt(example: unknown, path: Path): fc.Arbitrary<Mutation> {
  const original = getAt(example, path);
  const container = path.length ? getAt(example, path.slice(0, -1)) : undefined;
  const options: fc.Arbitrary<Mutation>[] = [
    fc.oneof(boundaryOf(original), wrongType).map((v) => (body: unknown) => setAt(body, path, v)),
  ];
  if (path.length) options.push(fc.constant((body: unknown) => setAt(body, path, REMOVE)));
  if (path.length && container && typeof container === "object" && !Array.isArray(container)) {
    options.push(fc.constant((body: unknown) => setAt(body, path, null)));
  }
  if (original && typeof original === "object" && !Array.isArray(original)) {
    options.push(fc.tuple(nastyKey, jsonValue).map(([k, v]) => (body: unknown) => setAt(body, [...path, k], v)));
  }
  return fc.oneof(...options);
}

/** One to three mutations of the example, each at a random location; the result as JSON text. */
export function mutatedBody(example: unknown): fc.Arbitrary<string> {
  const paths = pathsOf(example);
  const one = fc.constantFrom(...paths).chain((path) => mutationAt(example, path));
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((mutations) => toJsonText(mutations.reduce((body, m) => m(body), example)));
}
