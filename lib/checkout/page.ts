import { and, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { businesses, checkoutSessions, orders, type CheckoutItemSnapshot, type CheckoutOptionsSnapshot, type OrderStatus } from "@/db/schema";
import { recordEvent } from "@/lib/events";
import { ApiError } from "@/lib/http/errors";
import { couldBeId } from "@/lib/ids";
import { itemLabel } from "@/lib/orders/queries";
import { placeOrder, recordOrderPayment, type CustomerForm, type Order } from "@/lib/orders/service";
import { expireOpenSessions, startOrderPaymentSession } from "@/lib/payments/checkout";
import { address, customCss, email, phone } from "@/lib/torque/validation";
import type { CheckoutSession } from "./service";

/**
 * The hosted checkout page /checkout/{sessionId}: what it shows in each state, how it counts
 * visits, how its form is read, and what paying does. The page and its POST route stay thin.
 */

// ---------------------------------------------------------------------------------------------
// Opening the page

export type CheckoutView =
  | { state: "not_found" }
  | { state: "expired"; session: CheckoutSession; businessName: string }
  | { state: "completed"; session: CheckoutSession; businessName: string; orderId: string | null; redirectUrl: string | null }
  | { state: "open"; session: CheckoutSession; businessName: string };

/**
 * Opens the hosted page. An open session's visit is counted in one atomic UPDATE (the first view
 * sets first_viewed_at and writes "checkout.viewed"; later views only add to view_count). A
 * session past its expiry reads as expired even before the expiry sweep has closed it.
 */
export async function viewCheckout(sessionId: string, now = new Date()): Promise<CheckoutView> {
  if (!couldBeId(sessionId)) return { state: "not_found" };
  const db = await getDb();
  const opened = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(checkoutSessions)
      .set({
        viewCount: sql`${checkoutSessions.viewCount} + 1`,
        firstViewedAt: sql`coalesce(${checkoutSessions.firstViewedAt}, ${now.toISOString()}::timestamptz)`,
      })
      .where(and(eq(checkoutSessions.id, sessionId), eq(checkoutSessions.status, "open"), gt(checkoutSessions.expiresAt, now)))
      .returning();
    // The row lock makes the increments sequential: exactly one visitor sees the count reach 1.
    if (row && row.viewCount === 1) {
      await recordEvent(tx, { businessId: row.businessId, type: "checkout.viewed", subjectId: row.id, at: now, data: {} });
    }
    return row;
  });
  if (opened) return { state: "open", session: opened, businessName: await businessName(opened.businessId) };

  const found = await sessionWithBusiness(sessionId);
  if (!found) return { state: "not_found" };
  const { session, businessName: name } = found;
  if (session.status === "completed") {
    return { state: "completed", session, businessName: name, orderId: session.orderId, redirectUrl: session.options.redirectUrl };
  }
  return { state: "expired", session, businessName: name };
}

async function businessName(businessId: string): Promise<string> {
  const db = await getDb();
  const [row] = await db.select({ name: businesses.name }).from(businesses).where(eq(businesses.id, businessId));
  return row?.name ?? "";
}

async function sessionWithBusiness(sessionId: string): Promise<{ session: CheckoutSession; businessName: string } | undefined> {
  if (!couldBeId(sessionId)) return undefined;
  const db = await getDb();
  const [row] = await db
    .select({ session: checkoutSessions, businessName: businesses.name })
    .from(checkoutSessions)
    .innerJoin(businesses, eq(businesses.id, checkoutSessions.businessId))
    .where(eq(checkoutSessions.id, sessionId));
  return row;
}

// ---------------------------------------------------------------------------------------------
// After paying: /checkout/{sessionId}/complete

const PAID: readonly OrderStatus[] = ["processing", "completed", "partially_refunded", "refunded"];

