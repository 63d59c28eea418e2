import type { Sql } from "postgres";
import { getDb } from "@/db/client";
import { createApiKey, type Business } from "@/lib/auth/api-keys";
import { createBusiness } from "@/lib/businesses/service";
import { createCart } from "@/lib/carts/service";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { newWebhookSecret } from "@/lib/webhooks/signing";
import { AppInstance } from "./app";
import type { Check } from "./checks";
import type { PrivatePostgres } from "./postgres";
import type { startReceiver } from "./receiver";
import type { startSmtp } from "./smtp";

export type Config = {
  mode: "short" | "soak";
  outages: number;
  kills: number;
  /** Load before each fault, and after the last one. */
  steadyMs: number;
  outageMs: number;
  concurrency: number;
  /** An answer slower than this is a hang. */
  requestTimeoutMs: number;
  /** Recovery emails made due right before each kill. */
  emailsPerKill: number;
  /** Phase 4: webhook deliveries and due emails shared by two instances. */
  sharedDeliveries: number;
  sharedEmails: number;
};

/** Everything the phases share: the database, the receivers, the app instances, and the verdicts. */
export type Run = {
  config: Config;
  dir: string;
  pg: PrivatePostgres;
  /** The runner's own connection, for checks. */
  sql: Sql;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
  smtp: Awaited<ReturnType<typeof startSmtp>>;
  /** Every instance ever started (for attributing connections and for cleanup). */
  instances: AppInstance[];
  checks: Check[];
  figures: [string, string][];
  /** Faults injected, by kind. */
  faults: Record<string, number>;
  requests: number;
  acknowledged: number;
};

export function check(run: Run, property: string, pass: boolean, detail: string): boolean {
  run.checks.push({ property, pass, detail });
  console.log(`${pass ? "PASS" : "FAIL"}  ${property} — ${detail}`);
  return pass;
}

export function figure(run: Run, name: string, value: string): void {
  run.figures.push([name, value]);
  console.log(`      ${name}: ${value}`);
}

/** The environment of one `next start`: production, the private database, loopback receivers allowed. */
export function appEnv(run: Run, port: number, ratePerMinute: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: run.pg.url,
    APP_URL: `http://127.0.0.1:${port}`,
    PGLITE_DIR: `${run.dir}/pglite-unused`,
    RATE_LIMIT_STORE: "postgres",
    RATE_LIMIT_PER_MINUTE: String(ratePerMinute),
    REDIS_URL: "",
    WEBHOOK_ALLOWED_RANGES: "127.0.0.0/8",
    WEBHOOK_ALLOW_HTTP: "true",
    SMTP_URL: run.smtp.url,
    SMTP_FROM: "recovery@faults.test",
    STRIPE_SECRET_KEY: "",
    STRIPE_WEBHOOK_SECRET: "",
  };
}

export async function newInstance(run: Run, name: string, port: number, ratePerMinute: number): Promise<AppInstance> {
  const { business } = await newBusiness(`Probe ${name} ${Date.now()}`);
  const { key } = await createApiKey(await getDb(), business.id, `probe ${name}`);
  const instance = new AppInstance(name, port, appEnv(run, port, ratePerMinute), key, `${run.dir}/app-${name}.log`);
  run.instances.push(instance);
  return instance;
}

export async function newBusiness(name: string): Promise<{ business: Business; key: string }> {
  return createBusiness(await getDb(), { name });
}

/** An endpoint of the receiver subscribed to cart.abandoned for the business. */
export async function subscribe(run: Run, businessId: string, name: string, options: { delayMs?: number; attribute?: boolean } = {}) {
  const secret = newWebhookSecret();
  const target = run.receiver.endpoint(name, secret, options);
  const endpoint = await createEndpoint(businessId, { url: target.url, events: ["cart.abandoned"], secret });
  return { endpointId: endpoint.id, arrivals: target.arrivals };
}

/**
 * Carts abandoned 61 minutes ago, one customer each: the default sequence's first step (60 min)
 * is due for every one of them, and only that step.
 */
export async function dueCarts(business: Business, count: number, tag: string): Promise<{ id: string; email: string }[]> {
  const abandonedAt = new Date(Date.now() - 61 * 60_000);
  const out: { id: string; email: string }[] = [];
  for (let i = 0; i < count; i++) {
    const email = `due-${tag}-${i}@faults.test`;
    const cart = await createCart(business, { customerEmail: email, customerName: `Due ${i}`, items: [{ name: "Reminder item", quantity: 1, price: "19.99" }] }, { now: abandonedAt });
    out.push({ id: cart.id, email });
  }
  return out;
}

/** Polls `done` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return done();
}

/**
 * Waits until `done()` holds for as long as `progress()` keeps moving: gives up after `idleMs`
 * without progress (not before `until`, an epoch ms), or after `capMs` in all. A backlog that
 * drains slowly is waited for; a stuck one is not.
 */
export async function waitWhileProgress(done: () => boolean, progress: () => number, o: { idleMs: number; capMs: number; until?: number }): Promise<boolean> {
  const start = Date.now();
  let last = progress();
  let lastChange = start;
  while (!done()) {
    const now = Date.now();
    const current = progress();
    if (current !== last) {
      last = current;
      lastChange = now;
    }
    if (now - start > o.capMs || (now - lastChange > o.idleMs && now > (o.until ?? 0))) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}
