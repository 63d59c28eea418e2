CREATE TABLE "discount_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"business_id" text NOT NULL,
	"cart_id" text NOT NULL,
	"message_id" text,
	"code" text NOT NULL,
	"type" text NOT NULL,
	"value" bigint NOT NULL,
	"currency" text,
	"expires_at" timestamp with time zone NOT NULL,
	"redeemed_at" timestamp with time zone,
	"payment_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erasures" (
	"id" text PRIMARY KEY NOT NULL,
	"business_id" text NOT NULL,
	"email_hash" text NOT NULL,
	"by" text NOT NULL,
	"counts" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recovery_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"business_id" text NOT NULL,
	"cart_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"step_position" integer NOT NULL,
	"to_email" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"html" text DEFAULT '' NOT NULL,
	"status" text NOT NULL,
	"suppression_reason" text,
	"discount_code_id" text,
	"provider_message_id" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"clicked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "recovery_steps" (
	"id" text PRIMARY KEY NOT NULL,
	"business_id" text NOT NULL,
	"position" integer NOT NULL,
	"delay_minutes" integer NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"discount_type" text,
	"discount_value" bigint,
	"discount_currency" text,
	"discount_valid_hours" integer DEFAULT 48 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN "cart_expiry_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN "retention_days" integer;--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN "recovery_emails_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN "email_cap_per_week" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN "require_consent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN "email_from_name" text;--> statement-breakpoint
ALTER TABLE "carts" ADD COLUMN "recovery_step" integer;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "consent" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "consent_source" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "consent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "unsubscribed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "unsubscribe_token" text;--> statement-breakpoint
ALTER TABLE "payment_sessions" ADD COLUMN "message_id" text;--> statement-breakpoint
ALTER TABLE "payment_sessions" ADD COLUMN "discount_code_id" text;--> statement-breakpoint
ALTER TABLE "discount_codes" ADD CONSTRAINT "discount_codes_cart_id_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "public"."carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recovery_messages" ADD CONSTRAINT "recovery_messages_cart_id_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "public"."carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recovery_steps" ADD CONSTRAINT "recovery_steps_business_id_businesses_id_fk" FOREIGN KEY ("business_id") REFERENCES "public"."businesses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "discount_codes_code_idx" ON "discount_codes" USING btree ("business_id","code");--> statement-breakpoint
CREATE INDEX "discount_codes_cart_idx" ON "discount_codes" USING btree ("cart_id");--> statement-breakpoint
CREATE UNIQUE INDEX "recovery_messages_step_idx" ON "recovery_messages" USING btree ("cart_id","step_position");--> statement-breakpoint
CREATE INDEX "recovery_messages_business_idx" ON "recovery_messages" USING btree ("business_id","created_at");--> statement-breakpoint
CREATE INDEX "recovery_messages_customer_idx" ON "recovery_messages" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "recovery_steps_position_idx" ON "recovery_steps" USING btree ("business_id","position");--> statement-breakpoint
CREATE INDEX "carts_active_idx" ON "carts" USING btree ("updated_at") WHERE "carts"."status" = 'active';--> statement-breakpoint
CREATE INDEX "carts_abandoned_idx" ON "carts" USING btree ("abandoned_at") WHERE "carts"."status" = 'abandoned';--> statement-breakpoint
CREATE UNIQUE INDEX "customers_unsubscribe_token_idx" ON "customers" USING btree ("unsubscribe_token");