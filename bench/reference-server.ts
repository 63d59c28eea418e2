/**
 * The physical ceiling: a bare node:http + postgres.js server answering the benchmarked requests
 * with the same SQL as the app (bench/lib/reference-queries.ts) and roughly the same JSON, with
 * no framework in between. `tsx bench/reference-server.ts --port 3101 --database-url …`
 *
 *   GET  /empty                                   {"ok":true} (node:http's own ceiling)
 *   GET  /carts/:id                               like GET /api/carts/:id
 *   POST /carts                                   like POST /api/carts
 *   GET  /carts?status=abandoned&page=N&limit=10  like GET /api/carts
 *   GET  /analytics?period=90d                    like GET /api/analytics
 *   POST /webhooks/stripe                         like POST /api/webhooks/stripe (paid checkout sessions)
 *
 * API-key routes take `x-api-key`; with `rateLimit: "postgres"` each also does the app's
 * rate-limit upsert (what the app does by default with DATABASE_URL).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import postgres, { type Sql } from "postgres";
import Stripe from "stripe";
import type { CartStatus } from "@/db/schema";
import type { CartAnalytics, CurrencyTotals } from "@/lib/analytics/carts";
import { daysOf, resolveRange, type Period } from "@/lib/analytics/range";
import { toTrackerAnalytics } from "@/lib/analytics/tracker";
import type { CartView } from "@/lib/carts/queries";
import { createCartInput } from "@/lib/carts/schema";
import { toTrackerCart } from "@/lib/carts/tracker";
import { MoneyError, toMinor } from "@/lib/money";
import { analyticsSeries, applyPaidSession, authenticate, cartPage, cartWithItems, insertCart, type CartRow, type ItemRow, type KeyRow } from "./lib/reference-queries";

export type ReferenceOptions = {
  databaseUrl: string;
  port?: number;
  /** Payment links are APP_URL/r/{token}. */
  appUrl?: string;
  stripeWebhookSecret?: string;
  rateLimit?: "postgres" | "none";
  /** Connections (the app's pool has 10). */
  max?: number;
};

export type ReferenceServer = { url: string; close: () => Promise<void> };

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startReferenceServer(options: ReferenceOptions): Promise<ReferenceServer> {
  const sql = postgres(options.databaseUrl, { max: options.max ?? 10, onnotice: () => {} });
  // As the app does (db/client.ts): the key lookup and the cart read or write share two
  // pipelined connections.
  const pipelined = postgres(options.databaseUrl, { max: 2, onnotice: () => {} });
  // sql.array() looks up array types that postgres.js reads when a pool first connects.
  await Promise.all([sql`select 1`, pipelined`select 1`]);
  const ctx: Context = { sql, pipelined, appUrl: (options.appUrl ?? "http://localhost:3000").replace(/\/+$/, ""), options };
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) console.error("[reference]", error);
      const code = error instanceof HttpError ? error.code : "INTERNAL_ERROR";
      send(res, status, { success: false, error: { code, message: error instanceof Error ? error.message : String(error) } });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([sql.end({ timeout: 5 }), pipelined.end({ timeout: 5 })]);
    },
  };
}

type Context = { sql: Sql; pipelined: Sql; appUrl: string; options: ReferenceOptions };

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://reference");
  const path = url.pathname;
  if (req.method === "GET" && path === "/empty") return send(res, 200, { ok: true });
  if (req.method === "POST" && path === "/webhooks/stripe") return stripeWebhook(ctx, req, res);

  const key = await authorize(ctx, req);
  const cartMatch = /^\/carts\/([^/]+)$/.exec(path);
  if (req.method === "GET" && cartMatch) {
    const found = await cartWithItems(ctx.pipelined, key.business_id, decodeURIComponent(cartMatch[1]!));
    if (!found) throw new HttpError(404, "NOT_FOUND", "Cart not found");
    return ok(res, toTrackerCart(view(ctx, found.cart, found.items)));
  }
  if (req.method === "GET" && path === "/carts") {
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
    const limit = Math.min(100, Math.max(1, Number(url.searchParams.get("limit") ?? 10) || 10));
    const status = url.searchParams.get("status") ?? "abandoned";
    const { rows, total } = await cartPage(ctx.sql, key.business_id, status, limit, (page - 1) * limit);
    return ok(res, {
      carts: rows.map((r) => toTrackerCart(view(ctx, r.cart, r.items))),
      pagination: { page, limit, total, totalPages: Math.ceil(total / limit) },
    });
  }
  if (req.method === "POST" && path === "/carts") {
    const parsed = createCartInput.safeParse(JSON.parse(await readBody(req)));
    if (!parsed.success) throw new HttpError(422, "VALIDATION_ERROR", parsed.error.issues[0]?.message ?? "invalid");
    const input = parsed.data;
    const currency = input.currency ?? key.default_currency;
    let totalMinor = 0n;
    let itemCount = 0;
    const items = input.items.map((item) => {
      const unitPriceMinor = minor(item.price, currency);
      totalMinor += unitPriceMinor * BigInt(item.quantity);
      itemCount += item.quantity;
      return { name: item.name, quantity: item.quantity, unitPriceMinor, productId: item.productId ?? null, imageUrl: item.imageUrl ?? null };
    });
    const created = await insertCart(ctx.pipelined, {
      businessId: key.business_id,
      email: input.customerEmail,
      name: input.customerName ?? null,
      currency,
      status: input.status ?? "abandoned",
      totalMinor,
      itemCount,
      items,
    });
    return ok(res, toTrackerCart(view(ctx, created.cart, created.items)), 201);
  }
  if (req.method === "GET" && path === "/analytics") {
    const period = (url.searchParams.get("period") ?? "30d") as Period;
    const range = resolveRange({ period });
    const [abandoned, recovered] = await analyticsSeries(ctx.sql, key.business_id, range.from, range.to);
    const days = daysOf(range).map((date) => ({ date, byCurrency: new Map<string, CurrencyTotals>() }));
    const byDay = new Map(days.map((d) => [d.date, d]));
    const totals = new Map<string, CurrencyTotals>();
    const slot = (map: Map<string, CurrencyTotals>, cur: string) => {
      let t = map.get(cur);
      if (!t) map.set(cur, (t = { currency: cur, abandoned: 0, recovered: 0, abandonedMinor: 0n, recoveredMinor: 0n }));
      return t;
    };
    for (const [rows, count, value] of [
      [abandoned, "abandoned", "abandonedMinor"],
      [recovered, "recovered", "recoveredMinor"],
    ] as const) {
      for (const row of rows) {
        for (const t of [slot(byDay.get(row.day)!.byCurrency, row.currency), slot(totals, row.currency)]) {
          t[count] += Number(row.n);
          t[value] += BigInt(row.value ?? 0);
        }
      }
    }
    const analytics: CartAnalytics = { range, days, currencies: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)) };
    return ok(res, toTrackerAnalytics(analytics, key.default_currency));
  }
  throw new HttpError(404, "NOT_FOUND", `No route for ${req.method} ${path}`);
}

