import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteDump: string;
  }
}

/**
 * Once per run: with TEST_DATABASE_URL, rebuild that Postgres database's schema from the
 * migrations; otherwise migrate one PGlite database and dump it, so each test file loads a
 * ready copy instead of paying for initdb and migrations again.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const { default: postgres } = await import("postgres");
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe("drop schema if exists public cascade; drop schema if exists drizzle cascade; create schema public;");
    await admin.end();
    const { openPostgres } = await import("../../db/client");
    const db = await openPostgres(url, { max: 1 });
    await db.close();
    project.provide("pgliteDump", "");
    return;
  }
  const { drizzle } = await import("drizzle-orm/pglite");
  const { createPglite, migratePglite } = await import("../../db/client");
  const client = await createPglite();
  await migratePglite(drizzle(client) as never);
  const dump = await client.dumpDataDir("none");
  const file = path.join(mkdtempSync(path.join(tmpdir(), "cartback-test-")), "migrated.tar");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await client.close();
  project.provide("pgliteDump", file);
}
