import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { closeDb, getDb } from "@/db/client";
import { createBusiness } from "@/lib/businesses/service";

/**
 * Runs before the e2e server starts: a fresh embedded database (or the test Postgres), one
 * business, and its key written where the specs can read it.
 */
if (!process.env.DATABASE_URL) rmSync(".data/e2e", { recursive: true, force: true });
const { business, key } = await createBusiness(await getDb(), { name: "E2E Outfitters" });
mkdirSync(".data", { recursive: true });
writeFileSync(".data/e2e-credentials.json", JSON.stringify({ businessId: business.id, key }));
await closeDb();
