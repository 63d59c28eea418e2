import { createHash, randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { rowsOf } from "@/db/rows";
import { carts, discountCodes, erasures, orders, payments, paymentSessions, recoveryMessages, webhookDeliveries } from "@/db/schema";
import { createCartInput } from "@/lib/carts/schema";
import { createCart, updateCart } from "@/lib/carts/service";
import { newId } from "@/lib/ids";
import { generateLink } from "@/lib/links/service";
import { placedOrder } from "@/lib/testing/orders";
import { newBusiness } from "@/lib/testing/fixtures";
import { authorizedTwigOrder } from "@/lib/testing/twig";
import { operate } from "@/lib/twig/operations";
import { createEndpoint } from "@/lib/webhooks/endpoints";
import { erasedEmail, eraseContact, scrub, type ErasureCounts } from "./erasure";
import { contactFor, unsubscribeContact } from "./service";

type Tenant = Awaited<ReturnType<typeof newBusiness>>;

// Unique per run: on a shared Postgres, test files share one database.
const EMAIL = `erin.${randomUUID().slice(0, 8)}@example.com`;
const SURNAME = `Erasmus${randomUUID().slice(0, 6)}`;
const PHONE = "+15550001234";
const ADDRESS = { firstName: "Erin", lastName: SURNAME, addressLine1: "1 Main St", city: "Springfield", country: "US", postalCode: "12345", countryCode: "US" };

/** Everything Cartback keeps about one person, the way it gets there: carts, links, emails, codes, orders, webhooks. */
async function personEverywhere(tenant: Tenant) {
  const db = await getDb();
  const businessId = tenant.business.id;
  await createEndpoint(businessId, { url: "https://merchant.example/hooks", events: ["cart.abandoned", "cart.recovered", "order.created", "order.paid"] });

  const first = await createCart(
    tenant.business,
    createCartInput.parse({
      customerEmail: ` ${EMAIL.toUpperCase()} `,
      customerName: `Erin ${SURNAME}`,
      items: [{ name: "Lamp", quantity: 1, price: 40 }],
      consent: { marketing: true, source: "checkout_checkbox" },
    }),
  );
  const link = await generateLink(businessId, first.id, { createdBy: "api" });
  const [linkRow] = await db.execute(sql`select id from recovery_links where cart_id = ${first.id}`).then(rowsOf);
  const messageId = newId("msg");
  await db.insert(recoveryMessages).values({
    id: messageId,
    businessId,
    cartId: first.id,
    customerId: first.customerId,
    stepPosition: 1,
    toEmail: EMAIL,
    subject: `Erin ${SURNAME}, you left something behind`,
    text: `Hello Erin, pay here: ${link.url} — sent to ${EMAIL}`,
    html: `<p>Hello Erin</p>`,
    status: "sent",
    sentAt: new Date(),
  });
  await db.insert(discountCodes).values({
    id: newId("disc"),
    businessId,
    cartId: first.id,
    messageId,
    code: `CB-${randomUUID().slice(0, 4)}-${randomUUID().slice(0, 4)}`.toUpperCase(),
    type: "percentage",
    value: 1000n,
    expiresAt: new Date(Date.now() + 86400e3),
  });
  await db.insert(paymentSessions).values({
    id: newId("ps"),
    businessId,
    cartId: first.id,
    recoveryLinkId: String(linkRow!.id),
    messageId,
    provider: "test",
    url: "http://cartback.test/pay/test/x",
    amountMinor: 4000n,
    currency: "USD",
    expiresAt: new Date(Date.now() + 3600e3),
  });

  const second = await createCart(tenant.business, createCartInput.parse({ customerEmail: EMAIL, status: "active", items: [{ name: "Mug", quantity: 2, price: 12 }] }));
  await updateCart(businessId, second.id, { status: "recovered" });
  const paymentId = newId("pay");
  await db.insert(payments).values({
    id: paymentId,
    businessId,
    cartId: second.id,
    provider: "test",
    providerPaymentId: `pi_${randomUUID()}`,
    amountMinor: 2400n,
    currency: "USD",
    paidAt: new Date(),
  });
  await unsubscribeContact(businessId, { email: EMAIL });

  const torque = await placedOrder(
    tenant.business,
    { cart: { items: [{ productId: "prod_1", quantity: 1, price: 29.99 }] }, customerData: { email: EMAIL, firstName: "Erin", lastName: SURNAME } },
    { email: EMAIL, firstName: "Erin", lastName: SURNAME, phone: PHONE, address: { street: "1 Main St", city: "Springfield", state: "IL", postalCode: "12345", country: "US" } },
  );
  const twig = await authorizedTwigOrder(tenant, {
    customer: { firstName: "Erin", lastName: SURNAME, email: EMAIL, phoneNumber: PHONE },
    shipping: { method: "USPS", amount: "20.00", address: ADDRESS },
    billing: { address: ADDRESS },
  });
  const capture = { orderId: twig.id, key: randomUUID(), amountMinor: 22000n, currency: "USD", message: null, dateCreated: null };
  await operate(businessId, "capture", capture, "api");

  // Someone else in the same shop, who must keep everything.
  const bystander = await createCart(tenant.business, createCartInput.parse({ customerEmail: `someone.else.${randomUUID().slice(0, 6)}@example.com`, items: [{ name: "Pen", quantity: 1, price: 2 }] }));
  return { first, second, paymentId, torque: torque.order, twig, capture, bystander };
}

/** Every row of every table whose text contains the needle (case-insensitive), with its table. */
async function findAnywhere(needle: string): Promise<{ table: string; row: Record<string, unknown> }[]> {
  const db = await getDb();
  const tables = rowsOf(await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`));
  const hits: { table: string; row: Record<string, unknown> }[] = [];
  for (const { table_name } of tables) {
    const table = String(table_name);
    const rows = rowsOf(await db.execute(sql`select to_jsonb(t) as row from ${sql.identifier(table)} t where strpos(lower(t::text), ${needle.toLowerCase()}) > 0`));
    for (const r of rows) hits.push({ table, row: (typeof r.row === "string" ? JSON.parse(r.row) : r.row) as Record<string, unknown> });
  }
  return hits;
}

describe("eraseContact", () => {
  let a: Tenant;
  let b: Tenant;
  let setup: Awaited<ReturnType<typeof personEverywhere>>;
  let counts: ErasureCounts;

  beforeAll(async () => {
    a = await newBusiness({ name: "Erasing shop" });
    b = await newBusiness({ name: "Other shop, same person" });
    setup = await personEverywhere(a);
    await personEverywhere(b);
    // Before: the person is all over both shops.
    for (const needle of [EMAIL, SURNAME, PHONE]) {
      const businesses = new Set((await findAnywhere(needle)).map((h) => h.row.business_id));
      expect(businesses).toEqual(new Set([a.business.id, b.business.id]));
    }
    counts = await eraseContact(a.business.id, `  ${EMAIL.toUpperCase()}`, "api");
  });

  it("counts what it deleted and anonymised", () => {
    expect(counts).toEqual({
      customers: 1,
      carts: 2,
      cartItems: 2,
      recoveryLinks: 1,
      paymentSessions: 1,
      recoveryMessages: 1,
      discountCodes: 1,
      // first: created, abandoned, link generated; second: created, recovered, contact unsubscribed
      events: 6,
      // cart.abandoned, cart.recovered, the Torque order.created, the Twig order.created and order.paid
      webhookDeliveries: 5,
      ordersAnonymised: 2,
      orderOperationsAnonymised: 1,
      checkoutSessionsAnonymised: 1,
    });
  });

  it("leaves nothing in the shop's tables that finds the person: email, name or phone", async () => {
    for (const needle of [EMAIL, SURNAME, PHONE]) {
      const left = (await findAnywhere(needle)).filter((h) => h.row.business_id !== b.business.id);
      expect(left, `rows still holding ${needle}`).toEqual([]);
    }
  });

  it("keeps the orders for the books, with the person taken out", async () => {
    const db = await getDb();
    const anonymous = erasedEmail(EMAIL);
    expect(anonymous).toMatch(/^erased\+[0-9a-f]{12}@erased\.invalid$/);
    for (const id of [setup.torque.id, setup.twig.id]) {
      const [order] = await db.select().from(orders).where(eq(orders.id, id));
      expect(order).toMatchObject({ customerEmail: anonymous, customer: { email: anonymous, firstName: null, lastName: null, phone: null, address: null } });
      expect(order!.totalMinor).toBeGreaterThan(0n);
      expect((order!.shipping as { address?: unknown } | null)?.address ?? null).toBeNull();
    }
    const [twig] = await db.select().from(orders).where(eq(orders.id, setup.twig.id));
    expect(twig!.shipping).toMatchObject({ method: "USPS", amountMinor: "2000", address: null });
    expect(twig!.billing).toEqual({ address: null });

    // A replayed Twig capture answers with the anonymised order.
    const replay = await operate(a.business.id, "capture", setup.capture, "api");
    expect(replay.replayed).toBe(true);
    expect((replay.body as { order: { customer: unknown } }).order.customer).toEqual({ firstName: "", lastName: "", email: anonymous, phoneNumber: null, locale: null });
  });

  it("keeps payments (without the deleted cart) and everyone else's carts and webhooks", async () => {
    const db = await getDb();
    const [payment] = await db.select().from(payments).where(eq(payments.id, setup.paymentId));
    expect(payment).toMatchObject({ cartId: null, amountMinor: 2400n });
    expect(await db.$count(carts, eq(carts.id, setup.bystander.id))).toBe(1);
    expect(await db.$count(webhookDeliveries, and(eq(webhookDeliveries.businessId, a.business.id), eq(webhookDeliveries.eventType, "cart.abandoned")))).toBe(1);
  });

  it("does not touch another business's contact with the same email", async () => {
    const other = await contactFor(b.business.id, EMAIL);
    expect(other).toMatchObject({ email: EMAIL, consent: "granted", carts: 2 });
    expect(other!.unsubscribedAt).not.toBeNull();
    const db = await getDb();
    expect(await db.$count(orders, and(eq(orders.businessId, b.business.id), eq(orders.customerEmail, EMAIL)))).toBe(2);
    expect(await db.$count(erasures, eq(erasures.businessId, b.business.id))).toBe(0);
  });

  it("logs the erasure with only the email's hash", async () => {
    const db = await getDb();
    const rows = await db.select().from(erasures).where(eq(erasures.businessId, a.business.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ emailHash: createHash("sha256").update(EMAIL).digest("hex"), by: "api", counts });
    expect(JSON.stringify(rows[0])).not.toContain(EMAIL);
    expect(await contactFor(a.business.id, EMAIL)).toBeUndefined();
  });

  it("erasing again (or an unknown email) erases nothing and is logged all the same", async () => {
    const again = await eraseContact(a.business.id, EMAIL, "staff:user_1");
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
    const db = await getDb();
    const rows = await db.select().from(erasures).where(eq(erasures.businessId, a.business.id));
    expect(rows.map((r) => r.by).sort()).toEqual(["api", "staff:user_1"]);
  });
});

describe("scrub (stored answers)", () => {
  it("blanks customers and addresses and replaces the email wherever it appears", () => {
    const answer = {
      id: "k",
      message: "Captured for ERIN@example.com",
      order: {
        customer: { firstName: "Erin", lastName: "E", email: "erin@example.com", phoneNumber: "+1555", locale: "en-US" },
        shipping: { method: "USPS", amount: "20.00", address: { firstName: "Erin", addressLine1: "1 Main St", addressLine2: null } },
        lineItems: [{ name: "Lamp" }],
      },
    };
    expect(scrub(answer, "erin@example.com", "x@erased.invalid")).toEqual({
      id: "k",
      message: "Captured for x@erased.invalid",
      order: {
        customer: { firstName: "", lastName: "", email: "x@erased.invalid", phoneNumber: null, locale: "en-US" },
        shipping: { method: "USPS", amount: "20.00", address: { firstName: "", addressLine1: "", addressLine2: null } },
        lineItems: [{ name: "Lamp" }],
      },
    });
  });
});
