import fc from "fast-check";
import { mutatedBody, pathsOf, getAt, setAt } from "./mutate";
import { deepJson, isWellFormed, jsonValue, MONEY_STRINGS, nastyString, RawJson, toJsonText } from "./values";

/** What answers an endpoint: an API dialect's JSON envelope, or a customer page's text and redirects. */
export type AnswerShape = "tracker" | "torque" | "torque-checkout" | "twig" | "page";

/** One endpoint to fuzz, with a valid request to start from. */
export type Endpoint = {
  handler: (req: Request, ctx: { params: Promise<any> }) => Promise<Response>;
  method: string;
  /** The route, `[name]` standing for params: "/api/carts/[id]". */
  route: string;
  shape: AnswerShape;
  /** Valid path params (ids that exist), valid query, the headers of a valid request (auth, origin). */
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers: Record<string, string>;
  /** A valid body (JSON unless `contentType` says otherwise); absent for endpoints that read none. */
  body?: unknown | fc.Arbitrary<unknown>;
  contentType?: string;
  /** Header sets that authenticate wrongly or not at all (missing, wrong, revoked key; no session…); a GET needs no origin, so a few may pass. */
  badAuth: Record<string, string>[];
  /** Tenants whose rows must not change when a request is refused. */
  businessIds: string[];
  /** The valid request is sent first and must be accepted, unless it cannot be (a token that does not exist). */
  validRefused?: boolean;
  /** Last touch before sending, e.g. signing the fuzzed body as Stripe would. */
  prepare?: (c: FuzzCase) => FuzzCase;
  /** Answers that refuse the request besides 4xx (a page redirecting back with its errors). */
  refusedAnswer?: (res: { status: number; headers: Headers }) => boolean;
};

export type Body = string | Uint8Array;

export type FuzzCase = {
  /** What was changed from the valid request, for failure messages. */
  what: string;
  params: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body?: Body;
};

const hasBody = (e: Endpoint) => e.method !== "GET" && e.method !== "HEAD";
const isArbitrary = (v: unknown): v is fc.Arbitrary<unknown> => v instanceof fc.Arbitrary;
const exampleBody = (e: Endpoint): fc.Arbitrary<unknown> => (isArbitrary(e.body) ? e.body : fc.constant(e.body));
const contentTypeOf = (e: Endpoint) => e.contentType ?? "application/json";
const encodeBody = (e: Endpoint, value: unknown): string =>
  contentTypeOf(e).startsWith("application/x-www-form-urlencoded") ? new URLSearchParams(value as Record<string, string>).toString() : toJsonText(value);

/** The valid request itself. */
function validCase(e: Endpoint, body: unknown, what = "valid request"): FuzzCase {
  const headers = { ...e.headers, ...(hasBody(e) && e.body !== undefined ? { "content-type": contentTypeOf(e) } : {}) };
  return { what, params: { ...e.params }, query: Object.entries(e.query ?? {}), headers, body: hasBody(e) && e.body !== undefined ? encodeBody(e, body) : undefined };
}

// -----------------------------------------------------------------------------------------------
// Bodies

const CONTENT_TYPES = [
  "", "text/plain", "text/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
  "application/json; charset=utf-16", "APPLICATION/JSON", "application/vnd.api+json", "application/json-patch+json", "application/jsonp",
  "application/octet-stream", "*/*", "application/json, text/plain", "json", "application/", "application/json\t; x=\u00ff",
];

/** Text and bytes that are not the JSON (or form) the endpoint reads. */
function rawBodies(exampleText: string): fc.Arbitrary<Body> {
  return fc.oneof(
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }),
    fc.nat({ max: Math.max(0, exampleText.length - 1) }).map((n) => exampleText.slice(0, n)),
    fc.string({ maxLength: 20 }).map((junk) => exampleText + junk),
    fc.constantFrom(
      "\ufeff" + exampleText,
      Buffer.from(exampleText, "utf16le") as Uint8Array,
      Uint8Array.from([0xff, 0xfe, 0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
      Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
      "",
      " ",
      "null",
      "undefined",
      "{",
      "}",
      "[",
      "{'a': 1}",
      "{a: 1}",
      '{"a": 1,}',
      "a=1&b=2",
      "<?xml version=\"1.0\"?><a/>",
    ),
  );
}

