import type { SQL } from "drizzle-orm";
import type { PgDialect } from "drizzle-orm/pg-core";
import type { Db } from "./client";

/**
 * A statement built once per database handle (the pool, or a transaction) instead of on every
 * call: for the hot paths, building Drizzle's query costs as much CPU as running it.
 */
export function preparedPerDb<T>(prepare: (db: Db) => T): (db: Db) => T {
  const statements = new WeakMap<Db, T>();
  return (db) => {
    let statement = statements.get(db);
    if (!statement) statements.set(db, (statement = prepare(db)));
    return statement;
  };
}

/**
 * `db.execute` for a hot statement, prepared on each connection. Drizzle sends raw SQL unprepared,
 * and postgres.js then asks the server for the parameter types before running it: two round trips
 * and a parse and plan on every call. Only for statements whose text does not grow with their
 * input (arrays go in one parameter), because each connection keeps every text it has prepared.
 */
export function executePrepared(db: Db, query: SQL): Promise<unknown> {
  return prepareRaw(db, query, "statement").execute();
}

/**
 * A raw statement with placeholders (`sql.placeholder`), turned into text once per database handle
 * and prepared on each connection (as executePrepared): for the hottest raw statements, where
 * building the text each time costs more than binding it. Run it with `.execute({ …values })`.
 */
export function preparedStatement(name: string, query: SQL) {
  return preparedPerDb((db) => prepareRaw(db, query, name));
}

function prepareRaw(db: Db, query: SQL, name: string) {
  const { dialect } = db as unknown as { dialect: PgDialect };
  return db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false);
}
