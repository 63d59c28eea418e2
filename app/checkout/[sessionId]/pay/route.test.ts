import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { checkoutSessions, orders, paymentSessions, payments } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { decodeFlash, FLASH_COOKIE } from "@/lib/checkout/page";
import { createCheckoutSession } from "@/lib/checkout/service";
import { resetEnvForTests } from "@/lib/env";
import { eventsFor } from "@/lib/events";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { StripeMock } from "@/lib/testing/stripe-mock";
import { fullRequest } from "@/lib/torque/validation";
import { POST } from "./route";

type Cart = { items?: unknown[]; discounts?: unknown[]; shipping?: unknown };

async function checkout(business: Business, cart: Cart = {}, options: Record<string, unknown> = {}) {
  const body = fullRequest.parse({
    businessId: business.id,
    cart: {
      items: cart.items ?? [
        { productId: "prod_1", quantity: 2, price: 29.99, metadata: { name: "Trail Runner" } },
        { productId: "prod_2", quantity: 1, price: 49.99, variant: "blue" },
      ],
      ...(cart.discounts ? { discounts: cart.discounts } : { discounts: [{ code: "SAVE10", amount: 10, type: "percentage" }] }),
      ...(cart.shipping === null ? {} : { shipping: cart.shipping ?? { method: "standard", cost: 5.99 } }),
    },
    customerData: { email: "customer@example.com", firstName: "John", lastName: "Doe" },
    options: { requireShipping: true, ...options },
  });
  return (await createCheckoutSession(business, body)).session;
}

const form = {
  email: "john@example.com",
  firstName: "John",
  lastName: "Doe",
  "address.street": "123 Main St",
  "address.city": "New York",
  "address.state": "NY",
  "address.postalCode": "10001",
  "address.country": "US",
};

const pay = (sessionId: string, fields: Record<string, string> = form, headers: Record<string, string> = { origin: "http://cartback.test" }) =>
  call(POST, {
    method: "POST",
    path: `/checkout/${sessionId}/pay`,
    params: { sessionId },
    rawBody: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });

async function orderOf(sessionId: string) {
  const db = await getDb();
  const [session] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, sessionId));
  if (!session?.orderId) return undefined;
  const [order] = await db.select().from(orders).where(eq(orders.id, session.orderId));
  return order;
}

describe("POST /checkout/{sessionId}/pay in test mode", () => {
  it("places the order and sends the customer to the test checkout for exactly the total", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business);
    const res = await pay(session.id);
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^http:\/\/cartback\.test\/pay\/test\/ps_[0-9a-z]{22}$/);

    const order = await orderOf(session.id);
    expect(order).toMatchObject({ status: "pending", customerEmail: "john@example.com", totalMinor: 10496n, discountMinor: 1100n, shippingMinor: 599n });
    expect(order!.customer.address).toEqual({ street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US" });
    const db = await getDb();
    const [ps] = await db.select().from(paymentSessions).where(eq(paymentSessions.id, location.split("/").pop()!));
    expect(ps).toMatchObject({ provider: "test", orderId: order!.id, amountMinor: 10496n, currency: "USD", status: "open" });
    expect(res.headers.get("set-cookie")).toContain(`${FLASH_COOKIE}=; Path=/checkout/${session.id}; Max-Age=0`);
  });

  it("submitting again updates the same order and closes the earlier payment page", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business);
    const first = (await pay(session.id)).headers.get("location")!.split("/").pop()!;
    await pay(session.id, { ...form, firstName: "Johnny" });
    const db = await getDb();
    const order = await orderOf(session.id);
    expect(order!.customer.firstName).toBe("Johnny");
    expect((await db.select().from(orders).where(eq(orders.checkoutSessionId, session.id))).length).toBe(1);
    const [old] = await db.select().from(paymentSessions).where(eq(paymentSessions.id, first));
    expect(old!.status).toBe("expired");
  });

  it("bounces an invalid form back to the page with its errors and values in a short-lived cookie", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business);
    const res = await pay(session.id, { email: "nope", firstName: "John", lastName: "Doe", "address.city": "New York" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/checkout/${session.id}?invalid=1#errors`);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(new RegExp(`^${FLASH_COOKIE}=[A-Za-z0-9_-]+; Path=/checkout/${session.id}; Max-Age=300; HttpOnly; SameSite=Lax$`));
    const flash = decodeFlash(cookie.split(";")[0]!.split("=")[1]);
    expect(Object.keys(flash!.errors).sort()).toEqual(["address.country", "address.postalCode", "address.state", "address.street", "email"]);
    expect(flash!.values).toEqual({ email: "nope", firstName: "John", lastName: "Doe", "address.city": "New York" });
    expect(await orderOf(session.id)).toBeUndefined();
  });

  it("an expired or already paid checkout goes back to its page, which explains", async () => {
    const { business } = await newBusiness();
    const db = await getDb();
    const expired = await checkout(business, {}, { expiresIn: 60 });
    await db.update(checkoutSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(checkoutSessions.id, expired.id));
    const res = await pay(expired.id);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/checkout/${expired.id}`);
    expect(await orderOf(expired.id)).toBeUndefined();

    const paid = await checkout(business);
    await db.update(checkoutSessions).set({ status: "completed" }).where(eq(checkoutSessions.id, paid.id));
    expect((await pay(paid.id)).headers.get("location")).toBe(`/checkout/${paid.id}`);

    expect((await pay("session_doesnotexist")).status).toBe(404);
  });

  it("refuses a form posted from another site", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business);
    const res = await pay(session.id, form, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await orderOf(session.id)).toBeUndefined();
    // Without Origin, the browser's Sec-Fetch-Site decides.
    expect((await pay(session.id, form, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await pay(session.id, form, { "sec-fetch-site": "same-origin" })).status).toBe(303);
  });

  it("refuses a body that is not a form", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business);
    const res = await call(POST, { method: "POST", params: { sessionId: session.id }, body: form, headers: { origin: "http://cartback.test" } });
    expect(res.status).toBe(400);
  });

  it("an order that costs nothing is paid at once, without a payment provider", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business, { discounts: [{ code: "FREE", amount: 100, type: "percentage" }], shipping: null }, { redirectUrl: "https://shop.example/thanks" });
    expect(session.totalMinor).toBe(0n);
    const res = await pay(session.id);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/checkout/${session.id}/complete`);

    const db = await getDb();
    const order = await orderOf(session.id);
    expect(order).toMatchObject({ status: "processing", capturedMinor: 0n });
    const recorded = await db.select().from(payments).where(eq(payments.orderId, order!.id));
    expect(recorded.map((p) => [p.provider, p.providerPaymentId, p.amountMinor])).toEqual([["test", `free_${order!.id}`, 0n]]);
    expect(await db.select().from(paymentSessions).where(eq(paymentSessions.orderId, order!.id))).toEqual([]);
    const [after] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, session.id));
    expect(after!.status).toBe("completed");
    expect((await eventsFor(db, business.id, order!.id)).map((e) => e.type)).toEqual(["order.created", "order.paid"]);
  });
});

