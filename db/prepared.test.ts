import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb, openPostgres } from "./client";
import { executePrepared, preparedStatement } from "./prepared";
import { rowsOf } from "./rows";
import { textArray } from "./sql";

describe("executePrepared", () => {
  it("answers like db.execute, on either database", async () => {
    const db = await getDb();
    const rows = rowsOf<{ n: number; s: string }>(await executePrepared(db, sql`select ${41}::int + 1 as n, ${"a"}::text || 'b' as s`));
    expect(rows).toEqual([{ n: 42, s: "ab" }]);
  });

  it.runIf(process.env.TEST_DATABASE_URL)("parses a statement once per connection and then only runs it", async () => {
    const opened = await openPostgres(process.env.TEST_DATABASE_URL!, { max: 1, migrate: false });
    try {
      const marker = `prepared_${randomUUID().slice(0, 8)}`;
      const statement = (n: number) => sql`select ${n}::int as n, ${sql.raw(`'${marker}'`)} as marker`;
      for (const n of [1, 2, 3]) expect(rowsOf<{ n: number }>(await executePrepared(opened.db, statement(n)))[0]!.n).toBe(n);
      // The view lists the connection's named statements; Drizzle's own execute leaves none.
      await opened.db.execute(statement(4));
      const listed = rowsOf<{ runs: number }>(
        await opened.db.execute(sql`select (generic_plans + custom_plans)::int as runs from pg_prepared_statements where strpos(statement, ${marker}) > 0`),
      );
      expect(listed).toEqual([{ runs: 3 }]);
    } finally {
      await opened.close();
    }
  });
});

describe("preparedStatement", () => {
  const list = textArray(sql.placeholder("list"));
  const statement = preparedStatement("prepared_test", sql`select ${sql.placeholder("n")}::int + 1 as n, (${list})[1] as first, (${list})[2] is null as second_is_null`);

  it("is built once per database handle and runs with each call's values, on either database", async () => {
    const db = await getDb();
    expect(statement(db)).toBe(statement(db));
    for (const n of [1, 2]) {
      const rows = rowsOf<{ n: number; first: string; second_is_null: boolean }>(await statement(db).execute({ n, list: [`a${n}`, null] }));
      expect(rows).toEqual([{ n: n + 1, first: `a${n}`, second_is_null: true }]);
    }
  });
});