/** Fuzzed body texts with their content types. */
function fuzzedBodies(e: Endpoint): fc.Arbitrary<{ what: string; body: Body; contentType: string }> {
  const type = contentTypeOf(e);
  return exampleBody(e).chain((example) => {
    const text = encodeBody(e, example);
    const json = type.includes("json");
    return fc.oneof(
      { weight: json ? 6 : 2, arbitrary: mutatedBody(example).map((body) => ({ what: "mutated body", body, contentType: "application/json" })) },
      { weight: 2, arbitrary: jsonValue.map((v) => ({ what: "random JSON body", body: toJsonText(v), contentType: "application/json" })) },
      { weight: 2, arbitrary: rawBodies(text).map((body) => ({ what: "raw body", body, contentType: type })) },
      { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES).map((contentType) => ({ what: `content-type ${JSON.stringify(contentType)}`, body: text, contentType })) },
      ...(json ? [] : [{ weight: 4, arbitrary: formBodies(example as Record<string, string>).map((body) => ({ what: "mutated form", body, contentType: type })) }]),
    );
  });
}

/** Form bodies: fields dropped, emptied, given hostile text, duplicated or added. */
function formBodies(example: Record<string, string>): fc.Arbitrary<string> {
  const keys = Object.keys(example);
  const entry = fc.tuple(keys.length ? fc.oneof(fc.constantFrom(...keys), nastyString) : nastyString, nastyString);
  return fc.tuple(fc.subarray(keys), fc.array(entry, { maxLength: 4 })).map(([kept, extra]) => {
    const params = new URLSearchParams();
    for (const k of kept) params.append(k, example[k]!);
    for (const [k, v] of extra) params.append(k, v);
    return params.toString();
  });
}

// -----------------------------------------------------------------------------------------------
// Query, headers, params

/** Query strings: values replaced, keys duplicated or unknown, huge values, hundreds of params. */
function fuzzedQuery(e: Endpoint): fc.Arbitrary<[string, string][]> {
  const valid = Object.entries(e.query ?? {});
  const keys = valid.map(([k]) => k);
  const key = keys.length ? fc.oneof(fc.constantFrom(...keys), nastyString) : nastyString;
  const value = fc.oneof(nastyString, fc.constantFrom(...MONEY_STRINGS), fc.constantFrom("a".repeat(100_000), "1".repeat(1000), "-1", "0", "1e9", "true", "2024-13-45"));
  return fc.oneof(
    fc.tuple(fc.subarray(valid), fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 5 })).map(([kept, extra]) => [...kept, ...extra]),
    key.chain((k) => fc.array(value, { minLength: 2, maxLength: 4 }).map((vs) => [...valid, ...vs.map((v): [string, string] => [k, v])])),
    fc.constant(Array.from({ length: 500 }, (_, i): [string, string] => [`p${i}`, String(i)])),
  );
}

/** Latin-1 text without line breaks: all a header value can hold. */
const headerText = fc
  .array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)), { maxLength: 60 })
  .map((codes) => String.fromCharCode(...codes));

const HEADER_NAMES = [
  "content-length", "content-type", "content-encoding", "transfer-encoding", "accept", "origin", "sec-fetch-site", "cookie", "authorization", "x-api-key",
  "twig-api-version", "idempotency-key", "stripe-signature", "x-forwarded-for", "x-forwarded-host", "host", "referer", "user-agent",
];

function fuzzedHeaders(e: Endpoint): fc.Arbitrary<{ what: string; headers: Record<string, string> }> {
  const extra = fc.tuple(fc.constantFrom(...HEADER_NAMES), fc.oneof(headerText, fc.constantFrom("", "-1", "0", "1e9", "99999999999999999999", "abc", "gzip", "chunked", "null", "x".repeat(16_000))));
  return fc.oneof(
    fc.constantFrom(...e.badAuth).map((auth) => ({ what: "bad auth", headers: withoutAuth(e.headers, auth) })),
    fc.array(extra, { minLength: 1, maxLength: 4 }).map((pairs) => ({ what: "odd headers", headers: { ...e.headers, ...Object.fromEntries(pairs) } })),
  );
}

