import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const money = (name: string) => bigint(name, { mode: "bigint" });
const createdAt = () => ts("created_at").notNull().defaultNow();

export const businesses = pgTable("businesses", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  defaultCurrency: text("default_currency").notNull().default("USD"),
  linkTtlHours: integer("link_ttl_hours").notNull().default(168),
  abandonAfterMinutes: integer("abandon_after_minutes").notNull().default(60),
  /** Twig's "merchant configs from the registration": defaults for orders that omit `merchant`. */
  twigMerchant: jsonb("twig_merchant").$type<TwigMerchant>(),
  /** An abandoned cart nobody recovered expires after this many days. */
  cartExpiryDays: integer("cart_expiry_days").notNull().default(30),
  /** Carts (with their links, messages and events) older than this are deleted; null keeps them. */
  retentionDays: integer("retention_days"),
  /** Automatic recovery emails on or off for the whole business. */
  recoveryEmailsEnabled: boolean("recovery_emails_enabled").notNull().default(true),
  /** At most this many recovery emails to one contact in 7 days. */
  emailCapPerWeek: integer("email_cap_per_week").notNull().default(3),
  /** Only email contacts whose consent was recorded as granted (otherwise: anyone not denied). */
  requireConsent: boolean("require_consent").notNull().default(false),
  /** The From name of recovery emails (the business's name when empty). */
  emailFromName: text("email_from_name"),
  createdAt: createdAt(),
});

/** Twig's merchant object (seed 003): where the customer goes and where Twig calls back. */
export type TwigMerchant = {
  confirmUrl?: string | null;
  cancelUrl?: string | null;
  validationUrl?: string | null;
  pushUrl?: string | null;
  requiresValidateCallbackSuccess?: boolean;
  captureOnExpire?: boolean;
};

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The first characters of the key, shown so staff can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key; keys are 256-bit random, so a fast hash is enough. */
    keyHash: text("key_hash").notNull(),
    /**
     * The key itself, AES-GCM sealed with the app secret: Twig signs its callbacks with the
     * merchant's API key (seed 003), so a key used on Twig is kept where it can be unsealed.
     */
    sealedKey: text("sealed_key"),
    createdAt: createdAt(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_idx").on(t.keyHash), index("api_keys_business_idx").on(t.businessId)],
);

export const customers = pgTable(
  "customers",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    /** Trimmed and lowercased, so one person is one customer. */
    email: text("email").notNull(),
    name: text("name"),
    phone: text("phone"),
    /** Marketing consent: granted, denied, or unknown (null); where it came from and when. */
    consent: text("consent").$type<"granted" | "denied">(),
    consentSource: text("consent_source"),
    consentAt: ts("consent_at"),
    /** Set by the one-click unsubscribe (or staff, or the API): no recovery email after it. */
    unsubscribedAt: ts("unsubscribed_at"),
    /** The unguessable token of this contact's unsubscribe link (/u/{token}). */
    unsubscribeToken: text("unsubscribe_token"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("customers_business_email_idx").on(t.businessId, t.email),
    uniqueIndex("customers_unsubscribe_token_idx").on(t.unsubscribeToken),
    // Staff search "contains" on email and name (pg_trgm).
    index("customers_email_trgm_idx").using("gin", sql`${t.email} gin_trgm_ops`),
    index("customers_name_trgm_idx").using("gin", sql`${t.name} gin_trgm_ops`),
  ],
);

export const CART_STATUSES = ["active", "abandoned", "recovered", "expired"] as const;
export type CartStatus = (typeof CART_STATUSES)[number];

