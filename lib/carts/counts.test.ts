import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { businesses, carts, CART_STATUSES, type CartStatus } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { generateCarts } from "@/bench/generate";
import { expireCheckoutSessions } from "@/lib/checkout/expiry";
import { eraseContact } from "@/lib/contacts/erasure";
import { recordPayment } from "@/lib/payments/service";
import { abandonInactiveCarts, expireStaleCarts, purgeExpiredData } from "@/lib/recovery/lifecycle";
import { newBusiness } from "@/lib/testing/fixtures";
import { newCheckout } from "@/lib/testing/orders";
import { rollupDrift } from "@/lib/testing/rollups";
import { cartTotal, cartTotalsByStatus } from "./counts";
import { listCarts } from "./queries";
import { createCartInput } from "./schema";
import { createCart, deleteCart, updateCart } from "./service";

const DAY = 86_400_000;
const MINUTE = 60_000;
const T0 = new Date("2026-03-10T12:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

async function tenant(settings: Partial<typeof businesses.$inferInsert> = {}): Promise<Business> {
  const { business } = await newBusiness();
  if (!Object.keys(settings).length) return business;
  const [row] = await (await getDb()).update(businesses).set(settings).where(eq(businesses.id, business.id)).returning();
  return row!;
}

const cart = (b: Business, o: { email?: string; status?: "active" | "abandoned"; currency?: string; price?: number; now?: Date } = {}) =>
  createCart(
    b,
    createCartInput.parse({
      customerEmail: o.email ?? "ana@example.com",
      status: o.status ?? "abandoned",
      currency: o.currency ?? "USD",
      items: [{ name: "Mug", quantity: 1, price: o.price ?? 12 }],
    }),
    { now: o.now ?? T0 },
  );

async function liveCounts(businessId: string): Promise<Record<"all" | CartStatus, number>> {
  const rows = await (await getDb())
    .select({ status: carts.status, n: sql<number>`count(*)`.mapWith(Number) })
    .from(carts)
    .where(eq(carts.businessId, businessId))
    .groupBy(carts.status);
  const counts = { all: 0, active: 0, abandoned: 0, recovered: 0, expired: 0 };
  for (const r of rows) {
    counts[r.status] = r.n;
    counts.all += r.n;
  }
  return counts;
}

/** The rollups equal a fresh count of the carts, and the totals say `expected`. */
async function expectExact(b: Business, expected?: Partial<Record<"all" | CartStatus, number>>) {
  expect(await rollupDrift(b.id)).toEqual([]);
  const totals = await cartTotalsByStatus(b.id);
  expect(totals).toEqual(await liveCounts(b.id));
  if (expected) expect(totals).toMatchObject(expected);
  for (const status of CART_STATUSES) expect(await cartTotal(b.id, status)).toBe(totals[status]);
  expect(await cartTotal(b.id)).toBe(totals.all);
}

describe("cart rollups stay exact", () => {
  it("through creation, item changes, every status move and deletion", async () => {
    const b = await tenant();
    await expectExact(b, { all: 0 });
    const a = await cart(b, { status: "active" });
    const c = await cart(b, { currency: "EUR", price: 40, now: at(-3 * DAY) });
    const d = await cart(b, { currency: "JPY", price: 1500, now: new Date("2026-03-09T23:59:59.999Z") });
    await expectExact(b, { all: 3, active: 1, abandoned: 2 });

    await updateCart(b.id, a.id, { items: [{ name: "Mug", quantity: 3, price: 12 }] }, at(MINUTE));
    await updateCart(b.id, c.id, { items: [{ name: "Lamp", quantity: 2, price: 25.5 }] }, at(2 * MINUTE));
    await updateCart(b.id, a.id, { status: "abandoned" }, at(3 * MINUTE));
    await expectExact(b, { active: 0, abandoned: 3 });

    await updateCart(b.id, c.id, { status: "expired" }, at(DAY));
    await updateCart(b.id, c.id, { status: "abandoned" }, at(2 * DAY)); // reopened
    await updateCart(b.id, d.id, { status: "recovered" }, at(DAY), "staff");
    await expectExact(b, { abandoned: 2, recovered: 1 });

    await updateCart(b.id, a.id, { metadata: { note: "only metadata" } }, at(4 * MINUTE));
    await deleteCart(b.id, a.id);
    await expectExact(b, { all: 2, abandoned: 1, recovered: 1 });
  });

  it("through recovery by payment, at the payment's time and amount", async () => {
    const b = await tenant();
    const c = await cart(b, { price: 30 });
    const db = await getDb();
    const pay = (id: string) =>
      db.transaction((tx) =>
        recordPayment(tx, { businessId: b.id, cartId: c.id, provider: "test", providerPaymentId: id, amountMinor: 2500n, currency: "USD", paidAt: at(2 * DAY), channel: "link" }),
      );
    expect(await pay(`pi_${c.id}`)).toBe("recovered");
    expect(await pay(`pi_${c.id}`)).toBe("already_recorded");
    expect(await pay(`pi_again_${c.id}`)).toBe("duplicate_payment");
    await expectExact(b, { abandoned: 0, recovered: 1 });
  });

  it("through the scheduler: abandonment, expiry and the retention purge", async () => {
    const b = await tenant({ abandonAfterMinutes: 60, cartExpiryDays: 7, retentionDays: 30 });
    const old = await cart(b, { now: at(-40 * DAY) });
    await cart(b, { status: "active", email: "bo@example.com" });
    await cart(b, { email: "cy@example.com", now: at(-10 * DAY) });
    await expectExact(b, { all: 3, active: 1, abandoned: 2 });

    expect(await abandonInactiveCarts(at(2 * 60 * MINUTE), { businessId: b.id })).toBe(1);
    expect(await expireStaleCarts(at(2 * 60 * MINUTE), { businessId: b.id })).toBe(2);
    await expectExact(b, { active: 0, abandoned: 1, expired: 2 });

    expect(await purgeExpiredData(at(DAY), { businessId: b.id })).toBe(1);
    expect((await listCarts(b.id, { page: 1, limit: 10 })).carts.map((c) => c.id)).not.toContain(old.id);
    await expectExact(b, { all: 2, expired: 1 });
  });

  it("through erasure of a contact, which deletes their carts", async () => {
    const b = await tenant();
    await cart(b, { email: "erin@example.com" });
    await cart(b, { email: "erin@example.com", status: "active", now: at(-DAY) });
    await cart(b, { email: "other@example.com" });
    const erased = await eraseContact(b.id, "Erin@Example.com", "api");
    expect(erased.carts).toBe(2);
    await expectExact(b, { all: 1, abandoned: 1, active: 0 });
  });

  it("through checkout sessions that expire into abandoned carts", async () => {
    const b = await tenant();
    await newCheckout(b, { cart: { items: [{ productId: "prod_1", quantity: 2, price: 29.99 }] }, options: { expiresIn: 3600 } }, new Date(Date.now() - 2 * 3600_000));
    while ((await expireCheckoutSessions()) > 0);
    await expectExact(b, { all: 1, abandoned: 1 });
  });

  it("through bulk inserts of many carts in one statement (the benchmark generator)", async () => {
    const b = await tenant();
    await generateCarts(await getDb(), b.id, 150, { chunkSize: 60, days: 20, now: T0 });
    const totals = await cartTotalsByStatus(b.id);
    expect(totals.all).toBe(150);
    await expectExact(b);
  });

  it("the check notices a counter that is off by one", async () => {
    const b = await tenant();
    await cart(b);
    await (await getDb()).execute(sql`update cart_counts set n = n + 1 where business_id = ${b.id}`);
    expect(await rollupDrift(b.id)).toEqual([`cart_counts abandoned 2026-03-10: carts 1, kept 2`]);
  });

  it("with 20 carts created at once: the count is exact", async () => {
    const b = await tenant();
    await Promise.all(Array.from({ length: 20 }, (_, i) => cart(b, { email: `c${i}@example.com`, now: new Date() })));
    await expectExact(b, { all: 20, abandoned: 20 });
  });
});