async function authorize(ctx: Context, req: IncomingMessage): Promise<KeyRow> {
  const header = req.headers["x-api-key"];
  const key = typeof header === "string" ? header.trim() : undefined;
  if (!key) throw new HttpError(401, "UNAUTHORIZED", "Missing API key");
  const row = await authenticate(ctx.pipelined, key, ctx.options.rateLimit === "postgres");
  if (!row) throw new HttpError(401, "UNAUTHORIZED", "Invalid or revoked API key");
  return row;
}

async function stripeWebhook(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const secret = ctx.options.stripeWebhookSecret;
  if (!secret) throw new HttpError(503, "SERVICE_UNAVAILABLE", "No Stripe webhook secret");
  const body = await readBody(req);
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(body, String(req.headers["stripe-signature"] ?? ""), secret);
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "Invalid or expired Stripe signature");
  }
  if (event.type !== "checkout.session.completed") return send(res, 200, { received: true, outcome: "ignored" });
  const session = event.data.object;
  const currency = (session.currency ?? "").toUpperCase();
  const outcome = await applyPaidSession(ctx.sql, {
    eventId: event.id,
    type: event.type,
    livemode: event.livemode,
    created: event.created,
    businessId: session.metadata?.business_id ?? "",
    cartId: session.metadata?.cart_id ?? "",
    paymentIntent: typeof session.payment_intent === "string" ? session.payment_intent : session.id,
    sessionId: session.id,
    amountMinor: BigInt(session.amount_total ?? 0),
    currency,
  });
  send(res, 200, { received: true, outcome });
}

function minor(price: number | string, currency: string): bigint {
  try {
    return toMinor(price, currency);
  } catch (error) {
    if (error instanceof MoneyError) throw new HttpError(422, "VALIDATION_ERROR", error.message);
    throw error;
  }
}

function view(ctx: Context, row: CartRow, items: ItemRow[]): CartView {
  return {
    id: row.id,
    businessId: row.business_id,
    customerId: row.customer_id,
    customerEmail: row.email,
    customerName: row.name,
    source: row.source,
    status: row.status as CartStatus,
    currency: row.currency,
    totalMinor: BigInt(row.total_minor),
    itemCount: row.item_count,
    metadata: row.metadata,
    items: items.map((i) => ({
      position: i.position,
      productId: i.product_id,
      name: i.name,
      quantity: i.quantity,
      unitPriceMinor: BigInt(i.unit_price_minor),
      imageUrl: i.image_url,
    })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    abandonedAt: row.abandoned_at,
    recoveredAt: row.recovered_at,
    expiredAt: row.expired_at,
    recoveredAmountMinor: row.recovered_amount_minor === null ? null : BigInt(row.recovered_amount_minor),
    recoveryChannel: row.recovery_channel,
    link: row.token && row.link_expires_at ? { url: `${ctx.appUrl}/r/${row.token}`, expiresAt: row.link_expires_at } : null,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function ok(res: ServerResponse, data: unknown, status = 200): void {
  send(res, status, { success: true, data });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      port: { type: "string", default: "3101" },
      "database-url": { type: "string" },
      "app-url": { type: "string" },
      "rate-limit": { type: "string", default: "postgres" },
    },
  });
  const databaseUrl = values["database-url"] ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("--database-url (or DATABASE_URL) is required");
  const server = await startReferenceServer({
    databaseUrl,
    port: Number(values.port),
    appUrl: values["app-url"] ?? process.env.APP_URL,
    stripeWebhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
    rateLimit: values["rate-limit"] === "none" ? "none" : "postgres",
  });
  console.log(`reference server listening on ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