export const carts = pgTable(
  "carts",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    customerId: text("customer_id").notNull().references(() => customers.id),
    /** Where the cart came from: the tracker API, a Torque checkout session, a Twig order. */
    source: text("source").notNull().default("api"),
    status: text("status").$type<CartStatus>().notNull(),
    currency: text("currency").notNull(),
    totalMinor: money("total_minor").notNull(),
    itemCount: integer("item_count").notNull(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    abandonedAt: ts("abandoned_at"),
    recoveredAt: ts("recovered_at"),
    expiredAt: ts("expired_at"),
    /** What was actually paid, in the payment's currency (normally the cart's). */
    recoveredAmountMinor: money("recovered_amount_minor"),
    /**
     * How the cart was recovered (attribution, docs/recovery.md): email (paid through the link of a
     * recovery email), link (a recovery link shared by staff or the merchant), manual (staff marked
     * it), direct (the merchant reported it recovered, or the customer ordered another way).
     */
    recoveryChannel: text("recovery_channel"),
    /** With channel email: the sequence step whose email brought the customer back. */
    recoveryStep: integer("recovery_step"),
  },
  (t) => [
    check("carts_status_check", sql`${t.status} in ('active', 'abandoned', 'recovered', 'expired')`),
    index("carts_list_idx").on(t.businessId, t.createdAt.desc(), t.id.desc()),
    index("carts_status_list_idx").on(t.businessId, t.status, t.createdAt.desc(), t.id.desc()),
    index("carts_abandoned_at_idx")
      .on(t.businessId, t.abandonedAt)
      .where(sql`${t.abandonedAt} is not null`),
    index("carts_recovered_at_idx")
      .on(t.businessId, t.recoveredAt)
      .where(sql`${t.recoveredAt} is not null`),
    index("carts_customer_idx").on(t.customerId),
    index("carts_value_idx").on(t.businessId, t.status, t.totalMinor, t.id),
    // The scheduler: active carts by inactivity, abandoned ones by age.
    index("carts_active_idx").on(t.updatedAt).where(sql`${t.status} = 'active'`),
    index("carts_abandoned_idx").on(t.abandonedAt).where(sql`${t.status} = 'abandoned'`),
  ],
);

/**
 * Rollups of carts, kept by statement-level triggers on carts (drizzle/0005_cart_counts.sql) in the
 * transaction that inserts, updates or deletes the carts, so every snapshot sees them exact. Days
 * are UTC. Each database connection adds to its own shard row (backend pid mod 16), so concurrent
 * writers do not queue on one hot row; readers sum the shards. Rows may hold 0 (or a shard a
 * negative figure that another shard offsets): only sums mean anything.
 */

/** Carts per business, status and day of creation: list totals and where page N starts. */
export const cartCounts = pgTable(
  "cart_counts",
  {
    businessId: text("business_id").notNull(),
    status: text("status").$type<CartStatus>().notNull(),
    day: date("day", { mode: "string" }).notNull(),
    shard: smallint("shard").notNull(),
    n: bigint("n", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ name: "cart_counts_pk", columns: [t.businessId, t.status, t.day, t.shard] })],
);

/**
 * Per business, day and currency: carts abandoned that day (count, total_minor) and recovered
 * that day (count, recovered_amount_minor else total_minor): lib/analytics/carts.ts's figures.
 */
export const cartDailyTotals = pgTable(
  "cart_daily_totals",
  {
    businessId: text("business_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    currency: text("currency").notNull(),
    shard: smallint("shard").notNull(),
    abandoned: bigint("abandoned", { mode: "number" }).notNull(),
    abandonedMinor: money("abandoned_minor").notNull(),
    recovered: bigint("recovered", { mode: "number" }).notNull(),
    recoveredMinor: money("recovered_minor").notNull(),
  },
  (t) => [primaryKey({ name: "cart_daily_totals_pk", columns: [t.businessId, t.day, t.currency, t.shard] })],
);

export const cartItems = pgTable(
  "cart_items",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull(),
    cartId: text("cart_id").notNull().references(() => carts.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    productId: text("product_id"),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    unitPriceMinor: money("unit_price_minor").notNull(),
    imageUrl: text("image_url"),
  },
  (t) => [
    uniqueIndex("cart_items_cart_position_idx").on(t.cartId, t.position),
    check("cart_items_quantity_check", sql`${t.quantity} > 0`),
    check("cart_items_price_check", sql`${t.unitPriceMinor} >= 0`),
  ],
);

export const recoveryLinks = pgTable(
  "recovery_links",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull(),
    cartId: text("cart_id").notNull().references(() => carts.id, { onDelete: "cascade" }),
    /** Unguessable; the link is /r/{token}. Kept readable so staff can copy the live link again. */
    token: text("token").notNull(),
    createdBy: text("created_by").notNull().default("api"),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    /** Set when staff revoke the link or a new one replaces it. */
    revokedAt: ts("revoked_at"),
    openCount: integer("open_count").notNull().default(0),
    lastOpenedAt: ts("last_opened_at"),
  },
  (t) => [
    uniqueIndex("recovery_links_token_idx").on(t.token),
    // At most one current link per cart, even when two requests generate one at once.
    uniqueIndex("recovery_links_current_idx").on(t.cartId).where(sql`${t.revokedAt} is null`),
    index("recovery_links_cart_idx").on(t.cartId, t.createdAt),
  ],
);

