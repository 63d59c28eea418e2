import { readFileSync } from "node:fs";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDb, createPglite, openPostgres, setDb, type Db } from "@/db/client";
import { resetEnvForTests } from "@/lib/env";
import { resetLimiterForTests } from "@/lib/http/rate-limit";

// A known, offline configuration for every test file; tests that need Stripe set it themselves.
Object.assign(process.env, {
  APP_URL: "http://cartback.test",
  RATE_LIMIT_STORE: "memory",
  STRIPE_SECRET_KEY: "",
  STRIPE_WEBHOOK_SECRET: "",
  STRIPE_API_URL: "",
  DATABASE_URL: "",
});
resetEnvForTests();
resetLimiterForTests();

beforeAll(async () => {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    setDb(await openPostgres(url, { max: 4, migrate: false }));
    return;
  }
  const { drizzle } = await import("drizzle-orm/pglite");
  const schema = await import("@/db/schema");
  const dump = readFileSync(inject("pgliteDump"));
  const client = await createPglite(undefined, new Blob([dump]));
  setDb({ db: drizzle(client, { schema }) as unknown as Db, dialect: "pglite", close: () => client.close() });
});

afterAll(async () => {
  await closeDb();
});
