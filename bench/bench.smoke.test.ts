import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { cartAnalytics } from "@/lib/analytics/carts";
import { resolveRange } from "@/lib/analytics/range";
import { getCart, listCarts } from "@/lib/carts/queries";
import { eventsFor } from "@/lib/events";
import { createBenchBusiness, generateCarts } from "./generate";
import { query } from "./lib/db";
import { exerciseReference } from "./lib/reference-smoke";

/**
 * The benchmark in miniature, so it cannot rot: the generator on both databases (in a business
 * of its own, never truncating anything), and on Postgres every reference route for a second.
 */
const ID = /^[a-z]+_[0-9a-hjkmnp-tv-z]{22}$/;

async function smallShop() {
  const db = await getDb();
  const { business, key } = await createBenchBusiness(db, "Bench smoke shop");
  const counts = await generateCarts(db, business.id, 300, { chunkSize: 120 });
  return { db, business, key, counts };
}

describe("bench generator", () => {
  it("makes carts the app reads: ids, totals, timestamps and the status mix hold", async () => {
    const { db, business, counts } = await smallShop();
    expect(counts.carts).toBe(300);
    expect(counts.items).toBeGreaterThanOrEqual(300);
    expect(counts.items).toBeLessThanOrEqual(1200);

    const [check] = await query<Record<string, number>>(
      db,
      `select count(*)::int as carts,
         count(distinct status)::int as statuses,
         count(distinct customer_id)::int as customers,
         count(*) filter (where total_minor <> (select sum(quantity * unit_price_minor) from cart_items i where i.cart_id = c.id))::int as bad_totals,
         count(*) filter (where abandoned_at < created_at or recovered_at < abandoned_at or expired_at < abandoned_at)::int as bad_times,
         count(*) filter (where status = 'recovered' and (recovered_amount_minor is null or recovery_channel is null))::int as bad_recovered,
         count(*) filter (where status <> 'active' and abandoned_at is null)::int as not_abandoned,
         count(*) filter (where created_at > now())::int as future
       from carts c where business_id = '${business.id}'`,
    );
    expect(check).toMatchObject({ carts: 300, statuses: 4, bad_totals: 0, bad_times: 0, bad_recovered: 0, not_abandoned: 0, future: 0 });
    expect(check!.customers).toBeLessThanOrEqual(100);

    const page = await listCarts(business.id, { status: "abandoned", page: 1, limit: 10 });
    expect(page.total).toBeGreaterThan(100);
    const cart = (await getCart(business.id, page.carts[0]!.id))!;
    expect(cart.id).toMatch(ID);
    expect(cart.customerId).toMatch(ID);
    expect(cart.customerEmail).toMatch(/^[a-z.]+\d+@[a-z.]+$/);
    expect(cart.items.length).toBeGreaterThan(0);
    expect(cart.items.reduce((sum, i) => sum + i.unitPriceMinor * BigInt(i.quantity), 0n)).toBe(cart.totalMinor);

    const timeline = await eventsFor(db, business.id, cart.id);
    expect(timeline.map((e) => e.type).slice(0, 2)).toEqual(["cart.created", "cart.abandoned"]);
    const analytics = await cartAnalytics(business.id, resolveRange({ period: "90d" }));
    expect(analytics.currencies.reduce((n, c) => n + c.abandoned, 0)).toBeGreaterThan(0);
  });

  it.runIf(process.env.TEST_DATABASE_URL)("serves every reference route, and applies each Stripe event once", async () => {
    const { business, key } = await smallShop();
    const { runs, stripe } = await exerciseReference({ databaseUrl: process.env.TEST_DATABASE_URL!, businessId: business.id, key, seconds: 1 });
    for (const run of runs) {
      expect.soft(run.measured.ok, run.route).toBeGreaterThan(0);
      expect.soft(run.measured.failed, run.route).toBe(0);
      expect.soft(run.sample.status, run.route).toBeLessThan(300);
    }
    const body = (route: string) => runs.find((r) => r.route === route)!.sample.body;
    expect(body("GET /carts/:id").data).toMatchObject({ id: expect.stringMatching(ID), currency: expect.any(String), items: expect.any(Array) });
    expect(body("POST /carts").data).toMatchObject({ status: "abandoned", totalValue: 1.5 + 5 + 10.5, items: expect.any(Array) });
    expect(body("GET /carts?status=abandoned&page=2").data.carts).toHaveLength(10);
    expect(body("GET /analytics?period=90d").data.dailyStats).toHaveLength(90);
    expect(body("POST /webhooks/stripe")).toMatchObject({ received: true });
    expect(stripe.ok, stripe.summary).toBe(true);
  });
});
