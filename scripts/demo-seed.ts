/**
 * Fills an empty database with a demo business and ~300 carts from the last 90 days, made through
 * the real services (so totals, events and timelines are what the API would have produced):
 * `tsx scripts/demo-seed.ts`, run by `npm run demo` before the app starts.
 * Does nothing when the database already has a business.
 */
import { pathToFileURL } from "node:url";
import { asc, count, eq } from "drizzle-orm";
import { closeDb, getDb, type Db } from "@/db/client";
import { businesses, carts, CART_STATUSES, type CartStatus, type Role } from "@/db/schema";
import type { ApiKey, Business } from "@/lib/auth/api-keys";
import { createBusiness } from "@/lib/businesses/service";
import { createCartInput } from "@/lib/carts/schema";
import { createCart, updateCart } from "@/lib/carts/service";
import { env } from "@/lib/env";
import { generateLink } from "@/lib/links/service";
import { randomChars } from "@/lib/ids";
import { toDecimalString } from "@/lib/money";
import { recordPayment } from "@/lib/payments/service";
import { viewCheckout } from "@/lib/checkout/page";
import { createCheckoutSession } from "@/lib/checkout/service";
import { completeOrder, placeOrder, recordOrderPayment } from "@/lib/orders/service";
import { seededRandom } from "@/lib/seeded-random";
import { addMember, createStaffUser } from "@/lib/team/service";
import { operate } from "@/lib/twig/operations";
import { parseTwigInit } from "@/lib/twig/schema";
import { authorize, initTwigOrder } from "@/lib/twig/service";

const CART_COUNT = 300;
const SEED = 20240601;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Stay inside the dashboard's "90d" period, which starts at midnight UTC 89 days ago.
const MAX_AGE = 89 * DAY;

export type StaffLogin = { email: string; password: string; role: Role };
export type SeedResult = { business: Business; key: string; counts: Record<CartStatus, number>; staff: StaffLogin[] };

type Random = ReturnType<typeof seededRandom>;

const between = (rand: Random, min: number, max: number) => min + rand() * (max - min);
const intBetween = (rand: Random, min: number, max: number) => Math.floor(between(rand, min, max + 1));
const pick = <T>(rand: Random, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

/** Picks a key of `weights` with probability proportional to its weight. */
function weighted<K extends string>(rand: Random, weights: Record<K, number>): K {
  const entries = Object.entries(weights) as [K, number][];
  let r = rand() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [key, weight] of entries) {
    r -= weight;
    if (r < 0) return key;
  }
  return entries[entries.length - 1]![0];
}

// slug, name, USD price in cents, whether it has a product photo.
const PRODUCTS: readonly [string, string, number, boolean][] = [
  ["merino-crew-sweater", "Merino Crew Sweater", 8900, true],
  ["organic-cotton-tee", "Organic Cotton T-Shirt", 2400, true],
  ["selvedge-denim-jeans", "Selvedge Denim Jeans", 12800, true],
  ["linen-button-shirt", "Linen Button-Down Shirt", 6500, true],
  ["canvas-weekender-bag", "Canvas Weekender Bag", 14900, true],
  ["leather-card-wallet", "Leather Card Wallet", 3900, false],
  ["wool-beanie", "Ribbed Wool Beanie", 2800, false],
  ["trail-running-shoes", "Trail Running Shoes", 13500, true],
  ["everyday-sneakers", "Everyday Canvas Sneakers", 7200, true],
  ["bamboo-socks-3pack", "Bamboo Socks (3-pack)", 1800, false],
  ["ceramic-pour-over", "Ceramic Pour-Over Dripper", 3400, true],
  ["single-origin-beans", "Single-Origin Coffee Beans 500g", 2200, true],
  ["stoneware-mug-set", "Stoneware Mug Set of 4", 4800, true],
  ["cast-iron-skillet", "Cast Iron Skillet 26cm", 5900, true],
  ["chef-knife-8in", "Chef's Knife 8\"", 11900, true],
  ["soy-candle-cedar", "Cedar & Sage Soy Candle", 3200, false],
  ["linen-throw-blanket", "Linen Throw Blanket", 9800, true],
  ["wireless-earbuds", "Wireless Earbuds", 12900, true],
  ["usb-c-charger-65w", "65W USB-C Charger", 4900, false],
  ["mechanical-keyboard", "Mechanical Keyboard", 15900, true],
  ["laptop-sleeve-14", "Felt Laptop Sleeve 14\"", 3900, false],
  ["yoga-mat-pro", "Non-Slip Yoga Mat", 6800, true],
  ["insulated-bottle", "Insulated Water Bottle 750ml", 3500, true],
  ["face-serum-vitc", "Vitamin C Face Serum", 4200, false],
  ["hardcover-notebook", "Dotted Hardcover Notebook", 1900, false],
  ["fountain-pen", "Steel Nib Fountain Pen", 5400, true],
];