/** One attempt to pay: a Stripe Checkout Session or a test-mode session of ours. */
export const paymentSessions = pgTable(
  "payment_sessions",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull(),
    cartId: text("cart_id").references(() => carts.id, { onDelete: "cascade" }),
    /** Torque and Twig payments are for an order instead of a cart. */
    orderId: text("order_id"),
    recoveryLinkId: text("recovery_link_id").references(() => recoveryLinks.id, { onDelete: "set null" }),
    /** The recovery email whose link opened this session (attribution). */
    messageId: text("message_id"),
    /** The discount code applied to this session's amount, if any. */
    discountCodeId: text("discount_code_id"),
    provider: text("provider").$type<"stripe" | "test">().notNull(),
    providerSessionId: text("provider_session_id"),
    url: text("url").notNull(),
    amountMinor: money("amount_minor").notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<"open" | "complete" | "expired">().notNull().default("open"),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    completedAt: ts("completed_at"),
  },
  (t) => [
    uniqueIndex("payment_sessions_provider_idx").on(t.providerSessionId),
    index("payment_sessions_cart_idx").on(t.cartId),
    index("payment_sessions_order_idx").on(t.orderId),
  ],
);

export const payments = pgTable(
  "payments",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull(),
    cartId: text("cart_id").references(() => carts.id, { onDelete: "set null" }),
    orderId: text("order_id"),
    provider: text("provider").$type<"stripe" | "test">().notNull(),
    /** Stripe PaymentIntent id (or the test session id): one payment is recorded once. */
    providerPaymentId: text("provider_payment_id").notNull(),
    providerSessionId: text("provider_session_id"),
    amountMinor: money("amount_minor").notNull(),
    currency: text("currency").notNull(),
    status: text("status").notNull().default("succeeded"),
    paidAt: ts("paid_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("payments_provider_idx").on(t.provider, t.providerPaymentId),
    index("payments_cart_idx").on(t.cartId),
    index("payments_order_idx").on(t.orderId),
  ],
);

/** Every Stripe event received, by Stripe's id: the deduplication record. */
export const stripeEvents = pgTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  livemode: boolean("livemode").notNull(),
  stripeCreatedAt: ts("stripe_created_at").notNull(),
  receivedAt: ts("received_at").notNull().defaultNow(),
  businessId: text("business_id"),
  cartId: text("cart_id"),
  /** applied | recorded | ignored */
  outcome: text("outcome").notNull(),
});

/**
 * Domain events, written in the same transaction as the change they describe (transactional
 * outbox). The cart timeline, outbound webhooks and emails are read from here.
 */
export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(),
    /** Commit-independent order of writing: several events of one change share a timestamp. */
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity(),
    businessId: text("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    subjectId: text("subject_id").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("events_subject_idx").on(t.businessId, t.subjectId, t.createdAt),
    // The dashboard's "anything new?" poll reads the business's latest seq.
    index("events_business_seq_idx").on(t.businessId, t.seq),
  ],
);

/** Shared rate-limit counters (rate-limiter-flexible's Drizzle store); UNLOGGED (drizzle/0006_hot_paths.sql). */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull(),
  expire: ts("expire"),
});

// ---------------------------------------------------------------------------------------------
// Staff accounts. `user`, `session`, `account` and `verification` are Better Auth's tables
// (field names as it expects them); memberships and invitations tie staff to businesses.

export const users = pgTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: boolean("email_verified").notNull().default(false),
  image: text("image"),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const sessions = pgTable(
  "session",
  {
    id: text("id").primaryKey(),
    expiresAt: ts("expires_at").notNull(),
    token: text("token").notNull().unique(),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [index("session_user_idx").on(t.userId)],
);

export const accounts = pgTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: ts("access_token_expires_at"),
    refreshTokenExpiresAt: ts("refresh_token_expires_at"),
    scope: text("scope"),
    /** argon2id hash (see lib/auth/auth.ts). */
    password: text("password"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("account_user_idx").on(t.userId)],
);

