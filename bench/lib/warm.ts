import type { Sql } from "postgres";

/**
 * Reads every table and index of the benchmark database into the OS page cache (pg_prewarm's
 * "read" mode) before measuring. This VM's page cache keeps only part of the 3.6 GB database and
 * gives pages back over time: on a cold cache, random-cart reads wait on the disk and both the
 * app and the bare server measured at a third of their warm figures (bench/RESULTS.md).
 */
export async function warmCache(sql: Sql): Promise<string> {
  try {
    await sql`create extension if not exists pg_prewarm`;
  } catch (error) {
    return `page cache not warmed: pg_prewarm is not available (${(error as Error).message})`;
  }
  const [row] = await sql<{ relations: number; blocks: string }[]>`
    select count(*)::int as relations, coalesce(sum(pg_prewarm(c.oid, 'read')), 0)::text as blocks
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'i')`;
  const mib = (Number(row!.blocks) * 8) / 1024;
  return `page cache warmed: ${row!.relations} tables and indexes, ${Math.round(mib).toLocaleString("en-US")} MiB read`;
}
