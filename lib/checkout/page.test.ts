import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { checkoutSessions, events, type CheckoutOptionsSnapshot } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { placeOrder } from "@/lib/orders/service";
import { payTestSession, startOrderPaymentSession } from "@/lib/payments/checkout";
import { newBusiness } from "@/lib/testing/fixtures";
import { fullRequest } from "@/lib/torque/validation";
import {
  checkoutCompletion,
  checkoutTheme,
  customFieldsOf,
  decodeFlash,
  encodeFlash,
  fieldLabel,
  formValues,
  parseCheckoutForm,
  prefilledValues,
  readableOn,
  redirectTarget,
  summarize,
  timeLeft,
  viewCheckout,
} from "./page";
import { createCheckoutSession } from "./service";

/** 001's request with a discount, shipping and names in the items' metadata. */
async function checkout(business: Business, options: Record<string, unknown> = {}, now = new Date()) {
  const body = fullRequest.parse({
    businessId: business.id,
    cart: {
      items: [
        { productId: "prod_1", quantity: 2, price: 29.99, variant: "large", metadata: { name: "Trail Runner" } },
        { productId: "prod_2", quantity: 1, price: 49.99 },
      ],
      discounts: [{ code: "SAVE10", amount: 10, type: "percentage" }],
      shipping: { method: "standard", cost: 5.99, estimatedDays: 3 },
    },
    customerData: { email: "customer@example.com", firstName: "John", lastName: "Doe", phone: "+1234567890" },
    options,
  });
  return (await createCheckoutSession(business, body, now)).session;
}

const opts = (o: Partial<CheckoutOptionsSnapshot> = {}): CheckoutOptionsSnapshot => ({
  allowGuest: true,
  requireShipping: false,
  customFields: null,
  redirectUrl: null,
  webhookUrl: null,
  theme: null,
  ...o,
});

const contact = { email: "Jane@Example.com ", firstName: "Jane", lastName: "Roe" };
const fullAddress = {
  "address.street": "123 Main St",
  "address.city": "New York",
  "address.state": "NY",
  "address.postalCode": "10001",
  "address.country": "us",
};

describe("viewCheckout", () => {
  it("counts every view, but sets first_viewed_at and writes checkout.viewed only once", async () => {
    const { business } = await newBusiness({ name: "Acme Outfitters" });
    const session = await checkout(business);
    const t1 = new Date(Date.now() + 1000);
    const first = await viewCheckout(session.id, t1);
    expect(first).toMatchObject({ state: "open", businessName: "Acme Outfitters" });
    await viewCheckout(session.id, new Date(t1.getTime() + 5000));
    const third = await viewCheckout(session.id, new Date(t1.getTime() + 9000));
    expect(third.state === "open" && third.session.viewCount).toBe(3);

    const db = await getDb();
    const [row] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, session.id));
    expect(row!.viewCount).toBe(3);
    expect(row!.firstViewedAt!.getTime()).toBe(t1.getTime());
    const viewed = await db
      .select()
      .from(events)
      .where(and(eq(events.businessId, business.id), eq(events.subjectId, session.id), eq(events.type, "checkout.viewed")));
    expect(viewed).toHaveLength(1);
  });

  it("concurrent first views still write one checkout.viewed", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business);
    await Promise.all([viewCheckout(session.id), viewCheckout(session.id), viewCheckout(session.id)]);
    const db = await getDb();
    const viewed = await db.select().from(events).where(and(eq(events.subjectId, session.id), eq(events.type, "checkout.viewed")));
    expect(viewed).toHaveLength(1);
    const [row] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, session.id));
    expect(row!.viewCount).toBe(3);
  });

  it("an open session past its expiry reads as expired before the sweep ran, and is not counted", async () => {
    const { business } = await newBusiness({ name: "Late Shop" });
    const session = await checkout(business, { expiresIn: 60 });
    const later = new Date(session.expiresAt.getTime() + 1);
    expect(await viewCheckout(session.id, later)).toMatchObject({ state: "expired", businessName: "Late Shop" });
    const db = await getDb();
    const [row] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, session.id));
    expect(row).toMatchObject({ status: "open", viewCount: 0, firstViewedAt: null });
  });

  it("a swept session is expired; a paid one is completed with its order and redirectUrl; unknown ids are not found", async () => {
    const { business } = await newBusiness();
    const db = await getDb();
    const swept = await checkout(business);
    await db.update(checkoutSessions).set({ status: "expired", expiredAt: new Date() }).where(eq(checkoutSessions.id, swept.id));
    expect((await viewCheckout(swept.id)).state).toBe("expired");

    const paid = await checkout(business, { redirectUrl: "https://shop.example/thanks" });
    await db.update(checkoutSessions).set({ status: "completed", orderId: "order_x1" }).where(eq(checkoutSessions.id, paid.id));
    expect(await viewCheckout(paid.id)).toMatchObject({ state: "completed", orderId: "order_x1", redirectUrl: "https://shop.example/thanks" });

    expect(await viewCheckout("session_doesnotexist")).toEqual({ state: "not_found" });
  });
});

