import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { formatWithOptions } from "node:util";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { eq } from "drizzle-orm";
import { renderToString } from "react-dom/server";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as authGet, POST as authPost } from "@/app/api/auth/[...all]/route";
import { GET as changesRoute } from "@/app/api/dashboard/changes/route";
import { POST as createKey } from "@/app/api/dashboard/keys/route";
import { PATCH as patchDashboardWebhook } from "@/app/api/dashboard/webhooks/[id]/route";
import { POST as rotateDashboardWebhook } from "@/app/api/dashboard/webhooks/[id]/rotate/route";
import { POST as createDashboardWebhook } from "@/app/api/dashboard/webhooks/route";
import { POST as acceptInvitation } from "@/app/api/invitations/accept/route";
import { POST as stripeWebhook } from "@/app/api/webhooks/stripe/route";
import { POST as payCheckout } from "@/app/checkout/[sessionId]/pay/route";
import { GET as openLink } from "@/app/r/[token]/route";
import { POST as initTwig } from "@/app/v1/operations/order/init/route";
import { POST as twigCapture } from "@/app/v1/payment/order/capture/route";
import { PATCH as patchWebhook } from "@/app/v1/webhooks/[id]/route";
import { POST as rotateWebhook } from "@/app/v1/webhooks/[id]/rotate-secret/route";
import { GET as listWebhooks, POST as createWebhook } from "@/app/v1/webhooks/route";
import { getDb } from "@/db/client";
import { accounts, apiKeys, sessions, webhookEndpoints } from "@/db/schema";
import { appSecret, getAuth } from "@/lib/auth/auth";
import { env, EnvError, resetEnvForTests } from "@/lib/env";
import { resetLimiterForTests } from "@/lib/http/rate-limit";
import { newCheckout } from "@/lib/testing/orders";
import { useSmtp } from "@/lib/testing/smtp";
import { TEST_ORIGIN, TEST_PASSWORD } from "@/lib/testing/staff";
import { StripeMock } from "@/lib/testing/stripe-mock";
import { twigInitBody } from "@/lib/testing/twig";
import { filesNamed, handlers, requestFor, ROOT, send } from "./harness";
import { PAGES, ROUTES, type Method, type Probe } from "./routes";
import { richTenant, type Tenant } from "./tenant";
import { page } from "./next-mocks";

/**
 * Issue 9, "secrets never in responses or logs": API keys appear only in the answer that creates
 * them, webhook secrets only at creation and rotation, sealed keys, hashes and the app secret never;
 * and a run of error paths (Stripe failing, the database failing, bad signatures, bad keys and
 * passwords) logs none of them.
 */

vi.mock("next/headers", async () => (await import("./next-mocks")).nextHeaders);
vi.mock("next/navigation", async () => (await import("./next-mocks")).nextNavigation);

let s: Tenant;
let restoreSmtp: () => void;
const issued = { keys: [] as string[], webhookSecrets: [] as string[] };
const staffHeaders = () => ({ cookie: s.owner.cookie, origin: TEST_ORIGIN, "content-type": "application/json" });
const keyHeaders = () => ({ "x-api-key": s.key, "content-type": "application/json" });

beforeAll(async () => {
  restoreSmtp = useSmtp(undefined);
  s = await richTenant("s");
  issued.keys.push(s.key, s.secrets.secondKey);
  issued.webhookSecrets.push(s.secrets.webhookSecret);
}, 120_000);
afterAll(() => restoreSmtp());

