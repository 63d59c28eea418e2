CREATE INDEX "checkout_sessions_cart_idx" ON "checkout_sessions" USING btree ("cart_id") WHERE "checkout_sessions"."cart_id" is not null;--> statement-breakpoint
CREATE INDEX "orders_cart_idx" ON "orders" USING btree ("cart_id") WHERE "orders"."cart_id" is not null;--> statement-breakpoint
-- Every API request upserts its key's counter: unlogged, that costs no WAL write or flush. After a
-- Postgres crash the counters start again from zero, which at worst allows one more minute's budget.
ALTER TABLE "rate_limits" SET UNLOGGED;
