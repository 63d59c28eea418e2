import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts, CART_STATUSES, type CartStatus } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { generateCarts } from "@/bench/generate";
import { newBusiness } from "@/lib/testing/fixtures";
import { listCarts } from "./queries";
import { createCartInput } from "./schema";
import { createCart } from "./service";

/**
 * listCarts finds a page through the per-day counts instead of OFFSET: every page must hold
 * exactly the carts OFFSET would give, on a fixture of ~300 carts over 20 days with carts on both
 * sides of UTC midnights and several created in the same microsecond (ordered by id).
 */
const NOW = new Date("2026-05-20T15:00:00Z");
let business: Business;

/** What ORDER BY created_at desc, id desc LIMIT/OFFSET gives. */
async function byOffset(status: CartStatus | undefined, page: number, limit: number): Promise<string[]> {
  const rows = await (await getDb())
    .select({ id: carts.id })
    .from(carts)
    .where(and(eq(carts.businessId, business.id), status ? eq(carts.status, status) : undefined))
    .orderBy(sql`${carts.createdAt} desc`, sql`${carts.id} desc`)
    .limit(limit)
    .offset((page - 1) * limit);
  return rows.map((r) => r.id);
}

async function total(status: CartStatus | undefined): Promise<number> {
  const [row] = await (await getDb())
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(carts)
    .where(and(eq(carts.businessId, business.id), status ? eq(carts.status, status) : undefined));
  return row!.n;
}

beforeAll(async () => {
  business = (await newBusiness()).business;
  await generateCarts(await getDb(), business.id, 280, { chunkSize: 100, days: 20, now: NOW });
  const make = (now: Date, status: "active" | "abandoned" = "abandoned", email = "edge@example.com") =>
    createCart(business, createCartInput.parse({ customerEmail: email, status, items: [{ name: "Mug", quantity: 1, price: 9 }] }), { now });
  for (const instant of ["2026-05-15T00:00:00.000Z", "2026-05-14T23:59:59.999Z", "2026-05-10T00:00:00.000Z", "2026-05-09T23:59:59.999Z"]) {
    await make(new Date(instant));
    await make(new Date(instant), "active");
  }
  // Same microsecond, so only the id orders them (ids carry the creation millisecond, then random).
  const db = await getDb();
  const twins = await Promise.all(Array.from({ length: 12 }, (_, i) => make(new Date("2026-05-12T08:00:00Z"), i % 3 ? "abandoned" : "active", `twin${i}@example.com`)));
  await db.update(carts).set({ createdAt: new Date("2026-05-12T08:00:00Z") }).where(sql`${carts.id} in ${twins.map((t) => t.id)}`);
});

describe("listCarts pages", () => {
  it.each([undefined, ...CART_STATUSES])("equal OFFSET on every page (status %s) and the total is a fresh count", async (status) => {
    for (const limit of [7, 25]) {
      const n = await total(status);
      const last = Math.ceil(n / limit);
      for (let page = 1; page <= last + 1; page++) {
        const listed = await listCarts(business.id, { status, page, limit });
        expect(listed.total).toBe(n);
        expect(listed.carts.map((c) => c.id), `status ${status} page ${page} of ${last}, limit ${limit}`).toEqual(await byOffset(status, page, limit));
      }
    }
  });

  it("equal OFFSET on single-cart pages on both sides of every day boundary", async () => {
    const rows = await (await getDb())
      .select({ id: carts.id, day: sql<string>`to_char(${carts.createdAt} at time zone 'UTC', 'YYYY-MM-DD')` })
      .from(carts)
      .where(eq(carts.businessId, business.id))
      .orderBy(sql`${carts.createdAt} desc`, sql`${carts.id} desc`);
    const pages = new Set([1, rows.length, rows.length + 1]);
    rows.forEach((row, i) => {
      if (i > 0 && row.day !== rows[i - 1]!.day) for (const page of [i - 1, i, i + 1, i + 2]) pages.add(page);
    });
    expect(pages.size).toBeGreaterThan(40);
    for (const page of [...pages].filter((p) => p >= 1)) {
      const ids = (await listCarts(business.id, { page, limit: 1 })).carts.map((c) => c.id);
      expect(ids, `page ${page}`).toEqual(rows[page - 1] ? [rows[page - 1]!.id] : []);
    }
  });

  it("a page far past the end is empty, with the true total", async () => {
    const listed = await listCarts(business.id, { status: "abandoned", page: 1_000_000, limit: 100 });
    expect(listed).toEqual({ carts: [], total: await total("abandoned") });
  });
});
