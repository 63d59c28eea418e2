import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { count, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { checkoutSessions } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { revokeApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { resetEnvForTests } from "@/lib/env";
import { resetLimiterForTests } from "@/lib/http/rate-limit";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { businessId as businessIdRule, orderId as orderIdRule, percentage, productId as productIdRule, sessionId as sessionIdRule } from "@/lib/torque/validation";
import { POST } from "./route";

/**
 * POST /v1/checkout/generate-link: both request shapes of the seeds (000's id/name items with a
 * customer, 001's businessId + productId items + customerData), every validation rule of 002,
 * exact money, the answer of 001, auth, tenant isolation and Torque's bursty rate limit.
 */

type Tenant = { business: Business; key: string };

// Hundreds of requests go through one key here; the rate limit has its own block below.
const ROOMY_LIMIT = "100000";
let savedLimit: string | undefined;
function setLimit(perMinute: string | undefined) {
  if (perMinute === undefined) delete process.env.RATE_LIMIT_PER_MINUTE;
  else process.env.RATE_LIMIT_PER_MINUTE = perMinute;
  resetEnvForTests();
  resetLimiterForTests();
}

let shop: Tenant; // successes
let refusals: Tenant; // only refused requests: must never get a checkout session
let other: Tenant; // another tenant

beforeAll(async () => {
  savedLimit = process.env.RATE_LIMIT_PER_MINUTE;
  setLimit(ROOMY_LIMIT);
  [shop, refusals, other] = await Promise.all([newBusiness(), newBusiness(), newBusiness()]);
});

afterAll(() => setLimit(savedLimit));

const post = (body: unknown, key: string = shop.key, headers: Record<string, string> = {}) =>
  call(POST, { path: "/v1/checkout/generate-link", body, headers: { authorization: `Bearer ${key}`, ...headers } });

async function sessionsOf(businessId: string) {
  const db = await getDb();
  return db.select().from(checkoutSessions).where(eq(checkoutSessions.businessId, businessId));
}

async function sessionCount(businessId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: count() }).from(checkoutSessions).where(eq(checkoutSessions.businessId, businessId));
  return row!.n;
}

async function storedSession(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, id));
  return row!;
}

// ---------------------------------------------------------------------------------------------
// Request bodies

/** Seed 000's example body, verbatim. */
const seed000Body = () => ({
  cart: {
    items: [{ id: "product_123", name: "Product Name", price: 29.99, quantity: 2 }],
    total: 59.98,
  },
  customer: { email: "customer@example.com", name: "John Doe" },
  options: { expiresIn: 3600, redirectUrl: "https://yourdomain.com/thank-you" },
});

/** Seed 001's quick-start body (its businessId "business_123" is not the key's business). */
const seed001Body = (businessId = "business_123") => ({
  businessId,
  cart: {
    items: [
      { productId: "prod_1", quantity: 2, price: 29.99 },
      { productId: "prod_2", quantity: 1, price: 49.99 },
    ],
  },
  customerData: { email: "customer@example.com", firstName: "John", lastName: "Doe" },
});

