import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { payments } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { newId } from "@/lib/ids";
import { generateLink, openLink } from "@/lib/links/service";
import { payTestSession } from "@/lib/payments/checkout";
import { newBusiness, seedCart } from "@/lib/testing/fixtures";
import { getCartDetail, stripePaymentUrl } from "./detail";
import { createCart } from "./service";

async function setup() {
  const tenant = await newBusiness();
  const cart = await createCart(tenant.business, { ...seedCart, items: [{ ...seedCart.items[0]!, imageUrl: "https://cdn.example/p.png" }] });
  return { ...tenant, cart };
}

describe("getCartDetail", () => {
  it("gathers the cart, its timeline, its link and its payment after a test-mode payment", async () => {
    const { business, cart } = await setup();
    const link = await generateLink(business.id, cart.id, { createdBy: "staff" });
    const opened = await openLink(link.url.split("/r/")[1]!);
    if (!("redirect" in opened)) throw new Error(`link not open: ${opened.state}`);
    await payTestSession(opened.redirect.split("/pay/test/")[1]!);

    const detail = (await getCartDetail(business.id, cart.id))!;
    expect(detail.cart).toMatchObject({ id: cart.id, status: "recovered", totalMinor: 9998n, currency: "USD" });
    expect(detail.cart.items).toEqual([expect.objectContaining({ name: "Product Name", quantity: 2, unitPriceMinor: 4999n, imageUrl: "https://cdn.example/p.png" })]);
    expect(detail.timeline.map((e) => e.label)).toEqual([
      "Cart created",
      "Abandoned",
      "Payment link generated",
      "Customer opened the link",
      "Paid",
      "Recovered",
    ]);
    expect(detail.timeline.find((e) => e.type === "payment.succeeded")).toMatchObject({
      amount: { minor: 9998n, currency: "USD" },
      detail: "Through the test-mode checkout",
    });
    expect(detail.link).toMatchObject({ url: link.url, expired: false, openCount: 1, createdBy: "staff" });
    expect(detail.link!.lastOpenedAt).toBeInstanceOf(Date);
    expect(detail.payments).toEqual([
      expect.objectContaining({ provider: "test", amountMinor: 9998n, currency: "USD", stripeUrl: null, paidAt: expect.any(Date) }),
    ]);
  });

  it("shows a current link past its expiry as expired (the cart itself has no live link)", async () => {
    const { business, cart } = await setup();
    await generateLink(business.id, cart.id, { now: new Date(Date.now() - 10 * 24 * 3600_000) });
    const detail = (await getCartDetail(business.id, cart.id))!;
    expect(detail.cart.link).toBeNull();
    expect(detail.link).toMatchObject({ expired: true, openCount: 0, createdBy: "api" });
  });

  it("links Stripe payments to Stripe's dashboard, under /test for test keys", async () => {
    const { business, cart } = await setup();
    const db = await getDb();
    await db.insert(payments).values({
      id: newId("pay"),
      businessId: business.id,
      cartId: cart.id,
      provider: "stripe",
      providerPaymentId: "pi_3Abc",
      providerSessionId: "cs_test_1",
      amountMinor: 9998n,
      currency: "USD",
      paidAt: new Date(),
    });
    const saved = { key: process.env.STRIPE_SECRET_KEY, secret: process.env.STRIPE_WEBHOOK_SECRET };
    try {
      Object.assign(process.env, { STRIPE_SECRET_KEY: "sk_test_abc", STRIPE_WEBHOOK_SECRET: "whsec_abc" });
      resetEnvForTests();
      const [payment] = (await getCartDetail(business.id, cart.id))!.payments;
      expect(payment).toMatchObject({ provider: "stripe", providerPaymentId: "pi_3Abc", stripeUrl: "https://dashboard.stripe.com/test/payments/pi_3Abc" });
    } finally {
      Object.assign(process.env, { STRIPE_SECRET_KEY: saved.key ?? "", STRIPE_WEBHOOK_SECRET: saved.secret ?? "" });
      resetEnvForTests();
    }
    expect(stripePaymentUrl("pi_1", "sk_live_abc")).toBe("https://dashboard.stripe.com/payments/pi_1");
    expect(stripePaymentUrl("pi_1", "rk_test_abc")).toBe("https://dashboard.stripe.com/test/payments/pi_1");
    expect(stripePaymentUrl("pi_1", undefined)).toBe("https://dashboard.stripe.com/payments/pi_1");
  });

  it("answers undefined for another business's cart and for a missing one", async () => {
    const { cart } = await setup();
    const other = await newBusiness();
    expect(await getCartDetail(other.business.id, cart.id)).toBeUndefined();
    expect(await getCartDetail(other.business.id, "cart_doesnotexist")).toBeUndefined();
  });
});
