import type { Sql } from "postgres";
import type { Dataset } from "../generate";
import { firstLoadJs } from "./first-load";
import { load, pick, type LoadSpec, type Measured } from "./load";
import { startReceiver } from "./receiver";
import type { Row } from "./report";
import { summarizeRounds, type Round } from "./rounds";
import { StripeEventSource } from "./stripe-events";

/** What every scenario needs: both servers, the database, the dataset and the run's settings. */
export type BenchContext = {
  appUrl: string;
  refUrl: string;
  sql: Sql;
  dataset: Dataset;
  /** Seconds per measurement. */
  duration: number;
  /** Overrides every scenario's own connection count. */
  connections?: number;
  stripeSecret: string;
  nextDir: string;
  runId: string;
  log: (line: string) => void;
  /** The empty Next handler at this many connections (measured once per count). */
  emptyNext: (connections: number) => Promise<Measured>;
  /** Staff session cookie, once signed in. */
  cookie?: string;
};

export type Scenario = { name: string; description: string; run: (ctx: BenchContext) => Promise<Row[]> };

const conns = (ctx: BenchContext, own: number) => ctx.connections ?? own;
const keyHeaders = (ctx: BenchContext) => ({ "x-api-key": ctx.dataset.busy.key });
const healthy = (m: Measured) => m.failed === 0 && m.ok > 0;
const failures = (m: Measured, who: string) => (m.failed ? [`${who}: ${m.failed} of ${m.requests + m.failed} requests failed (non-2xx or errors)`] : []);

/**
 * Seconds of the unmeasured run before a measurement, so JIT, pools and caches are warm: as long as
 * the measurement. V8 compiles a route's code in tiers as it gets hot; a freshly started app took
 * 10–15 s of Stripe events to reach its steady rate (bench/RESULTS.md), so a 2 s warm-up left the
 * measurement partly cold.
 */
const warmSeconds = (duration: number) => duration;

async function measure(spec: LoadSpec): Promise<Measured> {
  await load({ ...spec, duration: warmSeconds(spec.duration), amount: undefined });
  return load(spec);
}

/**
 * The app and the empty Next handler in alternating rounds. This VM's speed swings by a fifth
 * from one minute to the next, and a single round's ratio by ten points or more; two runs seconds
 * apart give a steadier ratio than two runs minutes apart, and the median of five rounds a steadier
 * one than of three. summarizeRounds says which figures are reported; the notes list every round's,
 * with both p99s (the empty handler's own tail shows what the VM adds to the app's).
 */
async function versusEmptyNext(ctx: BenchContext, spec: LoadSpec, rounds = 5): Promise<{ app: Measured; emptyNext: Measured; notes: string[] }> {
  const empty: LoadSpec = { url: `${ctx.appUrl}/api/bench/empty`, connections: spec.connections, duration: spec.duration };
  await load({ ...spec, duration: warmSeconds(spec.duration) });
  await load({ ...empty, duration: warmSeconds(spec.duration) });
  const pairs: Round[] = [];
  for (let i = 0; i < rounds; i++) pairs.push({ app: await load(spec), emptyNext: await load(empty) });
  return summarizeRounds(pairs);
}

async function sampleCartIds(ctx: BenchContext, count: number): Promise<string[]> {
  const rows = await ctx.sql<{ id: string }[]>`select id from carts where business_id = ${ctx.dataset.busy.businessId} order by random() limit ${count}`;
  return rows.map((r) => r.id);
}

const cartGet: Scenario = {
  name: "cart-get",
  description: "GET /api/carts/:id, random carts of the busy business",
  async run(ctx) {
    const ids = await sampleCartIds(ctx, 20_000);
    const c = conns(ctx, 20);
    const spec = (base: string, prefix: string): LoadSpec => ({
      url: base + prefix + ids[0],
      connections: c,
      duration: ctx.duration,
      headers: keyHeaders(ctx),
      setup: (req) => ({ ...req, path: prefix + pick(ids) }),
    });
    const { app, emptyNext, notes } = await versusEmptyNext(ctx, spec(ctx.appUrl, "/api/carts/"));
    const bare = await measure(spec(ctx.refUrl, "/carts/"));
    const pass = healthy(app) && app.rps >= 0.7 * emptyNext.rps && app.p99 <= 50;
    return [{ scenario: "GET /api/carts/:id", app, bare, emptyNext, target: "≥ 70% of empty Next; p99 ≤ 50 ms", pass, notes: [...notes, ...failures(app, "app"), ...failures(bare, "bare")] }];
  },
};

