import path from "node:path";
import { mkdirSync } from "node:fs";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";
import { env } from "@/lib/env";

/** One type for both drivers; a transaction is a Db too. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

type Opened = {
  db: Db;
  /** For short single statements on hot paths (see openPostgres); the same as `db` where there is one connection. */
  pipelined?: Db;
  close: () => Promise<void>;
  dialect: "pglite" | "postgres";
};

const MIGRATIONS = path.join(process.cwd(), "drizzle");
const PIPELINED_CONNECTIONS = 2;

// Next bundles routes separately; a global keeps one database per process (and PGlite allows
// only one opener of its data folder).
const holder = globalThis as typeof globalThis & { __cartbackDb?: Promise<Opened> };

export function getDb(): Promise<Db> {
  return opened().then((o) => o.db);
}

/**
 * The API's hot single statements (the key lookup, reading or writing one cart): a short statement
 * is answered faster pipelined behind others on a few connections than alone on one of many. Not
 * for transactions or long reads, which would hold up the statements queued behind them.
 */
export function getPipelinedDb(): Promise<Db> {
  return opened().then((o) => o.pipelined ?? o.db);
}

export function opened(): Promise<Opened> {
  if (!holder.__cartbackDb) {
    holder.__cartbackDb = open().catch((error) => {
      holder.__cartbackDb = undefined;
      throw error;
    });
  }
  return holder.__cartbackDb;
}

/** Tests and scripts hand in a database they opened themselves. */
export function setDb(db: Opened | undefined): void {
  holder.__cartbackDb = db ? Promise.resolve(db) : undefined;
}

export async function closeDb(): Promise<void> {
  const current = holder.__cartbackDb;
  holder.__cartbackDb = undefined;
  if (current) await (await current).close();
}

async function open(): Promise<Opened> {
  const { DATABASE_URL, PGLITE_DIR } = env();
  return DATABASE_URL ? openPostgres(DATABASE_URL) : openPglite(PGLITE_DIR);
}

export async function openPostgres(url: string, options: { max?: number; migrate?: boolean } = {}): Promise<Opened> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  if (options.migrate ?? true) await migratePostgres(url);
  const target = postgresTarget(url);
  const connect = (max: number, backoff: (attempt: number) => number) =>
    postgres(target.url, {
      host: target.host,
      max,
      onnotice: () => {},
      // While the database is down, queries wait for a pool connection to reconnect; postgres.js's
      // defaults (30 s connect timeout, reconnect backoff growing to 20 s) turn an outage into
      // requests hanging for seconds and a slow recovery. Bounded, they fail fast as 503s and the
      // pool is back within a quarter of a second (reliability/faults.ts measures both).
      connect_timeout: 5,
      backoff,
    });
  const client = connect(options.max ?? 10, (attempt) => Math.min(0.05 * 2 ** attempt, 0.25));
  // postgres.js sends a statement to an idle connection while it has one, and only queues it
  // behind others when all are busy. With two connections, concurrent statements share a socket
  // write and a backend wake-up: GET /api/carts/:id serves about a third more requests (bench/RESULTS.md).
  // While the database is down, each failed connection attempt takes one queued statement with it:
  // with two connections and a backoff, statements would wait seconds for their turn to fail, so
  // these retry at once (only while statements are queued).
  const pipelinedClient = connect(PIPELINED_CONNECTIONS, () => 0);
  const db = drizzle(client, { schema }) as unknown as Db;
  const pipelined = drizzle(pipelinedClient, { schema }) as unknown as Db;
  return {
    db,
    pipelined,
    dialect: "postgres",
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), pipelinedClient.end({ timeout: 5 })]);
    },
  };
}

/**
 * libpq's form for a Unix-domain socket, `postgres://user@localhost/db?host=/var/run/postgresql`:
 * postgres.js would send `host` to the server as a setting, so it is taken out and given as the
 * host (a path), which postgres.js connects to as a socket. On the same machine as Postgres, a
 * socket costs far less CPU per statement than TCP over loopback (bench/RESULTS.md).
 */
export function postgresTarget(url: string): { url: string; host?: string } {
  const parsed = new URL(url);
  const host = parsed.searchParams.get("host");
  if (!host) return { url };
  parsed.searchParams.delete("host");
  return { url: parsed.toString(), host };
}

async function migratePostgres(url: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  // Several instances may start at once: one migrates while the others wait on the lock,
  // held by the single connection of this client.
  const target = postgresTarget(url);
  const client = postgres(target.url, { host: target.host, max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(727274)`;
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.end({ timeout: 5 });
  }
}

export async function openPglite(dir: string): Promise<Opened> {
  const { drizzle } = await import("drizzle-orm/pglite");
  const lockfile = await import("proper-lockfile");
  const folder = path.resolve(dir);
  mkdirSync(folder, { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(folder, { stale: 15_000, update: 5_000, realpath: false });
  } catch {
    throw new Error(
      `The embedded database in ${folder} is open in another process (one process per data folder). ` +
        "Stop the app first, or go through the app's API.",
    );
  }
  const client = await createPglite(folder);
  const db = drizzle(client, { schema }) as unknown as Db;
  await migratePglite(db);
  return {
    db,
    dialect: "pglite",
    close: async () => {
      await client.close();
      await release();
    },
  };
}

/** A PGlite instance with the extensions our migrations use (pg_trgm for staff search). */
export async function createPglite(dataDir?: string, loadDataDir?: Blob) {
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  return PGlite.create({ dataDir, loadDataDir, extensions: { pg_trgm } });
}

export async function migratePglite(db: Db): Promise<void> {
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  await migrate(db as never, { migrationsFolder: MIGRATIONS });
}

export { schema };