const FIRST_NAMES = [
  "Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Sofia", "Mateo", "Mia", "Ethan", "Amara", "Yuki",
  "Hannah", "Omar", "Chloe", "Arjun", "Lena", "Diego", "Fatima", "Jonas", "Priya", "Leo", "Grace", "Hiro",
];
const LAST_NAMES = [
  "Smith", "Garcia", "Müller", "Rossi", "Dubois", "Tanaka", "Khan", "Nguyen", "Silva", "Johnson", "Kowalski",
  "Andersen", "Okafor", "Haddad", "Brown", "Novak", "Patel", "Fischer", "Moreau", "Sato",
];
const EMAIL_DOMAINS = ["example.com", "example.org", "example.net"];

type Customer = { name: string; email: string };

/** ~140 distinct people, so many customers come back with a second or third cart. */
function makeCustomers(rand: Random): Customer[] {
  const byEmail = new Map<string, Customer>();
  while (byEmail.size < 140) {
    const first = pick(rand, FIRST_NAMES);
    const last = pick(rand, LAST_NAMES);
    const local = `${first}.${last}`.toLowerCase().normalize("NFD").replace(/[^a-z.]/g, "");
    const email = `${local}@${pick(rand, EMAIL_DOMAINS)}`;
    byEmail.set(email, { name: `${first} ${last}`, email });
  }
  return [...byEmail.values()];
}

const CURRENCY_WEIGHTS = { USD: 60, EUR: 15, GBP: 10, JPY: 8, KWD: 7 };
type Currency = keyof typeof CURRENCY_WEIGHTS;

/**
 * A shelf price in the currency's own minor units, as a decimal string ("45.99", "7480", "15.350"),
 * so the services convert it exactly.
 */
function priceIn(usdCents: number, currency: Currency): string {
  const usd = usdCents / 100;
  switch (currency) {
    case "USD":
      return toDecimalString(BigInt(usdCents - 1), currency); // 89.00 → 88.99
    case "EUR":
    case "GBP": {
      const units = Math.max(1, Math.round(usd * (currency === "EUR" ? 0.92 : 0.79)));
      return toDecimalString(BigInt(units * 100 - 1), currency);
    }
    case "JPY":
      return toDecimalString(BigInt(Math.round((usd * 150) / 10) * 10), currency);
    case "KWD":
      // Fils, rounded to 5.
      return toDecimalString(BigInt(Math.round((usd * 307) / 5) * 5), currency);
  }
}

type Outcome = "active" | "abandoned" | "recovered_link" | "recovered_manual" | "expired";

// Shares of CART_COUNT: 55% abandoned, 25% recovered (mostly by link), 12% expired, 8% active.
const OUTCOME_SHARES: Record<Outcome, number> = {
  abandoned: 0.55,
  recovered_link: 0.2,
  recovered_manual: 0.05,
  expired: 0.12,
  active: 0.08,
};

