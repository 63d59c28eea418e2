import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as changes } from "@/app/api/dashboard/changes/route";
import { POST as acceptInvitation } from "@/app/api/invitations/accept/route";
import { POST as payCheckout } from "@/app/checkout/[sessionId]/pay/route";
import { POST as twigAuthorize } from "@/app/twig/checkout/[orderId]/authorize/route";
import { POST as twigCancel } from "@/app/twig/checkout/[orderId]/cancel/route";
import { getDb } from "@/db/client";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { getAuth, resetAuthForTests } from "@/lib/auth/auth";
import { resetEnvForTests } from "@/lib/env";
import { resetLimiterForTests } from "@/lib/http/rate-limit";
import { useSmtp } from "@/lib/testing/smtp";
import { signIn, TEST_ORIGIN, TEST_PASSWORD } from "@/lib/testing/staff";
import { removeMember } from "@/lib/team/service";
import { handlers, inDialect, send } from "./harness";
import { ROUTES, type Method, type Probe, type Route } from "./routes";
import { richTenant, snapshot, type Tenant } from "./tenant";

/**
 * Issue 9, "Auth": missing, wrong and revoked keys in both headers on every key route; cross-site
 * mutations with a staff cookie on every dashboard mutation; session fixation, logout and the
 * session cookie's attributes.
 */

let target: Tenant; // whose ids the probes aim at
let caller: Tenant; // whose keys are sent
let revoked: string;
let restoreSmtp: () => void;
const counts = { keyRequests: 0, crossSite: 0 };

beforeAll(async () => {
  restoreSmtp = useSmtp(undefined);
  target = await richTenant("t");
  caller = await richTenant("c");
  revoked = (await createApiKey(await getDb(), caller.business.id, "To revoke")).key;
  const [row] = await (await getDb()).query.apiKeys.findMany({ where: (k, { eq }) => eq(k.prefix, revoked.slice(0, 12)) });
  await revokeApiKey(caller.business.id, row!.id);
}, 120_000);
afterAll(() => {
  restoreSmtp();
  console.info(`[reliability] auth: ${counts.keyRequests} requests with missing, wrong or revoked keys; ${counts.crossSite} cross-site mutations`);
});

const entries = (access: Route["access"]) => Object.entries(ROUTES).filter(([, r]) => r.access === access);
const firstProbes = (route: Route) => (Object.entries(route.methods) as [Method, Probe[]][]).map(([method, probes]) => [method, probes[0]!] as const);

describe("API keys: every key route, both headers", () => {
  const wrong = `cbk_${randomBytes(32).toString("base64url")}`;
  const variants: [string, (valid: string) => Record<string, string>][] = [
    ["no key", () => ({})],
    ["a wrong key in x-api-key", () => ({ "x-api-key": wrong })],
    ["a wrong key as Bearer", () => ({ authorization: `Bearer ${wrong}` })],
    ["a revoked key in x-api-key", () => ({ "x-api-key": revoked })],
    ["a revoked key as Bearer", () => ({ authorization: `Bearer ${revoked}` })],
    ["a valid key with another scheme (Basic)", (valid) => ({ authorization: `Basic ${Buffer.from(`${valid}:`).toString("base64")}` })],
    ["a valid key in another case", (valid) => ({ "x-api-key": valid.toUpperCase() })],
    ["an empty Bearer", () => ({ authorization: "Bearer " })],
    ["a wrong x-api-key next to a valid Bearer (x-api-key wins)", (valid) => ({ "x-api-key": wrong, authorization: `Bearer ${valid}` })],
  ];

  for (const [file, route] of entries("key")) {
    if (route.access !== "key") continue;
    it(`${file}: 401 in the ${route.dialect} shape, the key never echoed; a valid Bearer key gets through`, async () => {
      const module = await handlers(file);
      for (const [method, probe] of firstProbes(route)) {
        const body = probe.body ? JSON.stringify(probe.body(target, caller)) : undefined;
        const base: Record<string, string> = body ? { "content-type": "application/json" } : {};
        const url = probe.path(target, caller);
        for (const [name, headers] of variants) {
          const sent = headers(caller.key);
          const res = await send(module[method]!, method, url, { headers: { ...base, ...sent }, body, params: probe.params?.(target, caller) });
          counts.keyRequests++;
          const what = `${method} ${url} with ${name}: ${res.status} ${res.text.slice(0, 200)}`;
          expect(res.status, what).toBe(401);
          expect(inDialect(route.dialect, res.body, "UNAUTHORIZED"), what).toBe(true);
          for (const value of Object.values(sent)) if (value.length > 20) expect(res.text, what).not.toContain(value.replace(/^(Bearer|Basic) /, ""));
        }
        // The same call with the caller's valid key as a Bearer token is authenticated (and then isolated).
        const ok = await send(module[method]!, method, url, { headers: { ...base, authorization: `Bearer ${caller.key}` }, body, params: probe.params?.(target, caller) });
        expect(ok.status, `${method} ${url} with a valid Bearer key: ${ok.text.slice(0, 200)}`).toBe(probe.expect);
      }
      resetLimiterForTests();
    });
  }
});

