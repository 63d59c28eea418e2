import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { customers, events, webhookDeliveries, webhookEndpoints, type WebhookEventType } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { newId } from "@/lib/ids";
import { newBusiness } from "@/lib/testing/fixtures";
import { webhookPayload } from "@/lib/webhooks/outbox";
import { writeNewCart } from "./insert";
import { getCart } from "./queries";
import { createCartInput, type CreateCartInput } from "./schema";
import { createCart } from "./service";

// createCart writes a cart in one statement and answers from what it wrote: the answer, the
// events and the webhook bodies must be exactly what reading the cart back gives.

let business: Business;
beforeAll(async () => {
  business = (await newBusiness()).business;
});

const email = () => `buyer.${randomUUID().slice(0, 8)}@example.com`;
const input = (fields: Partial<CreateCartInput> & Record<string, unknown>): CreateCartInput =>
  createCartInput.parse({ customerEmail: email(), items: [{ name: "Mug", quantity: 2, price: "12.50" }], ...fields });

async function endpoint(b: Business, subscribed: WebhookEventType[], status: "active" | "disabled" = "active") {
  const db = await getDb();
  const id = newId("wh");
  await db.insert(webhookEndpoints).values({ id, businessId: b.id, url: "https://hooks.example/" + id, events: subscribed, secret: "whsec_test", status });
  return id;
}

describe("createCart: one statement, answered from what it wrote", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["a minimal cart", {}],
    ["an active cart in another currency", { status: "active", currency: "jpy", items: [{ name: "Tea", quantity: 1, price: 1200 }] }],
    [
      "items with and without product ids and images, metadata",
      {
        customerName: "Ann Lee",
        items: [
          { name: "Lamp", quantity: 1, price: "49.99", productId: "sku-1", imageUrl: "https://cdn.example/lamp.png" },
          { name: "Bulb ☀", quantity: 3, price: 0 },
          { name: "Shade", quantity: 1, price: "0.01", productId: "sku-3" },
        ],
        metadata: { b: 1, a: { nested: [1, "two", null] }, "quote\"d": "it's" },
        totalValue: "50.00",
      },
    ],
  ];
  for (const [name, fields] of cases) {
    it(`answers what reading it back gives: ${name}`, async () => {
      const created = await createCart(business, input(fields));
      expect(created).toEqual(await getCart(business.id, created.id));
    });
  }

  it("keeps an existing customer's name unless a new one is given", async () => {
    const address = email();
    const first = await createCart(business, input({ customerEmail: address, customerName: "Ann" }));
    const unnamed = await createCart(business, input({ customerEmail: address }));
    const nulled = await createCart(business, input({ customerEmail: address, customerName: null }));
    for (const cart of [unnamed, nulled]) expect(await getCart(business.id, cart.id)).toMatchObject({ customerName: "Ann" });
    const renamed = await createCart(business, input({ customerEmail: address, customerName: "Bea" }));
    expect([first, unnamed, nulled, renamed].map((c) => c.customerName)).toEqual(["Ann", "Ann", "Ann", "Bea"]);
    expect(new Set([first, unnamed, nulled, renamed].map((c) => c.customerId)).size).toBe(1);
    expect(await createCart(business, input({}))).toMatchObject({ customerName: null });
  });

  it("records cart.created then cart.abandoned, in order, with the cart's figures", async () => {
    const cart = await createCart(business, input({ items: [{ name: "Pen", quantity: 4, price: "1.25" }] }));
    const db = await getDb();
    const rows = await db.select().from(events).where(eq(events.subjectId, cart.id)).orderBy(asc(events.seq));
    expect(rows.map((e) => [e.type, e.data, e.createdAt.getTime()])).toEqual([
      ["cart.created", { status: "abandoned", currency: "USD", totalMinor: "500", source: "api" }, cart.createdAt.getTime()],
      ["cart.abandoned", {}, cart.createdAt.getTime()],
    ]);
    const active = await createCart(business, input({ status: "active" }));
    expect((await db.select().from(events).where(eq(events.subjectId, active.id))).map((e) => e.type)).toEqual(["cart.created"]);
  });

  it("owes a webhook to each active endpoint subscribed to cart.abandoned, with the body read-back would give", async () => {
    const { business: shop } = await newBusiness();
    const { business: other } = await newBusiness();
    const subscribed = [await endpoint(shop, ["cart.abandoned"]), await endpoint(shop, ["cart.recovered", "cart.abandoned"])];
    const notOwed = [await endpoint(shop, ["cart.recovered"]), await endpoint(shop, ["cart.abandoned"], "disabled"), await endpoint(other, ["cart.abandoned"])];
    const db = await getDb();
    const address = email();
    await createCart(shop, input({ customerEmail: address, customerName: "Zoë \"Z\" O'Neil" }));
    // The name comes from the stored customer here, not from the request.
    const cart = await createCart(shop, input({ customerEmail: address, metadata: { campaign: "spring", n: 2 } }));

    const deliveries = await db
      .select()
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.endpointId, [...subscribed, ...notOwed]));
    const ofCart = deliveries.filter((d) => JSON.parse(d.payload).data.cart.id === cart.id);
    expect(ofCart.map((d) => d.endpointId).sort()).toEqual([...subscribed].sort());
    const [event] = await db.select().from(events).where(and(eq(events.subjectId, cart.id), eq(events.type, "cart.abandoned")));
    const readBack = await webhookPayload(db, event!);
    for (const delivery of ofCart) {
      expect(delivery).toMatchObject({ businessId: shop.id, eventId: event!.id, eventType: "cart.abandoned", status: "pending", attempts: 0 });
      expect(delivery.id).toMatch(/^whd_[0-9a-z]{22}$/);
      expect(delivery.nextAttemptAt).toEqual(cart.createdAt);
      expect(JSON.parse(delivery.payload)).toEqual(JSON.parse(readBack));
      expect(JSON.parse(delivery.payload).data.cart.customerName).toBe("Zoë \"Z\" O'Neil");
    }
    expect(new Set(ofCart.map((d) => d.id)).size).toBe(2);
    expect(deliveries.filter((d) => d.endpointId === notOwed[0] || d.endpointId === notOwed[1] || d.endpointId === notOwed[2])).toEqual([]);
  });

  it("writes nothing at all when any part of the statement fails", async () => {
    const db = await getDb();
    const taken = await createCart(business, input({}));
    const address = email();
    const endpointId = await endpoint(business, ["cart.abandoned"]);
    // Same cart id again: the cart's insert fails after the customer's, items' and events' parts ran.
    await expect(writeNewCart(db, { ...taken, customerEmail: address, customerName: "Nobody", events: [{ type: "cart.created" }, { type: "cart.abandoned" }] })).rejects.toThrow();
    expect(await db.select().from(customers).where(and(eq(customers.businessId, business.id), eq(customers.email, address)))).toEqual([]);
    expect(await db.select().from(events).where(eq(events.subjectId, taken.id))).toHaveLength(2);
    expect(await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId))).toEqual([]);
    expect((await getCart(business.id, taken.id))!.items).toEqual(taken.items);
  });

  it("takes its part of a caller's transaction: consent and cart commit together", async () => {
    const address = email();
    const cart = await createCart(business, input({ customerEmail: address, consent: { marketing: true, source: "checkout" } }));
    const db = await getDb();
    const [customer] = await db.select().from(customers).where(eq(customers.id, cart.customerId));
    expect(customer).toMatchObject({ email: address, consent: "granted", consentSource: "checkout" });
    expect(cart).toEqual(await getCart(business.id, cart.id));
  });
});
