/**
 * `npm run bench`: every scenario of issue 8 against a production build on Postgres, each next to
 * its references (the bare node:http + postgres.js server doing the same SQL, and an empty Next
 * route handler), with PASS/FAIL against the targets; results in bench/results/latest.md.
 *
 *   npm run bench:generate -- --carts 1000000     # once: the data (bench/README.md)
 *   npm run build                                  # the production build this measures
 *   npm run bench [-- --only cart-get,analytics] [--duration 10] [--connections 20] [--database-url …]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import type { Dataset } from "./generate";
import { benchDatabaseUrl, describeUrl, KEYS_FILE } from "./lib/db";
import { load, type Measured } from "./lib/load";
import { RssSampler, startServer, type Started } from "./lib/processes";
import { markdown, summaryLine, type Row } from "./lib/report";
import { SCENARIOS, type BenchContext } from "./lib/scenarios";
import { warmCache } from "./lib/warm";

const ROOT = path.join(import.meta.dirname, "..");
const RESULTS = path.join(import.meta.dirname, "results", "latest.md");
const MEMORY_TARGET = 400 * 2 ** 20;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      duration: { type: "string", default: "10" },
      connections: { type: "string" },
      "database-url": { type: "string" },
      port: { type: "string", default: "3100" },
      "reference-port": { type: "string", default: "3101" },
    },
  });
  const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((name) => !SCENARIOS.some((s) => s.name === name)) ?? [];
  if (unknown.length) {
    console.error(`Unknown scenario ${unknown.join(", ")}; scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`);
    return 2;
  }
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    console.error("No production build (.next/BUILD_ID). Build first:\n\n  npm run build\n\nthen run `npm run bench` again.");
    return 2;
  }
  if (!existsSync(KEYS_FILE)) {
    console.error(`No benchmark data (${path.relative(ROOT, KEYS_FILE)}). Generate it first:\n\n  npm run bench:generate -- --carts 1000000\n`);
    return 2;
  }
  const databaseUrl = benchDatabaseUrl(values["database-url"]);
  const dataset = JSON.parse(readFileSync(KEYS_FILE, "utf8")) as Dataset & { databaseUrl?: string };
  if (dataset.databaseUrl && dataset.databaseUrl !== describeUrl(databaseUrl)) {
    console.error(`${path.relative(ROOT, KEYS_FILE)} was generated for ${dataset.databaseUrl}, not ${describeUrl(databaseUrl)}; pass --database-url or generate again.`);
    return 2;
  }

  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  const [{ version } = { version: "PostgreSQL" }] = await sql<{ version: string }[]>`select version()`;
  const [busy] = await sql<{ carts: number }[]>`select count(*)::int as carts from carts where business_id = ${dataset.busy.businessId}`;
  if (!busy?.carts) {
    console.error(`The busy business ${dataset.busy.businessId} has no carts in ${describeUrl(databaseUrl)}; generate the data again.`);
    await sql.end();
    return 2;
  }

  console.log(await warmCache(sql));

  const appUrl = `http://127.0.0.1:${values.port}`;
  const refUrl = `http://127.0.0.1:${values["reference-port"]}`;
  const stripeSecret = `whsec_bench${Date.now().toString(36)}`;
  const rateLimitStore = process.env.RATE_LIMIT_STORE ?? (process.env.REDIS_URL ? "redis" : "postgres");
  const logDir = path.join(import.meta.dirname, ".data");
  mkdirSync(logDir, { recursive: true });
  const started: Started[] = [];
  const rows: Row[] = [];
  const startedAt = new Date();
  let sampler: RssSampler | undefined;
  try {
    const next = createRequire(import.meta.url).resolve("next/dist/bin/next");
    const app = await startServer({
      name: "next start",
      command: process.execPath,
      args: [...startFlags(), next, "start", "-p", String(values.port), "-H", "127.0.0.1"],
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: databaseUrl,
        APP_URL: appUrl,
        BENCH_ENDPOINTS: "1",
        RATE_LIMIT_PER_MINUTE: "1000000000",
        STRIPE_WEBHOOK_SECRET: stripeSecret,
        STRIPE_SECRET_KEY: "",
        WEBHOOK_ALLOWED_RANGES: "127.0.0.0/8",
        WEBHOOK_ALLOW_HTTP: "true",
      },
      url: appUrl,
      readyPath: "/api/bench/empty",
      logFile: path.join(logDir, "app.log"),
    });
    started.push(app);
    sampler = new RssSampler(app.child.pid!);
    const reference = await startServer({
      name: "reference server",
      command: process.execPath,
      args: ["--import", "tsx", path.join(import.meta.dirname, "reference-server.ts"), "--port", String(values["reference-port"]), "--rate-limit", rateLimitStore === "postgres" ? "postgres" : "none"],
      env: { ...process.env, DATABASE_URL: databaseUrl, APP_URL: appUrl, STRIPE_WEBHOOK_SECRET: stripeSecret },
      url: refUrl,
      readyPath: "/empty",
      logFile: path.join(logDir, "reference.log"),
    });
    started.push(reference);

    const duration = Number(values.duration);
    const empties = new Map<number, Promise<Measured>>();
    const ctx: BenchContext = {
      appUrl,
      refUrl,
      sql,
      dataset,
      duration,
      connections: values.connections ? Number(values.connections) : undefined,
      stripeSecret,
      nextDir: path.join(ROOT, ".next"),
      runId: startedAt.getTime().toString(36),
      log: (line) => console.log(line),
      emptyNext: (connections) => {
        if (!empties.has(connections)) {
          const url = `${appUrl}/api/bench/empty`;
          empties.set(connections, load({ url, connections, duration: 2 }).then(() => load({ url, connections, duration })));
        }
        return empties.get(connections)!;
      },
    };
    console.log(`App ${appUrl} (next start), reference ${refUrl}; ${busy.carts.toLocaleString("en-US")} carts; ${duration} s per measurement\n`);
    for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.name))) {
      sampler.current = scenario.name;
      console.log(`… ${scenario.name}: ${scenario.description}`);
      try {
        for (const row of await scenario.run(ctx)) {
          rows.push(row);
          console.log(summaryLine(row));
        }
      } catch (error) {
        const row: Row = { scenario: scenario.name, target: "runs", pass: false, notes: [error instanceof Error ? error.message : String(error)] };
        rows.push(row);
        console.log(summaryLine(row), "—", row.notes![0]);
      }
    }
  } finally {
    sampler?.stop();
    for (const server of started.reverse()) await server.stop();
    await sql.end({ timeout: 5 });
  }

  const mib = (sampler?.max ?? 0) / 2 ** 20;
  rows.push({
    scenario: "app memory (max RSS of next start and its children)",
    value: `${mib.toFixed(0)} MiB`,
    target: "≤ 400 MiB",
    pass: (sampler?.max ?? 0) > 0 && (sampler?.max ?? 0) <= MEMORY_TARGET,
    notes: [`sampled every 250 ms from /proc; the maximum was during ${sampler?.maxDuring || "startup"}`],
  });
  console.log(summaryLine(rows.at(-1)!));
  const command = `npm run bench${process.argv.length > 2 ? " -- " + process.argv.slice(2).join(" ") : ""}`;
  const report = markdown(rows, { startedAt, postgres: version.split(",")[0]!, carts: busy.carts, duration: Number(values.duration), rateLimitStore, command });
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, report);
  console.log(`\n${report}\nWritten to ${path.relative(ROOT, RESULTS)}`);
  return rows.every((r) => r.pass) ? 0 : 1;
}

process.exitCode = await main();

/** The Node flags of `npm start` (package.json): the app is measured as production starts it. */
function startFlags(): string[] {
  const start: string = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.start;
  return start.split(/\s+/).filter((token) => token.startsWith("--"));
}