function newCartBody(): string {
  const shopper = Math.floor(Math.random() * 200_000);
  return JSON.stringify({
    customerEmail: `bench.shopper${shopper}@example.com`,
    customerName: `Bench Shopper ${shopper}`,
    currency: "USD",
    items: [
      { name: "Merino crew sweater", quantity: 1, price: "89.00", productId: "sku-0001" },
      { name: "Wool beanie", quantity: 2, price: 19, productId: "sku-0008" },
      { name: "Stoneware mug", quantity: 1, price: "18.00", productId: "sku-0010", imageUrl: "https://cdn.example.com/products/sku-0010.jpg" },
    ],
  });
}

const cartPost: Scenario = {
  name: "cart-post",
  description: "POST /api/carts with 3 items (creates abandoned carts in the busy business)",
  async run(ctx) {
    const c = conns(ctx, 20);
    const spec = (url: string): LoadSpec => ({
      url,
      connections: c,
      duration: ctx.duration,
      method: "POST",
      headers: { ...keyHeaders(ctx), "content-type": "application/json" },
      body: newCartBody(),
      setup: (req) => ({ ...req, body: newCartBody() }),
    });
    const { app, emptyNext, notes } = await versusEmptyNext(ctx, spec(ctx.appUrl + "/api/carts"));
    const bare = await measure(spec(ctx.refUrl + "/carts"));
    // Not the target's reference: what Next costs a request that reads a body, for the analysis.
    const emptyPost = await measure(spec(ctx.appUrl + "/api/bench/empty"));
    notes.push(`the empty handler reading the same body (POST): ${Math.round(emptyPost.rps)} req/s, ${Math.round((emptyPost.rps / emptyNext.rps) * 100)}% of its GET`);
    const pass = healthy(app) && app.rps >= 0.5 * emptyNext.rps && app.p99 <= 80;
    return [{ scenario: "POST /api/carts (3 items)", app, bare, emptyNext, target: "≥ 50% of empty Next; p99 ≤ 80 ms", pass, notes: [...notes, ...failures(app, "app"), ...failures(bare, "bare"), ...failures(emptyPost, "empty POST")] }];
  },
};

const cartList: Scenario = {
  name: "cart-list",
  description: "GET /api/carts?status=abandoned&page=N for pages 1, 100, 1000 and the last",
  async run(ctx) {
    const [row] = await ctx.sql<{ total: number }[]>`
      select count(*)::int as total from carts where business_id = ${ctx.dataset.busy.businessId} and status = 'abandoned'`;
    const total = row?.total ?? 0;
    const last = Math.max(1, Math.ceil(total / 10));
    const pages = [...new Set([1, 100, 1000, last].filter((p) => p <= last))];
    const c = conns(ctx, 1);
    const emptyNext = await ctx.emptyNext(c);
    const rows: Row[] = [];
    for (const page of pages) {
      const query = `?status=abandoned&page=${page}`;
      const spec = (url: string): LoadSpec => ({ url, connections: c, duration: ctx.duration, headers: keyHeaders(ctx) });
      const app = await measure(spec(`${ctx.appUrl}/api/carts${query}`));
      const bare = await measure(spec(`${ctx.refUrl}/carts${query}`));
      const label = page === last ? `last = ${page.toLocaleString("en-US")}` : String(page);
      rows.push({ scenario: `GET /api/carts?status=abandoned&page=${label}`, app, bare, emptyNext, target: "p50 ≤ 30 ms", pass: healthy(app) && app.p50 <= 30, notes: [...failures(app, "app"), ...failures(bare, "bare")] });
    }
    return rows;
  },
};

const analytics: Scenario = {
  name: "analytics",
  description: "GET /api/analytics?period=90d",
  async run(ctx) {
    const c = conns(ctx, 1);
    const spec = (url: string): LoadSpec => ({ url, connections: c, duration: ctx.duration, headers: keyHeaders(ctx) });
    const app = await measure(spec(`${ctx.appUrl}/api/analytics?period=90d`));
    const bare = await measure(spec(`${ctx.refUrl}/analytics?period=90d`));
    const emptyNext = await ctx.emptyNext(c);
    return [{ scenario: "GET /api/analytics?period=90d", app, bare, emptyNext, target: "p50 ≤ 20 ms", pass: healthy(app) && app.p50 <= 20, notes: [...failures(app, "app"), ...failures(bare, "bare")] }];
  },
};

