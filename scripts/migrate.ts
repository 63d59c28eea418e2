/**
 * Applies the database migrations: `npm run db:migrate`.
 * Opening the database migrates it (see db/client.ts), so this only opens and closes it.
 */
import path from "node:path";
import { closeDb, opened } from "@/db/client";
import { env } from "@/lib/env";

function describeTarget(dialect: "pglite" | "postgres"): string {
  if (dialect === "postgres") {
    // Never print the password that may be in the URL.
    const url = new URL(env().DATABASE_URL!);
    return `Postgres at ${url.host}${url.pathname}`;
  }
  return `embedded PGlite in ${path.resolve(env().PGLITE_DIR)}`;
}

async function main(): Promise<void> {
  try {
    const { dialect } = await opened();
    console.log(`Database: ${describeTarget(dialect)}`);
    console.log("Migrations applied; the schema is up to date.");
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  } finally {
    await closeDb();
  }
}

await main();