/** Exactly the planned number of each outcome, in a shuffled order. */
function shuffledOutcomes(rand: Random): Outcome[] {
  const list = (Object.entries(OUTCOME_SHARES) as [Outcome, number][]).flatMap(([outcome, share]) =>
    Array<Outcome>(Math.round(share * CART_COUNT)).fill(outcome),
  );
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** Everything about one cart, decided up front from the generator. Times are ms before `now`. */
type Plan = {
  outcome: Outcome;
  createdAgo: number;
  /** When a recovery link was generated, if one was. */
  linkAfter?: number;
  /** Recovered carts: when it was paid by link or marked recovered by staff. */
  recoveredAfter?: number;
  /** Expired carts: when it was closed. */
  expiredAfter?: number;
  customer: Customer;
  currency: Currency;
  items: { name: string; quantity: number; price: string; productId: string; imageUrl?: string }[];
};

function planCart(rand: Random, outcome: Outcome, customers: Customer[]): Plan {
  const currency = weighted(rand, CURRENCY_WEIGHTS);
  const customer = pick(rand, customers);
  const items = pickProducts(rand, intBetween(rand, 1, 4)).map(([slug, name, cents, hasImage]) => ({
    name,
    quantity: rand() < 0.7 ? 1 : intBetween(rand, 2, 3),
    price: priceIn(cents, currency),
    productId: `sku-${slug}`,
    ...(hasImage ? { imageUrl: `https://picsum.photos/seed/${slug}/200` } : {}),
  }));
  const plan: Plan = { outcome, createdAgo: 0, customer, currency, items };

  switch (outcome) {
    case "active":
      plan.createdAgo = between(rand, 5 * MINUTE, 2 * DAY);
      break;
    case "abandoned":
      plan.createdAgo = between(rand, HOUR, MAX_AGE);
      // Many get a link a little after abandonment; most of the last week's do, so some are still live.
      if (rand() < (plan.createdAgo < 7 * DAY ? 0.8 : 0.4)) {
        plan.linkAfter = Math.min(between(rand, 30 * MINUTE, 12 * HOUR), plan.createdAgo - MINUTE);
      }
      break;
    case "recovered_link":
    case "recovered_manual": {
      plan.createdAgo = between(rand, 6 * HOUR, MAX_AGE);
      const maxDelay = Math.min(3 * DAY, plan.createdAgo - 2 * HOUR);
      plan.recoveredAfter = between(rand, 2 * HOUR, maxDelay);
      plan.linkAfter = between(rand, 20 * MINUTE, plan.recoveredAfter - 10 * MINUTE);
      break;
    }
    case "expired":
      // Closed a week or two after abandonment, so only older carts can be expired by now.
      plan.createdAgo = between(rand, 16 * DAY, MAX_AGE);
      plan.expiredAfter = between(rand, 7 * DAY, 14 * DAY);
      if (rand() < 0.6) plan.linkAfter = between(rand, 30 * MINUTE, 12 * HOUR);
      break;
  }
  return plan;
}

function pickProducts(rand: Random, n: number) {
  const chosen = new Set<(typeof PRODUCTS)[number]>();
  while (chosen.size < n) chosen.add(pick(rand, PRODUCTS));
  return [...chosen];
}

/** Creates one planned cart through the services, moving it along its timeline. */
async function createPlannedCart(db: Db, business: Business, plan: Plan, now: number): Promise<void> {
  const createdAt = now - plan.createdAgo;
  const at = (after: number) => new Date(createdAt + after);
  const input = createCartInput.parse({
    customerEmail: plan.customer.email,
    customerName: plan.customer.name,
    currency: plan.currency,
    status: plan.outcome === "active" ? "active" : "abandoned",
    items: plan.items,
  });
  const cart = await createCart(business, input, { now: at(0) });

  if (plan.linkAfter !== undefined) await generateLink(business.id, cart.id, { now: at(plan.linkAfter) });
  if (plan.outcome === "recovered_manual") {
    await updateCart(business.id, cart.id, { status: "recovered" }, at(plan.recoveredAfter!), "staff");
  } else if (plan.outcome === "recovered_link") {
    await db.transaction((tx) =>
      recordPayment(tx, {
        businessId: business.id,
        cartId: cart.id,
        provider: "test",
        providerPaymentId: `demo_${cart.id}`,
        amountMinor: cart.totalMinor,
        currency: cart.currency,
        paidAt: at(plan.recoveredAfter!),
        channel: "link",
      }),
    );
  } else if (plan.outcome === "expired") {
    await updateCart(business.id, cart.id, { status: "expired" }, at(plan.expiredAfter!));
  }
}

async function countByStatus(db: Db, businessId: string): Promise<Record<CartStatus, number>> {
  const rows = await db
    .select({ status: carts.status, n: count() })
    .from(carts)
    .where(eq(carts.businessId, businessId))
    .groupBy(carts.status);
  const counts = Object.fromEntries(CART_STATUSES.map((s) => [s, 0])) as Record<CartStatus, number>;
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/**
 * Creates the demo business and its carts. The cart services use the process database
 * (getDb()), so `db` must be that same database.
 */
export async function seedDemo(db: Db, options: { now?: Date } = {}): Promise<SeedResult> {
  const now = (options.now ?? new Date()).getTime();
  const rand = seededRandom(SEED);
  const customers = makeCustomers(rand);
  const plans = shuffledOutcomes(rand).map((outcome) => planCart(rand, outcome, customers));
  plans.sort((a, b) => b.createdAgo - a.createdAgo); // oldest first, as they happened

  const { business, key, apiKey } = await createBusiness(db, { name: "Demo Shop", defaultCurrency: "USD" });
  // The services each run their own transaction; one cart at a time keeps PGlite simple.
  for (const plan of plans) await createPlannedCart(db, business, plan, now);
  await createDemoCheckouts(db, business, rand, now);
  await createDemoTwigOrders(business, { apiKey, secret: key }, rand, now);
  const staff = await createDemoStaff(db, business.id);
  return { business, key, counts: await countByStatus(db, business.id), staff };
}

/**
 * Torque checkouts over the last 30 days: some opened and paid (a few marked completed), some
 * placed but unpaid, some never opened. The expiry sweep turns the unpaid ones into abandoned carts
 * once the app runs.
 */
async function createDemoCheckouts(db: Db, business: Business, rand: Random, now: number): Promise<void> {
  for (let i = 0; i < 24; i++) {
    const at = new Date(now - Math.floor(between(rand, 0.2, 30) * DAY));
    const product = pick(rand, PRODUCTS);
    const [firstName, lastName] = pick(rand, [["Ines", "Moreau"], ["Kenji", "Sato"], ["Amara", "Okafor"], ["Lukas", "Berg"], ["Sofia", "Rossi"]]);
    const email = `${firstName!.toLowerCase()}.${lastName!.toLowerCase()}@example.net`;
    const { session } = await createCheckoutSession(
      business,
      {
        businessId: business.id,
        cart: {
          items: [{ productId: `prod_${product[0].replace(/[^a-z0-9]/g, "").slice(0, 18)}`, quantity: intBetween(rand, 1, 3), price: toDecimalString(BigInt(product[2]), "USD"), metadata: { name: product[1] } }],
          ...(rand() < 0.3 ? { discounts: [{ code: "WELCOME10", amount: 10, type: "percentage" as const }] } : {}),
          shipping: { method: "standard", cost: 5.99, estimatedDays: 3 },
        },
        customerData: { email, firstName: firstName!, lastName: lastName! },
        options: { expiresIn: 3600, requireShipping: false },
      },
      at,
    );
    const outcome = rand();
    if (outcome < 0.2) continue; // never opened
    await viewCheckout(session.id, new Date(at.getTime() + 2 * MINUTE));
    if (outcome < 0.35) continue; // opened, left without ordering
    const order = await placeOrder(session.id, { email, firstName: firstName!, lastName: lastName! }, new Date(at.getTime() + 5 * MINUTE));
    if (outcome < 0.45) continue; // placed, never paid
    const paidAt = new Date(at.getTime() + 8 * MINUTE);
    await db.transaction((tx) =>
      recordOrderPayment(tx, {
        businessId: business.id,
        orderId: order.id,
        provider: "test",
        providerPaymentId: `demo_${order.id}`,
        amountMinor: order.totalMinor,
        currency: order.currency,
        paidAt,
      }),
    );
    if (outcome > 0.7) await completeOrder(business.id, order.id, new Date(Math.min(now, paidAt.getTime() + DAY / 2)));
  }
}

/**
 * Twig orders over the last two weeks in each state staff meet: awaiting the customer,
 * authorized (to capture), partly and fully captured, partly refunded, cancelled.
 */
async function createDemoTwigOrders(business: Business, key: { apiKey: ApiKey; secret: string }, rand: Random, now: number): Promise<void> {
  const steps = ["pending", "authorized", "authorized", "partial", "captured", "captured", "refunded", "cancelled"] as const;
  for (const [i, step] of steps.entries()) {
    const at = new Date(now - Math.floor(between(rand, 0.1, 6) * DAY));
    const product = pick(rand, PRODUCTS);
    const quantity = intBetween(rand, 1, 2);
    const unit = BigInt(product[2]);
    const tax = (unit * 8n) / 100n;
    const shipping = 599n;
    const usd = (minor: bigint) => toDecimalString(minor, "USD");
    const [firstName, lastName] = pick(rand, [["Noor", "Haddad"], ["Mateo", "García"], ["Yuki", "Tanaka"], ["Chloe", "Martin"]]);
    const address = { firstName: firstName!, lastName: lastName!, addressLine1: `${intBetween(rand, 1, 300)} Market St`, city: "San Francisco", country: "US", postalCode: "94103", countryCode: "US" };
    const input = parseTwigInit(
      {
        merchantOrderReference: `TW-${1001 + i}`,
        dateCreated: at.toISOString(),
        amount: { currencyCode: "USD", value: usd((unit + tax) * BigInt(quantity) + shipping), breakdown: { items: usd(unit * BigInt(quantity)), tax: usd(tax * BigInt(quantity)), shipping: usd(shipping) } },
        customer: { firstName, lastName, email: `${firstName!.toLowerCase()}.${lastName!.toLowerCase()}@example.org`, locale: "en-US" },
        lineItems: [{ itemId: product[0], name: product[1], description: product[1], category: "PHYSICAL_GOODS", quantity: String(quantity), amount: usd(unit), tax: usd(tax), imageUrl: `https://picsum.photos/seed/${product[0]}/120` }],
        shipping: { method: "USPS Priority", amount: usd(shipping), address },
      },
      at,
    );
    const order = await initTwigOrder(business, key, input, at);
    if (step === "pending") continue;
    const authorizedAt = new Date(at.getTime() + 4 * MINUTE);
    await authorize({ businessId: business.id, orderId: order.id, provider: "test", providerRef: `test_${order.id}`, amountMinor: order.totalMinor, currency: "USD", at: authorizedAt });
    const op = (kind: "capture" | "refund" | "void", amountMinor: bigint, hoursLater: number) =>
      operate(business.id, kind, { orderId: order.id, key: null, amountMinor, currency: "USD", message: null, dateCreated: null }, "staff", new Date(Math.min(now, authorizedAt.getTime() + hoursLater * 3600e3)));
    if (step === "partial") await op("capture", order.totalMinor / 2n, 3);
    if (step === "captured" || step === "refunded") await op("capture", order.totalMinor, 5);
    if (step === "refunded") await op("refund", shipping, 30);
    if (step === "cancelled") await op("void", 0n, 2);
  }
}

/** An owner to sign in with, and a read-only viewer to see what that role looks like. */
async function createDemoStaff(db: Db, businessId: string): Promise<StaffLogin[]> {
  const logins: StaffLogin[] = [
    { email: "owner@demo.cartback.test", password: randomChars(16), role: "owner" },
    { email: "viewer@demo.cartback.test", password: randomChars(16), role: "viewer" },
  ];
  for (const login of logins) {
    const name = login.role === "owner" ? "Demo Owner" : "Demo Viewer";
    const userId = await createStaffUser(db, { email: login.email, name, password: login.password });
    await addMember(db, businessId, userId, login.role);
  }
  return logins;
}

function printSummary({ business, key, counts, staff }: SeedResult): void {
  const lines = [
    "Demo data created",
    "",
    `Business id:   ${business.id}`,
    `Business name: ${business.name}`,
    `API key:       ${key}`,
    "               (shown once — store it now)",
    "",
    `Carts: ${CART_STATUSES.map((s) => `${counts[s]} ${s}`).join(", ")}`,
    "",
    `Dashboard:     ${env().APP_URL}/login`,
    ...staff.map((s) => `  ${s.role.padEnd(6)}  ${s.email}  password: ${s.password}`),
    "               (passwords shown once)",
    "",
    "Try it:",
    `  curl -H "x-api-key: ${key}" "${env().APP_URL}/api/carts?limit=5"`,
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const border = "+" + "-".repeat(width + 2) + "+";
  console.log([border, ...lines.map((l) => `| ${l.padEnd(width)} |`), border].join("\n"));
}

async function main(): Promise<void> {
  const db = await getDb();
  const existing = await db.select({ id: businesses.id, name: businesses.name }).from(businesses).orderBy(asc(businesses.createdAt));
  if (existing.length > 0) {
    const list = existing.map((b) => `${b.id} (${b.name})`).join(", ");
    console.log(
      `Demo data already present (businesses: ${list}); for a new API key run: npm run cli -- key create --business <id>`,
    );
    return;
  }
  printSummary(await seedDemo(db));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  } finally {
    await closeDb();
  }
}
