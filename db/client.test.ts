import { existsSync } from "node:fs";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { postgresTarget } from "./client";

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
