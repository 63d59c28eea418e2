import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Every route handler is fuzzed: each method exported by an `app/**\/route.ts` must have an
 * endpoint of that name in the fuzz files of this folder, so a new route cannot be left out.
 * Better Auth's own routes and the benchmark's empty route are not ours to fuzz.
 */

const NOT_FUZZED = ["/api/auth/[...all]", "/api/bench/empty"];
const METHODS = /export (?:const|async function) (GET|POST|PUT|PATCH|DELETE)\b/g;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

describe("fuzz coverage", () => {
  it("fuzzes every method of every route", () => {
    const app = path.join(process.cwd(), "app");
    const routes = routeFiles(app).flatMap((file) => {
      const route = "/" + path.relative(app, path.dirname(file)).split(path.sep).filter((part) => !/^\(.*\)$/.test(part)).join("/");
      if (NOT_FUZZED.includes(route)) return [];
      return [...readFileSync(file, "utf8").matchAll(METHODS)].map((m) => `${m[1]} ${route}`);
    });
    const here = import.meta.dirname;
    const fuzzed = new Set(
      readdirSync(here)
        .filter((name) => name.endsWith(".test.ts"))
        .flatMap((name) => [...readFileSync(path.join(here, name), "utf8").matchAll(/(?:fuzzEndpoint|fuzz)\(\s*"((?:GET|POST|PUT|PATCH|DELETE) [^ "]+)/g)].map((m) => m[1]!)),
    );
    expect(routes.length).toBeGreaterThan(70);
    expect(routes.filter((route) => !fuzzed.has(route))).toEqual([]);
  });
});
