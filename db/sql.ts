import { sql, type SQL } from "drizzle-orm";

/** One parameter holding a text array (for unnest): Drizzle would otherwise spread a JS array into a list. */
export function textArray(values: (string | null)[]): SQL {
  return sql`${sql.param(values)}::text[]`;
}
