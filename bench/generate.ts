/**
 * The benchmark's data: one busy business with N carts over the last 12 months and 50 small ones,
 * generated set-based in Postgres (INSERT … SELECT over generate_series, in chunks of ~100k carts,
 * one transaction each). `npm run bench:generate -- --carts 1000000 [--database-url …] [--reset]`
 * migrates the database through the app's own code, generates, runs VACUUM ANALYZE and writes the
 * API keys and a staff login to bench/.data/keys.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { openPostgres, type Db } from "@/db/client";
import * as schema from "@/db/schema";
import { businesses } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { createBusiness } from "@/lib/businesses/service";
import { newSecret } from "@/lib/ids";
import { addMember, createStaffUser } from "@/lib/team/service";
import { CHUNK_COUNTS, chunkStatements, customerCount, customerStatement } from "./lib/cart-chunk";
import { benchDatabaseUrl, DATA_DIR, describeUrl, ensureDatabase, KEYS_FILE, query, resetDatabase } from "./lib/db";

const DAY_MS = 86_400_000;

export type GenerateCounts = { carts: number; items: number; links: number; orders: number };

export type BenchBusiness = { businessId: string; name: string; key: string; carts: number };

export type Dataset = {
  generatedAt: string;
  busy: BenchBusiness;
  small: BenchBusiness[];
  /** A dashboard login (owner of the busy business), for the server-render scenario. */
  staff: { email: string; password: string } | null;
};

/**
 * A business for generated data. Its carts stay as generated while the app runs: the scheduler
 * abandons active carts after abandonAfterMinutes and expires abandoned ones after cartExpiryDays,
 * so both are set beyond the data's 12 months, and automatic recovery emails are off.
 */
export async function createBenchBusiness(db: Db, name: string, currency = "USD"): Promise<{ business: Business; key: string }> {
  const { business, key } = await createBusiness(db, { name, defaultCurrency: currency });
  await db
    .update(businesses)
    .set({ abandonAfterMinutes: 2 * 365 * 24 * 60, cartExpiryDays: 2 * 365, recoveryEmailsEnabled: false })
    .where(eq(businesses.id, business.id));
  return { business, key };
}

export type GenerateOptions = {
  now?: Date;
  /** How far back the carts go (365 days). */
  days?: number;
  /** Carts per transaction (100,000). */
  chunkSize?: number;
  /** Chunks generated at once, each on its own connection (1; the pool needs that many). */
  parallel?: number;
  onChunk?: (done: number, total: number, ms: number) => void;
  onCustomers?: (count: number, ms: number) => void;
};

const CUSTOMERS_PER_STATEMENT = 200_000;

/**
 * Generates `total` carts for the business with their customers (~total/3), items (1–4 each),
 * recovery links (~30%), payments, orders (~10%, with items) and lifecycle events. Status mix:
 * abandoned ~60%, recovered ~15%, expired ~15%, active ~10%; USD mostly, then EUR, GBP, JPY.
 */
export async function generateCarts(db: Db, businessId: string, total: number, options: GenerateOptions = {}): Promise<GenerateCounts> {
  const nowMs = (options.now ?? new Date()).getTime();
  const spanMs = (options.days ?? 365) * DAY_MS;
  const chunk = options.chunkSize ?? 100_000;
  const base = { businessId, total, startMs: nowMs - spanMs, spanMs };

  const customers = customerCount(total);
  const customersStarted = performance.now();
  for (let kLo = 0; kLo < customers; kLo += CUSTOMERS_PER_STATEMENT) {
    await query(db, customerStatement(base, kLo, Math.min(customers, kLo + CUSTOMERS_PER_STATEMENT) - 1));
  }
  options.onCustomers?.(customers, performance.now() - customersStarted);

  const counts: GenerateCounts = { carts: 0, items: 0, links: 0, orders: 0 };
  const pending: number[] = [];
  for (let lo = 1; lo <= total; lo += chunk) pending.push(lo);
  let done = 0;
  const worker = async () => {
    for (let lo = pending.shift(); lo !== undefined; lo = pending.shift()) {
      const hi = Math.min(total, lo + chunk - 1);
      const started = performance.now();
      const [row] = await db.transaction(async (tx) => {
        for (const statement of chunkStatements({ ...base, lo, hi, nowMs })) await query(tx, statement);
        return query<GenerateCounts>(tx, CHUNK_COUNTS);
      });
      for (const key of Object.keys(counts) as (keyof GenerateCounts)[]) counts[key] += Number(row![key]);
      done += hi - lo + 1;
      options.onChunk?.(done, total, performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 1) }, worker));
  return counts;
}

export type DatasetOptions = {
  carts: number;
  smallBusinesses?: number;
  smallCarts?: number;
  chunkSize?: number;
  parallel?: number;
  now?: Date;
  /** Create the dashboard login (argon2 hashing: skip it where it is not needed). */
  staff?: boolean;
  log?: (line: string) => void;
};

