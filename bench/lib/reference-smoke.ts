import postgres from "postgres";
import { startReferenceServer } from "../reference-server";
import { load, pick, type Measured } from "./load";
import { StripeEventSource } from "./stripe-events";
import { verifyOnce } from "./scenarios";

export type RouteRun = { route: string; measured: Measured; sample: { status: number; body: any } };

/**
 * Every reference route under load for `seconds` each, against one business's generated carts,
 * plus one plain request per route whose answer the caller can check: the smoke version of the
 * benchmark (bench/bench.smoke.test.ts).
 */
export async function exerciseReference(options: {
  databaseUrl: string;
  businessId: string;
  key: string;
  seconds: number;
}): Promise<{ runs: RouteRun[]; stripe: { ok: boolean; summary: string } }> {
  const sql = postgres(options.databaseUrl, { max: 2, onnotice: () => {} });
  const secret = "whsec_benchsmoke";
  const server = await startReferenceServer({ databaseUrl: options.databaseUrl, stripeWebhookSecret: secret, rateLimit: "postgres", max: 4 });
  try {
    const carts = await sql<{ id: string; status: string; total_minor: string; currency: string }[]>`
      select id, status, total_minor, currency from carts where business_id = ${options.businessId}`;
    const ids = carts.map((c) => c.id);
    const headers = { "x-api-key": options.key };
    const body = JSON.stringify({ customerEmail: "smoke@example.com", items: [1, 2, 3].map((i) => ({ name: `Item ${i}`, quantity: i, price: `${i}.50` })) });
    const runs: RouteRun[] = [];
    const run = async (route: string, path: string, extra: Partial<Parameters<typeof load>[0]> = {}) => {
      const measured = await load({ url: server.url + path, connections: 2, duration: options.seconds, headers, ...extra });
      const init: RequestInit = extra.method === "POST" ? { method: "POST", headers: { ...headers, "content-type": "application/json" }, body } : { headers };
      const res = await fetch(server.url + path, init);
      runs.push({ route, measured, sample: { status: res.status, body: await res.json() } });
    };
    await run("GET /carts/:id", `/carts/${ids[0]}`, { setup: (req) => ({ ...req, path: `/carts/${pick(ids)}` }) });
    await run("POST /carts", "/carts", { method: "POST", body, headers: { ...headers, "content-type": "application/json" } });
    await run("GET /carts?status=abandoned&page=2", "/carts?status=abandoned&page=2");
    await run("GET /analytics?period=90d", "/analytics?period=90d");

    const payable = carts
      .filter((c) => c.status === "abandoned")
      .map((c) => ({ id: c.id, businessId: options.businessId, totalMinor: BigInt(c.total_minor), currency: c.currency }));
    const source = new StripeEventSource(payable, secret, `smoke${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`);
    const answered = new Set<string>();
    const measured = await load({
      url: `${server.url}/webhooks/stripe`,
      connections: 2,
      duration: options.seconds,
      method: "POST",
      setup: (req, context) => {
        const d = source.delivery();
        context.eventId = d.id;
        return { ...req, method: "POST", body: d.body, headers: d.headers };
      },
      onResponse: (status, _body, context) => {
        if (status >= 200 && status < 300) answered.add(context.eventId as string);
      },
    });
    const again = source.delivery();
    const res = await fetch(`${server.url}/webhooks/stripe`, { method: "POST", headers: again.headers, body: again.body });
    runs.push({ route: "POST /webhooks/stripe", measured, sample: { status: res.status, body: await res.json() } });
    return { runs, stripe: await verifyOnce(sql, source, answered) };
  } finally {
    await server.close();
    await sql.end({ timeout: 5 });
  }
}
