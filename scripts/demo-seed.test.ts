import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts, CART_STATUSES, orders, payments } from "@/db/schema";
import { authenticate } from "@/lib/auth/api-keys";
import { staffFromHeaders } from "@/lib/auth/staff";
import { signIn } from "@/lib/testing/staff";
import { seedDemo } from "./demo-seed";

describe("seedDemo", () => {
  it("creates a demo business with a few hundred consistent carts", async () => {
    const db = await getDb();
    const { business, key, counts, staff } = await seedDemo(db);
    const rows = await db.select().from(carts).where(eq(carts.businessId, business.id));

    expect(rows.length).toBeGreaterThanOrEqual(250);
    expect(rows.length).toBeLessThanOrEqual(400);
    for (const status of CART_STATUSES) {
      expect(counts[status], status).toBeGreaterThan(0);
      expect(rows.filter((c) => c.status === status).length).toBe(counts[status]);
    }
    expect(new Set(rows.map((c) => c.currency)).size).toBeGreaterThanOrEqual(3);

    const now = Date.now();
    for (const cart of rows) {
      for (const at of [cart.createdAt, cart.updatedAt, cart.abandonedAt, cart.recoveredAt, cart.expiredAt]) {
        if (at) expect(at.getTime()).toBeLessThanOrEqual(now);
      }
      if (cart.status === "recovered") {
        expect(cart.abandonedAt).not.toBeNull();
        expect(cart.recoveredAt!.getTime()).toBeGreaterThanOrEqual(cart.abandonedAt!.getTime());
      }
    }
    const byLink = rows.filter((c) => c.recoveryChannel === "link");
    expect(byLink.length).toBeGreaterThan(0);
    expect(rows.some((c) => c.recoveryChannel === "manual")).toBe(true);
    const paid = await db.select().from(payments).where(eq(payments.businessId, business.id));
    expect(paid.filter((p) => p.cartId).length).toBe(byLink.length);

    const auth = await authenticate(new Headers({ "x-api-key": key }));
    expect(auth.business.id).toBe(business.id);

    const demoOrders = await db.select().from(orders).where(eq(orders.businessId, business.id));
    const statuses = new Set(demoOrders.map((o) => o.status));
    expect(demoOrders.length).toBeGreaterThan(5);
    for (const status of ["pending", "processing", "completed"] as const) expect(statuses, status).toContain(status);
    for (const o of demoOrders) for (const at of [o.createdAt, o.paidAt, o.completedAt]) if (at) expect(at.getTime()).toBeLessThanOrEqual(now);
    const twig = demoOrders.filter((o) => o.source === "twig");
    expect(new Set(twig.map((o) => o.status))).toEqual(new Set(["pending", "authorized", "completed", "partially_refunded", "cancelled"]));
    expect(twig.some((o) => o.status === "authorized" && o.capturedMinor > 0n)).toBe(true);

    expect(staff.map((s) => s.role)).toEqual(["owner", "viewer"]);
    for (const login of staff) {
      const cookie = await signIn(login.email, login.password);
      const member = await staffFromHeaders(new Headers({ cookie }));
      expect(member).toMatchObject({ role: login.role, business: { id: business.id } });
    }
  });
});
