import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts, paymentSessions, recoveryMessages } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { eventsFor } from "@/lib/events";
import { newId } from "@/lib/ids";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { StripeMock } from "@/lib/testing/stripe-mock";
import { POST as createCart } from "@/app/api/carts/route";
import { PATCH } from "@/app/api/carts/[id]/route";
import { POST as generate } from "@/app/api/carts/[id]/payment-link/route";
import { POST as markStatus } from "@/app/api/dashboard/carts/[id]/status/route";
import { POST as payTest } from "@/app/pay/test/[id]/confirm/route";
import { POST as stripeWebhook } from "@/app/api/webhooks/stripe/route";
import { GET as open } from "./route";

/** How a recovered cart records what brought it back (docs/recovery.md, "Attribution"). */

const RUN = randomUUID().slice(0, 8);

async function cartWithLink() {
  const tenant = await newBusiness();
  const created = await call(createCart, { key: tenant.key, path: "/api/carts", body: seedCart });
  const id = created.body.data.id as string;
  const link = await call(generate, { key: tenant.key, params: { id }, method: "POST" });
  const token = (link.body.data.paymentLink as string).split("/r/")[1]!;
  return { ...tenant, id, token };
}

/** A recovery email of the cart, as the sender leaves it once sent. */
async function emailOf(businessId: string, cartId: string, stepPosition: number): Promise<string> {
  const db = await getDb();
  const [cart] = await db.select().from(carts).where(eq(carts.id, cartId));
  const id = newId("msg");
  await db.insert(recoveryMessages).values({ id, businessId, cartId, customerId: cart!.customerId, stepPosition, toEmail: "customer@example.com", status: "sent", sentAt: new Date() });
  return id;
}

async function visit(token: string, m?: string) {
  const path = `/r/${token}${m === undefined ? "" : `?m=${encodeURIComponent(m)}`}`;
  const res = await call(open, { params: { token }, path });
  expect(res.status).toBe(303);
  return res.headers.get("location")!;
}

async function sessionAt(url: string) {
  const [session] = await (await getDb()).select().from(paymentSessions).where(eq(paymentSessions.url, url));
  return session!;
}

async function cartRow(id: string) {
  const [row] = await (await getDb()).select().from(carts).where(eq(carts.id, id));
  return row!;
}

async function messageRow(id: string) {
  const [row] = await (await getDb()).select().from(recoveryMessages).where(eq(recoveryMessages.id, id));
  return row!;
}

const pay = (url: string) => call(payTest, { method: "POST", params: { id: url.split("/").pop()! } });

