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