/** Seed 002's "Basic Data Structure" example: every field of 001's shape. */
const seed002Body = (businessId: string) => ({
  businessId,
  cart: {
    items: [{ productId: "prod_1", quantity: 2, price: 29.99, variant: "large", metadata: { color: "blue", size: "L" } }],
    currency: "USD",
    discounts: [{ code: "SAVE20", amount: 20, type: "percentage" }],
  },
  customerData: {
    email: "customer@example.com",
    firstName: "John",
    lastName: "Doe",
    phone: "+1234567890",
    address: { street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US" },
  },
  options: { expiresIn: 3600, allowGuest: true, requireShipping: false, customFields: { company: "Acme Corp", notes: "Special instructions" } },
});

/** A valid 001-shape body using every optional field, the base of the validation tables. */
const fullBody = (businessId: string) => ({
  businessId,
  cart: {
    items: [
      { productId: "prod_1", quantity: 2, price: 29.99, variant: "large", metadata: { color: "blue", size: "L", sku: "BLUE-L-001" } },
      { productId: "prod_2", quantity: 1, price: 49.99 },
    ],
    currency: "USD",
    discounts: [{ code: "SAVE20", amount: 20, type: "percentage", description: "20% off your order" }],
    shipping: { method: "standard", cost: 5.99, estimatedDays: 3, description: "Standard shipping (3-5 business days)" },
    metadata: { source: "test" },
  },
  customerData: {
    email: "customer@example.com",
    firstName: "John",
    lastName: "Doe",
    phone: "+1234567890",
    address: { street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US", apartment: "Apt 4B" },
    preferences: { newsletter: true, marketing: false, language: "en", currency: "USD", timezone: "America/New_York" },
  },
  options: {
    expiresIn: 7200,
    allowGuest: true,
    requireShipping: false,
    customFields: { company: "string", notes: "string", referral: "string" },
    redirectUrl: "https://example.com/thank-you",
    webhookUrl: "https://example.com/webhooks/torque",
    theme: { primaryColor: "#3B82F6", secondaryColor: "#1F2937", logo: "https://example.com/logo.png", customCSS: ".checkout { color: #111827; }" },
  },
});

/** Marks a field to remove rather than set. */
const DROP = Symbol("missing");

/** A copy of `body` with the value at `path` ("cart.items[0].price") replaced or removed. */
function withValue<T>(body: T, path: string, value: unknown): T {
  const copy = structuredClone(body) as Record<string, any>;
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let target = copy;
  for (const k of keys.slice(0, -1)) target = target[k] ??= {};
  const last = keys.at(-1)!;
  if (value === DROP) delete target[last];
  else target[last] = value;
  return copy as T;
}

type Case = { label: string; path: string; value: unknown; field: string };
const show = (v: unknown) => (v === DROP ? "(missing)" : v === undefined ? "undefined" : JSON.stringify(v));
const cases = (path: string, values: unknown[], field = path): Case[] => values.map((value) => ({ label: `${path} = ${show(value)}`, path, value, field }));

type Res = Awaited<ReturnType<typeof post>>;

/** 400 in 001's shape naming `field`, and no checkout session created by the request. */
async function expectRefused(send: () => Promise<Res>, field: string, businessId = refusals.business.id) {
  const before = await sessionCount(businessId);
  const res = await send();
  expect(res.status, res.text).toBe(400);
  expect(res.body).toEqual({ success: false, error: expect.any(String), code: "CHECKOUT_001", details: { field, message: expect.any(String) } });
  expect(res.body.details.message, "our own words, not zod's defaults").not.toMatch(/^Invalid input|^Too (big|small)|^Unrecognized/);
  // the message names the field (malformed JSON says so in words)
  expect([`${field}: ${res.body.details.message}`, res.body.details.message]).toContain(res.body.error);
  expect(res.headers.get("x-ratelimit-limit")).toBe(ROOMY_LIMIT);
  expect(await sessionCount(businessId)).toBe(before);
}

afterAll(async () => {
  // The business that only ever sent refused requests has no checkout session at all.
  expect(await sessionCount(refusals.business.id)).toBe(0);
});

// ---------------------------------------------------------------------------------------------

describe("the seeds' request shapes", () => {
  it("000's example body (id/name items, cart.total, customer with a name)", async () => {
    const res = await post(seed000Body());
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      success: true,
      checkoutUrl: `http://cartback.test/checkout/${res.body.sessionId}`,
      sessionId: expect.any(String),
      expiresAt: expect.any(String),
      cartSummary: { itemCount: 2, productCount: 1, subtotal: 59.98, discount: 0, shipping: 0, total: 59.98, currency: "USD" },
      customerData: { email: "customer@example.com", firstName: "John", lastName: "Doe" },
    });
    const row = await storedSession(res.body.sessionId);
    expect(row.businessId).toBe(shop.business.id);
    expect(row.status).toBe("open");
    // 000's item id is free-form (its example "product_123" is no 002 ProductId): kept as the product id.
    expect(row.items).toEqual([{ productId: "product_123", name: "Product Name", quantity: 2, unitPriceMinor: "2999", variant: null, metadata: null }]);
    expect(row.totalMinor).toBe(5998n);
    expect(row.customer).toEqual({ email: "customer@example.com", firstName: "John", lastName: "Doe" });
    expect(row.options).toMatchObject({ redirectUrl: "https://yourdomain.com/thank-you", allowGuest: true, requireShipping: false });
  });

  it("001's quick-start body with the key's own businessId (001's example response figures)", async () => {
    const res = await post(seed001Body(shop.business.id));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      success: true,
      checkoutUrl: `http://cartback.test/checkout/${res.body.sessionId}`,
      sessionId: expect.any(String),
      expiresAt: expect.any(String),
      cartSummary: { itemCount: 3, productCount: 2, subtotal: 109.97, discount: 0, shipping: 0, total: 109.97, currency: "USD" },
      customerData: { email: "customer@example.com", firstName: "John", lastName: "Doe" },
    });
    const row = await storedSession(res.body.sessionId);
    expect(row.items.map((i) => [i.productId, i.quantity, i.unitPriceMinor])).toEqual([
      ["prod_1", 2, "2999"],
      ["prod_2", 1, "4999"],
    ]);
  });

  it("001's quick-start body as printed (businessId \"business_123\") is another business: 403", async () => {
    const res = await post(seed001Body(), refusals.key);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      success: false,
      error: expect.any(String),
      code: "FORBIDDEN",
      details: { field: "businessId", message: expect.any(String) },
    });
    expect(await sessionCount(refusals.business.id)).toBe(0);
  });

  it("001's SDK example (cart, customerData and an empty options object)", async () => {
    const res = await post({ ...seed001Body(shop.business.id), cart: { items: [{ productId: "prod_1", quantity: 2, price: 29.99 }] }, options: {} });
    expect(res.status, res.text).toBe(200);
    expect(res.body.cartSummary).toMatchObject({ itemCount: 2, productCount: 1, subtotal: 59.98, total: 59.98 });
  });

  it("002's complete example (variant, metadata, 20% discount, address, options)", async () => {
    const res = await post(seed002Body(shop.business.id));
    expect(res.status, res.text).toBe(200);
    // 20% of 59.98 = 11.996 → 12.00
    expect(res.body.cartSummary).toEqual({ itemCount: 2, productCount: 1, subtotal: 59.98, discount: 12, shipping: 0, total: 47.98, currency: "USD" });
    const row = await storedSession(res.body.sessionId);
    expect(row.items[0]).toEqual({ productId: "prod_1", name: null, quantity: 2, unitPriceMinor: "2999", variant: "large", metadata: { color: "blue", size: "L" } });
    expect(row.discounts).toEqual([{ code: "SAVE20", type: "percentage", amount: "20", description: null, appliedMinor: "1200" }]);
    expect(row.customer.address).toEqual({ street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US" });
    expect(row.options.customFields).toEqual({ company: "Acme Corp", notes: "Special instructions" });
  });

  it("the table base body (every optional field) is valid and stored whole", async () => {
    const res = await post(fullBody(shop.business.id));
    expect(res.status, res.text).toBe(200);
    // 109.97 − 20% (21.994 → 21.99) + 5.99
    expect(res.body.cartSummary).toEqual({ itemCount: 3, productCount: 2, subtotal: 109.97, discount: 21.99, shipping: 5.99, total: 93.97, currency: "USD" });
    const row = await storedSession(res.body.sessionId);
    expect(row.shipping).toEqual({ method: "standard", costMinor: "599", estimatedDays: 3, description: "Standard shipping (3-5 business days)" });
    expect(row.metadata).toEqual({ source: "test" });
    expect(row.customer).toMatchObject({ phone: "+1234567890", preferences: { newsletter: true, marketing: false, language: "en", currency: "USD", timezone: "America/New_York" } });
    expect(row.options).toEqual({
      allowGuest: true,
      requireShipping: false,
      customFields: { company: "string", notes: "string", referral: "string" },
      redirectUrl: "https://example.com/thank-you",
      webhookUrl: "https://example.com/webhooks/torque",
      theme: { primaryColor: "#3B82F6", secondaryColor: "#1F2937", logo: "https://example.com/logo.png", customCSS: ".checkout { color: #111827; }" },
    });
  });

  it.each([
    ["John Doe", "John", "Doe"],
    ["Cher", "Cher", null],
    ["  Mary  Ann van Dyke ", "Mary", "Ann van Dyke"],
    [undefined, null, null],
  ])("000's customer name %j becomes firstName %j, lastName %j", async (name, firstName, lastName) => {
    const body = withValue(seed000Body(), "customer.name", name === undefined ? DROP : name);
    const res = await post(body);
    expect(res.status, res.text).toBe(200);
    expect(res.body.customerData).toEqual({ email: "customer@example.com", firstName, lastName });
  });

  it("000's shape may carry the key's own businessId", async () => {
    const res = await post({ businessId: shop.business.id, ...seed000Body() });
    expect(res.status, res.text).toBe(200);
  });

  it("the email is stored and answered lowercased", async () => {
    const res = await post(withValue(seed001Body(shop.business.id), "customerData.email", "  John.Doe@Example.COM "));
    expect(res.status, res.text).toBe(200);
    expect(res.body.customerData.email).toBe("john.doe@example.com");
    expect((await storedSession(res.body.sessionId)).customer.email).toBe("john.doe@example.com");
  });
});

