import { getDb } from "@/db/client";
import { createBusiness } from "@/lib/businesses/service";
import type { ApiKey, Business } from "@/lib/auth/api-keys";

let counter = 0;

/** A fresh tenant with its API key: every test works in a business of its own. */
export async function newBusiness(options: { name?: string; defaultCurrency?: string } = {}): Promise<{ business: Business; key: string; apiKey: ApiKey }> {
  const db = await getDb();
  return createBusiness(db, { name: options.name ?? `Test shop ${++counter}`, defaultCurrency: options.defaultCurrency });
}

type Handler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;

export type CallResult<T = any> = { status: number; body: T; headers: Headers; text: string };

/**
 * Calls a route handler the way Next does: a Request and a params promise.
 * `key` is sent as x-api-key unless headers say otherwise; objects are sent as JSON.
 */
export async function call<P = Record<string, string>, T = any>(
  handler: Handler<P>,
  options: {
    method?: string;
    path?: string;
    key?: string;
    params?: P;
    body?: unknown;
    rawBody?: string | Uint8Array;
    headers?: Record<string, string>;
  } = {},
): Promise<CallResult<T>> {
  const headers = new Headers(options.headers);
  if (options.key && !headers.has("authorization") && !headers.has("x-api-key")) headers.set("x-api-key", options.key);
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  } else if (options.rawBody !== undefined) {
    body = options.rawBody as BodyInit;
  }
  const req = new Request(`http://cartback.test${options.path ?? "/"}`, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
  const res = await handler(req, { params: Promise.resolve((options.params ?? {}) as P) });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, headers: res.headers, text };
}

/** The seed's example cart (004): two of one product at 49.99. */
export const seedCart = {
  customerEmail: "customer@example.com",
  customerName: "John Doe",
  items: [{ name: "Product Name", quantity: 2, price: 49.99 }],
};