/** Every secret the tenant has, read from where it is kept. */
async function allSecrets(): Promise<string[]> {
  const db = await getDb();
  const keyRows = await db.select().from(apiKeys).where(eq(apiKeys.businessId, s.business.id));
  const endpoints = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.businessId, s.business.id));
  const [password] = await db.select({ hash: accounts.password }).from(accounts).where(eq(accounts.userId, s.ids.ownerUser));
  const staffSessions = await db.select({ token: sessions.token }).from(sessions).where(eq(sessions.userId, s.ids.ownerUser));
  return [
    ...issued.keys,
    ...issued.webhookSecrets,
    ...keyRows.flatMap((k) => [k.keyHash, k.sealedKey].filter((v): v is string => Boolean(v))),
    ...endpoints.flatMap((e) => [e.secret, e.previousSecret].filter((v): v is string => Boolean(v))),
    password!.hash!,
    ...staffSessions.map((x) => x.token),
    await appSecret(),
    s.secrets.invitationToken,
    TEST_PASSWORD,
  ];
}

const found = (text: string, secrets: string[]) => secrets.filter((x) => text.includes(x));

describe("secrets in responses", () => {
  it("a new API key is in its creation answer only", async () => {
    const res = await send(createKey as never, "POST", "/api/dashboard/keys", { headers: staffHeaders(), body: JSON.stringify({ name: "Issued once" }) });
    expect(res.status).toBe(201);
    expect(res.body.data.key).toMatch(/^cbk_[\w-]{40,}$/);
    issued.keys.push(res.body.data.key);
    expect(res.body.data.apiKey).toEqual({ id: expect.any(String), name: "Issued once", prefix: res.body.data.key.slice(0, 12), createdAt: expect.any(String) });
  });

  it("a webhook secret is in the answers that create or rotate it, never in reads or updates", async () => {
    const created = await send(createWebhook as never, "POST", "/v1/webhooks", { headers: keyHeaders(), body: JSON.stringify({ url: "https://hooks.example/s1", events: ["order.paid"] }) });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    issued.webhookSecrets.push(created.body.secret);
    const rotated = await send(rotateWebhook as never, "POST", `/v1/webhooks/${created.body.id}/rotate-secret`, { headers: keyHeaders(), params: { id: created.body.id } });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    issued.webhookSecrets.push(rotated.body.secret);
    const patched = await send(patchWebhook as never, "PATCH", `/v1/webhooks/${created.body.id}`, { headers: keyHeaders(), body: JSON.stringify({ description: "changed" }), params: { id: created.body.id } });
    expect(patched.status).toBe(200);
    expect(found(patched.text, issued.webhookSecrets)).toEqual([]);

    const dash = await send(createDashboardWebhook as never, "POST", "/api/dashboard/webhooks", { headers: staffHeaders(), body: JSON.stringify({ url: "https://hooks.example/s2", events: ["order.paid"] }) });
    expect(dash.status).toBe(201);
    issued.webhookSecrets.push(dash.body.data.secret);
    const id = dash.body.data.webhook.id;
    const dashRotated = await send(rotateDashboardWebhook as never, "POST", `/api/dashboard/webhooks/${id}/rotate`, { headers: staffHeaders(), params: { id } });
    expect(dashRotated.body.data.secret).toMatch(/^whsec_/);
    issued.webhookSecrets.push(dashRotated.body.data.secret);
    const dashPatched = await send(patchDashboardWebhook as never, "PATCH", `/api/dashboard/webhooks/${id}`, { headers: staffHeaders(), body: JSON.stringify({ description: "changed" }), params: { id } });
    expect(dashPatched.status).toBe(200);
    expect(found(dashPatched.text, issued.webhookSecrets)).toEqual([]);
    const listed = await send(listWebhooks as never, "GET", "/v1/webhooks", { headers: keyHeaders() });
    expect(listed.body.webhooks.length).toBeGreaterThanOrEqual(2);
    expect(found(listed.text, issued.webhookSecrets)).toEqual([]);
  });

  it("a Twig init keeps its key sealed, and the answer holds neither the key nor the seal", async () => {
    const res = await send(initTwig as never, "POST", "/v1/operations/order/init", { headers: keyHeaders(), body: JSON.stringify(twigInitBody()) });
    expect(res.status).toBe(200);
    const [row] = await (await getDb()).select().from(apiKeys).where(eq(apiKeys.id, s.ids.apiKey));
    expect(row!.sealedKey).toMatch(/^v1\./);
    expect(found(res.text, [s.key, row!.sealedKey!, row!.keyHash])).toEqual([]);
  });

  it("no read of the tenant's own data (every GET route, every dashboard page) holds a secret", async () => {
    resetLimiterForTests();
    const secrets = await allSecrets();
    let reads = 0;
    for (const [file, route] of Object.entries(ROUTES)) {
      if (route.access !== "key" && route.access !== "staff" && route.access !== "session") continue;
      for (const probe of ((route.methods as Partial<Record<Method, Probe[]>>).GET ?? [])) {
        const { headers } = requestFor(route, probe, s, s, s);
        const res = await send((await handlers(file)).GET!, "GET", probe.path(s, s), { headers, params: probe.params?.(s, s) });
        reads++;
        // Better Auth's get-session answers the caller's own session token by design (see docs/reliability.md).
        const expected = file === "app/api/auth/[...all]/route.ts" ? secrets.filter((x) => !res.text.includes(`"token":"${x}"`)) : secrets;
        expect(found(res.text, expected), `${file} GET ${probe.path(s, s)}`).toEqual([]);
      }
    }
    for (const file of filesNamed("app/(dashboard)", "page.tsx")) {
      const entry = PAGES[file]!;
      page.headers = new Headers({ cookie: s.owner.cookie });
      const { default: Page } = (await import(/* @vite-ignore */ path.join(ROOT, file))) as { default: (props: unknown) => Promise<React.ReactNode> };
      const tree = await Page({ params: Promise.resolve(entry.params?.(s) ?? {}), searchParams: Promise.resolve(entry.searchParams?.(s) ?? {}) });
      const html = renderToString(<QueryClientProvider client={new QueryClient()}>{tree}</QueryClientProvider>);
      reads++;
      expect(found(html, secrets), file).toEqual([]);
    }
    console.info(`[reliability] secrets: ${reads} reads scanned for ${secrets.length} secrets`);
  });
});