export async function generateDataset(db: Db, options: DatasetOptions): Promise<Dataset> {
  const log = options.log ?? (() => {});
  const now = options.now ?? new Date();
  const stamp = now.toISOString().slice(0, 16);

  const busy = await createBenchBusiness(db, `Bench busy shop ${stamp}`);
  log(`busy business ${busy.business.id}: ${options.carts.toLocaleString("en-US")} carts`);
  let started = performance.now();
  const counts = await generateCarts(db, busy.business.id, options.carts, {
    now,
    chunkSize: options.chunkSize,
    parallel: options.parallel,
    onCustomers: (count, ms) => log(`  ${count.toLocaleString("en-US")} customers (${(ms / 1000).toFixed(1)} s)`),
    onChunk: (done, total, ms) => log(`  ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} carts (chunk ${(ms / 1000).toFixed(1)} s)`),
  });
  log(`  ${fmt(counts)} in ${seconds(started)}`);

  const small: BenchBusiness[] = [];
  const smallCount = options.smallBusinesses ?? 50;
  const perSmall = options.smallCarts ?? 200;
  started = performance.now();
  for (let i = 1; i <= smallCount; i++) {
    const currency = ["USD", "EUR", "GBP", "USD", "JPY"][i % 5]!;
    const { business, key } = await createBenchBusiness(db, `Bench small shop ${i} ${stamp}`, currency);
    // ±25% around the average, so the small shops are not all alike.
    const carts = Math.max(1, Math.round(perSmall * (0.75 + ((i * 37) % 51) / 100)));
    await generateCarts(db, business.id, carts, { now });
    small.push({ businessId: business.id, name: business.name, key, carts });
  }
  if (smallCount) log(`${smallCount} small businesses, ${small.reduce((n, b) => n + b.carts, 0).toLocaleString("en-US")} carts in ${seconds(started)}`);

  let staff: Dataset["staff"] = null;
  if (options.staff ?? true) {
    staff = { email: `bench-owner-${busy.business.id.slice(-8)}@cartback.bench`, password: newSecret().slice(0, 20) };
    const userId = await createStaffUser(db, { email: staff.email, name: "Bench Owner", password: staff.password });
    await addMember(db, busy.business.id, userId, "owner");
  }
  return {
    generatedAt: now.toISOString(),
    busy: { businessId: busy.business.id, name: busy.business.name, key: busy.key, carts: options.carts },
    small,
    staff,
  };
}

const TABLES = ["customers", "carts", "cart_counts", "cart_daily_totals", "cart_items", "recovery_links", "payments", "orders", "order_items", "events", "businesses", "api_keys"];

/** Fresh statistics and visibility maps (index-only scans), as a long-running database would have. */
export async function vacuumAnalyze(db: Db): Promise<void> {
  await query(db, `vacuum (analyze) ${TABLES.join(", ")}`);
}

function fmt(c: GenerateCounts): string {
  const n = (v: number) => v.toLocaleString("en-US");
  return `${n(c.carts)} carts, ${n(c.items)} items, ${n(c.links)} links, ${n(c.orders)} orders`;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

/** A pool of `size` connections whose sessions keep the chunk's staging tables in memory. */
async function generatorConnection(url: string, size: number): Promise<{ db: Db; close: () => Promise<void> }> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, { max: size, onnotice: () => {}, connection: { temp_buffers: "256MB" } });
  return { db: drizzle(client, { schema }) as unknown as Db, close: () => client.end({ timeout: 5 }) };
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      carts: { type: "string", default: "1000000" },
      "database-url": { type: "string" },
      "small-businesses": { type: "string", default: "50" },
      "small-carts": { type: "string", default: "200" },
      chunk: { type: "string", default: "100000" },
      parallel: { type: "string", default: "2" },
      reset: { type: "boolean", default: false },
    },
  });
  const url = benchDatabaseUrl(values["database-url"]);
  const whole = performance.now();
  console.log(`Database: ${describeUrl(url)}`);
  await ensureDatabase(url);
  if (values.reset) {
    await resetDatabase(url);
    console.log("Reset: schemas dropped");
  }
  let started = performance.now();
  // Migrate through the app's own code, then generate on connections with room for the staging tables.
  await (await openPostgres(url, { max: 1 })).close();
  console.log(`Migrated in ${seconds(started)}`);
  const parallel = Number(values.parallel);
  const { db, close } = await generatorConnection(url, parallel);
  try {
    const dataset = await generateDataset(db, {
      carts: Number(values.carts),
      smallBusinesses: Number(values["small-businesses"]),
      smallCarts: Number(values["small-carts"]),
      chunkSize: Number(values.chunk),
      parallel,
      log: (line) => console.log(line),
    });
    started = performance.now();
    await vacuumAnalyze(db);
    console.log(`VACUUM ANALYZE in ${seconds(started)}`);
    mkdirSync(DATA_DIR, { recursive: true });
    writeFileSync(KEYS_FILE, JSON.stringify({ databaseUrl: describeUrl(url), ...dataset }, null, 2) + "\n", { mode: 0o600 });
    console.log(`\nBusy business ${dataset.busy.businessId}, API key ${dataset.busy.key}`);
    if (dataset.staff) console.log(`Dashboard login ${dataset.staff.email} / ${dataset.staff.password}`);
    console.log(`All ${1 + dataset.small.length} keys in ${KEYS_FILE}`);
    console.log(`Total ${seconds(whole)}`);
  } finally {
    await close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
