import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts, checkoutSessions, paymentSessions } from "@/db/schema";
import { getCart } from "@/lib/carts/queries";
import { eventsFor } from "@/lib/events";
import { getOrder } from "@/lib/orders/queries";
import { placeOrder } from "@/lib/orders/service";
import { toOrderStatus } from "@/lib/orders/torque";
import { payTestSession } from "@/lib/payments/checkout";
import { newBusiness } from "@/lib/testing/fixtures";
import { customerForm, newCheckout, startPayment } from "@/lib/testing/orders";
import { expireCheckoutSessions } from "./expiry";

const MINUTE = 60_000;
const ago = (minutes: number) => new Date(Date.now() - minutes * MINUTE);
const later = (minutes: number) => new Date(Date.now() + minutes * MINUTE);

async function sessionRow(id: string) {
  const [row] = await (await getDb()).select().from(checkoutSessions).where(eq(checkoutSessions.id, id));
  return row!;
}

async function cartsOf(sessionId: string) {
  return (await getDb()).select().from(carts).where(sql`${carts.metadata}->>'checkoutSessionId' = ${sessionId}`);
}

/** A session created `minutes` ago that lived `lifetime` minutes, with its order placed while it was open. */
async function checkoutWithOrder(minutesAgo: number, lifetimeMinutes: number, body?: Parameters<typeof newCheckout>[1]) {
  const { business } = await newBusiness();
  const created = ago(minutesAgo);
  const session = await newCheckout(business, { ...(body ?? { cart: { items: [{ productId: "prod_1", quantity: 2, price: 29.99 }] } }), options: { expiresIn: lifetimeMinutes * 60 } }, created);
  const order = await placeOrder(session.id, customerForm, new Date(created.getTime() + MINUTE));
  return { business, session, order };
}

/**
 * Sweeps until nothing is due. On Postgres all test files share one database, so other files'
 * sessions may fill a single batch before this file's.
 */
async function sweepAll(now?: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const closed = await expireCheckoutSessions(now);
    if (closed === 0) return total;
    total += closed;
  }
}

