import os from "node:os";
import type { Measured } from "./load";

/** One line of the results table: the app's figures next to its references, and the verdict. */
export type Row = {
  scenario: string;
  app?: Measured;
  /** The bare node:http + postgres.js server doing the same SQL. */
  bare?: Measured;
  /** The empty Next route handler at the same connections. */
  emptyNext?: Measured;
  /** A figure that is not a load run (bytes, MiB, deliveries/s…), already formatted. */
  value?: string;
  target: string;
  pass: boolean;
  notes?: string[];
};

const n = (v: number) => Math.round(v).toLocaleString("en-US");
const ms = (v: number | undefined) => (v === undefined ? "" : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);
const ratio = (a?: Measured, b?: Measured) => (a && b && b.rps > 0 ? `${((a.rps / b.rps) * 100).toFixed(0)}%` : "");

export function summaryLine(row: Row): string {
  const parts = [row.scenario.padEnd(44)];
  if (row.app) parts.push(`app ${n(row.app.rps)} req/s p50 ${ms(row.app.p50)} p99 ${ms(row.app.p99)}${row.app.failed ? ` (${row.app.failed} failed)` : ""}`);
  if (row.value) parts.push(row.value);
  if (row.bare) parts.push(`bare ${n(row.bare.rps)} req/s p50 ${ms(row.bare.p50)} (app ${ratio(row.app, row.bare)})`);
  if (row.emptyNext) parts.push(`empty Next ${n(row.emptyNext.rps)} req/s (app ${ratio(row.app, row.emptyNext)})`);
  parts.push(`target ${row.target}: ${row.pass ? "PASS" : "FAIL"}`);
  return parts.join(" | ");
}

export type RunInfo = { startedAt: Date; postgres: string; carts: number; duration: number; rateLimitStore: string; command: string };

export function markdown(rows: Row[], info: RunInfo): string {
  const cpus = os.cpus();
  const header = [
    "# Benchmark results",
    "",
    `- Run: ${info.startedAt.toISOString()}, \`${info.command}\`, ${info.duration} s per measurement`,
    `- Machine: ${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}`,
    `- Node ${process.version}; ${info.postgres}`,
    `- Data: busy business with ${info.carts.toLocaleString("en-US")} carts (plus the small businesses); app rate-limit store: ${info.rateLimitStore}`,
    "- req/s counts answered requests; latencies are autocannon's; \"bare\" is bench/reference-server.ts (node:http + postgres.js, same SQL); \"empty Next\" is /api/bench/empty at the same connections.",
    "",
    "| scenario | conns | app req/s | app p50 | app p99 | bare req/s | bare p50 | app ÷ bare | empty Next req/s | app ÷ empty Next | target | result |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
  ];
  const lines = rows.map((r) =>
    [
      r.scenario,
      r.app ? String(r.app.connections) : "",
      r.app ? n(r.app.rps) + (r.app.failed ? ` (${n(r.app.failed)} failed)` : "") : (r.value ?? ""),
      ms(r.app?.p50),
      ms(r.app?.p99),
      r.bare ? n(r.bare.rps) : "",
      ms(r.bare?.p50),
      ratio(r.app, r.bare),
      r.emptyNext ? n(r.emptyNext.rps) : "",
      ratio(r.app, r.emptyNext),
      r.target,
      r.pass ? "PASS" : "**FAIL**",
    ].join(" | "),
  );
  const notes = rows.flatMap((r) => (r.notes ?? []).map((note) => `- ${r.scenario}: ${note}`));
  return [...header, ...lines.map((l) => `| ${l} |`), "", "## Notes", "", ...notes, ""].join("\n");
}
