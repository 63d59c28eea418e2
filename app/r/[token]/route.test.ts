import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { paymentSessions, recoveryLinks } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { eventsFor } from "@/lib/events";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { StripeMock } from "@/lib/testing/stripe-mock";
import { POST as createCart } from "@/app/api/carts/route";
import { GET as getCart, PATCH } from "@/app/api/carts/[id]/route";
import { DELETE as revoke, POST as generate } from "@/app/api/carts/[id]/payment-link/route";
import { POST as payTest } from "@/app/pay/test/[id]/confirm/route";
import { GET as open } from "./route";

async function cartWithLink(body: unknown = seedCart, linkBody?: unknown) {
  const tenant = await newBusiness();
  const created = await call(createCart, { key: tenant.key, path: "/api/carts", body });
  const id = created.body.data.id as string;
  const link = await call(generate, { key: tenant.key, params: { id }, method: "POST", body: linkBody });
  const token = (link.body.data.paymentLink as string).split("/r/")[1]!;
  return { ...tenant, id, token };
}

const visit = (token: string) => call(open, { params: { token }, path: `/r/${token}` });

describe("opening a recovery link in test mode (no Stripe keys)", () => {
  it("counts the open and sends the customer to a fresh test checkout each time", async () => {
    const { token, id, business } = await cartWithLink();
    const first = await visit(token);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toMatch(/^http:\/\/cartback\.test\/pay\/test\/ps_[0-9a-z]{22}$/);
    const second = await visit(token);
    expect(second.headers.get("location")).not.toBe(first.headers.get("location"));

    const db = await getDb();
    const [link] = await db.select().from(recoveryLinks).where(eq(recoveryLinks.token, token));
    expect(link!.openCount).toBe(2);
    const sessions = await db.select().from(paymentSessions).where(eq(paymentSessions.cartId, id));
    expect(sessions.map((s) => [s.provider, s.amountMinor, s.currency])).toEqual([
      ["test", 9998n, "USD"],
      ["test", 9998n, "USD"],
    ]);
    const types = (await eventsFor(db, business.id, id)).map((e) => e.type);
    expect(types.filter((t) => t === "link.opened")).toHaveLength(2);
  });

  it("paying the test checkout recovers the cart once, with the amount and time", async () => {
    const { token, id, key, business } = await cartWithLink();
    const sessionUrl = (await visit(token)).headers.get("location")!;
    const sessionId = sessionUrl.split("/").pop()!;
    const paid = await call(payTest, { method: "POST", params: { id: sessionId } });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`/r/${token}/status?session_id=${sessionId}`);
    const cart = (await call(getCart, { key, params: { id } })).body.data;
    expect(cart).toMatchObject({ status: "recovered", recoveredValue: 99.98 });
    // paying again changes nothing
    expect((await call(payTest, { method: "POST", params: { id: sessionId } })).status).toBe(303);
    const types = (await eventsFor(await getDb(), business.id, id)).map((e) => e.type);
    expect(types.filter((t) => t === "cart.recovered")).toHaveLength(1);
    // the link now says the order is paid
    const after = await visit(token);
    expect(after.headers.get("location")).toBe(`/r/${token}/status`);
  });

  it("a session opened before another was paid can no longer take a payment", async () => {
    const { token } = await cartWithLink();
    const a = (await visit(token)).headers.get("location")!.split("/").pop()!;
    const b = (await visit(token)).headers.get("location")!.split("/").pop()!;
    expect((await call(payTest, { method: "POST", params: { id: a } })).status).toBe(303);
    const second = await call(payTest, { method: "POST", params: { id: b } });
    expect(second.status).toBe(409);
  });

  it("the link uses the cart's items as they are when opened", async () => {
    const { token, id, key } = await cartWithLink();
    await call(PATCH, { method: "PATCH", key, params: { id }, body: { items: [{ name: "Hat", quantity: 1, price: 5 }] } });
    await visit(token);
    const db = await getDb();
    const [session] = await db.select().from(paymentSessions).where(eq(paymentSessions.cartId, id));
    expect(session!.amountMinor).toBe(500n);
  });

  it("expired, revoked and unknown links go to the status page without a checkout", async () => {
    const unknown = await visit("nope");
    expect(unknown.headers.get("location")).toBe("/r/nope/status");

    const revoked = await cartWithLink();
    await call(revoke, { method: "DELETE", key: revoked.key, params: { id: revoked.id } });
    expect((await visit(revoked.token)).headers.get("location")).toBe(`/r/${revoked.token}/status`);

    const expired = await cartWithLink();
    const db = await getDb();
    await db.update(recoveryLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(recoveryLinks.token, expired.token));
    expect((await visit(expired.token)).headers.get("location")).toBe(`/r/${expired.token}/status`);
    const sessions = await db.select().from(paymentSessions).where(eq(paymentSessions.cartId, expired.id));
    expect(sessions).toHaveLength(0);
  });
});

