/**
 * `npm run test:faults` (about 2 minutes) and `npm run test:soak` (about 10): Cartback's production
 * build under faults, on a private PostgreSQL server the run creates, stops and starts.
 *
 *   1. Postgres stopped and restarted under a steady load of POST /api/carts: quick 503s with
 *      Retry-After while it is down, recovery on its own, no acknowledged write lost.
 *   2. The app killed with SIGKILL under load and restarted: every acknowledged cart exists, none
 *      is half-written, pending webhooks and due recovery emails still go out.
 *   3. Two instances on one database: one rate-limit budget, each webhook and email sent once.
 *
 * Needs `next build` first (.next/BUILD_ID) and PostgreSQL's server binaries (initdb, pg_ctl).
 * Options: --soak, --outages N, --kills N, --steady SECONDS, --concurrency N, --phases
 * outage,kill,shared (a subset, while working on one), --keep (keep the temporary folder with the
 * logs). Writes reliability/results/latest.md (soak: soak.md).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { APP_DIR, freePort, ROOT } from "./lib/app";
import { socketOwner } from "./lib/peers";
import { startPrivatePostgres } from "./lib/postgres";
import { startReceiver } from "./lib/receiver";
import { markdown } from "./lib/report";
import { check, newBusiness, newInstance, subscribe, type Config, type Run } from "./lib/run";
import { startSmtp } from "./lib/smtp";
import { nothingLost } from "./phases/final";
import { kills } from "./phases/kills";
import { outages } from "./phases/outages";
import { prepareShared, RATE_LIMIT, twoInstances } from "./phases/two-instances";

const LOAD_RATE_LIMIT = 1_000_000_000;
const PHASES = ["outage", "kill", "shared"];

function config(): Config & { keep: boolean; phases: Set<string> } {
  const { values } = parseArgs({
    options: {
      soak: { type: "boolean", default: false },
      outages: { type: "string" },
      kills: { type: "string" },
      steady: { type: "string" },
      concurrency: { type: "string" },
      keep: { type: "boolean", default: false },
      phases: { type: "string", default: PHASES.join(",") },
    },
  });
  const phases = new Set(values.phases!.split(",").map((p) => p.trim()));
  const unknown = [...phases].filter((p) => !PHASES.includes(p));
  if (unknown.length) throw new Error(`Unknown phase ${unknown.join(", ")}; phases: ${PHASES.join(", ")}`);
  const soak = values.soak!;
  const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
  return {
    mode: soak ? "soak" : "short",
    outages: num(values.outages, soak ? 10 : 1),
    kills: num(values.kills, soak ? 10 : 1),
    steadyMs: num(values.steady, soak ? 15 : 4) * 1000,
    outageMs: 5000,
    concurrency: num(values.concurrency, 20),
    requestTimeoutMs: 10_000,
    emailsPerKill: 5,
    sharedDeliveries: soak ? 1000 : 300,
    sharedEmails: 40,
    keep: values.keep!,
    phases,
  };
}

async function main(): Promise<number> {
  const { keep, phases, ...cfg } = config();
  if (!existsSync(path.join(APP_DIR, ".next", "BUILD_ID"))) {
    console.error(`No production build (${path.join(APP_DIR, ".next", "BUILD_ID")}): run \`npm run build\` (or \`npm run test:e2e\`) first.`);
    return 2;
  }
  const startedAt = new Date();
  const dir = mkdtempSync(path.join(os.tmpdir(), "cartback-faults-"));
  chmodSync(dir, 0o755); // the server may run as the postgres user (see lib/postgres.ts)
  const instances: Run["instances"] = [];
  const owner = (peer: number, server: number) => socketOwner(peer, server, instances.map((i) => ({ name: i.name, pids: () => i.pids() })));
  const pg = await startPrivatePostgres(path.join(dir, "pg"), await freePort());
  const sql = postgres(pg.url, { max: 4, onnotice: () => {} });
  const run: Run = {
    config: cfg,
    dir,
    pg,
    sql,
    receiver: await startReceiver(owner),
    smtp: await startSmtp(owner),
    instances,
    checks: [],
    figures: [],
    faults: {},
    requests: 0,
    acknowledged: 0,
  };
  console.log(`Private PostgreSQL at ${pg.url} (folder ${dir})`);
  let postgresVersion = "PostgreSQL";
  try {
    // The runner uses the app's own code to create businesses, keys, endpoints and due carts.
    Object.assign(process.env, { DATABASE_URL: pg.url, WEBHOOK_ALLOWED_RANGES: "127.0.0.0/8", WEBHOOK_ALLOW_HTTP: "true", RATE_LIMIT_STORE: "postgres" });
    const { openPostgres, setDb } = await import("@/db/client");
    setDb(await openPostgres(pg.url, { max: 4 })); // migrates
    postgresVersion = ((await sql<{ v: string }[]>`select version() as v`)[0]?.v ?? "").split(",")[0]!;

    const shop = await newBusiness("Fault Load Shop");
    const mail = await newBusiness("Fault Mail Shop");
    // The merchant answers in 25 ms: when the app is killed, the worker has deliveries in flight.
    const hook = await subscribe(run, shop.business.id, "load", { delayMs: 25 });

    const a = await newInstance(run, "A", await freePort(), LOAD_RATE_LIMIT);
    await a.start();
    console.log(`Instance A ready at ${a.url} in ${a.readyAt - a.startedAt} ms`);

    const outcomes = phases.has("outage") ? await outages(run, a, shop.key, { arrivals: hook.arrivals }) : [];
    const kill = phases.has("kill") ? await kills(run, a, shop.key, hook.endpointId, mail.business) : undefined;
    if (kill) outcomes.push(...kill.outcomes);

    if (phases.has("shared")) {
      // RATE_LIMIT_PER_MINUTE=100 for this phase: A stops normally and comes back with it, next to B.
      await a.stop();
      const shared = await prepareShared(run);
      const a2 = await newInstance(run, "A'", a.port, RATE_LIMIT);
      const b = await newInstance(run, "B", await freePort(), RATE_LIMIT);
      await Promise.all([a2.start(), b.start()]);
      await twoInstances(run, a2, b, shared);
    }

    await nothingLost(run, { businessId: shop.business.id, endpointId: hook.endpointId, arrivals: hook.arrivals }, outcomes, kill);
  } catch (error) {
    check(run, "the run completes", false, error instanceof Error ? error.message : String(error));
  } finally {
    for (const instance of instances) await instance.stop().catch(() => {});
    const { closeDb } = await import("@/db/client");
    await closeDb().catch(() => {});
    await sql.end({ timeout: 5 }).catch(() => {});
    await pg.destroy();
    await run.receiver.close();
    await run.smtp.close();
  }

  const failed = run.checks.filter((c) => !c.pass);
  const args = process.argv.slice(2).filter((a) => a !== "--soak");
  const command = `npm run test:${cfg.mode === "soak" ? "soak" : "faults"}${args.length ? ` -- ${args.join(" ")}` : ""}`;
  const report = markdown(run, { startedAt, seconds: (Date.now() - startedAt.getTime()) / 1000, command, postgres: postgresVersion, build: APP_DIR === ROOT ? "this checkout" : `${APP_DIR} (FAULTS_APP_DIR)` });
  const partial = phases.size < PHASES.length;
  const out = path.join(ROOT, "reliability", "results", partial ? "partial.md" : cfg.mode === "soak" ? "soak.md" : "latest.md");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, report);
  console.log(`\n${report}\nWritten to ${path.relative(ROOT, out)}`);
  if (failed.length) {
    for (const instance of instances) console.log(`\n--- last lines of ${instance.name}'s log ---\n${instance.logTail()}`);
    try {
      console.log(`\n--- last lines of the Postgres log ---\n${readFileSync(pg.logFile, "utf8").split("\n").slice(-20).join("\n")}`);
    } catch {
      // no log
    }
  }
  if (keep || failed.length) console.log(`Logs kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  return failed.length ? 1 : 0;
}

process.exit(await main());
