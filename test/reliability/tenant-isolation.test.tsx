import path from "node:path";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { useEnv } from "@/lib/testing/env";
import { resetLimiterForTests } from "@/lib/http/rate-limit";
import { useSmtp } from "@/lib/testing/smtp";
import { filesNamed, handlers, inDialect, requestFor, ROOT, send, STRIPE_SECRET } from "./harness";
import { METHODS, MORE_DETAIL_IDS, PAGES, ROUTES, type Method, type Probe, type Route } from "./routes";
import { leaks, richTenant, snapshot, type Tenant } from "./tenant";
import { page } from "./next-mocks";

/**
 * Issue 9, "Tenant isolation": for every route handler and every dashboard page, a second
 * business (b) with its own key and staff session, aiming at the first business's (a) ids, gets
 * 404 (or the status the route documents) and never any of a's ids, emails, names or secrets; and
 * nothing of a changes. The tables in routes.ts are checked against the files on disk.
 */

vi.mock("next/headers", async () => (await import("./next-mocks")).nextHeaders);
vi.mock("next/navigation", async () => (await import("./next-mocks")).nextNavigation);

let a: Tenant;
let b: Tenant;
let before: Record<string, string[]>;
let restoreSmtp: () => void;
let restoreStripe: () => void;
const counts = { requests: 0, own: 0, pages: 0 };

beforeAll(async () => {
  restoreSmtp = useSmtp(undefined);
  restoreStripe = useEnv({ STRIPE_WEBHOOK_SECRET: STRIPE_SECRET });
  a = await richTenant("a");
  b = await richTenant("b");
  // SMTP "configured" (nothing listens there), so sending an outbox message gets as far as finding it.
  restoreSmtp();
  restoreSmtp = useSmtp("smtp://127.0.0.1:9");
}, 120_000);
afterAll(() => {
  restoreSmtp();
  restoreStripe();
  console.info(
    `[reliability] tenant isolation: ${Object.keys(ROUTES).length} route files, ${counts.requests} cross-tenant requests (+${counts.own} controls with a's own credentials), ` +
      `${counts.pages} page renders, ${a?.needles.length} values of the first tenant searched for in every answer`,
  );
});

const probesOf = (route: Route) => Object.entries(route.methods) as [Method, Probe[]][];

async function run(file: string, route: Route, method: Method, probe: Probe, caller: Tenant) {
  const handler = (await handlers(file))[method]!;
  const { headers, body } = requestFor(route, probe, a, b, caller);
  if (caller === b) counts.requests++;
  else counts.own++;
  return send(handler, method, probe.path(a, b), { headers, body, params: probe.params?.(a, b) });
}

describe("the route and page tables cover the app", () => {
  it("every app/**/route.ts has an entry, for exactly the methods it exports", async () => {
    const files = filesNamed("app", "route.ts");
    expect(Object.keys(ROUTES).sort()).toEqual(files);
    for (const file of files) {
      const module = await handlers(file);
      const exported = METHODS.filter((m) => typeof module[m] === "function");
      expect(Object.keys(ROUTES[file]!.methods).sort(), file).toEqual([...exported].sort());
      for (const [method, probes] of probesOf(ROUTES[file]!)) expect(probes.length, `${file} ${method}`).toBeGreaterThan(0);
    }
  });

  it("every dashboard page has an entry", () => {
    expect(Object.keys(PAGES).sort()).toEqual(filesNamed("app/(dashboard)", "page.tsx"));
  });
});

describe("control: the first tenant's own credentials do see its data", () => {
  it("with a's key or session, the same calls answer a's data (so the ids aimed at are right)", async () => {
    for (const [file, route] of Object.entries(ROUTES)) {
      for (const [method, probes] of probesOf(route)) {
        for (const probe of probes.filter((p) => p.own)) {
          const res = await run(file, route, method, probe, a);
          expect(res.status, `${method} ${probe.path(a, b)}: ${res.text.slice(0, 300)}`).toBe(probe.own!.status);
          expect(res.text.toLowerCase(), `${method} ${probe.path(a, b)}`).toContain(probe.own!.shows(a).toLowerCase());
        }
      }
    }
    resetLimiterForTests();
    before = await snapshot(a.business.id);
  });
});