describe("cross-site requests riding the staff cookie", () => {
  const crossSite: [string, Record<string, string>][] = [
    ["Origin of another site", { origin: "https://evil.example" }],
    ["an Origin that only starts like ours", { origin: `${TEST_ORIGIN}.evil.example` }],
    ['Origin "null" (sandboxed frame, data: URL)', { origin: "null" }],
    ["no Origin, Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["no Origin, Sec-Fetch-Site: same-site (a sibling subdomain)", { "sec-fetch-site": "same-site" }],
    ["neither Origin nor Sec-Fetch-Site", {}],
  ];
  let before: Record<string, string[]>;
  beforeAll(async () => {
    before = await snapshot(target.business.id);
  });

  for (const [file, route] of entries("staff")) {
    const mutations = firstProbes(route).filter(([method]) => method !== "GET");
    if (mutations.length === 0) continue;
    it(`${file}: 403 FORBIDDEN for every cross-site variant`, async () => {
      const module = await handlers(file);
      for (const [method, probe] of mutations) {
        // The target's own owner, on the target's own ids: exactly what a forged form would send.
        const body = probe.body ? JSON.stringify(probe.body(target, target)) : undefined;
        const url = probe.path(target, target);
        for (const [name, headers] of crossSite) {
          const res = await send(module[method]!, method, url, {
            headers: { ...(body ? { "content-type": "application/json" } : {}), cookie: target.owner.cookie, ...headers },
            body,
            params: probe.params?.(target, target),
          });
          counts.crossSite++;
          const what = `${method} ${url} with ${name}: ${res.status} ${res.text.slice(0, 200)}`;
          expect(res.status, what).toBe(403);
          expect(inDialect("tracker", res.body, "FORBIDDEN"), what).toBe(true);
        }
      }
    });
  }

  it("the invitation form, the hosted checkout and Twig pages refuse cross-site posts too", async () => {
    const evil = { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" };
    const accept = await send(acceptInvitation, "POST", "/api/invitations/accept", {
      headers: { ...evil, "content-type": "application/json" },
      body: JSON.stringify({ token: target.secrets.invitationToken, name: "Mallory", password: TEST_PASSWORD }),
    });
    expect(accept.status).toBe(403);
    const pay = await send(payCheckout as never, "POST", `/checkout/${target.ids.checkoutSession}/pay`, { headers: evil, body: "email=x%40y.z", params: { sessionId: target.ids.checkoutSession } });
    expect(pay.status).toBe(403);
    for (const handler of [twigAuthorize, twigCancel]) {
      const res = await send(handler as never, "POST", `/twig/checkout/${target.ids.twigOrder}/x`, { headers: { "sec-fetch-site": "cross-site" }, body: "", params: { orderId: target.ids.twigOrder } });
      expect(res.status).toBe(403);
    }
    counts.crossSite += 4;
  });

  it("Better Auth refuses a sign-in posted from another site (login CSRF)", async () => {
    const auth = await getAuth();
    const attempts: Record<string, string>[] = [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" }];
    for (const headers of attempts) {
      const res = await auth.handler(
        new Request(`${TEST_ORIGIN}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ email: target.emails.owner, password: TEST_PASSWORD }),
        }),
      );
      expect(res.status).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
      counts.crossSite++;
    }
  });

  it("and nothing of the target changed", async () => {
    expect(await snapshot(target.business.id)).toEqual(before);
  });
});

describe("sessions", () => {
  const TOKEN = "cartback.session_token";
  const tokenOf = (setCookies: string[], name = TOKEN) => setCookies.find((c) => c.startsWith(`${name}=`))?.split(";")[0]!.slice(name.length + 1);

  async function signInWith(email: string, headers: Record<string, string> = {}, origin = TEST_ORIGIN) {
    const auth = await getAuth();
    return auth.handler(
      new Request(`${origin}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin, ...headers },
        body: JSON.stringify({ email, password: TEST_PASSWORD }),
      }),
    );
  }
  async function whoIs(cookie: string): Promise<string | null> {
    const res = await send(changes as never, "GET", "/api/dashboard/changes", { headers: { cookie } });
    if (res.status === 401) return null;
    const auth = await getAuth();
    return (await auth.api.getSession({ headers: new Headers({ cookie }) }))?.user.email ?? null;
  }

  it("the session cookie is HttpOnly, SameSite=Lax, Path=/, lasts 7 days, and is not Secure on plain http", async () => {
    const res = await signInWith(target.emails.owner);
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${TOKEN}=`))!;
    const attributes = cookie.split(";").slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "path=/", "max-age=604800"]));
    expect(attributes).not.toContain("secure");
    expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);
  });

  it("with an https APP_URL, every auth cookie is Secure (and __Secure- prefixed)", async () => {
    const https = "https://cartback.example";
    process.env.APP_URL = https;
    resetEnvForTests();
    resetAuthForTests();
    try {
      const res = await signInWith(target.emails.owner, {}, https);
      expect(res.status).toBe(200);
      const cookies = res.headers.getSetCookie();
      expect(cookies.length).toBeGreaterThan(0);
      for (const c of cookies) {
        const attributes = c.split(";").slice(1).map((a) => a.trim().toLowerCase());
        expect(c.startsWith("__Secure-cartback."), c).toBe(true);
        expect(attributes, c).toEqual(expect.arrayContaining(["secure", "httponly", "samesite=lax", "path=/"]));
      }
      expect(tokenOf(cookies, `__Secure-${TOKEN}`)).toBeTruthy();
    } finally {
      process.env.APP_URL = TEST_ORIGIN;
      resetEnvForTests();
      resetAuthForTests();
    }
  });

  it("sign-in issues a new token: a cookie planted before (made up, or the attacker's own session) is not adopted", async () => {
    const attacker = await signIn(caller.emails.owner);
    for (const planted of [`${TOKEN}=attacker-chosen-value`, attacker]) {
      const res = await signInWith(target.emails.owner, { cookie: planted });
      expect(res.status).toBe(200);
      const issued = tokenOf(res.headers.getSetCookie())!;
      expect(issued).toBeTruthy();
      expect(planted).not.toContain(issued);
      // The planted value still means what it meant before: nothing, or the attacker's own account.
      expect(await whoIs(planted)).toBe(planted === attacker ? caller.emails.owner : null);
      expect(await whoIs(`${TOKEN}=${issued}`)).toBe(target.emails.owner);
    }
    const again = tokenOf((await signInWith(target.emails.owner)).headers.getSetCookie());
    const once = tokenOf((await signInWith(target.emails.owner)).headers.getSetCookie());
    expect(again).not.toBe(once);
  });

  it("a tampered session cookie is no session", async () => {
    const cookie = await signIn(target.emails.owner);
    const [name, value] = cookie.split("=") as [string, string];
    const [token, signature] = decodeURIComponent(value).split(".") as [string, string];
    const flipped = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    for (const forged of [`${flipped(token)}.${signature}`, `${token}.${flipped(signature)}`, token]) {
      expect(await whoIs(`${name}=${encodeURIComponent(forged)}`)).toBeNull();
    }
  });

  it("sign-out ends the session: the old cookie no longer works anywhere", async () => {
    const cookie = await signIn(target.emails.owner);
    expect(await whoIs(cookie)).toBe(target.emails.owner);
    const auth = await getAuth();
    const out = await auth.handler(new Request(`${TEST_ORIGIN}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: TEST_ORIGIN, "content-type": "application/json" }, body: "{}" }));
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().find((c) => c.startsWith(`${TOKEN}=`))).toMatch(/Max-Age=0/);
    expect(await whoIs(cookie)).toBeNull();
    const res = await send(changes as never, "GET", "/api/dashboard/changes", { headers: { cookie } });
    expect(res.status).toBe(401);
    expect(inDialect("tracker", res.body, "UNAUTHORIZED")).toBe(true);
  });

  it("a member removed from the business loses it at once, though still signed in", async () => {
    const cookie = await signIn(target.emails.agent);
    expect((await send(changes as never, "GET", "/api/dashboard/changes", { headers: { cookie } })).status).toBe(200);
    await removeMember(target.business.id, "owner", target.ids.agentMembership);
    expect((await send(changes as never, "GET", "/api/dashboard/changes", { headers: { cookie } })).status).toBe(401);
  });
});
