import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/reliability/lib/app";
import { postgresBin, startPrivatePostgres, type PrivatePostgres } from "@/reliability/lib/postgres";

const installedPath = (file: string) => path.join(import.meta.dirname, "..", "..", "node_modules", "postgres", file);
const installed = (file: string) => readFileSync(installedPath(file), "utf8");

describe("postgres.js patch (patches/postgres+3.4.9.patch, applied by npm install)", () => {
  it("is applied to the ESM and CommonJS builds the app bundles", () => {
    for (const file of ["src/connection.js", "cjs/src/connection.js"]) {
      // Missing: `npm install` ran with --ignore-scripts; run `npx patch-package`.
      expect(installed(file).match(/cartback: porsager\/postgres#1208/g)?.length, file).toBe(3);
      expect(installed(file), file).toContain("q.signature = q.prepare && signature(types, string)");
      expect(installed(file), file).toContain("if (fn || chunk.length >= 65536)");
    }
    for (const file of ["src/queue.js", "cjs/src/queue.js"]) {
      expect(installed(file), file).toContain("const i = xs.indexOf(x, index)");
    }
  });
});

type Queue<T> = { readonly length: number; push(x: T): T; shift(): T | undefined; remove(x: T): T | null };
const loadQueue = async () =>
  (await import(pathToFileURL(installedPath("src/queue.js")).href)).default as <T>(initial?: T[]) => Queue<T>;

/** An array that remembers the longest it has been: `Queue` copies its initial array with `slice`, which keeps the class. */
class Tracked<T> extends Array<T> {
  static longest = 0;
  override push(...items: T[]): number {
    const length = super.push(...items);
    Tracked.longest = Math.max(Tracked.longest, length);
    return length;
  }
}

describe("postgres.js connection queues (patched queue.js)", () => {
  it("keeps first-in first-out order with removals anywhere, as a plain array does", async () => {
    const Queue = await loadQueue();
    const queue = Queue<number>();
    const model: number[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 20_000; n++) {
      const roll = random();
      if (roll < 0.45) model.push(queue.push(n));
      else if (roll < 0.8) expect(queue.shift()).toBe(model.shift());
      else {
        const x = model.length && random() < 0.8 ? model[Math.floor(random() * model.length)]! : -1;
        const at = model.indexOf(x);
        if (at >= 0) model.splice(at, 1);
        expect(queue.remove(x)).toBe(at >= 0 ? x : null);
      }
      expect(queue.length).toBe(model.length);
    }
  });

  // The pool's "busy" queue while every connection is busy: each query shifts a connection and
  // pushes it back. Unpatched, that left a slot behind per query, so every later remove searched
  // them all (13% of GET /api/carts/:id's handler time, called without Next, in 10 s of load).
  it("does not grow when a connection is shifted and pushed back while another stays queued", async () => {
    const Queue = await loadQueue();
    Tracked.longest = 0;
    const [a, b] = [{ id: "a" }, { id: "b" }];
    const busy = Queue(Tracked.from([a, b]));
    for (let n = 0; n < 100_000; n++) {
      const c = busy.shift()!;
      busy.remove(c); // move(c, busy): c is no longer there
      busy.push(c);
    }
    expect(busy.length).toBe(2);
    expect(Tracked.longest).toBeLessThanOrEqual(1026);
    expect(busy.remove(a)).toBe(a);
    expect(busy.shift()).toBe(b);
    expect(busy.length).toBe(0);
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
