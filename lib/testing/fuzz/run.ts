import fc from "fast-check";
import { afterAll, beforeAll, it, vi } from "vitest";
import { env, resetEnvForTests } from "@/lib/env";
import { resetLimiterForTests } from "@/lib/http/rate-limit";
import { call } from "@/lib/testing/fixtures";
import { answerProblem } from "./answers";
import { edgeCases, fuzzCases, type Endpoint, type FuzzCase } from "./cases";
import { StateWatch } from "./db-state";

/**
 * Runs an endpoint's fuzz property: its edge cases (lib/testing/fuzz/cases.ts), then a share of
 * FUZZ_RUNS random requests. Every request must get an answer (never a thrown error), never a 5xx
 * and never an error logged; a refusal must be in the endpoint's error shape and leave every row
 * of the tenants as it was.
 *
 * A failure prints fast-check's seed and path; FUZZ_SEED=… FUZZ_PATH=… replays it exactly.
 */

/** Random cases per endpoint at share 1; FUZZ_RUNS=10000 is the long run. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS || 1000);

/**
 * The shares of FUZZ_RUNS that keep the normal run near 90 s on PGlite on a 2-core machine
 * (docs/reliability.md). An endpoint whose accepted requests write rows costs about twice one
 * that only reads (the write, then the tables counted again); a dashboard request also looks its
 * session up; opening a recovery link or paying a test session writes on every request.
 */
export const SHARE = { reads: 0.35, writes: 0.2, dashboard: 0.08, page: 0.15, pageWritingEveryCase: 0.08 } as const;

/** Statuses seen per endpoint; FUZZ_REPORT=1 prints them after each file. */
const seen = new Map<string, { cases: number; statuses: Record<number, number>; fingerprints: number; ms: number; cpuMs: number; requestMs: number }>();

/** Rate limits would turn the fuzz into 429s after 100 requests: give the keys room. */
export function useFuzzEnvironment(): void {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.RATE_LIMIT_PER_MINUTE;
    process.env.RATE_LIMIT_PER_MINUTE = "1000000000";
    resetEnvForTests();
    resetLimiterForTests();
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.RATE_LIMIT_PER_MINUTE;
    else process.env.RATE_LIMIT_PER_MINUTE = saved;
    resetEnvForTests();
    resetLimiterForTests();
    if (process.env.FUZZ_REPORT) {
      for (const [name, s] of seen) console.log(`[fuzz] ${name}: ${s.cases} cases in ${Math.round(s.ms)} ms (${Math.round(s.cpuMs)} ms CPU, ${Math.round(s.requestMs)} ms in requests), ${s.fingerprints} table lookups, statuses ${JSON.stringify(s.statuses)}`);
      seen.clear();
    }
  });
}

/** Registers the endpoint's test; the spec is built inside it, after the file's beforeAll. */
export function fuzzEndpoint(name: string, spec: () => Endpoint, options: { share?: number } = {}): void {
  const runs = Math.max(10, Math.round(FUZZ_RUNS * (options.share ?? SHARE.reads)));
  it(`${name} (${runs} random cases + edge cases)`, async () => {
    const endpoint = spec();
    const watch = new StateWatch(endpoint.businessIds);
    const stats = { cases: 0, statuses: {} as Record<number, number>, fingerprints: 0, ms: 0, cpuMs: 0, requestMs: 0 };
    const started = performance.now();
    const cpu = process.cpuUsage();
    seen.set(name, stats);
    const logged: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(" ").slice(0, 500));
    });
    try {
      const property = fc.asyncProperty(fuzzCases(endpoint).map(printable), async (c) => {
        stats.cases++;
        logged.length = 0;
        await watch.before();
        const sent = performance.now();
        const res = await send(endpoint, c);
        stats.requestMs += performance.now() - sent;
        stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1;
        const refused = res.status >= 400 || (endpoint.refusedAnswer?.(res) ?? false);
        if (c.what === "valid request" && refused && !endpoint.validRefused) {
          throw new Error(`${name}: the valid request was refused (${res.status} ${res.text.slice(0, 300)}); fix the example`);
        }
        const changed = await watch.after(refused);
        const problems = [
          answerProblem(endpoint.shape, res),
          changed.length ? `refused with ${res.status} but changed ${changed.join("; ")}` : undefined,
          logged.length ? `logged an error: ${logged.join(" / ")}` : undefined,
        ].filter(Boolean);
        if (problems.length) throw new Error(`${name} — ${c.what}: ${problems.join("; ")}`);
      });
      const examples = edgeCases(endpoint, env().MAX_BODY_BYTES).map((c) => [printable(c)] as [FuzzCase]);
      await fc.assert(property, {
        numRuns: examples.length + runs,
        examples,
        ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH } : {}),
      });
    } finally {
      stats.fingerprints = watch.lookups;
      stats.ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      stats.cpuMs = (used.user + used.system) / 1000;
      spy.mockRestore();
    }
  }, 60_000 + runs * 100);
}

async function send(e: Endpoint, original: FuzzCase) {
  const c = e.prepare ? e.prepare(original) : original;
  const query = new URLSearchParams(c.query).toString();
  const path = e.route.replace(/\[(\w+)\]/g, (_, name: string) => encodeURIComponent(c.params[name] ?? "")) + (query ? `?${query}` : "");
  try {
    return await call(e.handler, { method: e.method, path, params: c.params, headers: c.headers, rawBody: c.body });
  } catch (error) {
    throw new Error(`${e.method} ${e.route} — ${c.what}: the handler threw instead of answering: ${(error as Error)?.stack ?? error}`);
  }
}

/** fast-check prints counterexamples; keep megabyte bodies to their first characters. */
function printable(c: FuzzCase): FuzzCase {
  const short = (v: unknown) => {
    const text = typeof v === "string" ? v : v instanceof Uint8Array ? `bytes[${Array.from(v.slice(0, 40)).join(",")}${v.length > 40 ? ",…" : ""}]` : String(v);
    return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} chars)` : text;
  };
  return Object.assign(c, {
    [fc.toStringMethod]: () =>
      JSON.stringify({
        what: c.what,
        params: Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, short(v)])),
        query: c.query.slice(0, 20).map(([k, v]) => [short(k), short(v)]),
        headers: Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, short(v)])),
        body: c.body === undefined ? undefined : short(c.body),
      }),
  });
}