describe("the answer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sessionId follows 002's SessionId rule and checkoutUrl is our hosted page", async () => {
    const res = await post(seed001Body(shop.business.id));
    expect(sessionIdRule.safeParse(res.body.sessionId).success).toBe(true);
    expect(res.body.sessionId).toMatch(/^session_[a-z0-9]{28}$/);
    expect(res.body.checkoutUrl).toBe(`http://cartback.test/checkout/${res.body.sessionId}`);
    const again = await post(seed001Body(shop.business.id));
    expect(again.body.sessionId).not.toBe(res.body.sessionId);
  });

  it("expiresAt is now + 3600 s by default", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2025-06-01T12:00:00.000Z") });
    const res = await post(seed001Body(shop.business.id));
    expect(res.body.expiresAt).toBe("2025-06-01T13:00:00.000Z");
    const row = await storedSession(res.body.sessionId);
    expect(row.createdAt.toISOString()).toBe("2025-06-01T12:00:00.000Z");
    expect(row.expiresAt.toISOString()).toBe("2025-06-01T13:00:00.000Z");
  });

  it("expiresAt is now + options.expiresIn", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2025-06-01T12:00:00.000Z") });
    const res = await post({ ...seed001Body(shop.business.id), options: { expiresIn: 7200 } });
    expect(res.body.expiresAt).toBe("2025-06-01T14:00:00.000Z");
    const longest = await post({ ...seed001Body(shop.business.id), options: { expiresIn: 2_592_000 } });
    expect(longest.body.expiresAt).toBe("2025-07-01T12:00:00.000Z");
  });

  it("a created checkout is recorded as a domain event of the business", async () => {
    const res = await post(seed001Body(shop.business.id));
    const { events } = await import("@/db/schema");
    const db = await getDb();
    const rows = await db.select().from(events).where(eq(events.subjectId, res.body.sessionId));
    expect(rows.map((e) => [e.type, e.businessId])).toEqual([["checkout.created", shop.business.id]]);
  });
});

// ---------------------------------------------------------------------------------------------
// 002's validation rules. Every invalid case: 400 in 001's shape, CHECKOUT_001, the field path,
// and no checkout session.

