import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { orderOperations, paymentSessions } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { getOrder } from "@/lib/orders/queries";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { StripeMock } from "@/lib/testing/stripe-mock";
import { twigOrder } from "@/lib/testing/twig";
import { allowLoopbackWebhooks, startReceiver } from "@/lib/testing/webhook-receiver";
import { POST as authorizeRoute } from "../authorize/route";
import { GET } from "./route";

/** With Stripe: Authorize → Stripe Checkout (manual capture) → back to /return?session_id=. */

const stripe = new StripeMock();
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let restoreLoopback: () => void;

beforeAll(async () => {
  const url = await stripe.start();
  Object.assign(process.env, { STRIPE_SECRET_KEY: "sk_test_twigreturn", STRIPE_WEBHOOK_SECRET: "whsec_twig_return", STRIPE_API_URL: url });
  resetEnvForTests();
  restoreLoopback = allowLoopbackWebhooks();
  receiver = await startReceiver();
});
afterAll(async () => {
  restoreLoopback();
  Object.assign(process.env, { STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "", STRIPE_API_URL: "" });
  resetEnvForTests();
  await Promise.all([stripe.stop(), receiver.close()]);
});

const MERCHANT = { confirmUrl: "https://shop.example/twig/confirm", cancelUrl: "https://shop.example/twig/cancel" };

/** The customer clicks Authorize: the Stripe Checkout session it is sent to. */
async function startOnStripe(orderId: string): Promise<string> {
  const res = await call(authorizeRoute, {
    method: "POST",
    path: `/twig/checkout/${orderId}/authorize`,
    params: { orderId },
    rawBody: "",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://cartback.test" },
  });
  expect(res.status).toBe(303);
  return res.headers.get("location")!.split("/").pop()!;
}

const back = (orderId: string, sessionId?: string) =>
  call(GET, { method: "GET", path: `/twig/checkout/${orderId}/return${sessionId ? `?session_id=${sessionId}` : ""}`, params: { orderId } });

