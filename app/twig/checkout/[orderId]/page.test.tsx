import { eq } from "drizzle-orm";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { orders } from "@/db/schema";
import { cancelByCustomer } from "@/lib/twig/customer";
import { newBusiness } from "@/lib/testing/fixtures";
import { authorizedTwigOrder, twigOrder } from "@/lib/testing/twig";

vi.mock("next/navigation", () => ({
  notFound: () => {
    throw new Error("NEXT_NOT_FOUND");
  },
}));

const MERCHANT = { confirmUrl: "https://shop.example/twig/confirm", cancelUrl: "https://shop.example/twig/cancel" };

async function render(orderId: string, query: Record<string, string> = {}): Promise<string> {
  const { default: Page } = await import("./page");
  return renderToString(await Page({ params: Promise.resolve({ orderId }), searchParams: Promise.resolve(query) }));
}

const text = (html: string) =>
  html
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
const forms = (html: string) => [...html.matchAll(/<form [^>]*>/g)].map((m) => (/method="post"/.test(m[0]) ? /action="([^"]+)"/.exec(m[0])?.[1] : "not a post"));

describe("the Twig checkout page", () => {
  it("shows an open order: lines, breakdown, customer, addresses, expiry, test mode, and the two buttons as plain forms", async () => {
    const tenant = await newBusiness({ name: "Twig Outfitters" });
    const order = await twigOrder(tenant, {}, MERCHANT);
    const html = await render(order.id);
    const page = text(html);
    expect(page).toContain("Review your order");
    expect(page).toContain("Your order from Twig Outfitters · this checkout expires in 7 days");
    expect(page).toContain("TEST MODE");
    expect(page).toMatch(/T-Shirt Green XL 1 × \$90\.00 · tax \$10\.00 \$90\.00/);
    expect(page).toMatch(/Shoes Running, Size 10\.5 2 × \$45\.00 · tax \$10\.00 \$90\.00/);
    expect(page).toMatch(/Items \$180\.00 Tax \$20\.00 Shipping · United States Postal Service \$20\.00 Total USD \$220\.00/);
    expect(page).toContain("taulant taulant");
    expect(page).toContain("taulant@taulant.com");
    expect(page).toContain("John Doe 123 Townsend St Floor 6 San Francisco, CA 94107 United States");
    expect(page).toContain("Same as the shipping address");
    expect(page).toContain("Authorize $220.00");
    expect(page).toContain("charged only when Twig Outfitters ships or confirms your order");
    expect(page).toContain("Cancel order");
    expect(forms(html)).toEqual([`/twig/checkout/${order.id}/authorize`, `/twig/checkout/${order.id}/cancel`]);
    expect(page).not.toContain("could not reach the payment provider");
    expect(text(await render(order.id, { failed: "1" }))).toContain("We could not reach the payment provider.");
  });

  it("an authorized order: payment authorized, the order number and a link on to the confirmUrl", async () => {
    const tenant = await newBusiness({ name: "Twig Outfitters" });
    const order = await authorizedTwigOrder(tenant, {}, MERCHANT);
    const html = await render(order.id);
    expect(text(html)).toContain("Payment authorized");
    expect(text(html)).toContain("Your card is authorized for $220.00. Twig Outfitters charges it when your order ships.");
    expect(text(html)).toContain(order.id);
    expect(html).toContain(`href="https://shop.example/twig/confirm?orderId=${order.id}&amp;merchantOrderReference=${order.merchantReference}"`);
    expect(forms(html)).toEqual([]);
  });

  it("while the merchant validates, the page waits and refreshes itself", async () => {
    const tenant = await newBusiness();
    const order = await authorizedTwigOrder(tenant, {}, MERCHANT);
    const db = await getDb();
    await db.update(orders).set({ validationStatus: "running" }).where(eq(orders.id, order.id));
    const html = await render(order.id);
    expect(text(html)).toContain("Confirming your order");
    expect(html).toContain('<meta http-equiv="refresh" content="3"/>');
  });

  it("a cancelled order gives the reason and a way back to the cancelUrl; without one, no link", async () => {
    const tenant = await newBusiness({ name: "Twig Outfitters" });
    const order = await twigOrder(tenant, {}, MERCHANT);
    await cancelByCustomer(tenant.business.id, order.id);
    const html = await render(order.id);
    expect(text(html)).toContain("This order was cancelled");
    expect(text(html)).toContain("Reason: The customer cancelled at checkout");
    expect(text(html)).toContain("No payment was taken.");
    expect(html).toContain(`href="https://shop.example/twig/cancel?orderId=${order.id}`);

    const bare = await twigOrder(tenant);
    await cancelByCustomer(tenant.business.id, bare.id);
    expect(await render(bare.id)).not.toContain("<a ");
  });

  it("an expired order says so; an unknown one is a 404", async () => {
    const tenant = await newBusiness({ name: "Twig Outfitters" });
    const order = await twigOrder(tenant, {}, MERCHANT);
    const db = await getDb();
    await db.update(orders).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(orders.id, order.id));
    const page = text(await render(order.id));
    expect(page).toContain("This order has expired");
    expect(page).toContain("No payment was taken.");
    expect(page).toContain("Back to Twig Outfitters");
    await expect(render("order_doesnotexist")).rejects.toThrow("NEXT_NOT_FOUND");
  });

  it("keeps the page out of search engines and its URL from other hosts", async () => {
    const tenant = await newBusiness({ name: "Twig Outfitters" });
    const order = await twigOrder(tenant);
    const { generateMetadata } = await import("./page");
    const meta = await generateMetadata({ params: Promise.resolve({ orderId: order.id }), searchParams: Promise.resolve({}) });
    expect(meta).toMatchObject({ title: { absolute: "Checkout · Twig Outfitters" }, robots: { index: false, follow: false }, referrer: "same-origin" });
  });
});