const AUTH_HEADERS = ["x-api-key", "authorization", "cookie", "origin", "sec-fetch-site", "stripe-signature"];
function withoutAuth(valid: Record<string, string>, auth: Record<string, string>): Record<string, string> {
  const rest = Object.fromEntries(Object.entries(valid).filter(([k]) => !AUTH_HEADERS.includes(k.toLowerCase())));
  return { ...rest, ...auth };
}

/** Ids Next could hand a route (decoded from the URL: any well-formed text, NUL included). */
const fuzzedParam: fc.Arbitrary<string> = fc
  .oneof(nastyString, fc.constantFrom("", "0", "-1", "null", "%00", "a".repeat(10_000), "cart_", "order_x", "..", "../../etc"))
  .filter(isWellFormed);

function fuzzedParams(e: Endpoint): fc.Arbitrary<Record<string, string>> {
  const names = Object.keys(e.params ?? {});
  return fc.tuple(fc.constantFrom(...names), fuzzedParam).map(([name, value]) => ({ ...e.params, [name]: value }));
}

// -----------------------------------------------------------------------------------------------
// The case arbitrary

/**
 * Requests that differ from the valid one in their body (mostly), query, headers or params, or
 * in all of them at once.
 */
export function fuzzCases(e: Endpoint): fc.Arbitrary<FuzzCase> {
  const body = hasBody(e) && e.body !== undefined;
  const params = Object.keys(e.params ?? {}).length > 0;
  const readsQuery = e.query !== undefined;
  const options: fc.WeightedArbitrary<FuzzCase>[] = [];
  const base = exampleBody(e).map((b) => validCase(e, b));
  if (body) {
    options.push({
      weight: 12,
      arbitrary: fc.tuple(base, fuzzedBodies(e)).map(([c, b]) => ({ ...c, what: b.what, body: b.body, headers: { ...c.headers, "content-type": b.contentType } })),
    });
  } else if (hasBody(e)) {
    // An endpoint that reads no body gets one anyway.
    options.push({ weight: 2, arbitrary: fc.tuple(base, fc.oneof(rawBodies("{}"), jsonValue.map(toJsonText))).map(([c, b]) => ({ ...c, what: "unexpected body", body: b, headers: { ...c.headers, "content-type": "application/json" } })) });
  }
  options.push({ weight: readsQuery ? 5 : 1, arbitrary: fc.tuple(base, fuzzedQuery(e)).map(([c, query]) => ({ ...c, what: "query", query })) });
  options.push({ weight: 2, arbitrary: fc.tuple(base, fuzzedHeaders(e)).map(([c, h]) => ({ ...c, what: h.what, headers: { ...h.headers, ...(c.headers["content-type"] && !hasHeader(h.headers, "content-type") ? { "content-type": c.headers["content-type"] } : {}) } })) });
  if (params) options.push({ weight: 2, arbitrary: fc.tuple(base, fuzzedParams(e)).map(([c, p]) => ({ ...c, what: "path params", params: p })) });
  return fc.oneof(...options);
}

const hasHeader = (headers: Record<string, string>, name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);

// -----------------------------------------------------------------------------------------------
// Edge cases: run once per endpoint, before the random ones

const MAX_LEAVES = 8;

/**
 * The named hostile inputs, deterministic: oversized bodies (with and without a lying
 * Content-Length), 10 000-deep nesting, NaN/Infinity/1e400 and NUL/lone surrogates at each
 * field, negative and fractional money, wrong content types, broken encodings, bad auth.
 */