describe("002's rules on 001's request shape", () => {
  const base = () => fullBody(refusals.business.id);

  const INVALID: Case[] = [
    // --- the body
    ...cases("cart", [DROP, "cart", [], null]),
    ...cases("customerData", ["x", null]),
    ...cases("options", ["x", null, []]),
    ...cases("unknownField", [1]), // strict objects name unknown keys

    // --- ProductId: prod_ + letters/digits, 6–24 characters
    ...cases("cart.items[0].productId", [
      "1", // seed: missing prefix
      "product", // seed: missing prefix
      "prod_", // seed: empty suffix
      "prod_very_long_product_id_exceeding_limit", // seed: too long
      // The seed lists "prod_product_name" as VALID, but its own rule says prod_ followed by
      // alphanumeric characters (and its sample regex agrees): the rule wins, it is invalid.
      "prod_product_name",
      "prod_" + "a".repeat(20), // 25 characters
      "prod-123",
      "PROD_123",
      "prod_12 3",
      "prod_café",
      123,
      null,
      DROP,
    ]),

    // --- Quantity: integer 1–999,999
    ...cases("cart.items[0].quantity", [0, -1, 1_000_000, 1.5, "2", null, DROP]),

    // --- Price: 0.01–999,999.99, at most 2 decimals in USD
    ...cases("cart.items[0].price", [0, -10, 1_000_000, 29.999, 999_999.991, 0.001, "0.001", "abc", "1e3", "", null, true, [29.99], DROP]),

    // --- CartItem's other fields
    ...cases("cart.items[0].variant", [5, { size: "L" }, "v".repeat(201)]),
    ...cases("cart.items[0].metadata", ["x", 5]),
    ...cases("cart.items[0].name", ["Name"]), // 001's items have no name: unknown field

    // --- Cart
    ...cases("cart.items", [[], "items", {}, DROP, Array.from({ length: 101 }, () => ({ productId: "prod_1", quantity: 1, price: 1 }))]),
    ...cases("cart.currency", ["XYZ", "US", "dollars", "", 840]),
    ...cases("cart.discounts", [{}, "SAVE20", Array.from({ length: 11 }, (_, i) => ({ code: `C${i}`, amount: 1, type: "percentage" }))]),
    ...cases("cart.metadata", ["x"]),
    ...cases("cart.total", [109.97]), // 001's cart has no total (the 000 shape has)

    // --- Discount: code non-empty, amount positive (≤ 100 and ≤ 2 decimals for a percentage)
    ...cases("cart.discounts[0].code", ["", "   ", 20, DROP]),
    ...cases("cart.discounts[0].type", ["percent", "PERCENTAGE", "", DROP]),
    ...cases("cart.discounts[0].amount", [
      -5, // seed's Percentage: negative
      150, // seed's Percentage: exceeds 100%
      20.555, // seed's Percentage: too many decimals
      100.01,
      // The seed's Percentage examples call 0 valid, but 002's Discount rule says the amount must
      // be a positive number: a discount of 0 is refused.
      0,
      "20",
      null,
      DROP,
    ]),
    ...cases("cart.discounts[0].description", [5, "d".repeat(501)]),
    ...cases("cart.discounts[0].extra", [true]),

    // --- ShippingInfo: method required, cost exact and not negative
    ...cases("cart.shipping", ["standard", 5.99]),
    ...cases("cart.shipping.method", ["", DROP, 1]),
    ...cases("cart.shipping.cost", [-1, 5.999, "abc", null, DROP, 1e20, 1_000_000]),
    ...cases("cart.shipping.estimatedDays", [1.5, -1, "3", 366]),

    // --- CustomerData: email, non-empty names
    ...cases("customerData.email", ["plainaddress", "customer@", "@example.com", "customer@example", "a @example.com", "customer@@example.com", "customer@example .com", "a".repeat(243) + "@example.com", "", 5, null, DROP]),
    ...cases("customerData.firstName", ["", "   ", 5, null, DROP]),
    ...cases("customerData.lastName", ["", "   ", DROP]),
    ...cases("customerData.phone", ["123", "12345", "phone", "+1-800-FLOWERS", "+1234567890123456", "1234567890123456789012345", "", "++1234567890", 1234567890]),
    ...cases("customerData.preferences", ["yes"]),
    ...cases("customerData.preferences.currency", ["XYZ"]),
    ...cases("customerData.middleName", ["Q"]),

    // --- Address: required non-empty strings, ISO 3166-1 alpha-2 country
    ...cases("customerData.address", ["123 Main St", null]),
    ...cases("customerData.address.street", ["", DROP, 5]),
    ...cases("customerData.address.city", ["", DROP]),
    ...cases("customerData.address.state", ["  ", DROP]),
    ...cases("customerData.address.postalCode", ["", DROP, "1".repeat(21)]),
    ...cases("customerData.address.country", ["USA", "UK", "XX", "EU", "U", "", "United States", 1, null, DROP]),
    ...cases("customerData.address.apartment", [4]),

    // --- Boolean (strict): "true", 1, "yes", null are refused
    ...["options.allowGuest", "options.requireShipping", "customerData.preferences.newsletter", "customerData.preferences.marketing"].flatMap((path) =>
      cases(path, ["true", 1, "yes", null, 0, "false"]),
    ),

    // --- CheckoutOptions
    ...cases("options.expiresIn", [0, -1, 1.5, "3600", 2_592_001, null]),
    ...cases("options.customFields", ["company", ["company"]]),
    ...cases("options.customFields." + "k".repeat(65), ["too long a name"]),
    ...["options.redirectUrl", "options.webhookUrl", "options.theme.logo"].flatMap((path) =>
      cases(path, ["not a url", "yourdomain.com/thank-you", "//yourdomain.com/thank-you", "ftp://example.com/file", "javascript:alert(1)", "https://", "https://example.com/" + "a".repeat(2030), "", 5]),
    ),
    ...cases("options.colour", ["blue"]),

    // --- CheckoutTheme: hex colours, valid CSS
    ...["options.theme.primaryColor", "options.theme.secondaryColor"].flatMap((path) =>
      cases(path, ["3B82F6", "#GGGGGG", "#12345", "#1234567", "#abcd", "#3B82F6FF", "blue", "rgb(59,130,246)", "", 123]),
    ),
    ...cases("options.theme.customCSS", [
      "body { color: red;", // unbalanced
      "} body {",
      "@import 'https://evil.example/x.css';",
      "body { background: url(https://evil.example/x.png) }",
      "body { background: URL ( x.png ) }",
      "body { background: image-set('https://evil.example/x.png' 1x) }",
      "body { background: -webkit-image-set('https://evil.example/x.png' 1x) }",
      "</style><script>alert(1)</script>",
      "a { width: expression(alert(1)) }",
      "a { background: javascript:alert(1) }",
      "a { content: '\\41' }",
      "a{}".repeat(3334),
      5,
    ]),
    ...cases("options.theme", ["dark"]),
    ...cases("options.theme.font", ["Inter"]),
  ];

  it.each(INVALID)("refuses $label", async ({ path, value, field }) => {
    await expectRefused(() => post(withValue(base(), path, value), refusals.key), field);
  });

  const VALID: Case[] = [
    // The seed's valid ProductIds. "prod_1" is valid: 6 characters meet the stated 6–24 length
    // rule, though the seed's sample regex (prod_ + 2–18 characters) would refuse it.
    ...cases("cart.items[0].productId", ["prod_1", "prod_abc123", "prod_456def", "prod_" + "a".repeat(19), "prod_ABC123"]),
    ...cases("cart.items[0].quantity", [1, 10, 999_999]),
    // The seed's valid prices, and decimal strings (converted exactly)
    ...cases("cart.items[0].price", [0.01, 29.99, 999_999.99, 100, "29.99", "29.990", " 0.01 "]),
    ...cases("cart.items[0].variant", ["large", DROP]),
    ...cases("cart.items[0].metadata", [{}, { tags: ["a", "b"] }, DROP]),
    ...cases("cart.items", [Array.from({ length: 100 }, () => ({ productId: "prod_1", quantity: 1, price: 1 }))]),
    ...cases("cart.currency", ["usd", "EUR", DROP]),
    ...cases("cart.discounts", [[], DROP]),
    // The seed's valid Percentages, as percentage discounts (0 is refused: see above)
    ...cases("cart.discounts[0].amount", [20.5, 100, 0.01, 33.33, 20.5]),
    ...cases("cart.shipping", [DROP]),
    ...cases("cart.shipping.cost", [0, "5.99", 999_999.99]),
    ...cases("cart.shipping.estimatedDays", [0, DROP]),
    ...cases("customerData.email", ["customer@example.com", "first.last+tag@sub.example.co.uk", "a@b.c", "JOHN@EXAMPLE.COM"]),
    ...cases("customerData.phone", ["+1234567890", "+44 20 7946 0958", "555-123-4567", "(555) 123-4567", "+1 (555) 123.4567", "1234567", "+123456789012345", DROP]),
    ...cases("customerData.address.country", ["US", "GB", "JP", "DE", "us"]),
    ...cases("customerData.address.apartment", [DROP]),
    ...cases("customerData.address", [DROP]),
    ...cases("customerData.preferences", [DROP, {}]),
    ...["options.allowGuest", "options.requireShipping", "customerData.preferences.newsletter", "customerData.preferences.marketing"].flatMap((path) =>
      cases(path, [true, false, DROP]),
    ),
    ...cases("options.expiresIn", [1, 3600, 7200, 2_592_000, DROP]),
    ...["options.redirectUrl", "options.webhookUrl", "options.theme.logo"].flatMap((path) =>
      cases(path, ["https://yourdomain.com/thank-you", "http://localhost:3000/done?order=1#top", DROP]),
    ),
    ...["options.theme.primaryColor", "options.theme.secondaryColor"].flatMap((path) => cases(path, ["#3B82F6", "#1F2937", "#fff", "#ABC", "#a1b2c3", DROP])),
    ...cases("options.theme.customCSS", [
      "",
      "button{background:#3B82F6;border-radius:4px}",
      "@media (max-width: 600px) { .checkout { padding: 8px } }",
      ".a::after { content: 'done'; } .b:hover { color: #1F2937 }",
      DROP,
    ]),
    ...cases("options.theme", [DROP, {}]),
    ...cases("options", [DROP, {}]),
  ];

  it.each(VALID)("accepts $label", async ({ path, value }) => {
    const res = await post(withValue(fullBody(shop.business.id), path, value));
    expect(res.status, res.text).toBe(200);
    expect(res.body.success).toBe(true);
  });
});