describe("opening a recovery link with Stripe", () => {
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

  it("creates a Checkout Session with exactly the cart's items, customer and our metadata", async () => {
    const { token, id, business } = await cartWithLink({
      customerEmail: "kim@example.com",
      currency: "JPY",
      items: [
        { name: "Matcha", quantity: 2, price: 1500, imageUrl: "https://img.test/matcha.png" },
        { name: "Whisk", quantity: 1, price: "800" },
      ],
    });
    const res = await visit(token);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_mock\w+$/);

    const sent = stripe.sessionCreates().at(-1)!;
    const db = await getDb();
    const [session] = await db.select().from(paymentSessions).where(eq(paymentSessions.cartId, id));
    const [link] = await db.select().from(recoveryLinks).where(eq(recoveryLinks.token, token));
    const params = Object.fromEntries(sent.form);
    const expiresAt = Number(params.expires_at);
    delete params.expires_at;
    expect(params).toEqual({
      mode: "payment",
      "line_items[0][quantity]": "2",
      "line_items[0][price_data][currency]": "jpy",
      "line_items[0][price_data][unit_amount]": "1500",
      "line_items[0][price_data][product_data][name]": "Matcha",
      "line_items[0][price_data][product_data][images][0]": "https://img.test/matcha.png",
      "line_items[1][quantity]": "1",
      "line_items[1][price_data][currency]": "jpy",
      "line_items[1][price_data][unit_amount]": "800",
      "line_items[1][price_data][product_data][name]": "Whisk",
      customer_email: "kim@example.com",
      client_reference_id: id,
      "metadata[cart_id]": id,
      "metadata[business_id]": business.id,
      "metadata[recovery_link_id]": link!.id,
      "metadata[payment_session_id]": session!.id,
      "payment_intent_data[metadata][cart_id]": id,
      "payment_intent_data[metadata][business_id]": business.id,
      "payment_intent_data[metadata][recovery_link_id]": link!.id,
      "payment_intent_data[metadata][payment_session_id]": session!.id,
      success_url: `http://cartback.test/r/${token}/status?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `http://cartback.test/r/${token}/status?cancelled=1`,
    });
    // Stripe sessions live at most 24 h; the link itself lives 7 days
    expect(expiresAt * 1000 - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(expiresAt * 1000 - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(sent.headers["idempotency-key"]).toBe(session!.id);
    expect(session).toMatchObject({ provider: "stripe", providerSessionId: res.headers.get("location")!.split("/").pop(), amountMinor: 3800n });
  });

  it("keeps Stripe's session within the link's own lifetime, and at least Stripe's 30 minutes", async () => {
    const { token } = await cartWithLink(seedCart, { expiresInHours: 3 });
    await visit(token);
    const expiresAt = Number(stripe.sessionCreates().at(-1)!.form.get("expires_at")) * 1000;
    expect(expiresAt - Date.now()).toBeGreaterThan(2.9 * 3600_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(3 * 3600_000);
  });

  it("when Stripe fails, the customer lands on a retry page and the link keeps working", async () => {
    const { token } = await cartWithLink();
    stripe.failNext = 1;
    const failed = await visit(token);
    expect(failed.headers.get("location")).toBe(`/r/${token}/status?error=1`);
    const retried = await visit(token);
    expect(retried.headers.get("location")).toMatch(/^https:\/\/checkout\.stripe\.test\//);
  });

  it("rotating the link expires the old link's open Stripe sessions", async () => {
    const { token, id, key } = await cartWithLink();
    await visit(token);
    const before = stripe.requests.length;
    await call(generate, { method: "POST", key, params: { id }, body: { rotate: true } });
    const expired = stripe.requests.slice(before).filter((r) => r.path.endsWith("/expire"));
    expect(expired).toHaveLength(1);
    const db = await getDb();
    const open = await db.select().from(paymentSessions).where(and(eq(paymentSessions.cartId, id), eq(paymentSessions.status, "open")));
    expect(open).toHaveLength(0);
  });

  it("test payments are refused while Stripe is configured", async () => {
    const res = await call(payTest, { method: "POST", params: { id: "ps_anything" } });
    expect(res.status).toBe(403);
  });
});
