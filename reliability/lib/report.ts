import os from "node:os";
import type { Run } from "./run";

/** The run as markdown: what was done, the figures, and each property with its verdict. */
export function markdown(run: Run, meta: { startedAt: Date; seconds: number; command: string; postgres: string; build: string }): string {
  const failed = run.checks.filter((c) => !c.pass).length;
  const faults = Object.entries(run.faults);
  return [
    `# Fault run (${run.config.mode}) — ${failed === 0 ? "PASS" : `FAIL (${failed} of ${run.checks.length} properties violated)`}`,
    "",
    `- Command: \`${meta.command}\``,
    `- Started ${meta.startedAt.toISOString()}, took ${meta.seconds.toFixed(0)} s`,
    `- ${meta.postgres} (a private server the run starts and stops), \`next start\` of the production build in ${meta.build}, Node ${process.version}, ${os.cpus().length} CPUs`,
    `- Load: ${run.config.concurrency} concurrent clients POSTing carts; ${run.config.outages} outage(s) of ${run.config.outageMs / 1000} s, ${run.config.kills} kill(s), ${run.config.steadyMs / 1000} s of load around each`,
    "",
    "| | |",
    "|---|---|",
    `| requests sent | ${run.requests} |`,
    `| faults injected | ${faults.map(([k, n]) => `${n} × ${k}`).join("; ") || "none"} |`,
    ...run.figures.map(([k, v]) => `| ${k} | ${v} |`),
    "",
    "| property | verdict | detail |",
    "|---|---|---|",
    ...run.checks.map((c) => `| ${c.property} | ${c.pass ? "PASS" : "**FAIL**"} | ${c.detail.replace(/\|/g, "\\|")} |`),
    "",
  ].join("\n");
}