export const verifications = pgTable("verification", {
  id: text("id").primaryKey(),
  identifier: text("identifier").notNull(),
  value: text("value").notNull(),
  expiresAt: ts("expires_at").notNull(),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const ROLES = ["viewer", "agent", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

export const memberships = pgTable(
  "memberships",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("memberships_business_user_idx").on(t.businessId, t.userId),
    index("memberships_user_idx").on(t.userId),
    check("memberships_role_check", sql`${t.role} in ('viewer', 'agent', 'admin', 'owner')`),
  ],
);

export const invitations = pgTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role").$type<Role>().notNull(),
    /** SHA-256 of the invitation token; the token itself is only in the link. */
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("invitations_token_idx").on(t.tokenHash), index("invitations_business_idx").on(t.businessId)],
);

/** Instance-wide settings (e.g. the generated session-signing secret when AUTH_SECRET is unset). */
export const appSettings = pgTable("app_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  createdAt: createdAt(),
});

// ---------------------------------------------------------------------------------------------
// Checkout (Torque) and orders (Torque, Twig, recovered carts). Amounts are minor units of the
// row's currency; JSON snapshots keep minor units as decimal strings (JSON has no bigint).

export type CheckoutItemSnapshot = {
  productId: string;
  name: string | null;
  quantity: number;
  unitPriceMinor: string;
  variant: string | null;
  metadata: Record<string, unknown> | null;
};
export type DiscountSnapshot = { code: string; type: "percentage" | "fixed"; amount: string; description: string | null; appliedMinor: string };
export type ShippingSnapshot = { method: string; costMinor: string; estimatedDays: number | null; description: string | null };
export type Address = { street: string; city: string; state: string; postalCode: string; country: string; apartment?: string };
export type CustomerSnapshot = {
  email: string;
  firstName: string | null;
  lastName: string | null;
  phone?: string | null;
  address?: Address | null;
  preferences?: Record<string, unknown> | null;
  /** Twig's customer locale, e.g. "en-US". */
  locale?: string | null;
};
export type CheckoutOptionsSnapshot = {
  allowGuest: boolean;
  requireShipping: boolean;
  customFields: Record<string, unknown> | null;
  redirectUrl: string | null;
  webhookUrl: string | null;
  theme: { primaryColor?: string; secondaryColor?: string; logo?: string; customCSS?: string } | null;
};

export const CHECKOUT_STATUSES = ["open", "completed", "expired"] as const;

export const checkoutSessions = pgTable(
  "checkout_sessions",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    status: text("status").$type<(typeof CHECKOUT_STATUSES)[number]>().notNull().default("open"),
    currency: text("currency").notNull(),
    items: jsonb("items").$type<CheckoutItemSnapshot[]>().notNull(),
    discounts: jsonb("discounts").$type<DiscountSnapshot[]>().notNull(),
    shipping: jsonb("shipping").$type<ShippingSnapshot>(),
    subtotalMinor: money("subtotal_minor").notNull(),
    discountMinor: money("discount_minor").notNull(),
    shippingMinor: money("shipping_minor").notNull(),
    totalMinor: money("total_minor").notNull(),
    customer: jsonb("customer").$type<CustomerSnapshot>().notNull(),
    options: jsonb("options").$type<CheckoutOptionsSnapshot>().notNull(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    completedAt: ts("completed_at"),
    expiredAt: ts("expired_at"),
    /** A visitor of the hosted page (for the conversion rate): the first view counts. */
    firstViewedAt: ts("first_viewed_at"),
    viewCount: integer("view_count").notNull().default(0),
    orderId: text("order_id"),
    /** The abandoned cart made from this session when it expired unpaid. */
    cartId: text("cart_id").references(() => carts.id, { onDelete: "set null" }),
  },
  (t) => [
    index("checkout_sessions_business_idx").on(t.businessId, t.createdAt),
    index("checkout_sessions_open_expiry_idx").on(t.expiresAt).where(sql`${t.status} = 'open'`),
    index("checkout_sessions_viewed_idx").on(t.businessId, t.firstViewedAt).where(sql`${t.firstViewedAt} is not null`),
    // Deleting a cart (API, retention, erasure) sets these to null: without it, a scan per cart.
    index("checkout_sessions_cart_idx").on(t.cartId).where(sql`${t.cartId} is not null`),
  ],
);