export type CheckoutCompletion =
  | { state: "not_found" }
  /** Nothing was submitted yet: back to the checkout page. */
  | { state: "no_order" }
  | { state: "paid"; session: CheckoutSession; businessName: string; orderId: string; redirectTo: string | null }
  /** The customer came back from the payment page before the payment was confirmed (Stripe's webhook). */
  | { state: "confirming"; session: CheckoutSession; businessName: string; orderId: string }
  | { state: "closed"; session: CheckoutSession; businessName: string };

export async function checkoutCompletion(sessionId: string): Promise<CheckoutCompletion> {
  const found = await sessionWithBusiness(sessionId);
  if (!found) return { state: "not_found" };
  const { session, businessName: name } = found;
  if (!session.orderId) return session.status === "open" ? { state: "no_order" } : { state: "closed", session, businessName: name };
  const db = await getDb();
  const [order] = await db
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .where(and(eq(orders.businessId, session.businessId), eq(orders.id, session.orderId)));
  if (!order) return { state: "closed", session, businessName: name };
  if (PAID.includes(order.status)) {
    const redirectTo = session.options.redirectUrl ? redirectTarget(session.options.redirectUrl, order.id, session.id) : null;
    return { state: "paid", session, businessName: name, orderId: order.id, redirectTo };
  }
  if (order.status === "pending" || order.status === "authorized") return { state: "confirming", session, businessName: name, orderId: order.id };
  return { state: "closed", session, businessName: name };
}

/** The merchant's redirectUrl with the order and session appended (existing query kept). */
export function redirectTarget(redirectUrl: string, orderId: string, sessionId: string): string {
  const url = new URL(redirectUrl);
  url.searchParams.set("orderId", orderId);
  url.searchParams.set("sessionId", sessionId);
  return url.toString();
}

// ---------------------------------------------------------------------------------------------
// What the page shows

/** How an item reads on the page: its name, a `name` in its metadata, else its product id. */
export function checkoutItemName(item: { name: string | null; productId: string; metadata: unknown }): string {
  if (item.name) return item.name;
  const meta = item.metadata;
  const fromMeta = meta && typeof meta === "object" ? (meta as Record<string, unknown>).name : undefined;
  return typeof fromMeta === "string" && fromMeta.trim() ? fromMeta.trim() : item.productId;
}

export type CheckoutSummary = {
  currency: string;
  lines: { key: string; name: string; variant: string | null; quantity: number; unitMinor: bigint; totalMinor: bigint }[];
  discounts: { code: string; description: string | null; type: "percentage" | "fixed"; amount: string; appliedMinor: bigint }[];
  shipping: { method: string; description: string | null; estimatedDays: number | null; costMinor: bigint } | null;
  itemCount: number;
  subtotalMinor: bigint;
  discountMinor: bigint;
  shippingMinor: bigint;
  totalMinor: bigint;
};

export function summarize(session: CheckoutSession): CheckoutSummary {
  return {
    currency: session.currency,
    lines: session.items.map((item: CheckoutItemSnapshot, i) => {
      const unitMinor = BigInt(item.unitPriceMinor);
      return {
        key: `${i}-${item.productId}`,
        name: checkoutItemName(item),
        variant: item.variant,
        quantity: item.quantity,
        unitMinor,
        totalMinor: unitMinor * BigInt(item.quantity),
      };
    }),
    discounts: session.discounts.map((d) => ({ code: d.code, description: d.description, type: d.type, amount: d.amount, appliedMinor: BigInt(d.appliedMinor) })),
    shipping: session.shipping
      ? { method: session.shipping.method, description: session.shipping.description, estimatedDays: session.shipping.estimatedDays, costMinor: BigInt(session.shipping.costMinor) }
      : null,
    itemCount: session.items.reduce((n, i) => n + i.quantity, 0),
    subtotalMinor: session.subtotalMinor,
    discountMinor: session.discountMinor,
    shippingMinor: session.shippingMinor,
    totalMinor: session.totalMinor,
  };
}