describe("POST /checkout/{sessionId}/pay with Stripe", () => {
  const stripe = new StripeMock();

  beforeAll(async () => {
    const url = await stripe.start();
    Object.assign(process.env, { STRIPE_SECRET_KEY: "sk_test_cartback", STRIPE_WEBHOOK_SECRET: "whsec_test", STRIPE_API_URL: url });
    resetEnvForTests();
  });
  afterAll(async () => {
    Object.assign(process.env, { STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "", STRIPE_API_URL: "" });
    resetEnvForTests();
    await stripe.stop();
  });

  it("redirects to a Stripe Checkout Session with the lines, the discount as a coupon and the shipping rate", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business);
    const res = await pay(session.id);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_mock\w+$/);

    const coupon = stripe.requests.filter((r) => r.path === "/v1/coupons").at(-1)!;
    expect(coupon.form.get("amount_off")).toBe("1100");
    const created = stripe.sessionCreates().at(-1)!.form;
    expect(created.get("line_items[0][price_data][product_data][name]")).toBe("Trail Runner");
    expect(created.get("line_items[0][price_data][unit_amount]")).toBe("2999");
    expect(created.get("line_items[0][quantity]")).toBe("2");
    expect(created.get("line_items[1][price_data][product_data][name]")).toBe("prod_2 (blue)");
    expect(created.get("discounts[0][coupon]")).toBe("coupon_mock1");
    expect(created.get("shipping_options[0][shipping_rate_data][fixed_amount][amount]")).toBe("599");
    expect(created.get("shipping_options[0][shipping_rate_data][display_name]")).toBe("standard");
    expect(created.get("success_url")).toBe(`http://cartback.test/checkout/${session.id}/complete?session_id={CHECKOUT_SESSION_ID}`);
  });

  it("when Stripe fails, the customer is sent back to try again and the order stays pending", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business, { discounts: [] });
    stripe.failNext = 1;
    const res = await pay(session.id);
    stripe.failNext = 0;
    expect(res.headers.get("location")).toBe(`/checkout/${session.id}?invalid=1#errors`);
    const flash = decodeFlash(res.headers.get("set-cookie")!.split(";")[0]!.split("=")[1]);
    expect(flash!.errors.form).toMatch(/could not reach the payment provider/);
    expect((await orderOf(session.id))!.status).toBe("pending");
  });
});
