import path from "node:path";
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";

/** Where the benchmark keeps its database unless told otherwise (never the tests' `test` database). */
export const DEFAULT_BENCH_URL = "postgres://postgres@127.0.0.1:5432/cartback_bench";

export const DATA_DIR = path.join(import.meta.dirname, "..", ".data");
export const KEYS_FILE = path.join(DATA_DIR, "keys.json");

export function benchDatabaseUrl(flag: string | undefined): string {
  return flag ?? process.env.BENCH_DATABASE_URL ?? DEFAULT_BENCH_URL;
}

/** The URL without its password, for printing. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** postgres.js answers an array of rows, PGlite an object with `rows`. */
export async function query<T>(db: Db, text: string): Promise<T[]> {
  let result: unknown;
  try {
    result = await db.execute(sql.raw(text));
  } catch (error) {
    // Drizzle's message repeats the whole (long) statement; the driver's error and its start say enough.
    const cause = (error as { cause?: Error }).cause ?? (error as Error);
    throw new Error(`${cause.message} in: ${text.trim().replace(/\s+/g, " ").slice(0, 160)}…`, { cause });
  }
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Creates the database on its server if it does not exist yet (connecting to `postgres`). */
export async function ensureDatabase(url: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const name = databaseName(url);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const [row] = await client`select 1 as one from pg_database where datname = ${name}`;
    if (!row) await client.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * Empties a benchmark database (drops its schemas; migrations rebuild them). Refused unless the
 * database's name says it is one, so a mistyped URL cannot wipe the tests' or the app's data.
 */
export async function resetDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  if (!/bench/i.test(name)) throw new Error(`Refusing to reset "${name}": only a database whose name contains "bench" can be reset`);
  const { default: postgres } = await import("postgres");
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client.unsafe("drop schema if exists public cascade; drop schema if exists drizzle cascade; create schema public;");
  } finally {
    await client.end({ timeout: 5 });
  }
}
