import { readdirSync } from "node:fs";
import path from "node:path";
import Stripe from "stripe";
import { TEST_ORIGIN } from "@/lib/testing/staff";
import type { Dialect, Method, Probe, Route } from "./routes";
import type { Tenant } from "./tenant";

/** Shared by the isolation and auth tests: finding the app's files, and calling a route as a tenant. */

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const STRIPE_SECRET = "whsec_reliability_isolation";

/** Files named `name` under `dir` (relative to the repository), sorted. */
export function filesNamed(dir: string, name: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name === name) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

type Handler = (req: Request, ctx: { params: Promise<any> }) => Promise<Response> | Response;

export async function handlers(file: string): Promise<Partial<Record<Method, Handler>>> {
  return (await import(/* @vite-ignore */ path.join(ROOT, file))) as Partial<Record<Method, Handler>>;
}

export type Answer = { status: number; text: string; body: any; headers: Headers };

export async function send(handler: Handler, method: Method, url: string, init: { headers?: Record<string, string>; body?: string; params?: Record<string, string> }): Promise<Answer> {
  const req = new Request(`${TEST_ORIGIN}${url}`, { method, headers: init.headers, body: init.body });
  const res = await handler(req, { params: Promise.resolve(init.params ?? {}) });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body, headers: res.headers };
}

/** Headers and body of `probe` sent by `caller` (whose business cookie names `other`'s business). */
export function requestFor(route: Route, probe: Probe, a: Tenant, b: Tenant, caller: Tenant): { headers: Record<string, string>; body?: string } {
  const json = probe.body ? JSON.stringify(probe.body(a, b)) : undefined;
  const other = caller === a ? b : a;
  const base: Record<string, string> = json ? { "content-type": "application/json" } : {};
  if (probe.form) {
    // A plain form post from our own page, as the customer's browser sends it.
    return { headers: { "content-type": "application/x-www-form-urlencoded", origin: TEST_ORIGIN }, body: new URLSearchParams(probe.form(a, b)).toString() };
  }
  switch (route.access) {
    case "key":
      return { headers: { ...base, "x-api-key": caller.key }, body: json };
    case "staff":
      return { headers: { ...base, cookie: `${caller.owner.cookie}; cartback.business=${other.business.id}`, origin: TEST_ORIGIN }, body: json };
    case "session":
      return { headers: { ...base, cookie: caller.owner.cookie, origin: TEST_ORIGIN }, body: json };
    case "signed": {
      const metadata = probe.body!(a, b);
      const event = JSON.stringify({
        id: `evt_isolation_${Date.now()}_${Math.random().toString(36).slice(2)}`,
        object: "event",
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        type: "checkout.session.completed",
        data: { object: { id: `cs_isolation_${Date.now()}`, object: "checkout.session", amount_total: 2500, currency: "usd", payment_intent: `pi_isolation_${Date.now()}`, payment_status: "paid", metadata } },
      });
      return { headers: { "content-type": "application/json", "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload: event, secret: STRIPE_SECRET }) }, body: event };
    }
    default:
      return { headers: base, body: json };
  }
}

/** Is `body` an error answer in the dialect's shape, with a code `code` matches (`UNAUTHORIZED`, `/NOT_FOUND$/`)? */
export function inDialect(dialect: Dialect, body: any, code: string | RegExp): boolean {
  if (!body || typeof body !== "object") return false;
  const is = (value: unknown) => typeof value === "string" && (typeof code === "string" ? value === code : code.test(value));
  switch (dialect) {
    case "tracker":
      return body.success === false && is(body.error?.code) && typeof body.error.message === "string";
    case "torque":
      return !("success" in body) && is(body.error?.code) && typeof body.error.message === "string";
    case "torque-checkout":
      return body.success === false && typeof body.error === "string" && is(body.code);
    case "twig":
      return is(body.code) && typeof body.message === "string" && "field" in body && Array.isArray(body.errors);
  }
}