/** Signs in through Better Auth's endpoint, as the login page does; returns the Cookie header. */
async function signIn(ctx: BenchContext): Promise<string> {
  if (ctx.cookie) return ctx.cookie;
  const staff = ctx.dataset.staff;
  if (!staff) throw new Error("bench/.data/keys.json has no staff login; generate the data again");
  const res = await fetch(`${ctx.appUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ctx.appUrl },
    body: JSON.stringify({ email: staff.email, password: staff.password }),
  });
  if (!res.ok) throw new Error(`sign-in answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  ctx.cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return ctx.cookie;
}

async function cartsPageHtml(ctx: BenchContext): Promise<string> {
  const res = await fetch(`${ctx.appUrl}/carts`, { headers: { cookie: await signIn(ctx) }, redirect: "manual" });
  const html = await res.text();
  if (res.status !== 200 || !html.includes('data-testid="carts-table"')) throw new Error(`GET /carts answered ${res.status} without the carts table (signed in?)`);
  return html;
}

const dashboard: Scenario = {
  name: "dashboard",
  description: "the dashboard's carts page (GET /carts, signed in), server-rendered",
  async run(ctx) {
    await cartsPageHtml(ctx);
    const c = conns(ctx, 1);
    const app = await measure({ url: `${ctx.appUrl}/carts`, connections: c, duration: ctx.duration, headers: { cookie: await signIn(ctx) } });
    const emptyNext = await ctx.emptyNext(c);
    return [{ scenario: "dashboard /carts server render", app, emptyNext, target: "p50 ≤ 150 ms", pass: healthy(app) && app.p50 <= 150, notes: failures(app, "app") }];
  },
};

const firstLoad: Scenario = {
  name: "first-load-js",
  description: "gzipped JS the carts page's HTML loads",
  async run(ctx) {
    const result = firstLoadJs(await cartsPageHtml(ctx), ctx.nextDir);
    const kb = result.bytes / 1000;
    const largest = [...result.files].sort((a, b) => b.gzip - a.gzip).slice(0, 5);
    const notes = [
      `${result.files.length} files; largest: ${largest.map((f) => `${f.file} ${(f.gzip / 1000).toFixed(1)} kB`).join(", ")}`,
      ...(result.missing.length ? [`named in the HTML but not in .next: ${result.missing.join(", ")}`] : []),
    ];
    return [{ scenario: "first-load JS of /carts (gzip)", value: `${kb.toFixed(1)} kB`, target: "≤ 200 kB", pass: result.files.length > 0 && kb <= 200, notes }];
  },
};

const stripeIngest: Scenario = {
  name: "stripe-ingest",
  description: "POST /api/webhooks/stripe: signed checkout.session.completed events, 20% duplicates, then checked in the database",
  async run(ctx) {
    const pool = await ctx.sql<{ id: string; total_minor: string; currency: string }[]>`
      select id, total_minor, currency from carts where business_id = ${ctx.dataset.busy.businessId} and status = 'abandoned' order by random() limit 60000`;
    const carts = pool.map((r) => ({ id: r.id, businessId: ctx.dataset.busy.businessId, totalMinor: BigInt(r.total_minor), currency: r.currency }));
    const c = conns(ctx, 20);
    const deliver =
      (source: StripeEventSource): LoadSpec["setup"] =>
      (req, context) => {
        const d = source.delivery();
        context.eventId = d.id;
        return { ...req, method: "POST", body: d.body, headers: d.headers };
      };
    // Each server first takes an unmeasured warm-up of events for carts of its own, as in the other scenarios.
    const run = async (url: string, warmSource: StripeEventSource, source: StripeEventSource) => {
      await load({ url, connections: c, duration: warmSeconds(ctx.duration), method: "POST", setup: deliver(warmSource) });
      const answered = new Set<string>();
      const measured = await load({
        url,
        connections: c,
        duration: ctx.duration,
        method: "POST",
        setup: deliver(source),
        onResponse: (status, _body, context) => {
          if (status >= 200 && status < 300) answered.add(context.eventId as string);
        },
      });
      await new Promise((r) => setTimeout(r, 1000)); // requests still in flight when the run stopped
      return { measured, answered };
    };
    const quarter = Math.floor(carts.length / 4);
    const part = (n: number, name: string) => new StripeEventSource(carts.slice(n * quarter, (n + 1) * quarter), ctx.stripeSecret, `${ctx.runId}${name}`);
    const appSource = part(0, "a");
    const app = await run(`${ctx.appUrl}/api/webhooks/stripe`, part(1, "aw"), appSource);
    const bare = await run(`${ctx.refUrl}/webhooks/stripe`, part(3, "bw"), part(2, "b"));
    const check = await verifyOnce(ctx.sql, appSource, app.answered);
    const pass = healthy(app.measured) && app.measured.rps >= 400 && check.ok;
    const notes = [check.summary, ...failures(app.measured, "app"), ...failures(bare.measured, "bare")];
    return [{ scenario: "Stripe webhook ingest (20% duplicates)", app: app.measured, bare: bare.measured, target: "≥ 400 events/s; each applied once", pass, notes }];
  },
};

/**
 * Every event the app acknowledged is recorded once as applied, and its cart has exactly one
 * payment and one cart.recovered event; no cart of any sent event was recovered twice.
 */
export async function verifyOnce(sql: Sql, source: StripeEventSource, answered: Set<string>): Promise<{ ok: boolean; summary: string }> {
  const sent = [...source.sent];
  const carts = sent.map((id) => source.cartOf.get(id)!);
  const events = await sql<{ id: string; outcome: string }[]>`select id, outcome from stripe_events where id = any(${sent})`;
  const recovered = await sql<{ subject_id: string; n: number }[]>`
    select subject_id, count(*)::int as n from events where type = 'cart.recovered' and subject_id = any(${carts}) group by subject_id`;
  const paid = await sql<{ cart_id: string; n: number }[]>`
    select cart_id, count(*)::int as n from payments where cart_id = any(${carts}) group by cart_id`;
  const outcome = new Map(events.map((e) => [e.id, e.outcome]));
  const recoveredOf = new Map(recovered.map((r) => [r.subject_id, r.n]));
  const paidOf = new Map(paid.map((r) => [r.cart_id, r.n]));
  const problems: string[] = [];
  for (const id of answered) {
    const cart = source.cartOf.get(id)!;
    if (outcome.get(id) !== "applied") problems.push(`${id}: recorded as ${outcome.get(id) ?? "nothing"}`);
    if (recoveredOf.get(cart) !== 1) problems.push(`${cart}: ${recoveredOf.get(cart) ?? 0} cart.recovered events`);
    if (paidOf.get(cart) !== 1) problems.push(`${cart}: ${paidOf.get(cart) ?? 0} payments`);
  }
  for (const [cart, count] of recoveredOf) if (count > 1) problems.push(`${cart}: recovered ${count} times`);
  const summary =
    `${answered.size.toLocaleString("en-US")} distinct events acknowledged (${sent.length.toLocaleString("en-US")} sent), ` +
    (problems.length ? `${problems.length} problems, e.g. ${problems.slice(0, 3).join("; ")}` : "each applied exactly once");
  return { ok: problems.length === 0 && answered.size > 0, summary };
}

const RECEIVER_DESCRIPTION = "cartback bench receiver";

const webhookDelivery: Scenario = {
  name: "webhook-delivery",
  description: "outbound cart.abandoned webhooks to a receiver on loopback, after a burst of POST /api/carts",
  async run(ctx) {
    const receiver = await startReceiver();
    const headers = { authorization: `Bearer ${ctx.dataset.busy.key}`, "content-type": "application/json" };
    const api = (path: string, init: RequestInit = {}) => fetch(`${ctx.appUrl}${path}`, { ...init, headers });
    // Endpoints left by an interrupted run would receive (and slow) this run's deliveries.
    const listed = (await (await api("/v1/webhooks")).json()) as { webhooks?: { id: string; description: string | null }[] };
    for (const w of listed.webhooks ?? []) {
      if (w.description === RECEIVER_DESCRIPTION) await api(`/v1/webhooks/${w.id}`, { method: "DELETE" });
    }
    const created = await api("/v1/webhooks", { method: "POST", body: JSON.stringify({ url: receiver.url, events: ["cart.abandoned"], description: RECEIVER_DESCRIPTION }) });
    const endpointId = ((await created.json()) as { id?: string }).id;
    if (created.status !== 201 || !endpointId) throw new Error(`POST /v1/webhooks answered ${created.status}`);
    try {
      const amount = Math.max(1000, 200 * ctx.duration);
      const posted = await load({
        url: `${ctx.appUrl}/api/carts`,
        connections: conns(ctx, 20),
        duration: ctx.duration,
        amount,
        method: "POST",
        headers: { "x-api-key": ctx.dataset.busy.key, "content-type": "application/json" },
        body: newCartBody(),
        setup: (req) => ({ ...req, body: newCartBody() }),
      });
      const waitFor = async (done: () => boolean) => {
        const deadline = Date.now() + 120_000;
        while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      };
      await waitFor(() => receiver.arrivals.size >= posted.ok);
      const ids = [...receiver.arrivals.keys()];
      const rows = await ctx.sql<{ id: string; created_at: Date }[]>`select id, created_at from events where id = any(${ids})`;
      const latencies = rows.map((r) => receiver.arrivals.get(r.id)! - r.created_at.getTime()).sort((a, b) => a - b);
      const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
      const live = rows.length / Math.max(0.001, (Math.max(...receiver.arrivals.values()) - Math.min(...rows.map((r) => r.created_at.getTime()))) / 1000);

      // The worker's own capacity, not bounded by how fast carts are created: the same deliveries
      // marked failed and queued again at once through the app's replay endpoint (once the worker
      // has recorded every first attempt: a receiver sees a delivery before the worker notes it).
      const recorded = async () => {
        const [row] = await ctx.sql<{ n: number }[]>`select count(*)::int as n from webhook_deliveries where endpoint_id = ${endpointId} and status = 'delivered'`;
        return row?.n ?? 0;
      };
      for (let wait = 0; (await recorded()) < rows.length && wait < 100; wait++) await new Promise((r) => setTimeout(r, 100));
      await ctx.sql`update webhook_deliveries set status = 'failed', next_attempt_at = null where endpoint_id = ${endpointId} and status = 'delivered'`;
      const before = receiver.all.length;
      const replayAt = Date.now();
      const replay = await api(`/v1/webhooks/${endpointId}/replay`, { method: "POST" });
      const replayed = ((await replay.json()) as { replayed?: number }).replayed ?? 0;
      await waitFor(() => receiver.all.length - before >= replayed);
      const drained = receiver.all.length - before;
      const drainSeconds = ((receiver.all.at(-1)?.at ?? replayAt) - replayAt) / 1000;
      const capacity = drained / Math.max(0.001, drainSeconds);

      const deliveries: Measured = { rps: capacity, p50: q(0.5), p99: q(0.99), requests: rows.length, ok: rows.length, failed: posted.ok - rows.length, connections: posted.connections, seconds: drainSeconds };
      const notes = [
        `${posted.ok.toLocaleString("en-US")} carts created in ${posted.seconds.toFixed(1)} s (${Math.round(posted.rps)}/s, p99 ${posted.p99} ms) and ` +
          `${rows.length.toLocaleString("en-US")} of their webhooks delivered as they happened (${Math.round(live)}/s end to end; p50/p99 are event → delivery)`,
        `req/s is the worker's capacity: ${drained.toLocaleString("en-US")} of ${replayed.toLocaleString("en-US")} replayed deliveries in ${drainSeconds.toFixed(1)} s`,
      ];
      const pass = rows.length === posted.ok && rows.length > 0 && drained === replayed && capacity >= 200 && deliveries.p50 <= 1000;
      return [{ scenario: "outbound webhook delivery", app: deliveries, target: "≥ 200 deliveries/s; p50 event→delivery ≤ 1 s", pass, notes }];
    } finally {
      await api(`/v1/webhooks/${endpointId}`, { method: "DELETE" });
      await receiver.close();
    }
  },
};

/** In the order they run: the webhook scenario last, since its endpoint would receive the others' events. */
export const SCENARIOS: Scenario[] = [cartGet, cartPost, cartList, analytics, dashboard, firstLoad, stripeIngest, webhookDelivery];