/** One state machine for every order; Torque and Twig each see their own projection of it. */
export const ORDER_STATUSES = ["pending", "authorized", "processing", "completed", "cancelled", "refunded", "partially_refunded", "expired"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    source: text("source").$type<"checkout" | "twig" | "cart">().notNull(),
    checkoutSessionId: text("checkout_session_id").references(() => checkoutSessions.id, { onDelete: "set null" }),
    cartId: text("cart_id").references(() => carts.id, { onDelete: "set null" }),
    status: text("status").$type<OrderStatus>().notNull(),
    currency: text("currency").notNull(),
    subtotalMinor: money("subtotal_minor").notNull(),
    discountMinor: money("discount_minor").notNull().default(sql`0`),
    shippingMinor: money("shipping_minor").notNull().default(sql`0`),
    taxMinor: money("tax_minor").notNull().default(sql`0`),
    totalMinor: money("total_minor").notNull(),
    capturedMinor: money("captured_minor").notNull().default(sql`0`),
    refundedMinor: money("refunded_minor").notNull().default(sql`0`),
    customerEmail: text("customer_email").notNull(),
    customer: jsonb("customer").$type<CustomerSnapshot>().notNull(),
    shipping: jsonb("shipping").$type<Record<string, unknown>>(),
    billing: jsonb("billing").$type<Record<string, unknown>>(),
    customFields: jsonb("custom_fields").$type<Record<string, string>>(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    merchantReference: text("merchant_reference"),
    merchant: jsonb("merchant").$type<TwigMerchant>(),
    /** Twig: the merchant's own dateCreated, and the key whose secret signs this order's callbacks. */
    merchantCreatedAt: ts("merchant_created_at"),
    apiKeyId: text("api_key_id"),
    cancellationReason: text("cancellation_reason"),
    /** Twig's `reason`: why the order is in its status (a failed validation, an expiry, a cancel message). */
    statusReason: text("status_reason"),
    /** Authorized but not yet captured money (manual capture); captures draw from it. */
    authorizedMinor: money("authorized_minor").notNull().default(sql`0`),
    authorizedAt: ts("authorized_at"),
    /** When the card authorization lapses (Stripe holds one for 7 days). */
    authorizationExpiresAt: ts("authorization_expires_at"),
    /** The merchant's validation callback after authorization: pending → running → passed | failed | skipped. */
    validationStatus: text("validation_status").$type<"pending" | "running" | "passed" | "failed" | "skipped">(),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    paidAt: ts("paid_at"),
    completedAt: ts("completed_at"),
    cancelledAt: ts("cancelled_at"),
    refundedAt: ts("refunded_at"),
    expiresAt: ts("expires_at"),
  },
  (t) => [
    check("orders_status_check", sql`${t.status} in ('pending', 'authorized', 'processing', 'completed', 'cancelled', 'refunded', 'partially_refunded', 'expired')`),
    index("orders_list_idx").on(t.businessId, t.createdAt.desc(), t.id.desc()),
    index("orders_status_idx").on(t.businessId, t.status, t.createdAt.desc()),
    index("orders_paid_at_idx").on(t.businessId, t.paidAt).where(sql`${t.paidAt} is not null`),
    index("orders_customer_idx").on(t.businessId, t.customerEmail),
    uniqueIndex("orders_checkout_session_idx").on(t.checkoutSessionId),
    uniqueIndex("orders_merchant_reference_idx").on(t.businessId, t.merchantReference).where(sql`${t.source} = 'twig'`),
    index("orders_authorization_expiry_idx").on(t.authorizationExpiresAt).where(sql`${t.status} = 'authorized'`),
    index("orders_pending_expiry_idx").on(t.expiresAt).where(sql`${t.status} = 'pending' and ${t.source} = 'twig'`),
    index("orders_cart_idx").on(t.cartId).where(sql`${t.cartId} is not null`),
  ],
);

export const ORDER_OPERATION_KINDS = ["authorize", "capture", "refund", "void"] as const;
export type OrderOperationKind = (typeof ORDER_OPERATION_KINDS)[number];

/**
 * The payment ledger of an order (Twig): each authorization, capture, refund and void with its
 * amount. Merchant requests carry a UUID `id`, the idempotency key: unique per business, with a
 * hash of the request so a replay with other values is refused, and the first answer to replay.
 */
