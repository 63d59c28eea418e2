CREATE TABLE "cart_counts" (
	"business_id" text NOT NULL,
	"status" text NOT NULL,
	"day" date NOT NULL,
	"shard" smallint NOT NULL,
	"n" bigint NOT NULL,
	CONSTRAINT "cart_counts_pk" PRIMARY KEY("business_id","status","day","shard")
);
--> statement-breakpoint
CREATE TABLE "cart_daily_totals" (
	"business_id" text NOT NULL,
	"day" date NOT NULL,
	"currency" text NOT NULL,
	"shard" smallint NOT NULL,
	"abandoned" bigint NOT NULL,
	"abandoned_minor" bigint NOT NULL,
	"recovered" bigint NOT NULL,
	"recovered_minor" bigint NOT NULL,
	CONSTRAINT "cart_daily_totals_pk" PRIMARY KEY("business_id","day","currency","shard")
);
--> statement-breakpoint
-- Adds the rollup contributions of `added` carts and takes away those of `removed` ones (an update
-- passes the rows after and before). Rows that contribute the same before and after cancel out, so
-- an update that touches no rolled-up column writes nothing. Keys are upserted in sorted order, so
-- two statements never take the same counter rows in opposite orders.
CREATE FUNCTION "cart_rollups_apply"(added carts[], removed carts[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  -- The connection's own row of each key, so concurrent writers do not queue on one counter.
  lane smallint := pg_backend_pid() % 16;
BEGIN
  WITH changes AS (
    SELECT 1 AS sign, c.* FROM unnest(added) AS c
    UNION ALL
    SELECT -1 AS sign, c.* FROM unnest(removed) AS c
  ),
  counts AS (
    INSERT INTO cart_counts AS t (business_id, status, day, shard, n)
    SELECT business_id, status, (created_at AT TIME ZONE 'UTC')::date, lane, sum(sign)
    FROM changes
    GROUP BY 1, 2, 3
    HAVING sum(sign) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (business_id, status, day, shard) DO UPDATE SET n = t.n + excluded.n
  ),
  entries AS (
    SELECT business_id, (abandoned_at AT TIME ZONE 'UTC')::date AS day, currency,
      sign AS abandoned, sign * total_minor AS abandoned_minor, 0 AS recovered, 0::bigint AS recovered_minor
    FROM changes WHERE abandoned_at IS NOT NULL
    UNION ALL
    SELECT business_id, (recovered_at AT TIME ZONE 'UTC')::date, currency,
      0, 0, sign, sign * coalesce(recovered_amount_minor, total_minor)
    FROM changes WHERE recovered_at IS NOT NULL
  )
  INSERT INTO cart_daily_totals AS t (business_id, day, currency, shard, abandoned, abandoned_minor, recovered, recovered_minor)
  SELECT business_id, day, currency, lane, sum(abandoned), sum(abandoned_minor), sum(recovered), sum(recovered_minor)
  FROM entries
  GROUP BY 1, 2, 3
  HAVING sum(abandoned) <> 0 OR sum(abandoned_minor) <> 0 OR sum(recovered) <> 0 OR sum(recovered_minor) <> 0
  ORDER BY 1, 2, 3
  ON CONFLICT (business_id, day, currency, shard) DO UPDATE SET
    abandoned = t.abandoned + excluded.abandoned,
    abandoned_minor = t.abandoned_minor + excluded.abandoned_minor,
    recovered = t.recovered + excluded.recovered,
    recovered_minor = t.recovered_minor + excluded.recovered_minor;
END $$;
--> statement-breakpoint
CREATE FUNCTION "carts_rollups_trigger"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM cart_rollups_apply(array(SELECT n::carts FROM new_rows n), '{}'::carts[]);
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM cart_rollups_apply(array(SELECT n::carts FROM new_rows n), array(SELECT o::carts FROM old_rows o));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM cart_rollups_apply('{}'::carts[], array(SELECT o::carts FROM old_rows o));
  ELSE
    DELETE FROM cart_counts;
    DELETE FROM cart_daily_totals;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Statement-level with transition tables: one pass per statement, so bulk inserts (the benchmark
-- generator) and deletes (retention purge, erasure) cost one aggregate, not one upsert per row.
CREATE TRIGGER "carts_rollups_insert" AFTER INSERT ON "carts" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION carts_rollups_trigger();
--> statement-breakpoint
CREATE TRIGGER "carts_rollups_update" AFTER UPDATE ON "carts" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION carts_rollups_trigger();
--> statement-breakpoint
CREATE TRIGGER "carts_rollups_delete" AFTER DELETE ON "carts" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION carts_rollups_trigger();
--> statement-breakpoint
CREATE TRIGGER "carts_rollups_truncate" AFTER TRUNCATE ON "carts"
  FOR EACH STATEMENT EXECUTE FUNCTION carts_rollups_trigger();
--> statement-breakpoint
-- Backfill, after the triggers exist: CREATE TRIGGER locked carts against writes until this
-- migration commits, so no change falls between the backfill and the triggers.
INSERT INTO cart_counts (business_id, status, day, shard, n)
SELECT business_id, status, (created_at AT TIME ZONE 'UTC')::date, 0, count(*)
FROM carts
GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO cart_daily_totals (business_id, day, currency, shard, abandoned, abandoned_minor, recovered, recovered_minor)
SELECT business_id, day, currency, 0, sum(abandoned), sum(abandoned_minor), sum(recovered), sum(recovered_minor)
FROM (
  SELECT business_id, (abandoned_at AT TIME ZONE 'UTC')::date AS day, currency,
    1 AS abandoned, total_minor AS abandoned_minor, 0 AS recovered, 0::bigint AS recovered_minor
  FROM carts WHERE abandoned_at IS NOT NULL
  UNION ALL
  SELECT business_id, (recovered_at AT TIME ZONE 'UTC')::date, currency,
    0, 0, 1, coalesce(recovered_amount_minor, total_minor)
  FROM carts WHERE recovered_at IS NOT NULL
) AS entries
GROUP BY 1, 2, 3;