export type CheckoutTheme = {
  primary: string;
  /** Text colour readable on `primary` (black or white, whichever contrasts more). */
  onPrimary: string;
  secondary: string;
  onSecondary: string;
  logo: string | null;
  /** The merchant's CSS, re-checked here before it goes into a <style> tag. */
  customCss: string | null;
};

const DEFAULT_PRIMARY = "#2158cc"; // brand-600
const DEFAULT_SECONDARY = "#0f172a"; // slate-900

export function checkoutTheme(options: CheckoutOptionsSnapshot): CheckoutTheme {
  const t = options.theme ?? {};
  const primary = hex(t.primaryColor) ?? DEFAULT_PRIMARY;
  const secondary = hex(t.secondaryColor) ?? DEFAULT_SECONDARY;
  const css = t.customCSS && customCss.safeParse(t.customCSS).success ? t.customCSS : null;
  const logo = t.logo && /^https?:\/\//i.test(t.logo) ? t.logo : null;
  return { primary, onPrimary: readableOn(primary), secondary, onSecondary: readableOn(secondary), logo, customCss: css };
}

/** "#abc" → "#aabbcc"; anything that is not a hex colour → undefined. */
function hex(value: string | undefined): string | undefined {
  if (!value || !/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value)) return undefined;
  const v = value.toLowerCase();
  return v.length === 4 ? `#${v[1]}${v[1]}${v[2]}${v[2]}${v[3]}${v[3]}` : v;
}

