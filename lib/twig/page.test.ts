import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { orders } from "@/db/schema";
import { newBusiness } from "@/lib/testing/fixtures";
import { placedOrder } from "@/lib/testing/orders";
import { twigOrder } from "@/lib/testing/twig";
import { authorizeTestPayment, cancelByCustomer } from "./customer";
import { addressLines, checkoutState, paymentOrder, sameAddress, summarizeTwigOrder, viewTwigCheckout } from "./page";

describe("viewTwigCheckout", () => {
  it("finds a Twig order by its id alone, with its business's name, items and amounts", async () => {
    const tenant = await newBusiness({ name: "Twig Outfitters" });
    const order = await twigOrder(tenant);
    const view = await viewTwigCheckout(order.id);
    expect(view).toMatchObject({ state: "open", businessName: "Twig Outfitters", order: { id: order.id, businessId: tenant.business.id, totalMinor: 22000n } });
    if (view.state === "not_found") throw new Error("unreachable");
    expect(view.order.items.map((i) => i.name)).toEqual(["T-Shirt", "Shoes"]);
  });

  it("answers not_found for a made-up id and for a Torque order", async () => {
    const { business } = await newBusiness();
    const torque = await placedOrder(business);
    expect(await viewTwigCheckout("order_doesnotexist")).toEqual({ state: "not_found" });
    expect(await viewTwigCheckout(torque.order.id)).toEqual({ state: "not_found" });
    expect(await viewTwigCheckout("x".repeat(500))).toEqual({ state: "not_found" });
  });

  it("reads open, authorized, cancelled (with the reason) and expired", async () => {
    const tenant = await newBusiness();
    const now = new Date();
    const open = await twigOrder(tenant, { expiration: new Date(now.getTime() + 3600e3).toISOString() });
    expect((await viewTwigCheckout(open.id, now)).state).toBe("open");
    // Past its expiration, before the sweep has expired it.
    expect((await viewTwigCheckout(open.id, new Date(now.getTime() + 3601e3))).state).toBe("expired");

    const paid = await twigOrder(tenant);
    await authorizeTestPayment(tenant.business.id, paid.id);
    expect((await viewTwigCheckout(paid.id)).state).toBe("authorized");

    const walked = await twigOrder(tenant);
    await cancelByCustomer(tenant.business.id, walked.id);
    const cancelled = await viewTwigCheckout(walked.id);
    expect(cancelled).toMatchObject({ state: "cancelled", order: { statusReason: "The customer cancelled at checkout" } });

    const db = await getDb();
    await db.update(orders).set({ status: "expired" }).where(eq(orders.id, open.id));
    expect((await viewTwigCheckout(open.id, now)).state).toBe("expired");
  });
});

describe("checkoutState", () => {
  it("counts every status after authorization as paid", () => {
    for (const status of ["authorized", "processing", "completed", "partially_refunded", "refunded"] as const) {
      expect(checkoutState({ status, expiresAt: new Date(0) }), status).toBe("authorized");
    }
    expect(checkoutState({ status: "pending", expiresAt: null })).toBe("open");
  });
});

describe("summarizeTwigOrder", () => {
  it("shows each line's unit price and line tax (Twig's tax is per unit) and the merchant's breakdown", async () => {
    const tenant = await newBusiness();
    // The seed's own example: its lines do not add up to its breakdown, which is what is authorized.
    const order = await twigOrder(tenant, {
      amount: { currencyCode: "USD", value: "1500.00", breakdown: { items: "1450.00", shipping: "30.00", tax: "20.00" } },
    });
    const s = summarizeTwigOrder(order);
    expect(s.lines.map(({ name, description, quantity, unitMinor, taxMinor, totalMinor }) => ({ name, description, quantity, unitMinor, taxMinor, totalMinor }))).toEqual([
      { name: "T-Shirt", description: "Green XL", quantity: 1, unitMinor: 9000n, taxMinor: 1000n, totalMinor: 9000n },
      { name: "Shoes", description: "Running, Size 10.5", quantity: 2, unitMinor: 4500n, taxMinor: 1000n, totalMinor: 9000n },
    ]);
    expect(s).toMatchObject({
      currency: "USD",
      itemCount: 3,
      itemsMinor: 145000n,
      taxMinor: 2000n,
      shipping: { method: "United States Postal Service", amountMinor: 3000n },
      totalMinor: 150000n,
      customer: { name: "taulant taulant", email: "taulant@taulant.com", phone: null },
    });
    // "imageurl" is no URL: the page shows the item's initial instead.
    expect(s.lines[0]!.imageUrl).toBeNull();
    expect(sameAddress(s.shippingAddress, s.billingAddress)).toBe(true);
  });

  it("writes an address as envelope lines, Twig's free-text country beside the city", () => {
    const a = { firstName: "John", lastName: "Doe", addressLine1: "123 Townsend St", addressLine2: "Floor 6", city: "San Francisco", country: "CA", postalCode: "94107", countryCode: "US" };
    expect(addressLines(a)).toEqual(["John Doe", "123 Townsend St", "Floor 6", "San Francisco, CA 94107", "United States"]);
    expect(addressLines({ ...a, addressLine2: null, country: "Kosovo", countryCode: "XK" })).toEqual(["John Doe", "123 Townsend St", "San Francisco, 94107", "Kosovo"]);
    expect(sameAddress(a, { ...a, city: "Oakland" })).toBe(false);
  });
});

describe("paymentOrder", () => {
  it("gives the provider the lines, tax, shipping and total to hold", async () => {
    const tenant = await newBusiness();
    const order = await twigOrder(tenant);
    expect(paymentOrder(order)).toEqual({
      id: order.id,
      businessId: tenant.business.id,
      currency: "USD",
      totalMinor: 22000n,
      customerEmail: "taulant@taulant.com",
      expiresAt: order.expiresAt,
      lines: [
        { label: "T-Shirt", quantity: 1, unitPriceMinor: 9000n },
        { label: "Shoes", quantity: 2, unitPriceMinor: 4500n },
      ],
      taxMinor: 2000n,
      shippingMinor: 2000n,
      shippingMethod: "United States Postal Service",
    });
  });
});