describe("the checkout form", () => {
  it("accepts the contact details alone when shipping is not required", () => {
    const result = parseCheckoutForm(opts(), contact);
    expect(result).toEqual({
      ok: true,
      form: { email: "jane@example.com", firstName: "Jane", lastName: "Roe", phone: null, address: null, customFields: {} },
    });
  });

  it("names each missing or malformed field with a readable message", () => {
    const result = parseCheckoutForm(opts(), { email: "not-an-email", lastName: "  ", phone: "12" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      email: "Enter a valid email address, like name@example.com",
      firstName: "Enter your first name",
      lastName: "Enter your last name",
      phone: "Enter a valid phone number, like +1 212 555 0100",
    });
  });

  it("requires every part of the address with requireShipping", () => {
    const result = parseCheckoutForm(opts({ requireShipping: true }), contact);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["address.city", "address.country", "address.postalCode", "address.state", "address.street"]);
    expect(result.errors["address.country"]).toBe("Choose your country");

    const ok = parseCheckoutForm(opts({ requireShipping: true }), { ...contact, ...fullAddress, "address.apartment": "Apt 4B" });
    expect(ok.ok && ok.form.address).toEqual({ street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US", apartment: "Apt 4B" });
  });

  it("an optional address is all-or-nothing and its country must be ISO 3166-1", () => {
    const partial = parseCheckoutForm(opts(), { ...contact, "address.city": "Paris" });
    expect(partial.ok).toBe(false);
    if (!partial.ok) expect(Object.keys(partial.errors).sort()).toEqual(["address.country", "address.postalCode", "address.state", "address.street"]);

    const badCountry = parseCheckoutForm(opts(), { ...contact, ...fullAddress, "address.country": "XX" });
    expect(!badCountry.ok && badCountry.errors).toEqual({ "address.country": "Choose a country from the list" });

    const complete = parseCheckoutForm(opts(), { ...contact, ...fullAddress });
    expect(complete.ok && complete.form.address).toEqual({ street: "123 Main St", city: "New York", state: "NY", postalCode: "10001", country: "US" });
  });

  it("reads the merchant's custom fields by key, up to 500 characters each", () => {
    const options = opts({ customFields: { company: "string", giftMessage: "Write a note for the card" } });
    expect(customFieldsOf(options)).toEqual([
      { key: "company", name: "custom.company", label: "Company", placeholder: null },
      { key: "giftMessage", name: "custom.giftMessage", label: "Gift message", placeholder: "Write a note for the card" },
    ]);
    const ok = parseCheckoutForm(options, { ...contact, "custom.company": " Acme Corp ", "custom.giftMessage": "" });
    expect(ok.ok && ok.form.customFields).toEqual({ company: "Acme Corp" });

    const tooLong = parseCheckoutForm(options, { ...contact, "custom.giftMessage": "x".repeat(501) });
    expect(!tooLong.ok && tooLong.errors).toEqual({ "custom.giftMessage": "Must be at most 500 characters" });
  });

  it("keeps only the page's own inputs from a submission", () => {
    const options = opts({ customFields: { notes: "string" } });
    const form = new URLSearchParams({ ...contact, "custom.notes": "Leave at the door", "custom.other": "x", status: "completed", totalMinor: "0" });
    expect(formValues(form, options)).toEqual({ ...contact, "custom.notes": "Leave at the door" });
  });

  it("prefills the form from the session's customerData", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business);
    expect(prefilledValues(session)).toEqual({ email: "customer@example.com", firstName: "John", lastName: "Doe", phone: "+1234567890" });
  });

  it("round-trips a bounced form through the flash cookie value", () => {
    const flash = { errors: { email: "Enter your email address" }, values: { firstName: "Jane" } };
    expect(decodeFlash(encodeFlash(flash))).toEqual(flash);
    expect(decodeFlash("not base64 json")).toBeUndefined();
    const big = encodeFlash({ errors: {}, values: { firstName: "Jane", "custom.notes": "x".repeat(5000) } });
    expect(decodeFlash(big)!.values).toEqual({ firstName: "Jane" });
  });
});