describe("secrets in logs", () => {
  const logs: string[] = [];
  const stripe = new StripeMock();
  const STRIPE_KEY = `sk_test_${randomBytes(18).toString("hex")}`;
  const WEBHOOK_SECRET = `whsec_${randomBytes(18).toString("hex")}`;
  const wrongPassword = `wrong-${randomUUID()}`;
  let restore: () => void = () => {};

  beforeAll(async () => {
    const url = await stripe.start();
    Object.assign(process.env, { STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: url });
    resetEnvForTests();
    for (const level of ["error", "warn", "log", "info", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logs.push(formatWithOptions({ depth: 10, colors: false }, ...args));
      });
    }
  });
  afterEach(() => restore());
  let summary = "";
  afterAll(async () => {
    vi.restoreAllMocks();
    console.info(summary);
    Object.assign(process.env, { STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "", STRIPE_API_URL: "" });
    resetEnvForTests();
    await stripe.stop();
  });

  /**
   * Makes the database driver fail every query matching `sql` (PGlite: the client and its
   * transactions), as a lost connection or a lock timeout would: Drizzle then wraps the driver's
   * error with the SQL and every parameter, secrets included.
   */
  async function failQueries(sql: RegExp) {
    const client = (await getDb() as unknown as { $client: any }).$client;
    const fail = () => Object.assign(new Error("canceling statement due to lock timeout"), { code: "55P03" });
    const wrap = (target: any) => {
      const query = target.query.bind(target);
      target.query = (text: string, ...rest: unknown[]) => (sql.test(text) ? Promise.reject(fail()) : query(text, ...rest));
      return () => void (target.query = query);
    };
    const unwrap = wrap(client);
    const transaction = client.transaction.bind(client);
    client.transaction = (fn: (tx: any) => unknown) => transaction((tx: any) => (wrap(tx), fn(tx)));
    restore = () => {
      unwrap();
      client.transaction = transaction;
      restore = () => {};
    };
  }

  const onPglite = !process.env.TEST_DATABASE_URL;

  it("Stripe failing: opening a payment link, paying a checkout, capturing a Twig order", async () => {
    stripe.failNext = 1;
    const link = await send(openLink as never, "GET", `/r/${s.secrets.linkToken}`, { params: { token: s.secrets.linkToken } });
    expect(link.headers.get("location")).toContain("error=1");

    const checkout = await newCheckout(s.business);
    stripe.failNext = 1;
    const pay = await send(payCheckout as never, "POST", `/checkout/${checkout.id}/pay`, {
      headers: { origin: TEST_ORIGIN, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: "payer@example.com", firstName: "Pat", lastName: "Payer" }).toString(),
      params: { sessionId: checkout.id },
    });
    expect(pay.status).toBe(303);

    const twig = await send(twigCapture as never, "POST", "/v1/payment/order/capture", {
      headers: keyHeaders(),
      body: JSON.stringify({ orderId: s.ids.twigOrder, id: randomUUID(), amount: "1.00", currencyCode: "USD" }),
    });
    expect(twig.status).toBeLessThan(500);
    expect(logs.length).toBeGreaterThan(0);
  });

  it.runIf(onPglite)("the database failing while it stores a webhook secret, an API key, a sealed key and a session", async () => {
    resetLimiterForTests();
    await failQueries(/insert into "webhook_endpoints"/);
    const secret = `whsec_${randomBytes(18).toString("hex")}`;
    issued.webhookSecrets.push(secret);
    const webhook = await send(createWebhook as never, "POST", "/v1/webhooks", { headers: keyHeaders(), body: JSON.stringify({ url: "https://hooks.example/s3", events: ["order.paid"], secret }) });
    expect(webhook.status).toBe(500);
    expect(webhook.text).not.toContain(secret);
    restore();

    await failQueries(/update "webhook_endpoints"/);
    const rotate = await send(rotateDashboardWebhook as never, "POST", `/api/dashboard/webhooks/${s.ids.endpoint}/rotate`, { headers: staffHeaders(), params: { id: s.ids.endpoint } });
    expect(rotate.status).toBe(500);
    restore();

    await failQueries(/update "api_keys" set "sealed_key"/);
    const other = await richKeyForSealing();
    const init = await send(initTwig as never, "POST", "/v1/operations/order/init", { headers: { "x-api-key": other, "content-type": "application/json" }, body: JSON.stringify(twigInitBody()) });
    expect(init.status).toBe(500);
    restore();

    // A live session read while the database fails: its token is a parameter of the failing query.
    await failQueries(/from "session"/);
    const live = await send(changesRoute as never, "GET", "/api/dashboard/changes", { headers: { cookie: s.owner.cookie } });
    expect(live.status).toBeGreaterThanOrEqual(500);
    const viaAuth = await send(authGet as never, "GET", "/api/auth/get-session", { headers: { cookie: s.owner.cookie } });
    expect(viaAuth.status).toBeGreaterThanOrEqual(500);
    restore();

    await failQueries(/insert into "session"/);
    const signIn = await send(authPost as never, "POST", "/api/auth/sign-in/email", {
      headers: { "content-type": "application/json", origin: TEST_ORIGIN },
      body: JSON.stringify({ email: s.emails.owner, password: TEST_PASSWORD }),
    });
    expect(signIn.status).toBe(500);
    expect(signIn.body).toMatchObject({ success: false, error: { code: "INTERNAL_ERROR" } });
    restore();
    expect(logs.some((line) => line.includes("55P03") || line.includes("lock timeout"))).toBe(true);
  });

  /** A key not yet used on Twig (its first init seals it). */
  async function richKeyForSealing(): Promise<string> {
    const { createApiKey } = await import("@/lib/auth/api-keys");
    const { key } = await createApiKey(await getDb(), s.business.id, "Sealed later");
    issued.keys.push(key);
    return key;
  }

  it("bad Stripe signatures, bad API keys, bad passwords", async () => {
    const body = JSON.stringify({ id: "evt_logs", object: "event", type: "checkout.session.completed", created: 1, data: { object: { id: "cs_logs", metadata: {} } } });
    const now = Math.floor(Date.now() / 1000);
    for (const header of [
      Stripe.webhooks.generateTestHeaderString({ payload: body, secret: "whsec_attacker_secret_value" }),
      Stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET, timestamp: now - 600 }),
      Stripe.webhooks.generateTestHeaderString({ payload: `${body} `, secret: WEBHOOK_SECRET }),
    ]) {
      const res = await send(stripeWebhook as never, "POST", "/api/webhooks/stripe", { headers: { "content-type": "application/json", "stripe-signature": header }, body });
      expect(res.status).toBe(400);
      expect(res.text).not.toContain(WEBHOOK_SECRET);
    }
    const revokedLike = `cbk_${randomBytes(32).toString("base64url")}`;
    issued.keys.push(revokedLike);
    expect((await send(listWebhooks as never, "GET", "/v1/webhooks", { headers: { authorization: `Bearer ${revokedLike}` } })).status).toBe(401);

    const auth = await getAuth();
    const signIn = await auth.handler(
      new Request(`${TEST_ORIGIN}/api/auth/sign-in/email`, { method: "POST", headers: { "content-type": "application/json", origin: TEST_ORIGIN }, body: JSON.stringify({ email: s.emails.owner, password: wrongPassword }) }),
    );
    expect(signIn.status).toBe(401);
    const accept = await send(acceptInvitation as never, "POST", "/api/invitations/accept", {
      headers: { "content-type": "application/json", origin: TEST_ORIGIN },
      body: JSON.stringify({ token: s.secrets.invitationToken, password: wrongPassword, name: "Someone" }),
    });
    expect(accept.status).toBeLessThan(500);
  });

  it("a refused configuration (printed at startup) names the variables, not their values", () => {
    const bad = { STRIPE_SECRET_KEY: `sk_wrong_${randomBytes(8).toString("hex")}`, SMTP_URL: `ftp://mail:${randomBytes(8).toString("hex")}@mail.example`, STRIPE_WEBHOOK_SECRET: `wh_${randomBytes(8).toString("hex")}` };
    const before = Object.fromEntries(Object.keys(bad).map((k) => [k, process.env[k]]));
    Object.assign(process.env, bad);
    resetEnvForTests();
    try {
      expect(() => env()).toThrow(EnvError);
      try {
        env();
      } catch (error) {
        const message = (error as Error).message;
        expect(message).toContain("STRIPE_SECRET_KEY");
        expect(message).toContain("SMTP_URL");
        expect(found(message, Object.values(bad))).toEqual([]);
        logs.push(message);
      }
    } finally {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetEnvForTests();
    }
  });

  it("no log line holds a key, a secret, a password, a session token or a whsec_/sk_/cbk_ value", async () => {
    const secrets = [...(await allSecrets()), STRIPE_KEY, WEBHOOK_SECRET, wrongPassword, s.secrets.secondKey];
    const text = logs.join("\n");
    expect(found(text, secrets)).toEqual([]);
    expect(text.match(/cbk_[\w-]{16,}/g) ?? []).toEqual([]);
    expect(text.match(/whsec_[\w-]{8,}/g) ?? []).toEqual([]);
    expect(text.match(/sk_(test|live)_[\w]{8,}/g) ?? []).toEqual([]);
    summary = `[reliability] logs: ${logs.length} lines from error paths scanned for ${secrets.length} secrets`;
  });
});