export const orderOperations = pgTable(
  "order_operations",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull(),
    orderId: text("order_id").notNull().references(() => orders.id, { onDelete: "cascade" }),
    kind: text("kind").$type<OrderOperationKind>().notNull(),
    idempotencyKey: text("idempotency_key"),
    requestHash: text("request_hash"),
    amountMinor: money("amount_minor").notNull(),
    currency: text("currency").notNull(),
    message: text("message"),
    /** Who asked: the merchant's API, staff in the dashboard, the customer, or the expiry sweep. */
    actor: text("actor").$type<"api" | "staff" | "customer" | "system">().notNull(),
    provider: text("provider").$type<"stripe" | "test">().notNull(),
    /** Stripe PaymentIntent (authorize, capture, void) or Refund id. */
    providerRef: text("provider_ref"),
    responseStatus: integer("response_status"),
    /** The first answer, as JSON text: a replay answers byte for byte the same (jsonb would reorder keys). */
    response: text("response"),
    merchantCreatedAt: ts("merchant_created_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("order_operations_idempotency_idx").on(t.businessId, t.idempotencyKey),
    uniqueIndex("order_operations_authorization_idx").on(t.provider, t.providerRef).where(sql`${t.kind} = 'authorize'`),
    index("order_operations_order_idx").on(t.orderId, t.createdAt),
  ],
);

export const orderItems = pgTable(
  "order_items",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull(),
    orderId: text("order_id").notNull().references(() => orders.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    /** The merchant's id for the item (Torque productId, Twig itemId). */
    itemId: text("item_id").notNull(),
    name: text("name"),
    description: text("description"),
    variant: text("variant"),
    category: text("category"),
    categoryHierarchy: jsonb("category_hierarchy").$type<string[]>(),
    quantity: integer("quantity").notNull(),
    unitPriceMinor: money("unit_price_minor").notNull(),
    taxMinor: money("tax_minor").notNull().default(sql`0`),
    imageUrl: text("image_url"),
    metadata: jsonb("metadata").$type<unknown>(),
  },
  (t) => [uniqueIndex("order_items_order_position_idx").on(t.orderId, t.position), check("order_items_quantity_check", sql`${t.quantity} > 0`)],
);

// ---------------------------------------------------------------------------------------------
// Outbound webhooks: endpoints merchants subscribe, and one delivery row per (endpoint, event).

