import { existsSync } from "node:fs";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openPostgres, postgresTarget } from "./client";
import { rowsOf } from "./rows";

describe("postgresTarget", () => {
  it("leaves a TCP address alone", () => {
    expect(postgresTarget("postgres://u:p@db.example:5433/shop?sslmode=require")).toEqual({ url: "postgres://u:p@db.example:5433/shop?sslmode=require" });
  });

  it("takes libpq's ?host=/socket/dir out of the URL and gives it as the host (a Unix-domain socket)", () => {
    expect(postgresTarget("postgres://u@localhost/shop?host=/var/run/postgresql&application_name=x")).toEqual({
      url: "postgres://u@localhost/shop?application_name=x",
      host: "/var/run/postgresql",
    });
  });

  const socketDir = "/var/run/postgresql";
  const testUrl = process.env.TEST_DATABASE_URL;
  it.runIf(testUrl && existsSync(`${socketDir}/.s.PGSQL.5432`))("connects through the socket", async () => {
    const database = new URL(testUrl!).pathname.slice(1);
    const target = postgresTarget(`postgres://postgres@localhost/${database}?host=${socketDir}`);
    const sql = postgres(target.url, { host: target.host, max: 1 });
    try {
      const [row] = await sql<{ addr: string | null }[]>`select inet_client_addr() as addr`;
      expect(row!.addr).toBeNull(); // null: not over TCP
    } finally {
      await sql.end();
    }
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("the pipelined connections", () => {
  it("queue concurrent statements on two connections, and answer while every pooled one is in a transaction", async () => {
    const opened = await openPostgres(process.env.TEST_DATABASE_URL!, { max: 3, migrate: false });
    try {
      const pids = await Promise.all(
        Array.from({ length: 20 }, async () => rowsOf<{ pid: number }>(await opened.pipelined!.execute(sql`select pg_backend_pid() as pid`))[0]!.pid),
      );
      expect(new Set(pids).size).toBeLessThanOrEqual(2);

      let finish!: () => void;
      const held = new Promise<void>((resolve) => (finish = resolve));
      const transactions = Array.from({ length: 3 }, () => opened.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await held;
      }));
      const [row] = rowsOf<{ one: number }>(await opened.pipelined!.execute(sql`select 1 as one`));
      expect(row!.one).toBe(1);
      finish();
      await Promise.all(transactions);
    } finally {
      await opened.close();
    }
  });
});
