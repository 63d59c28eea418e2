import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { businesses, carts, events, recoveryLinks } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { createCartInput } from "@/lib/carts/schema";
import { createCart, updateCart } from "@/lib/carts/service";
import { generateLink } from "@/lib/links/service";
import { newBusiness } from "@/lib/testing/fixtures";
import { abandonInactiveCarts, expireStaleCarts, purgeExpiredData } from "./lifecycle";

const MINUTE = 60e3;
const DAY = 24 * 3600e3;
const T0 = new Date("2026-03-01T12:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

async function business(settings: Partial<typeof businesses.$inferInsert> = {}): Promise<Business> {
  const { business } = await newBusiness();
  if (!Object.keys(settings).length) return business;
  const db = await getDb();
  const [row] = await db.update(businesses).set(settings).where(eq(businesses.id, business.id)).returning();
  return row!;
}

const cart = (b: Business, status: "active" | "abandoned", now = T0) =>
  createCart(b, createCartInput.parse({ customerEmail: "ana@example.com", status, items: [{ name: "Mug", quantity: 1, price: 12 }] }), { now });

async function row(id: string) {
  const db = await getDb();
  const [found] = await db.select().from(carts).where(eq(carts.id, id));
  return found;
}

async function eventsOf(id: string, type: string) {
  const db = await getDb();
  return db.select().from(events).where(and(eq(events.subjectId, id), eq(events.type, type)));
}

describe("abandonment detection", () => {
  it("abandons an active cart once the business's inactivity window has passed, as of the window's end", async () => {
    const b = await business({ abandonAfterMinutes: 60 });
    const c = await cart(b, "active");
    expect(await abandonInactiveCarts(at(59 * MINUTE), { businessId: b.id })).toBe(0);
    expect((await row(c.id))!.status).toBe("active");
    expect(await abandonInactiveCarts(at(75 * MINUTE), { businessId: b.id })).toBe(1);
    const abandoned = (await row(c.id))!;
    expect(abandoned.status).toBe("abandoned");
    expect(abandoned.abandonedAt).toEqual(at(60 * MINUTE));
    const [event] = await eventsOf(c.id, "cart.abandoned");
    expect(event!.data).toMatchObject({ from: "active", by: "system" });
    expect(event!.createdAt).toEqual(at(60 * MINUTE));
  });

  it("counts the window from the cart's last activity", async () => {
    const b = await business({ abandonAfterMinutes: 60 });
    const c = await cart(b, "active");
    await updateCart(b.id, c.id, { items: [{ name: "Mug", quantity: 2, price: 12 }] }, at(40 * MINUTE));
    expect(await abandonInactiveCarts(at(90 * MINUTE), { businessId: b.id })).toBe(0);
    expect(await abandonInactiveCarts(at(101 * MINUTE), { businessId: b.id })).toBe(1);
    expect((await row(c.id))!.abandonedAt).toEqual(at(100 * MINUTE));
  });

  it("uses each business's own window, and leaves abandoned and recovered carts alone", async () => {
    const quick = await business({ abandonAfterMinutes: 10 });
    const slow = await business({ abandonAfterMinutes: 120 });
    const a = await cart(quick, "active");
    const b = await cart(slow, "active");
    const already = await cart(quick, "abandoned");
    await abandonInactiveCarts(at(30 * MINUTE), { businessId: quick.id });
    await abandonInactiveCarts(at(30 * MINUTE), { businessId: slow.id });
    expect((await row(a.id))!.status).toBe("abandoned");
    expect((await row(b.id))!.status).toBe("active");
    expect(await eventsOf(already.id, "cart.abandoned")).toHaveLength(1);
  });

  it("abandons each cart once when several schedulers run at the same moment", async () => {
    const b = await business({ abandonAfterMinutes: 60 });
    const made = await Promise.all(Array.from({ length: 12 }, () => cart(b, "active")));
    const counts = await Promise.all(Array.from({ length: 4 }, () => abandonInactiveCarts(at(2 * 60 * MINUTE), { businessId: b.id, limit: 5 })));
    let total = counts.reduce((x, y) => x + y, 0);
    while (total < 12) total += await abandonInactiveCarts(at(2 * 60 * MINUTE), { businessId: b.id });
    expect(total).toBe(12);
    for (const c of made) expect(await eventsOf(c.id, "cart.abandoned")).toHaveLength(1);
  });
});

describe("cart expiry", () => {
  it("expires an abandoned cart after cartExpiryDays and revokes its link", async () => {
    const b = await business({ cartExpiryDays: 30 });
    const c = await cart(b, "abandoned");
    const link = await generateLink(b.id, c.id, { now: at(MINUTE) });
    expect(await expireStaleCarts(at(29 * DAY), { businessId: b.id })).toBe(0);
    expect(await expireStaleCarts(at(30 * DAY + MINUTE), { businessId: b.id })).toBe(1);
    expect((await row(c.id))!).toMatchObject({ status: "expired", expiredAt: at(30 * DAY + MINUTE) });
    const db = await getDb();
    const [stored] = await db.select().from(recoveryLinks).where(eq(recoveryLinks.token, link.url.split("/r/")[1]!));
    expect(stored!.revokedAt).not.toBeNull();
    expect(await eventsOf(c.id, "cart.expired")).toHaveLength(1);
  });
});

describe("retention", () => {
  it("deletes carts older than the retention period with their events, and keeps the rest", async () => {
    const b = await business({ retentionDays: 90 });
    const keeper = await business();
    const old = await cart(b, "abandoned", at(-100 * DAY));
    const recent = await cart(b, "abandoned", at(-10 * DAY));
    const kept = await cart(keeper, "abandoned", at(-400 * DAY));
    expect(await purgeExpiredData(T0, { businessId: b.id })).toBe(1);
    expect(await purgeExpiredData(T0, { businessId: keeper.id })).toBe(0);
    expect(await row(old.id)).toBeUndefined();
    expect(await eventsOf(old.id, "cart.created")).toHaveLength(0);
    expect(await row(recent.id)).toBeDefined();
    expect(await row(kept.id)).toBeDefined();
  });
});