export const WEBHOOK_EVENTS = [
  "cart.abandoned",
  "cart.recovered",
  "cart.expired",
  "order.created",
  "order.paid",
  "order.completed",
  "order.cancelled",
  "order.refunded",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description"),
    events: jsonb("events").$type<WebhookEventType[]>().notNull(),
    /** Signing secret (whsec_…). Needed in the clear to sign; never returned after creation. */
    secret: text("secret").notNull(),
    /** During a rotation the old secret keeps signing too, until it expires. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: ts("previous_secret_expires_at"),
    /** Payload and signature format: torque (seed 000) or twig (seed 003). */
    dialect: text("dialect").$type<"torque" | "twig">().notNull().default("torque"),
    /** Twig endpoints (an order's pushUrl or validationUrl) sign with this API key instead of `secret`. */
    apiKeyId: text("api_key_id"),
    status: text("status").$type<"active" | "disabled">().notNull().default("active"),
    disabledReason: text("disabled_reason"),
    disabledAt: ts("disabled_at"),
    /** Since when every delivery has failed; cleared by a success. */
    failingSince: ts("failing_since"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("webhook_endpoints_business_idx").on(t.businessId),
    uniqueIndex("webhook_endpoints_twig_idx").on(t.businessId, t.url, t.apiKeyId).where(sql`${t.dialect} = 'twig'`),
  ],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull(),
    endpointId: text("endpoint_id").notNull().references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The domain event (outbox row) this delivers; its id is the webhook's `id` (evt_…). */
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The exact JSON body sent, fixed when the event happened. */
    payload: text("payload").notNull(),
    /**
     * Deliveries sharing a key go out one at a time, oldest first (a Twig order's status pushes:
     * a merchant must never see CANCELLED before AUTHORIZED). Null: no ordering.
     */
    orderingKey: text("ordering_key"),
    status: text("status").$type<"pending" | "delivered" | "failed">().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    lastAttemptAt: ts("last_attempt_at"),
    responseCode: integer("response_code"),
    /** The receiver's answer, truncated. */
    responseBody: text("response_body"),
    error: text("error"),
    createdAt: createdAt(),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_endpoint_event_idx").on(t.endpointId, t.eventId),
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
    index("webhook_deliveries_ordering_idx").on(t.endpointId, t.orderingKey, t.createdAt).where(sql`${t.status} = 'pending' and ${t.orderingKey} is not null`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Automatic recovery: each business's email sequence, the messages sent (or kept in the outbox),
// and the single-use discount codes they carry.

/** One step of a business's recovery sequence: an email some time after abandonment. */
export const recoverySteps = pgTable(
  "recovery_steps",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull().references(() => businesses.id, { onDelete: "cascade" }),
    /** 1, 2, 3… in sending order. */
    position: integer("position").notNull(),
    /** Minutes after the cart was abandoned. */
    delayMinutes: integer("delay_minutes").notNull(),
    subject: text("subject").notNull(),
    /** The template (lib/recovery/templates.ts): text with {{placeholders}}. */
    body: text("body").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** An optional discount: percentage in hundredths of a percent (1000 = 10%), or fixed minor units. */
    discountType: text("discount_type").$type<"percentage" | "fixed">(),
    discountValue: money("discount_value"),
    /** A fixed discount's currency (it applies only to carts in that currency). */
    discountCurrency: text("discount_currency"),
    /** How long a code is valid after its email is sent. */
    discountValidHours: integer("discount_valid_hours").notNull().default(48),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("recovery_steps_position_idx").on(t.businessId, t.position)],
);

export const MESSAGE_STATUSES = ["sending", "sent", "outbox", "suppressed", "failed"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * One recovery email for one (cart, step): the unique index is what makes each step go out at
 * most once, whatever the retries and the number of workers. Kept as rendered (subject, text,
 * html), for the outbox and the cart's history.
 */
export const recoveryMessages = pgTable(
  "recovery_messages",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull(),
    cartId: text("cart_id").notNull().references(() => carts.id, { onDelete: "cascade" }),
    customerId: text("customer_id").notNull(),
    stepPosition: integer("step_position").notNull(),
    toEmail: text("to_email").notNull(),
    subject: text("subject").notNull().default(""),
    text: text("text").notNull().default(""),
    html: text("html").notNull().default(""),
    status: text("status").$type<MessageStatus>().notNull(),
    /** Why it was not sent: recovered, ordered, unsubscribed, no_consent, frequency_cap, disabled… */
    suppressionReason: text("suppression_reason"),
    discountCodeId: text("discount_code_id"),
    providerMessageId: text("provider_message_id"),
    error: text("error"),
    createdAt: createdAt(),
    sentAt: ts("sent_at"),
    /** When the customer first opened the email's recovery link. */
    clickedAt: ts("clicked_at"),
  },
  (t) => [
    uniqueIndex("recovery_messages_step_idx").on(t.cartId, t.stepPosition),
    index("recovery_messages_business_idx").on(t.businessId, t.createdAt),
    // The frequency cap counts a contact's recent emails.
    index("recovery_messages_customer_idx").on(t.customerId, t.createdAt),
  ],
);

/** A unique, single-use, expiring discount code, issued with one recovery email for one cart. */
export const discountCodes = pgTable(
  "discount_codes",
  {
    id: text("id").primaryKey(),
    businessId: text("business_id").notNull(),
    cartId: text("cart_id").notNull().references(() => carts.id, { onDelete: "cascade" }),
    messageId: text("message_id"),
    code: text("code").notNull(),
    type: text("type").$type<"percentage" | "fixed">().notNull(),
    /** Hundredths of a percent, or minor units of `currency`. */
    value: money("value").notNull(),
    currency: text("currency"),
    expiresAt: ts("expires_at").notNull(),
    redeemedAt: ts("redeemed_at"),
    /** The payment that used it. */
    paymentId: text("payment_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("discount_codes_code_idx").on(t.businessId, t.code), index("discount_codes_cart_idx").on(t.cartId)],
);

/** What was erased, when and by whom: the email only as a hash, so the log keeps no personal data. */
export const erasures = pgTable("erasures", {
  id: text("id").primaryKey(),
  businessId: text("business_id").notNull(),
  emailHash: text("email_hash").notNull(),
  by: text("by").notNull(),
  counts: jsonb("counts").$type<Record<string, number>>().notNull(),
  createdAt: createdAt(),
});