describe("expireCheckoutSessions", () => {
  it("turns an unpaid session past its expiry into an abandoned cart with exact items and amounts, and expires its order", async () => {
    const { business, session, order } = await checkoutWithOrder(120, 60, {
      cart: {
        currency: "KWD",
        items: [
          { productId: "prod_1", quantity: 2, price: "1.125", variant: "large" },
          { productId: "prod_2", quantity: 1, price: 0.005 },
        ],
        discounts: [{ code: "TEN", amount: 10, type: "percentage" }],
        shipping: { method: "standard", cost: 1.5 },
      },
    });
    const now = new Date();
    expect(await sweepAll(now)).toBeGreaterThanOrEqual(1);

    const closed = await sessionRow(session.id);
    expect(closed).toMatchObject({ status: "expired", expiredAt: now });
    const cart = (await getCart(business.id, closed.cartId!))!;
    expect(cart).toMatchObject({
      source: "checkout",
      status: "abandoned",
      currency: "KWD",
      customerEmail: "customer@example.com",
      customerName: "John Doe",
      totalMinor: 2255n, // 2 × 1.125 + 0.005, the items' sum
      itemCount: 3,
      abandonedAt: session.expiresAt,
      metadata: { checkoutSessionId: session.id, orderId: order.id, checkoutDiscount: "0.226", checkoutShipping: "1.500", checkoutTotal: "3.529" },
    });
    expect(cart.items.map((i) => [i.name, i.productId, i.quantity, i.unitPriceMinor])).toEqual([
      ["prod_1 — large", "prod_1", 2, 1125n],
      ["prod_2", "prod_2", 1, 5n],
    ]);

    const expired = (await getOrder(business.id, order.id))!;
    expect(expired).toMatchObject({ status: "expired", cancelledAt: now, cancellationReason: "Checkout session expired", cartId: cart.id });
    expect(toOrderStatus(expired, false)).toMatchObject({ status: "cancelled", cancelledAt: now.toISOString(), cancellationReason: "Checkout session expired" });
    const db = await getDb();
    expect((await eventsFor(db, business.id, order.id)).map((e) => e.type)).toEqual(["order.created", "order.cancelled"]);
    expect((await eventsFor(db, business.id, session.id)).map((e) => e.type)).toEqual(["checkout.created", "checkout.expired"]);
  });

  it("a session nobody confirmed becomes an abandoned cart for generate-link's customer", async () => {
    const { business } = await newBusiness();
    const session = await newCheckout(business, { cart: { currency: "JPY", items: [{ productId: "prod_1", quantity: 3, price: 1500 }] }, options: { expiresIn: 60 } }, ago(10));
    await sweepAll();
    const closed = await sessionRow(session.id);
    expect(closed.status).toBe("expired");
    expect(closed.orderId).toBeNull();
    const cart = (await getCart(business.id, closed.cartId!))!;
    expect(cart).toMatchObject({ currency: "JPY", totalMinor: 4500n, customerEmail: "customer@example.com", status: "abandoned" });
  });

  it("leaves open sessions that have not expired, and paid ones, alone", async () => {
    const { business } = await newBusiness();
    const open = await newCheckout(business);
    const paid = await checkoutWithOrder(5, 30);
    const url = await startPayment(paid.session, paid.order);
    await payTestSession(url.split("/").pop()!);
    await sweepAll(later(120));
    expect((await sessionRow(paid.session.id)).status).toBe("completed");
    expect((await getOrder(paid.business.id, paid.order.id))!.status).toBe("processing");
    expect(await cartsOf(paid.session.id)).toHaveLength(0);
    // (the 120-minutes-later sweep did close the still-open one: that is its expiry)
    expect((await sessionRow(open.id)).status).toBe("expired");
  });

  it("waits while the customer is on a payment page that can still take money", async () => {
    const { business, session, order } = await checkoutWithOrder(10, 15);
    const url = await startPayment(session, order); // test checkout: open for 60 minutes
    const paymentSessionId = url.split("/").pop()!;
    await sweepAll(later(20));
    expect((await sessionRow(session.id)).status).toBe("open");
    expect((await getOrder(business.id, order.id))!.status).toBe("pending");

    await sweepAll(later(61));
    expect((await sessionRow(session.id)).status).toBe("expired");
    expect((await getOrder(business.id, order.id))!.status).toBe("expired");
    const [payment] = await (await getDb()).select().from(paymentSessions).where(eq(paymentSessions.id, paymentSessionId));
    expect(payment!.status).toBe("expired");
  });

  it("a payment made after the checkout's expiry but before the sweep wins", async () => {
    const { business, session, order } = await checkoutWithOrder(10, 15);
    const url = await startPayment(session, order);
    await payTestSession(url.split("/").pop()!, later(20));
    await sweepAll(later(61));
    expect((await sessionRow(session.id)).status).toBe("completed");
    expect((await getOrder(business.id, order.id))!.status).toBe("processing");
  });

  it("closes each session once, swept twice or concurrently", async () => {
    const made = await Promise.all([checkoutWithOrder(120, 60), checkoutWithOrder(120, 60), checkoutWithOrder(120, 60)]);
    await Promise.all([expireCheckoutSessions(), expireCheckoutSessions(), expireCheckoutSessions()]);
    await sweepAll();
    const db = await getDb();
    for (const { business, session, order } of made) {
      expect(await cartsOf(session.id)).toHaveLength(1);
      const types = (await eventsFor(db, business.id, session.id)).map((e) => e.type);
      expect(types.filter((t) => t === "checkout.expired")).toHaveLength(1);
      expect((await eventsFor(db, business.id, order.id)).filter((e) => e.type === "order.cancelled")).toHaveLength(1);
    }
  });

  it("a session the tracker cannot hold as a cart still closes (the sweep does not get stuck on it)", async () => {
    const huge = { productId: "prod_1", quantity: 999_999, price: 999_999.99 };
    const { business, session, order } = await checkoutWithOrder(120, 60, { cart: { items: [huge, { ...huge, productId: "prod_2" }] } });
    const fine = await checkoutWithOrder(120, 60);
    await sweepAll();
    const closed = await sessionRow(session.id);
    expect(closed).toMatchObject({ status: "expired", cartId: null });
    expect((await getOrder(business.id, order.id))!.status).toBe("expired");
    expect((await sessionRow(fine.session.id)).status).toBe("expired");
    expect(await cartsOf(fine.session.id)).toHaveLength(1);
    const stillOpen = await (await getDb())
      .select()
      .from(checkoutSessions)
      .where(and(eq(checkoutSessions.status, "open"), sql`${checkoutSessions.expiresAt} <= now() - interval '1 minute'`));
    expect(stillOpen.filter((s) => s.businessId === business.id)).toHaveLength(0);
  });
});