describe("another tenant's key or session, aimed at the first tenant's ids", () => {
  for (const [file, route] of Object.entries(ROUTES)) {
    it(`${file} (${route.access === "capability" ? `capability: ${route.why}` : route.access})`, async () => {
      for (const [method, probes] of probesOf(route)) {
        for (const probe of probes) {
          const res = await run(file, route, method, probe, b);
          const what = `${method} ${probe.path(a, b)} → ${res.status} ${res.text.slice(0, 300)}`;
          expect(res.status, what).toBe(probe.expect);
          expect(leaks(a, res.text, probe.echoes?.(a) ?? []), what).toEqual([]);
          if (res.status === 404 && route.access === "key") expect(inDialect(route.dialect, res.body, /NOT_FOUND$/), what).toBe(true);
          if (res.status === 404 && route.access === "staff") expect(inDialect("tracker", res.body, "NOT_FOUND"), what).toBe(true);
          if (route.access === "signed") expect(res.body, what).toEqual({ received: true, outcome: "unmatched" });
          // A redirect goes back to our own page, never on to a payment.
          if (res.status === 303) expect(res.headers.get("location"), what).toMatch(/^\/(r|twig\/checkout|u)\//);
          // b's own data is not hidden from b: the 404s above are about a's ids, not a broken route.
          if (file === "app/api/auth/[...all]/route.ts" && method === "GET") expect(res.body.user.email).toBe(b.emails.owner);
        }
      }
    });
  }
});

describe("dashboard pages", () => {
  async function render(file: string, as: Tenant | null, args: { params?: Record<string, string>; searchParams?: Record<string, string> }): Promise<string> {
    // A forged business cookie naming the other tenant's business: membership decides, not the cookie.
    const other = as === a ? b : a;
    page.headers = new Headers(as ? { cookie: `${as.owner.cookie}; cartback.business=${other.business.id}` } : {});
    const { default: Page } = (await import(/* @vite-ignore */ path.join(ROOT, file))) as { default: (props: unknown) => Promise<React.ReactNode> };
    counts.pages++;
    const tree = await Page({ params: Promise.resolve(args.params ?? {}), searchParams: Promise.resolve(args.searchParams ?? {}) });
    return renderToString(<QueryClientProvider client={new QueryClient()}>{tree}</QueryClientProvider>);
  }
  const argsFor = (entry: (typeof PAGES)[string], t: Tenant) => ({ params: entry.params?.(t), searchParams: entry.searchParams?.(t) });

  for (const [file, entry] of Object.entries(PAGES)) {
    it(`${file}: a sees its own; b ${entry.params ? "gets not-found for a's id" : "sees none of a's rows"}; no session goes to /login`, async () => {
      const own = await render(file, a, argsFor(entry, a));
      expect(own).toContain(entry.own(a));

      if (entry.params) {
        await expect(render(file, b, argsFor(entry, a))).rejects.toThrow("NEXT_NOT_FOUND");
        // b's own id still renders: not-found is about a's id.
        expect(leaks(a, await render(file, b, argsFor(entry, b)))).toEqual([]);
      } else {
        expect(leaks(a, await render(file, b, argsFor(entry, a)))).toEqual([]);
        // Searching for a's customer by email finds nothing of a either.
        expect(leaks(a, await render(file, b, { searchParams: { ...entry.searchParams?.(a), q: a.emails.customer } }), [a.emails.customer])).toEqual([]);
      }
      await expect(render(file, null, argsFor(entry, a))).rejects.toThrow("NEXT_REDIRECT /login");
    });
  }

  it.each(MORE_DETAIL_IDS)("%s with %s of a → not found", async (file, _what, id) => {
    await expect(render(file, a, { params: { id: id(a) } })).resolves.toContain(id(a));
    await expect(render(file, b, { params: { id: id(a) } })).rejects.toThrow("NEXT_NOT_FOUND");
  });
});

describe("afterwards", () => {
  it("nothing of the first tenant changed: every row with its business_id is as it was", async () => {
    expect(before).toBeDefined();
    expect(await snapshot(a.business.id)).toEqual(before);
  });
});