describe("what the page shows", () => {
  it("summarises items (metadata names), each discount, shipping and the exact totals", async () => {
    const { business } = await newBusiness();
    const summary = summarize(await checkout(business));
    expect(summary.lines.map((l) => [l.name, l.variant, l.quantity, l.totalMinor])).toEqual([
      ["Trail Runner", "large", 2, 5998n],
      ["prod_2", null, 1, 4999n],
    ]);
    expect(summary.discounts).toEqual([{ code: "SAVE10", description: null, type: "percentage", amount: "10", appliedMinor: 1100n }]);
    expect(summary.shipping).toMatchObject({ method: "standard", costMinor: 599n, estimatedDays: 3 });
    expect([summary.subtotalMinor, summary.discountMinor, summary.shippingMinor, summary.totalMinor, summary.itemCount]).toEqual([10997n, 1100n, 599n, 10496n, 3]);
  });

  it("themes with the business's colours, readable text on them, and only safe CSS", () => {
    expect(checkoutTheme(opts({ theme: { primaryColor: "#16A34A", secondaryColor: "#fde047", logo: "https://cdn.example/logo.png", customCSS: ".cb-header{letter-spacing:1px}" } }))).toEqual({
      primary: "#16a34a",
      onPrimary: "#ffffff",
      secondary: "#fde047",
      onSecondary: "#0f172a",
      logo: "https://cdn.example/logo.png",
      customCss: ".cb-header{letter-spacing:1px}",
    });
    const fallback = checkoutTheme(opts({ theme: { primaryColor: "#abc", customCSS: "</style><script>alert(1)</script>" } }));
    expect(fallback).toMatchObject({ primary: "#aabbcc", secondary: "#0f172a", onSecondary: "#ffffff", customCss: null, logo: null });
    expect(readableOn("#ffffff")).toBe("#0f172a");
    expect(readableOn("#000000")).toBe("#ffffff");
  });

  it("labels, redirect targets and time left read well", () => {
    expect(fieldLabel("referral_code")).toBe("Referral code");
    expect(redirectTarget("https://shop.example/thanks?ref=mail", "order_1", "session_1")).toBe("https://shop.example/thanks?ref=mail&orderId=order_1&sessionId=session_1");
    const now = new Date("2024-01-15T10:00:00Z");
    expect(timeLeft(new Date("2024-01-15T10:59:30Z"), now)).toBe("in 60 minutes");
    expect(timeLeft(new Date("2024-01-15T15:00:00Z"), now)).toBe("in 5 hours");
    expect(timeLeft(new Date("2024-01-18T10:00:00Z"), now)).toBe("in 3 days");
  });
});

describe("checkoutCompletion", () => {
  it("waits for the payment, then sends the customer to redirectUrl with the order and session", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business, { redirectUrl: "https://shop.example/thanks" });
    expect(await checkoutCompletion(session.id)).toEqual({ state: "no_order" });

    const order = await placeOrder(session.id, { email: "john@example.com", firstName: "John", lastName: "Doe" });
    expect(await checkoutCompletion(session.id)).toMatchObject({ state: "confirming", orderId: order.id });

    const url = await startOrderPaymentSession(order, [{ label: "All", quantity: 1, unitPriceMinor: order.totalMinor }], "standard");
    await payTestSession(url.split("/").pop()!);
    expect(await checkoutCompletion(session.id)).toMatchObject({
      state: "paid",
      orderId: order.id,
      redirectTo: `https://shop.example/thanks?orderId=${order.id}&sessionId=${session.id}`,
    });
    expect(await checkoutCompletion("session_nope")).toEqual({ state: "not_found" });
  });

  it("an expired checkout without a payment is closed", async () => {
    const { business } = await newBusiness();
    const session = await checkout(business);
    const db = await getDb();
    await db.update(checkoutSessions).set({ status: "expired" }).where(eq(checkoutSessions.id, session.id));
    expect((await checkoutCompletion(session.id)).state).toBe("closed");
  });
});