describe("BusinessId: business_ + letters/digits, 8–32 characters, and the key's own business", () => {
  it("the key's own business id is valid and accepted", async () => {
    expect(businessIdRule.safeParse(shop.business.id).success).toBe(true);
    expect((await post(seed001Body(shop.business.id))).status).toBe(200);
  });

  // Well-formed ids of another business: valid by 002, refused by tenant isolation.
  it.each(["business_123", "business_abc123", "business_123abc", "business_" + "a".repeat(23)])("%s is well formed but not the key's business: 403", async (id) => {
    const res = await post(seed001Body(id), refusals.key);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, code: "FORBIDDEN", details: { field: "businessId" } });
    expect(await sessionCount(refusals.business.id)).toBe(0);
  });

  it.each([
    "123", // seed: missing prefix
    "business", // seed: missing suffix
    "business_", // seed: empty suffix
    "business_very_long_id_that_exceeds_maximum_length", // seed: too long
    // The seed lists "business_mybusiness_2024" as VALID, but its rule says business_ followed by
    // alphanumeric characters (and its sample regex agrees): the rule wins, it is invalid.
    "business_mybusiness_2024",
    "business_" + "a".repeat(24), // 33 characters
    "Business_123",
    "",
    42,
    null,
    DROP,
  ])("%s is refused with 400", async (id) => {
    await expectRefused(() => post(withValue(seed001Body(), "businessId", id), refusals.key), "businessId");
  });
});

describe("002's rules with no field in this request", () => {
  it("OrderId: order_ + letters/digits, 8–32 characters", () => {
    for (const id of ["order_123", "order_abc123", "order_789ghi", "order_12", "order_" + "a".repeat(26)]) expect(orderIdRule.safeParse(id).success, id).toBe(true);
    // "order_2024_001" is one of the seed's VALID examples, but underscores break its rule.
    for (const id of ["123", "order", "order_", "order_1", "order_very_long_order_id_exceeding_maximum_length", "order_2024_001", "order_" + "a".repeat(27)]) {
      expect(orderIdRule.safeParse(id).success, id).toBe(false);
    }
  });

  it("SessionId: session_ + letters/digits, 10–36 characters", () => {
    for (const id of ["session_123", "session_abc123", "session_jkl012", "session_" + "a".repeat(28)]) expect(sessionIdRule.safeParse(id).success, id).toBe(true);
    // "session_checkout_2024_001" is one of the seed's VALID examples, but underscores break its rule.
    for (const id of ["123", "session", "session_", "session_1", "session_very_long_session_id_exceeding_maximum_length", "session_checkout_2024_001", "session_" + "a".repeat(29)]) {
      expect(sessionIdRule.safeParse(id).success, id).toBe(false);
    }
  });

  it("ProductId agrees with the route's table", () => {
    expect(productIdRule.safeParse("prod_1").success).toBe(true);
    expect(productIdRule.safeParse("prod_product_name").success).toBe(false);
  });

  it("Percentage: 0–100 with at most 2 decimals (0 is a valid Percentage; a Discount must be positive)", () => {
    for (const v of [0, 20.5, 100, 0.01, 99.99]) expect(percentage.safeParse(v).success, String(v)).toBe(true);
    for (const v of [-5, 150, 20.555, 100.01, "20", null]) expect(percentage.safeParse(v).success, String(v)).toBe(false);
  });
});

