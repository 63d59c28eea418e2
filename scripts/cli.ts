/**
 * Admin CLI for businesses, API keys and staff logins, against the configured database (same env as the app):
 * `npm run cli -- <command>`. Run `npm run cli -- help` for the commands.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { asc } from "drizzle-orm";
import { closeDb, getDb } from "@/db/client";
import { businesses, ROLES, type Role } from "@/db/schema";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/auth/api-keys";
import { createBusiness, getBusiness } from "@/lib/businesses/service";
import { randomChars } from "@/lib/ids";
import { addMember, createStaffUser } from "@/lib/team/service";

export type Output = { log: (line: string) => void; error: (line: string) => void };

export const USAGE = `Usage: npm run cli -- <command> [flags]

Commands:
  business create --name <name> [--currency <code>]   Create a business and its first API key
  business list                                       List businesses
  key create --business <id> [--name <name>]          Create an API key (shown once)
  key list --business <id>                            List a business's API keys
  key revoke --business <id> --key <keyId>            Revoke an API key
  staff create --business <id> --email <email> --name <name> [--role owner|admin|agent|viewer]
                                                      Create a dashboard login (password shown once)
  help                                                Show this text

The database is the app's: DATABASE_URL (Postgres) or else PGLITE_DIR (default .data/pglite).
The embedded database can be opened by one process at a time: stop the app first.`;

/** A mistake in the command line itself: answered with the usage text and exit code 2. */
class UsageError extends Error {}

type Flags = Record<string, string | undefined>;
type Command = { flags: Record<string, { required?: boolean }>; run: (flags: Flags, out: Output) => Promise<void> };

const COMMANDS: Record<string, Command> = {
  "business create": { flags: { name: { required: true }, currency: {} }, run: businessCreate },
  "business list": { flags: {}, run: businessList },
  "key create": { flags: { business: { required: true }, name: {} }, run: keyCreate },
  "key list": { flags: { business: { required: true } }, run: keyList },
  "key revoke": { flags: { business: { required: true }, key: { required: true } }, run: keyRevoke },
  "staff create": {
    flags: { business: { required: true }, email: { required: true }, name: { required: true }, role: {} },
    run: staffCreate,
  },
};

/** Runs one command and returns the exit code. Leaves the database open: the caller closes it. */
export async function runCli(argv: string[], out: Output): Promise<number> {
  if (argv.length === 0 || ["help", "--help", "-h"].includes(argv[0]!)) {
    out.log(USAGE);
    return 0;
  }
  try {
    const name = argv.slice(0, 2).join(" ");
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`Unknown command: ${name}`);
    await command.run(parseFlags(command, argv.slice(2)), out);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      out.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    out.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function parseFlags(command: Command, args: string[]): Flags {
  const options = Object.fromEntries(Object.keys(command.flags).map((flag) => [flag, { type: "string" as const }]));
  let values: Flags;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false }).values as Flags;
  } catch (error) {
    // parseArgs explains unknown flags, missing values and stray arguments.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  for (const [flag, spec] of Object.entries(command.flags)) {
    if (spec.required && !values[flag]?.trim()) throw new UsageError(`Missing --${flag}`);
  }
  return values;
}

async function businessCreate(flags: Flags, out: Output): Promise<void> {
  const db = await getDb();
  const { business, key } = await createBusiness(db, { name: flags.name!, defaultCurrency: flags.currency });
  out.log(`Created business ${business.id} (${business.name}, ${business.defaultCurrency})`);
  printKey(key, out);
}

async function businessList(_flags: Flags, out: Output): Promise<void> {
  const db = await getDb();
  const rows = await db.select().from(businesses).orderBy(asc(businesses.createdAt));
  if (rows.length === 0) {
    out.log("No businesses yet. Create one: npm run cli -- business create --name \"Shop\"");
    return;
  }
  printTable(
    ["ID", "NAME", "CURRENCY", "CREATED"],
    rows.map((b) => [b.id, b.name, b.defaultCurrency, iso(b.createdAt)]),
    out,
  );
}

async function keyCreate(flags: Flags, out: Output): Promise<void> {
  const businessId = await requireBusiness(flags.business!);
  const db = await getDb();
  const { key, apiKey } = await createApiKey(db, businessId, flags.name?.trim() || undefined);
  out.log(`Created key ${apiKey.id} (${apiKey.name}) for business ${businessId}`);
  printKey(key, out);
}

async function keyList(flags: Flags, out: Output): Promise<void> {
  const businessId = await requireBusiness(flags.business!);
  const keys = await listApiKeys(businessId);
  printTable(
    ["ID", "NAME", "PREFIX", "CREATED", "LAST USED", "REVOKED"],
    keys.map((k) => [k.id, k.name, k.prefix, iso(k.createdAt), iso(k.lastUsedAt, "never"), iso(k.revokedAt, "no")]),
    out,
  );
}

async function keyRevoke(flags: Flags, out: Output): Promise<void> {
  const businessId = await requireBusiness(flags.business!);
  const revoked = await revokeApiKey(businessId, flags.key!);
  if (!revoked) throw new Error(`Business ${businessId} has no active key ${flags.key}`);
  out.log(`Revoked key ${flags.key}; requests using it are refused from now on.`);
}

async function staffCreate(flags: Flags, out: Output): Promise<void> {
  const businessId = await requireBusiness(flags.business!);
  const role = (flags.role ?? "owner") as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
  const db = await getDb();
  const password = randomChars(16);
  const userId = await createStaffUser(db, { email: flags.email!, name: flags.name!, password });
  await addMember(db, businessId, userId, role);
  out.log(`Created ${role} ${flags.email!.trim().toLowerCase()} for business ${businessId}`);
  out.log(`Password (shown once, store it now): ${password}`);
}

async function requireBusiness(businessId: string): Promise<string> {
  const business = await getBusiness(await getDb(), businessId);
  if (!business) throw new Error(`No business with id ${businessId} (see: npm run cli -- business list)`);
  return business.id;
}

function printKey(key: string, out: Output): void {
  out.log(`API key (shown once, store it now): ${key}`);
}

function printTable(headers: string[], rows: string[][], out: Output): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  out.log(line(headers));
  for (const row of rows) out.log(line(row));
}

function iso(date: Date | null, empty = ""): string {
  return date ? date.toISOString() : empty;
}

// Run only when executed (`tsx scripts/cli.ts`), not when a test imports runCli.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await runCli(process.argv.slice(2), console);
  await closeDb();
  process.exitCode = code;
}
