import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { rowsOf } from "@/db/rows";

/**
 * "A refused request changes nothing", checked cheaply. Postgres hands out a transaction id to
 * every transaction that writes (or locks a row); if the next id to hand out has not moved, or
 * every id handed out since was rolled back (a refusal thrown inside a transaction), nothing was
 * written anywhere. Only when one committed are the tenants' tables looked at: a row inserted or
 * updated since carries a newer transaction id (xmin), a row deleted lowers the count.
 */

/** Every table with a business_id. */
const TENANT_TABLES = [
  "api_keys",
  "customers", "carts", "cart_items", "recovery_links", "payment_sessions", "payments", "stripe_events", "events",
  "memberships", "invitations", "checkout_sessions", "orders", "order_operations", "order_items",
  "webhook_endpoints", "webhook_deliveries", "recovery_steps", "recovery_messages", "discount_codes", "erasures",
];


/** The next transaction id to be handed out (64-bit). */
async function nextXid(): Promise<bigint> {
  const db = await getDb();
  const [row] = rowsOf(await db.execute(sql`select pg_snapshot_xmax(pg_current_snapshot())::text as xid`));
  return BigInt(String(row!.xid));
}

/** Whether any transaction with an id in [from, to) committed. */
async function anyCommitted(from: bigint, to: bigint): Promise<boolean> {
  const db = await getDb();
  const [row] = rowsOf(
    await db.execute(
      sql`select coalesce(bool_or(pg_xact_status(x::text::xid8) = 'committed'), false) as committed from generate_series(${sql.raw(from.toString())}::bigint, ${sql.raw((to - 1n).toString())}::bigint) x`,
    ),
  );
  return row!.committed === true;
}

/** Per table: how many rows the tenants have, and how many were written by a transaction from `since` on. */
export async function tenantRows(businessIds: string[], since: bigint): Promise<Record<string, { rows: number; written: number }>> {
  const db = await getDb();
  const ids = sql.join(businessIds.map((id) => sql`${id}`), sql`, `);
  // A row's xmin is the 32-bit part of the transaction id.
  const from = sql.raw((since % 2n ** 32n).toString());
  const column = (table: string, key: string) =>
    sql`(select count(*)::text || ':' || (count(*) filter (where xmin::text::bigint >= ${from}))::text from ${sql.identifier(table)} where ${sql.identifier(key)} in (${ids})) as ${sql.identifier(table)}`;
  const columns = [column("businesses", "id"), ...TENANT_TABLES.map((table) => column(table, "business_id"))];
  const [row] = rowsOf(await db.execute(sql`select ${sql.join(columns, sql`, `)}`));
  return Object.fromEntries(
    Object.entries(row!).map(([table, value]) => {
      const [rows, written] = String(value).split(":").map(Number);
      return [table, { rows: rows!, written: written! }];
    }),
  );
}

export class StateWatch {
  /** How many times the tables were looked at (the xid had moved): the expensive path. */
  lookups = 0;
  private counts?: { xid: bigint; rows: Record<string, number> };
  private xidBefore = 0n;
  /** The next xid as a refusal left it: nothing runs between two cases, so the next one starts there. */
  private xidAfterRefusal?: bigint;

  constructor(private readonly businessIds: string[]) {}

  /** Before a request: the tenants' row counts at this moment (kept from last time if nothing was written since). */
  async before(): Promise<void> {
    this.xidBefore = this.xidAfterRefusal ?? (await nextXid());
    this.xidAfterRefusal = undefined;
    if (this.counts?.xid !== this.xidBefore) {
      this.lookups++;
      const now = await tenantRows(this.businessIds, this.xidBefore);
      this.counts = { xid: this.xidBefore, rows: Object.fromEntries(Object.entries(now).map(([t, v]) => [t, v.rows])) };
    }
  }

  /** After a request: for a refused one, what it changed in the tenants' tables (empty when nothing). */
  async after(refused: boolean): Promise<string[]> {
    if (!refused) return [];
    const xid = await nextXid();
    this.xidAfterRefusal = xid;
    if (xid === this.xidBefore) return [];
    if (!(await anyCommitted(this.xidBefore, xid))) {
      // Only rolled back: the counts still hold.
      this.counts = { xid, rows: this.counts!.rows };
      return [];
    }
    this.lookups++;
    const now = await tenantRows(this.businessIds, this.xidBefore);
    const before = this.counts!.rows;
    this.counts = { xid, rows: Object.fromEntries(Object.entries(now).map(([t, v]) => [t, v.rows])) };
    return Object.entries(now)
      // Authenticating stamps a key's last_used_at (once a minute): for keys, only the count counts.
      .filter(([table, v]) => (v.written > 0 && table !== "api_keys") || v.rows !== before[table])
      .map(([table, v]) => `${table}: ${before[table]} → ${v.rows} rows, ${v.written} written`);
  }
}