function luminance(color: string): number {
  const channel = (i: number) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/**
 * Text on a brand colour: white, as brands expect on their buttons, while it keeps a WCAG
 * contrast of at least 3:1 (bold UI text); near-black on lighter colours.
 */
export function readableOn(background: string): string {
  const onWhite = 1.05 / (luminance(background) + 0.05);
  return onWhite >= 3 ? "#ffffff" : "#0f172a";
}

/** "giftMessage" / "gift_message" → "Gift message". */
export function fieldLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

/**
 * The merchant's custom fields in their order. The seeds give values either as a type name
 * ("string") or as an example ("Special instructions"): an example becomes the placeholder.
 */
export function customFieldsOf(options: CheckoutOptionsSnapshot): { key: string; name: string; label: string; placeholder: string | null }[] {
  return Object.entries(options.customFields ?? {}).map(([key, value]) => ({
    key,
    name: `custom.${key}`,
    label: fieldLabel(key),
    placeholder: typeof value === "string" && value.length <= 100 && !/^(string|text|number|boolean)$/i.test(value) ? value : null,
  }));
}

// ---------------------------------------------------------------------------------------------
// The form

export const ADDRESS_FIELDS = ["street", "apartment", "city", "state", "postalCode", "country"] as const;
const TEXT_FIELDS = ["email", "firstName", "lastName", "phone", ...ADDRESS_FIELDS.map((f) => `address.${f}`)];
const MAX_VALUE = 1000;
export const MAX_CUSTOM_VALUE = 500;

/** Submitted form values by input name (email, address.city, custom.company, …): only names the page has. */
export type CheckoutFormValues = Record<string, string>;
/** A customer-readable message by input name; `form` for a problem with the whole submission. */
export type FieldErrors = Record<string, string>;

/** Picks the page's inputs out of a submission; unknown names and files are dropped. */
export function formValues(source: URLSearchParams | FormData, options: CheckoutOptionsSnapshot): CheckoutFormValues {
  const names = [...TEXT_FIELDS, ...customFieldsOf(options).map((f) => f.name)];
  const values: CheckoutFormValues = {};
  for (const name of names) {
    // A NUL means nothing in a form, and Postgres cannot store one: it goes.
    const value = source.get(name);
    if (typeof value === "string" && value !== "") values[name] = value.replace(/\u0000/g, "").slice(0, MAX_VALUE);
  }
  return values;
}

/** The values a customer starts with: the session's customerData. */
export function prefilledValues(session: CheckoutSession): CheckoutFormValues {
  const c = session.customer;
  const values: CheckoutFormValues = {};
  const put = (name: string, value: string | null | undefined) => {
    if (value) values[name] = value;
  };
  put("email", c.email);
  put("firstName", c.firstName);
  put("lastName", c.lastName);
  put("phone", c.phone);
  for (const f of ADDRESS_FIELDS) put(`address.${f}`, c.address?.[f]);
  return values;
}

const blank = (v: string | undefined) => v === undefined || v.trim() === "";
const name = z.string().trim().min(1).max(200, "must be at most 200 characters");

const REQUIRED: Record<string, string> = {
  email: "Enter your email address",
  firstName: "Enter your first name",
  lastName: "Enter your last name",
  "address.street": "Enter your street address",
  "address.city": "Enter your city",
  "address.state": "Enter your state, province or region",
  "address.postalCode": "Enter your postal code",
  "address.country": "Choose your country",
};
const INVALID: Record<string, string> = {
  email: "Enter a valid email address, like name@example.com",
  phone: "Enter a valid phone number, like +1 212 555 0100",
  "address.country": "Choose a country from the list",
};

/**
 * Reads the checkout form with the Torque rules (002's email, phone and address). The shipping
 * address is all-or-nothing: required with `requireShipping`, and once any part of it is filled
 * in, every required part must be. Custom fields are optional text of at most 500 characters.
 */
export function parseCheckoutForm(
  options: CheckoutOptionsSnapshot,
  values: CheckoutFormValues,
): { ok: true; form: CustomerForm } | { ok: false; errors: FieldErrors } {
  const text = (field: string) => (blank(values[field]) ? undefined : values[field]);
  const wantsAddress = options.requireShipping || ADDRESS_FIELDS.some((f) => !blank(values[`address.${f}`]));
  const customFields = Object.fromEntries(
    customFieldsOf(options)
      .map((f) => [f.key, text(f.name)?.trim()] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
  const input = {
    email: text("email"),
    firstName: text("firstName"),
    lastName: text("lastName"),
    phone: text("phone"),
    address: wantsAddress ? Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, text(`address.${f}`)]).filter(([, v]) => v !== undefined)) : undefined,
    customFields,
  };
  const schema = z.object({
    email,
    firstName: name,
    lastName: name,
    phone: phone.optional(),
    address: address.optional(),
    customFields: z.record(z.string(), z.string().max(MAX_CUSTOM_VALUE, `must be at most ${MAX_CUSTOM_VALUE} characters`)),
  });
  const parsed = schema.safeParse(input);
  if (parsed.success) {
    const { email: e, firstName, lastName, phone: p, address: a } = parsed.data;
    return { ok: true, form: { email: e, firstName, lastName, phone: p ?? null, address: a ?? null, customFields: parsed.data.customFields } };
  }
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const [head, key] = issue.path;
    const field = head === "customFields" ? `custom.${String(key)}` : issue.path.map(String).join(".");
    if (errors[field]) continue;
    errors[field] = blank(values[field]) ? (REQUIRED[field] ?? "This field is required") : (INVALID[field] ?? sentence(issue.message));
  }
  return { ok: false, errors };
}

function sentence(message: string): string {
  return message ? message[0]!.toUpperCase() + message.slice(1) : "Check this field";
}

// ---------------------------------------------------------------------------------------------
// Paying

export type PayOutcome =
  | { kind: "not_found" }
  /** Expired or already paid: the page explains which. */
  | { kind: "closed" }
  | { kind: "invalid"; errors: FieldErrors; values: CheckoutFormValues }
  /** Where the customer goes next: the payment page, or straight to the complete page for a free order. */
  | { kind: "redirect"; url: string; free: boolean };

/**
 * The page's Pay button: checks the form, places (or updates) the pending order, then opens a
 * payment session for exactly the order's total. An order that costs nothing (a 100% discount,
 * no shipping) is recorded as paid at once, without a payment provider.
 */