describe("000's request shape", () => {
  const base = () => seed000Body();

  const INVALID: Case[] = [
    ...cases("cart.items[0].id", ["", "  ", 123, DROP, "x".repeat(101)]),
    ...cases("cart.items[0].name", ["", DROP, 5]),
    ...cases("cart.items[0].price", [0, -10, 1_000_000, 29.999, "abc", DROP]),
    ...cases("cart.items[0].quantity", [0, 1.5, 1_000_000, "2", DROP]),
    ...cases("cart.items[0].productId", ["prod_1"]), // 001's field name in 000's shape: unknown
    ...cases("cart.items", [[], DROP]),
    ...cases("cart.total", [
      59.97, // Σ price × quantity is 59.98
      59.99,
      "59.97",
      59.985, // more decimals than USD has
      "abc",
      null,
      0,
    ]),
    ...cases("cart.discounts", [[{ code: "SAVE20", amount: 20, type: "percentage" }]]), // only 001's shape has discounts
    ...cases("customer", [DROP, "customer@example.com", null]),
    ...cases("customer.email", ["plainaddress", "", DROP]),
    ...cases("customer.name", ["", "   ", 5]),
    ...cases("customer.firstName", ["John"]),
    ...cases("options.expiresIn", [0, "3600"]),
    ...cases("options.redirectUrl", ["yourdomain.com/thank-you", "javascript:alert(1)"]),
    ...cases("options.allowGuest", ["true"]),
    ...cases("businessId", ["business_mybusiness_2024", "123"]),
  ];

  it.each(INVALID)("refuses $label", async ({ path, value, field }) => {
    await expectRefused(() => post(withValue(base(), path, value), refusals.key), field);
  });

  it.each(cases("cart.total", [59.98, "59.98", "59.980", 59.98, DROP]))("accepts $label", async ({ path, value }) => {
    const res = await post(withValue(base(), path, value));
    expect(res.status, res.text).toBe(200);
    expect(res.body.cartSummary.total).toBe(59.98);
  });

  it("checks cart.total in the cart's currency", async () => {
    const body = { ...seed000Body(), cart: { items: [{ id: "sku-1", name: "Tea", price: 1500, quantity: 3 }], total: 4500, currency: "JPY" } };
    const res = await post(body);
    expect(res.status, res.text).toBe(200);
    expect(res.body.cartSummary).toMatchObject({ subtotal: 4500, total: 4500, currency: "JPY" });
    await expectRefused(() => post(withValue(body, "cart.total", 4500.5), refusals.key), "cart.total");
  });
});