describe("GET /twig/checkout/{orderId}/return (Stripe)", () => {
  it("Authorize opens a manual-capture Stripe Checkout for the total, and closes an earlier one", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    const first = await startOnStripe(order.id);
    const second = await startOnStripe(order.id);
    const created = stripe.sessionCreates().find((r) => r.form.get("metadata[order_id]") === order.id)!;
    expect(created.form.get("payment_intent_data[capture_method]")).toBe("manual");
    expect(created.form.get("success_url")).toBe(`http://cartback.test/twig/checkout/${order.id}/return?session_id={CHECKOUT_SESSION_ID}`);
    const db = await getDb();
    const sessions = await db.select().from(paymentSessions).where(eq(paymentSessions.orderId, order.id));
    expect(sessions.find((s) => s.providerSessionId === first)!.status).toBe("expired");
    expect(sessions.find((s) => s.providerSessionId === second)).toMatchObject({ status: "open", amountMinor: 22000n });
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("pending");
  });

  it("Stripe unreachable: back to the page, which offers the button again; nothing is held", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    stripe.failNextWith({ status: 500, error: { type: "api_error", message: "Stripe is down" } });
    const res = await call(authorizeRoute, {
      method: "POST",
      path: `/twig/checkout/${order.id}/authorize`,
      params: { orderId: order.id },
      rawBody: "",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://cartback.test" },
    });
    expect(res.headers.get("location")).toBe(`/twig/checkout/${order.id}?failed=1`);
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("pending");
  });

  it("records the authorization and sends the customer to the confirmUrl, once however often they come back", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    const sessionId = await startOnStripe(order.id);
    const intent = stripe.authorize(sessionId);

    const res = await back(order.id, sessionId);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`https://shop.example/twig/confirm?orderId=${order.id}&merchantOrderReference=${order.merchantReference}`);
    expect((await getOrder(tenant.business.id, order.id))!).toMatchObject({ status: "authorized", authorizedMinor: 22000n });
    expect((await back(order.id, sessionId)).headers.get("location")).toBe(res.headers.get("location"));

    const db = await getDb();
    const ops = await db.select().from(orderOperations).where(and(eq(orderOperations.orderId, order.id), eq(orderOperations.kind, "authorize")));
    expect(ops).toMatchObject([{ provider: "stripe", providerRef: intent.id, amountMinor: 22000n }]);
    const [session] = await db.select().from(paymentSessions).where(eq(paymentSessions.providerSessionId, sessionId));
    expect(session!.status).toBe("complete");
  });

  it("captures and refunds on Stripe, with an idempotency key made from the merchant's id", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    const sessionId = await startOnStripe(order.id);
    const intent = stripe.authorize(sessionId);
    await back(order.id, sessionId);
    const { operate } = await import("@/lib/twig/operations");
    const key = "6f1c2b9e-7f0a-4c55-9a53-3f6f0f7d8a10";
    const req = { orderId: order.id, key, amountMinor: 22000n, currency: "USD", message: null, dateCreated: null };
    await operate(tenant.business.id, "capture", req, "api");
    await operate(tenant.business.id, "capture", req, "api");
    const captures = stripe.requests.filter((r) => r.path === `/v1/payment_intents/${intent.id}/capture`);
    expect(captures).toHaveLength(1);
    expect(captures[0]!.form.get("amount_to_capture")).toBe("22000");
    expect(captures[0]!.headers["idempotency-key"]).toBe(`twig-${tenant.business.id}-${key}`);
    await operate(tenant.business.id, "refund", { ...req, key: "0b7c1d3e-2f4a-4b6c-8d9e-0f1a2b3c4d5e", amountMinor: 500n }, "api");
    const refunds = stripe.requests.filter((r) => r.path === "/v1/refunds");
    expect(refunds.map((r) => [r.form.get("payment_intent"), r.form.get("amount")])).toEqual([[intent.id, "500"]]);
  });

  it("releases a hold the order can no longer take (cancelled while the customer was on Stripe)", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    const sessionId = await startOnStripe(order.id);
    const intent = stripe.authorize(sessionId);
    const { operate } = await import("@/lib/twig/operations");
    await operate(tenant.business.id, "void", { orderId: order.id, key: null, message: "gone", dateCreated: null }, "api");
    await back(order.id, sessionId);
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("cancelled");
    expect(stripe.requests.filter((r) => r.path === `/v1/payment_intents/${intent.id}/cancel`)).toHaveLength(1);
  });

  it("a session not authorized (yet), another order's session, or none goes back to the page", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, MERCHANT);
    const other = await twigOrder(tenant, {}, MERCHANT);
    const unpaid = await startOnStripe(order.id);
    const page = `/twig/checkout/${order.id}`;
    expect((await back(order.id, unpaid)).headers.get("location")).toBe(page);
    expect((await back(order.id)).headers.get("location")).toBe(page);
    expect((await back(order.id, "cs_doesnotexist")).headers.get("location")).toBe(page);

    const othersSession = await startOnStripe(other.id);
    stripe.authorize(othersSession);
    expect((await back(order.id, othersSession)).headers.get("location")).toBe(page);
    expect((await getOrder(tenant.business.id, order.id))!.status).toBe("pending");
    expect((await back("order_doesnotexist", othersSession)).status).toBe(404);
  });

  it("a failed required validation voids the hold at Stripe and sends the customer to the cancelUrl", async () => {
    receiver.reply(400, "out of stock");
    const tenant = await newBusiness();
    const order = await twigOrder(tenant, {}, { ...MERCHANT, validationUrl: receiver.url, requiresValidateCallbackSuccess: true });
    const sessionId = await startOnStripe(order.id);
    const intent = stripe.authorize(sessionId);

    const res = await back(order.id, sessionId);
    expect(res.headers.get("location")).toMatch(/^https:\/\/shop\.example\/twig\/cancel\?orderId=/);
    expect((await getOrder(tenant.business.id, order.id))!).toMatchObject({ status: "cancelled", validationStatus: "failed" });
    expect(stripe.paymentIntent(intent.id)!.status).toBe("canceled");
  });
});