export async function payCheckout(sessionId: string, source: URLSearchParams | FormData, now = new Date()): Promise<PayOutcome> {
  if (!couldBeId(sessionId)) return { kind: "not_found" };
  const db = await getDb();
  const [session] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, sessionId));
  if (!session) return { kind: "not_found" };
  if (session.status !== "open" || session.expiresAt <= now) return { kind: "closed" };

  const values = formValues(source, session.options);
  const parsed = parseCheckoutForm(session.options, values);
  if (!parsed.ok) return { kind: "invalid", errors: parsed.errors, values };

  let order: Order;
  try {
    order = await placeOrder(sessionId, parsed.form, now);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.kind === "validation") {
      const field = error.field === "address" ? "address.street" : (error.field ?? "form");
      return { kind: "invalid", errors: { [field]: sentence(error.message.replace(/^[\w.]+: /, "")) }, values };
    }
    if (error.kind === "not_found") return { kind: "not_found" };
    return { kind: "closed" };
  }

  const complete = `/checkout/${encodeURIComponent(sessionId)}/complete`;
  if (order.totalMinor === 0n) {
    await db.transaction((tx) =>
      recordOrderPayment(tx, {
        businessId: order.businessId,
        orderId: order.id,
        provider: "test",
        providerPaymentId: `free_${order.id}`,
        amountMinor: 0n,
        currency: order.currency,
        paidAt: now,
      }),
    );
    return { kind: "redirect", url: complete, free: true };
  }

  // A payment page opened by an earlier submit must not take a second payment.
  await expireOpenSessions({ orderId: order.id });
  const lines = session.items.map((item) => ({
    label: itemLabel({ name: checkoutItemName(item), itemId: item.productId, variant: item.variant }),
    quantity: item.quantity,
    unitPriceMinor: BigInt(item.unitPriceMinor),
  }));
  try {
    const url = await startOrderPaymentSession(order, lines, session.shipping?.method ?? null, now);
    return { kind: "redirect", url, free: false };
  } catch (error) {
    // Stripe unreachable or refusing: the order stays pending and the customer can try again.
    console.error(`[cartback] payment session for order ${order.id} failed:`, error instanceof Error ? error.message : error);
    return { kind: "invalid", errors: { form: "We could not reach the payment provider. Nothing was charged; please try again in a moment." }, values };
  }
}

// ---------------------------------------------------------------------------------------------
// Sending a bounced form back to the page (a short-lived cookie scoped to the session's path, so
// the customer's details never travel in a URL)

export const FLASH_COOKIE = "cb_checkout_form";
export const FLASH_MAX_AGE = 300;
const FLASH_MAX_BYTES = 3500;

export type Flash = { errors: FieldErrors; values: CheckoutFormValues };

export function encodeFlash(flash: Flash): string {
  let encoded = Buffer.from(JSON.stringify(flash)).toString("base64url");
  if (encoded.length > FLASH_MAX_BYTES) {
    // Long custom-field answers do not fit in a cookie: keep the errors and the short fields.
    const values = Object.fromEntries(Object.entries(flash.values).filter(([k, v]) => !k.startsWith("custom.") && v.length <= 200));
    encoded = Buffer.from(JSON.stringify({ errors: flash.errors, values })).toString("base64url");
  }
  return encoded;
}

const flashShape = z.object({ errors: z.record(z.string(), z.string()), values: z.record(z.string(), z.string()) });

export function decodeFlash(raw: string | undefined): Flash | undefined {
  if (!raw) return undefined;
  try {
    const parsed = flashShape.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** "in 45 minutes", "in 3 hours", "in 2 days": how long the customer has left. */
export function timeLeft(expiresAt: Date, now = new Date()): string {
  const minutes = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 60_000));
  if (minutes < 120) return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${hours} hours`;
  return `in ${Math.floor(hours / 24)} days`;
}
