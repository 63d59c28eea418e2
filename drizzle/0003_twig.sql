CREATE TABLE "order_operations" (
	"id" text PRIMARY KEY NOT NULL,
	"business_id" text NOT NULL,
	"order_id" text NOT NULL,
	"kind" text NOT NULL,
	"idempotency_key" text,
	"request_hash" text,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"message" text,
	"actor" text NOT NULL,
	"provider" text NOT NULL,
	"provider_ref" text,
	"response_status" integer,
	"response" text,
	"merchant_created_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "sealed_key" text;--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN "twig_merchant" jsonb;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "merchant_created_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "api_key_id" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "status_reason" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "authorized_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "authorized_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "authorization_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "validation_status" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "ordering_key" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "api_key_id" text;--> statement-breakpoint
ALTER TABLE "order_operations" ADD CONSTRAINT "order_operations_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "order_operations_idempotency_idx" ON "order_operations" USING btree ("business_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "order_operations_authorization_idx" ON "order_operations" USING btree ("provider","provider_ref") WHERE "order_operations"."kind" = 'authorize';--> statement-breakpoint
CREATE INDEX "order_operations_order_idx" ON "order_operations" USING btree ("order_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_merchant_reference_idx" ON "orders" USING btree ("business_id","merchant_reference") WHERE "orders"."source" = 'twig';--> statement-breakpoint
CREATE INDEX "orders_authorization_expiry_idx" ON "orders" USING btree ("authorization_expires_at") WHERE "orders"."status" = 'authorized';--> statement-breakpoint
CREATE INDEX "orders_pending_expiry_idx" ON "orders" USING btree ("expires_at") WHERE "orders"."status" = 'pending' and "orders"."source" = 'twig';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_ordering_idx" ON "webhook_deliveries" USING btree ("endpoint_id","ordering_key","created_at") WHERE "webhook_deliveries"."status" = 'pending' and "webhook_deliveries"."ordering_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_endpoints_twig_idx" ON "webhook_endpoints" USING btree ("business_id","url","api_key_id") WHERE "webhook_endpoints"."dialect" = 'twig';