describe("malformed requests", () => {
  const raw = (rawBody: string, contentType = "application/json") =>
    call(POST, { path: "/v1/checkout/generate-link", rawBody, headers: { authorization: `Bearer ${refusals.key}`, "content-type": contentType } });

  it("invalid JSON is a 400 CHECKOUT_001 naming the body", async () => {
    await expectRefused(() => raw("{ not json"), "body");
  });

  it.each(["[]", "null", '"text"', "42"])("a JSON %s instead of an object is a 400 naming the body", async (text) => {
    await expectRefused(() => raw(text), "body");
  });

  it("a missing object is named with our message", async () => {
    const body = withValue(seed000Body(), "customer", DROP);
    await expectRefused(() => post(body, refusals.key), "customer");
    expect((await post(body, refusals.key)).body.details.message).toBe("must be an object");
  });

  it("001's shape without customerData is refused", async () => {
    // The route picks 000's shape when customerData is absent, so the error names 000's fields
    // (cart.items[0].id) rather than customerData; still a 400 and nothing is created.
    const body = withValue(seed001Body(refusals.business.id), "customerData", DROP);
    const before = await sessionCount(refusals.business.id);
    const res = await post(body, refusals.key);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: "CHECKOUT_001", details: { field: expect.any(String) } });
    expect(await sessionCount(refusals.business.id)).toBe(before);
  });

  it("a body that is not JSON is a 415 in 001's shape", async () => {
    const res = await raw("cart=1", "application/x-www-form-urlencoded");
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ success: false, code: "UNSUPPORTED_MEDIA_TYPE" });
    expect(await sessionCount(refusals.business.id)).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe("money is exact", () => {
  type Line = { price: number | string; quantity: number };
  const priced = (lines: Line[], cart: Record<string, unknown> = {}) =>
    post({ ...seed001Body(shop.business.id), cart: { items: lines.map((l, i) => ({ productId: `prod_${i + 1}`, ...l })), ...cart } });

  it("USD: 2 decimals, no float drift", async () => {
    const res = await priced([
      { price: 0.1, quantity: 3 }, // 0.1 × 3 in floats is 0.30000000000000004
      { price: 0.2, quantity: 1 },
      { price: "19.99", quantity: 3 },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.body.cartSummary).toEqual({ itemCount: 7, productCount: 3, subtotal: 60.47, discount: 0, shipping: 0, total: 60.47, currency: "USD" });
    const row = await storedSession(res.body.sessionId);
    expect([row.subtotalMinor, row.totalMinor]).toEqual([6047n, 6047n]);
  });

  it("JPY: no decimals", async () => {
    const res = await priced([{ price: 1500, quantity: 3 }, { price: "980", quantity: 1 }], { currency: "JPY" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.cartSummary).toMatchObject({ subtotal: 5480, total: 5480, currency: "JPY" });
    expect((await storedSession(res.body.sessionId)).subtotalMinor).toBe(5480n);
    expect((await priced([{ price: 999_999, quantity: 1 }], { currency: "JPY" })).status).toBe(200);
  });

  it.each([
    [1500.5, "JPY"],
    [0.5, "JPY"],
    [1_000_000, "JPY"],
    [1.2345, "KWD"],
    [1_000_000, "KWD"],
    [0.0001, "KWD"],
  ])("price %j %s is refused", async (price, currency) => {
    const body = { ...seed001Body(refusals.business.id), cart: { items: [{ productId: "prod_1", quantity: 1, price }], currency } };
    await expectRefused(() => post(body, refusals.key), "cart.items[0].price");
  });

  it("KWD: 3 decimals", async () => {
    const res = await priced([{ price: 1.234, quantity: 3 }, { price: "0.001", quantity: 1 }], { currency: "KWD" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.cartSummary).toMatchObject({ subtotal: 3.703, total: 3.703, currency: "KWD" });
    expect((await storedSession(res.body.sessionId)).subtotalMinor).toBe(3703n);
    expect((await priced([{ price: 999_999.999, quantity: 1 }], { currency: "KWD" })).body.cartSummary.subtotal).toBe(999_999.999);
  });

  it.each([
    // [lines, discounts, expected discount, expected total, currency]
    ["15% of 0.10 = 0.015 rounds half up to 0.02", [{ price: 0.1, quantity: 1 }], [{ code: "P", amount: 15, type: "percentage" }], 0.02, 0.08, "USD"],
    ["33.33% of 10.00 = 3.333 → 3.33", [{ price: 10, quantity: 1 }], [{ code: "P", amount: 33.33, type: "percentage" }], 3.33, 6.67, "USD"],
    ["50% of 0.03 = 0.015 → 0.02", [{ price: 0.03, quantity: 1 }], [{ code: "P", amount: 50, type: "percentage" }], 0.02, 0.01, "USD"],
    ["20.5% of 59.98 = 12.2959 → 12.30", [{ price: 29.99, quantity: 2 }], [{ code: "P", amount: 20.5, type: "percentage" }], 12.3, 47.68, "USD"],
    ["100% of the subtotal", [{ price: 29.99, quantity: 2 }], [{ code: "P", amount: 100, type: "percentage" }], 59.98, 0, "USD"],
    ["50% of ¥3 = 1.5 → ¥2", [{ price: 3, quantity: 1 }], [{ code: "P", amount: 50, type: "percentage" }], 2, 1, "JPY"],
    ["12.5% of 1.001 KWD = 0.125125 → 0.125", [{ price: 1.001, quantity: 1 }], [{ code: "P", amount: 12.5, type: "percentage" }], 0.125, 0.876, "KWD"],
    ["0.01% of 49.99 = 0.004999 → 0.00", [{ price: 49.99, quantity: 1 }], [{ code: "P", amount: 0.01, type: "percentage" }], 0, 49.99, "USD"],
    ["fixed 5.00 off 59.98", [{ price: 29.99, quantity: 2 }], [{ code: "F", amount: 5, type: "fixed" }], 5, 54.98, "USD"],
    ["fixed ¥500", [{ price: 1500, quantity: 1 }], [{ code: "F", amount: 500, type: "fixed" }], 500, 1000, "JPY"],
    ["percentages are each taken from the subtotal: 10% + 10% of 100.00", [{ price: 100, quantity: 1 }], [{ code: "A", amount: 10, type: "percentage" }, { code: "B", amount: 10, type: "percentage" }], 20, 80, "USD"],
    ["a fixed discount larger than the subtotal is capped", [{ price: 3, quantity: 1 }], [{ code: "F", amount: 10, type: "fixed" }], 3, 0, "USD"],
    ["60% + 120% are capped at the subtotal", [{ price: 10, quantity: 1 }], [{ code: "A", amount: 60, type: "percentage" }, { code: "B", amount: 100, type: "percentage" }], 10, 0, "USD"],
  ] as const)("%s", async (_, lines, discounts, discount, total, currency) => {
    const res = await priced([...lines], { currency, discounts });
    expect(res.status, res.text).toBe(200);
    expect(res.body.cartSummary).toMatchObject({ discount, total, currency });
  });

  it("several discounts together never exceed the subtotal; the applied amounts add up", async () => {
    const res = await priced([{ price: 10, quantity: 1 }], {
      discounts: [
        { code: "SIXTY", amount: 60, type: "percentage" }, // 6.00
        { code: "FIVE", amount: 5, type: "fixed" }, // wants 5.00, gets the remaining 4.00
        { code: "ONE", amount: 1, type: "fixed" }, // nothing left
      ],
      shipping: { method: "standard", cost: 5.99 },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.cartSummary).toEqual({ itemCount: 1, productCount: 1, subtotal: 10, discount: 10, shipping: 5.99, total: 5.99, currency: "USD" });
    const row = await storedSession(res.body.sessionId);
    expect(row.discounts.map((d) => [d.code, d.appliedMinor])).toEqual([
      ["SIXTY", "600"],
      ["FIVE", "400"],
      ["ONE", "0"],
    ]);
    expect(row.discountMinor).toBe(1000n);
  });

  it("shipping is added after discounts (and is not discounted)", async () => {
    const res = await priced([{ price: 100, quantity: 1 }], { discounts: [{ code: "TEN", amount: 10, type: "percentage" }], shipping: { method: "express", cost: 5.99 } });
    expect(res.body.cartSummary).toEqual({ itemCount: 1, productCount: 1, subtotal: 100, discount: 10, shipping: 5.99, total: 95.99, currency: "USD" });
    const row = await storedSession(res.body.sessionId);
    expect([row.subtotalMinor, row.discountMinor, row.shippingMinor, row.totalMinor]).toEqual([10000n, 1000n, 599n, 9599n]);
  });

  it("shipping is exact in the cart's currency", async () => {
    const jpy = await priced([{ price: 1500, quantity: 1 }], { currency: "JPY", shipping: { method: "standard", cost: 500 } });
    expect(jpy.body.cartSummary).toMatchObject({ shipping: 500, total: 2000 });
    const body = { ...seed001Body(refusals.business.id), cart: { items: [{ productId: "prod_1", quantity: 1, price: 1500 }], currency: "JPY", shipping: { method: "standard", cost: 500.5 } } };
    await expectRefused(() => post(body, refusals.key), "cart.shipping.cost");
  });

  it("a fixed discount with more decimals than the currency has is refused", async () => {
    const body = { ...seed001Body(refusals.business.id), cart: { items: [{ productId: "prod_1", quantity: 1, price: 1500 }], currency: "JPY", discounts: [{ code: "F", amount: 0.5, type: "fixed" }] } };
    await expectRefused(() => post(body, refusals.key), "cart.discounts[0].amount");
  });

  it("the largest carts still answer exact JSON numbers, and beyond that are refused", async () => {
    // 99 lines of 999,999.99 × 99,999 = 9,899,900,901,000.99: 15 significant digits, exact as a JSON number
    const big = Array.from({ length: 99 }, () => ({ price: 999_999.99, quantity: 99_999 }));
    const ok = await priced(big);
    expect(ok.status, ok.text).toBe(200);
    expect((await storedSession(ok.body.sessionId)).subtotalMinor).toBe(989_990_090_100_099n);
    expect(ok.text).toContain('"subtotal":9899900901000.99');
    // 100 × 999,999.99 × 999,999 needs 16 significant digits, which a JSON number cannot carry exactly.
    const tooBig = Array.from({ length: 100 }, () => ({ productId: "prod_1", price: 999_999.99, quantity: 999_999 }));
    await expectRefused(() => post({ ...seed001Body(refusals.business.id), cart: { items: tooBig } }, refusals.key), "cart.items");
    // 10 × 999,999.99 × 999,999 + 999,999.99 × 10 = 9,999,999,900,000.00: fine alone, too much with shipping
    const edge = [...Array.from({ length: 10 }, () => ({ productId: "prod_1", price: 999_999.99, quantity: 999_999 })), { productId: "prod_2", price: 999_999.99, quantity: 10 }];
    const alone = await post({ ...seed001Body(shop.business.id), cart: { items: edge } });
    expect(alone.status, alone.text).toBe(200);
    expect(alone.body.cartSummary.total).toBe(9_999_999_900_000);
    const shipped = { ...seed001Body(refusals.business.id), cart: { items: edge, shipping: { method: "freight", cost: 999_999.99 } } };
    await expectRefused(() => post(shipped, refusals.key), "cart.shipping.cost");
  });
});

// ---------------------------------------------------------------------------------------------

describe("authentication", () => {
  it.each([
    ["no key", {}],
    ["an unknown key", { authorization: "Bearer cbk_not_a_real_key" }],
    ["an empty bearer", { authorization: "Bearer " }],
    ["another scheme", { authorization: "Basic dXNlcjpwYXNz" }],
  ])("%s: 401 in 001's shape", async (_, headers) => {
    const res = await call(POST, { path: "/v1/checkout/generate-link", body: seed001Body(refusals.business.id), headers });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: expect.any(String), code: "UNAUTHORIZED" });
    expect(await sessionCount(refusals.business.id)).toBe(0);
  });

  it("Authorization: Bearer <key> works (and x-api-key too)", async () => {
    expect((await post(seed001Body(shop.business.id))).status).toBe(200);
    const viaHeader = await call(POST, { path: "/v1/checkout/generate-link", body: seed001Body(shop.business.id), key: shop.key });
    expect(viaHeader.status).toBe(200);
  });

  it("a revoked key stops at once", async () => {
    const tenant = await newBusiness();
    expect((await post(seed001Body(tenant.business.id), tenant.key)).status).toBe(200);
    const [apiKey] = await listApiKeys(tenant.business.id);
    await revokeApiKey(tenant.business.id, apiKey!.id);
    const res = await post(seed001Body(tenant.business.id), tenant.key);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHORIZED");
    expect(await sessionCount(tenant.business.id)).toBe(1);
  });
});

describe("tenant isolation", () => {
  it("another business's id in the body is a 403 naming businessId, and creates nothing anywhere", async () => {
    const before = await sessionCount(other.business.id);
    const res = await post(seed001Body(other.business.id), refusals.key);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ success: false, error: expect.any(String), code: "FORBIDDEN", details: { field: "businessId", message: expect.any(String) } });
    expect(await sessionCount(refusals.business.id)).toBe(0);
    expect(await sessionCount(other.business.id)).toBe(before);
  });

  it("also in 000's shape", async () => {
    const res = await post({ businessId: other.business.id, ...seed000Body() }, refusals.key);
    expect(res.status).toBe(403);
    expect(res.body.details.field).toBe("businessId");
  });

  it("a session belongs to the key's business only", async () => {
    const res = await post(seed000Body(), other.key);
    expect(res.status).toBe(200);
    const row = await storedSession(res.body.sessionId);
    expect(row.businessId).toBe(other.business.id);
    expect((await sessionsOf(shop.business.id)).some((s) => s.id === res.body.sessionId)).toBe(false);
  });
});