describe("attribution of a recovered cart", () => {
  it("email: the link of a recovery email (?m=) records the click once and credits the email's step", async () => {
    const { business, id, token } = await cartWithLink();
    await emailOf(business.id, id, 1);
    const second = await emailOf(business.id, id, 2);
    const url = await visit(token, second);
    const clicked = await messageRow(second);
    expect(clicked.clickedAt).toBeInstanceOf(Date);
    expect((await sessionAt(url)).messageId).toBe(second);

    // a second click opens a new checkout, still credited, but the first click stays the one recorded
    const again = await visit(token, second);
    expect((await sessionAt(again)).messageId).toBe(second);
    expect((await messageRow(second)).clickedAt).toEqual(clicked.clickedAt);
    const db = await getDb();
    const clicks = (await eventsFor(db, business.id, id)).filter((e) => e.type === "email.clicked");
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.data).toEqual({ messageId: second, step: 2 });

    expect((await pay(again)).status).toBe(303);
    expect(await cartRow(id)).toMatchObject({ status: "recovered", recoveryChannel: "email", recoveryStep: 2 });
    const recovered = (await eventsFor(db, business.id, id)).find((e) => e.type === "cart.recovered")!;
    expect(recovered.data).toMatchObject({ channel: "email", step: 2 });
  });

  it("link: a link opened without an email's mark is credited to the link", async () => {
    const { id, token } = await cartWithLink();
    expect((await pay(await visit(token))).status).toBe(303);
    expect(await cartRow(id)).toMatchObject({ status: "recovered", recoveryChannel: "link", recoveryStep: null });
  });

  it("the checkout that is paid decides: opened from the email, then again without the mark", async () => {
    const { business, id, token } = await cartWithLink();
    const msg = await emailOf(business.id, id, 3);
    await visit(token, msg);
    const plain = await visit(token);
    await pay(plain);
    expect(await cartRow(id)).toMatchObject({ recoveryChannel: "link", recoveryStep: null });

    const other = await cartWithLink();
    const otherMsg = await emailOf(other.business.id, other.id, 3);
    const fromEmail = await visit(other.token, otherMsg);
    await visit(other.token);
    await pay(fromEmail);
    expect(await cartRow(other.id)).toMatchObject({ recoveryChannel: "email", recoveryStep: 3 });
  });

  it("a mark that is not one of this cart's emails is ignored", async () => {
    const a = await cartWithLink();
    const b = await cartWithLink();
    const foreign = await emailOf(b.business.id, b.id, 1);
    const url = await visit(a.token, foreign);
    expect((await sessionAt(url)).messageId).toBeNull();
    expect((await messageRow(foreign)).clickedAt).toBeNull();
    expect((await sessionAt(await visit(a.token, "msg_doesnotexist"))).messageId).toBeNull();
    expect(await visit(a.token, "<script>")).toMatch(/\/pay\/test\/ps_/);
    await pay(url);
    expect(await cartRow(a.id)).toMatchObject({ recoveryChannel: "link" });
    const types = (await eventsFor(await getDb(), a.business.id, a.id)).map((e) => e.type);
    expect(types).not.toContain("email.clicked");
  });

  it("manual: staff marking a cart recovered", async () => {
    const { business, id } = await cartWithLink();
    const agent = await staffSession(business.id, "agent");
    const res = await call(markStatus, { method: "POST", path: `/api/dashboard/carts/${id}/status`, params: { id }, headers: asStaff(agent), body: { status: "recovered" } });
    expect(res.status).toBe(200);
    expect(await cartRow(id)).toMatchObject({ recoveryChannel: "manual", recoveryStep: null });
  });

  it("direct: the merchant's API reporting the cart recovered", async () => {
    const { key, id } = await cartWithLink();
    const res = await call(PATCH, { method: "PATCH", key, params: { id }, body: { status: "recovered" } });
    expect(res.status).toBe(200);
    expect(await cartRow(id)).toMatchObject({ status: "recovered", recoveryChannel: "direct", recoveryStep: null });
  });
});

describe("attribution through Stripe", () => {
  const stripe = new StripeMock();
  const SECRET = "whsec_cartback_attribution";

  beforeAll(async () => {
    const url = await stripe.start();
    Object.assign(process.env, { STRIPE_SECRET_KEY: "sk_test_cartback", STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_URL: url });
    resetEnvForTests();
  });
  afterAll(async () => {
    Object.assign(process.env, { STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "", STRIPE_API_URL: "" });
    resetEnvForTests();
    await stripe.stop();
  });

  it("Stripe's payment of a checkout opened from an email credits the email; going back to checkout keeps the mark", async () => {
    const { business, id, token } = await cartWithLink();
    const msg = await emailOf(business.id, id, 2);
    const url = await visit(token, msg);
    const sent = stripe.sessionCreates().at(-1)!;
    expect(sent.form.get("cancel_url")).toBe(`http://cartback.test/r/${token}/status?cancelled=1&m=${msg}`);
    // the metadata Stripe echoes is unchanged: the session row carries the email
    expect([...sent.form.keys()].filter((k) => k.startsWith("metadata["))).toEqual([
      "metadata[cart_id]",
      "metadata[business_id]",
      "metadata[recovery_link_id]",
      "metadata[payment_session_id]",
    ]);

    stripe.failNext = 1;
    expect(await visit(token, msg)).toBe(`/r/${token}/status?error=1&m=${msg}`);

    const metadata = Object.fromEntries([...sent.form].flatMap(([k, v]) => (/^metadata\[(\w+)\]$/.test(k) ? [[k.slice(9, -1), v]] : [])));
    const payload = JSON.stringify({
      id: `evt_attr_${RUN}`,
      object: "event",
      api_version: "2026-10-28.endive",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      type: "checkout.session.completed",
      data: { object: { id: url.split("/").pop(), object: "checkout.session", amount_total: 9998, currency: "usd", payment_intent: `pi_attr_${RUN}`, payment_status: "paid", metadata } },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const res = await call(stripeWebhook, { method: "POST", rawBody: payload, headers: { "content-type": "application/json", "stripe-signature": signature } });
    expect(res.body.outcome).toBe("applied");
    expect(await cartRow(id)).toMatchObject({ status: "recovered", recoveryChannel: "email", recoveryStep: 2 });
  });
});
