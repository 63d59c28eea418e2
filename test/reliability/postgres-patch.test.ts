import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/reliability/lib/app";
import { postgresBin, startPrivatePostgres, type PrivatePostgres } from "@/reliability/lib/postgres";

const installed = (file: string) => readFileSync(path.join(import.meta.dirname, "..", "..", "node_modules", "postgres", file), "utf8");

describe("postgres.js patch (patches/postgres+3.4.9.patch, applied by npm install)", () => {
  it("is applied to the ESM and CommonJS builds the app bundles", () => {
    for (const file of ["src/connection.js", "cjs/src/connection.js"]) {
      // Missing: `npm install` ran with --ignore-scripts; run `npx patch-package`.
      expect(installed(file).match(/cartback: porsager\/postgres#1208/g)?.length, file).toBe(3);
      expect(installed(file), file).toContain("q.signature = q.prepare && signature(types, string)");
      expect(installed(file), file).toContain("if (fn || chunk.length >= 65536)");
    }
  });
});

let hasServer = true;
try {
  postgresBin();
} catch {
  hasServer = false;
}

// porsager/postgres#1208 on a real server (a private one this file starts, when PostgreSQL's
// binaries are installed): a transaction whose backend dies between two statements.
describe.skipIf(!hasServer)("a transaction whose connection dies", () => {
  let dir: string;
  let server: PrivatePostgres;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "cartback-pgjs-"));
    chmodSync(dir, 0o755);
    server = await startPrivatePostgres(path.join(dir, "pg"), await freePort());
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("rejects with CONNECTION_CLOSED, throws nothing uncaught, and leaves its pool slot usable", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    const sql = postgres(server.url, { max: 1, connect_timeout: 5, onnotice: () => {} });
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const outcome = await sql
        .begin(async (tx) => {
          const [row] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
          await admin`select pg_terminate_backend(${row!.pid})`;
          await new Promise((r) => setTimeout(r, 50));
          await tx`select 1`;
        })
        .then(
          () => "committed",
          (e: { code?: string }) => e.code,
        );
      expect(outcome).toBe("CONNECTION_CLOSED");
      await new Promise((r) => setTimeout(r, 100)); // the ROLLBACK's deferred flush has run
      // Unpatched, the only pool slot now sends nothing: this waits for the connect timeout.
      const started = Date.now();
      await expect(sql`select 1 as one`).resolves.toEqual([{ one: 1 }]);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
      await admin.end();
      await sql.end({ timeout: 1 });
    }
  }, 30_000);
});