describe("rate limit: 100/min with bursts", () => {
  afterEach(() => setLimit(ROOMY_LIMIT));

  it("allows a burst beyond the per-minute rate, shows X-RateLimit-Burst-Remaining, then 429 with Retry-After in 001's shape", async () => {
    setLimit("3");
    const tenant = await newBusiness();
    const seen: { status: number; limit: string | null; remaining: string | null; burst: string | null }[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await post(seed001Body(tenant.business.id), tenant.key);
      seen.push({ status: res.status, limit: res.headers.get("x-ratelimit-limit"), remaining: res.headers.get("x-ratelimit-remaining"), burst: res.headers.get("x-ratelimit-burst-remaining") });
      expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    }
    expect(seen).toEqual([
      { status: 200, limit: "3", remaining: "2", burst: null },
      { status: 200, limit: "3", remaining: "1", burst: null },
      { status: 200, limit: "3", remaining: "0", burst: null },
      // bursting: up to twice the rate in a minute
      { status: 200, limit: "3", remaining: "0", burst: "2" },
      { status: 200, limit: "3", remaining: "0", burst: "1" },
      { status: 200, limit: "3", remaining: "0", burst: "0" },
    ]);
    const limited = await post(seed001Body(tenant.business.id), tenant.key);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ success: false, error: expect.any(String), code: "RATE_LIMITED" });
    const retry = Number(limited.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(limited.headers.get("x-ratelimit-limit")).toBe("3");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("x-ratelimit-burst-remaining")).toBe("0");
    expect(await sessionCount(tenant.business.id)).toBe(6);
    // the budget is per key: another business is unaffected
    const another = await newBusiness();
    expect((await post(seed001Body(another.business.id), another.key)).status).toBe(200);
  });

  it("refused requests count too, and keep their headers", async () => {
    setLimit("2");
    const tenant = await newBusiness();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(seed001Body("business_123"), tenant.key)).status);
    expect(statuses).toEqual([403, 403, 403, 403, 429]);
  });
});
