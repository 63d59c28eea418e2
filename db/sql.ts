import { Placeholder, sql, type SQL } from "drizzle-orm";

/**
 * One parameter holding a text array (for unnest): Drizzle would otherwise spread a JS array into
 * a list. Or a placeholder for one, in a statement built once (`preparedStatement`).
 */
export function textArray(values: (string | null)[] | Placeholder): SQL {
  return sql`${values instanceof Placeholder ? values : sql.param(values)}::text[]`;
}