export function edgeCases(e: Endpoint, maxBodyBytes: number): FuzzCase[] {
  // Seeded by the route, so each endpoint's example differs (fresh idempotency keys) yet reproduces.
  const seed = [...`${e.method} ${e.route}`].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) | 0, 7);
  const example = isArbitrary(e.body) ? fc.sample(e.body, { numRuns: 1, seed })[0] : e.body;
  const valid = validCase(e, example);
  const cases: FuzzCase[] = [valid];
  const add = (what: string, change: Partial<FuzzCase>) => cases.push({ ...valid, ...change, what, headers: { ...valid.headers, ...change.headers } });
  const json = contentTypeOf(e).includes("json");

  if (hasBody(e)) {
    const big = '{"a":"' + "x".repeat(maxBodyBytes) + '"}';
    add("oversized body", { body: big });
    add("oversized body, Content-Length says 10", { body: big, headers: { "content-length": "10" } });
    add("oversized body, Content-Length says 0", { body: big, headers: { "content-length": "0" } });
    add("small body, Content-Length says huge", { headers: { "content-length": "99999999999" } });
    for (const length of ["-1", "abc", "1e3", " 5 "]) add(`Content-Length ${length}`, { headers: { "content-length": length } });
    for (const text of ["", "null", "[]", "{}", "0", '"x"', "true", "1e400"]) add(`body ${text || "(empty)"}`, { body: text, headers: { "content-type": "application/json" } });
    add("10 000-deep array", { body: deepJson(10_000).text, headers: { "content-type": "application/json" } });
    add("10 000-deep object", { body: deepJson(10_000, "object").text, headers: { "content-type": "application/json" } });
    add("invalid UTF-8", { body: Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]), headers: { "content-type": "application/json" } });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]) {
      add(`content-type ${type}`, { headers: { "content-type": type } });
    }
    add("empty content-type", { headers: { "content-type": "" } });
  }
  if (hasBody(e) && e.body !== undefined && json) {
    const leaves = pathsOf(example).filter((p) => p.length > 0);
    const at = (path: (string | number)[], value: unknown) => toJsonText(setAt(example, path, value));
    const name = (path: (string | number)[]) => path.join(".");
    for (const path of leaves.filter((p) => typeof getAt(example, p) === "object").slice(0, MAX_LEAVES)) {
      add(`10 000-deep nesting at ${name(path)}`, { body: at(path, deepJson(10_000, "object")) });
    }
    const scalars = leaves.filter((p) => typeof getAt(example, p) !== "object").slice(0, MAX_LEAVES);
    for (const path of scalars) {
      for (const literal of ["NaN", "Infinity", "-1e400"]) add(`${literal} at ${name(path)}`, { body: at(path, new RawJson(literal)) });
      for (const text of ["\u0000", "a\ud800b"]) add(`${JSON.stringify(text)} at ${name(path)}`, { body: at(path, text) });
    }
    const money = leaves.filter((p) => /^-?\d+(\.\d+)?$/.test(String(getAt(example, p))) && typeof getAt(example, p) !== "object");
    for (const path of money.slice(0, MAX_LEAVES)) {
      for (const amount of ["-0.01", "0.001", "99999999999999999999.99", "9223372036854775808"]) add(`money ${amount} at ${name(path)}`, { body: at(path, amount) });
      for (const amount of [-0.01, 1e21]) add(`money ${amount} at ${name(path)}`, { body: at(path, amount) });
    }
    // The first key again, later in the text, with a wrong type: JSON.parse keeps the last one.
    const first = Object.keys((example as object) ?? {})[0];
    if (first !== undefined) add("duplicate key", { body: toJsonText(example).replace(/}$/, `,${JSON.stringify(first)}:[[null]]}`) });
  }
  for (const [k, v] of Object.entries(e.query ?? {})) {
    add(`query ${k} empty`, { query: Object.entries({ ...e.query, [k]: "" }) });
    add(`query ${k} huge`, { query: Object.entries({ ...e.query, [k]: "9".repeat(100_000) }) });
    add(`query ${k} NUL`, { query: Object.entries({ ...e.query, [k]: v + "\u0000" }) });
    add(`query ${k} twice`, { query: [...Object.entries(e.query ?? {}), [k, "other"]] });
  }
  add("query with an unknown parameter", { query: [...valid.query, ["unknown", "1"]] });
  for (const auth of e.badAuth) add(`bad auth ${JSON.stringify(auth).slice(0, 60)}`, { headers: withoutAuth(valid.headers, auth) });
  for (const name of Object.keys(e.params ?? {})) {
    for (const value of ["", "\u0000", "a".repeat(10_000), "../x", "💩", " "]) add(`param ${name}=${JSON.stringify(value).slice(0, 20)}`, { params: { ...valid.params, [name]: value } });
  }
  return cases;
}

