import { eq } from "drizzle-orm";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { customers } from "@/db/schema";
import { createCart } from "@/lib/carts/service";
import { ensureUnsubscribeToken, unsubscribeContact } from "@/lib/contacts/service";
import { newBusiness } from "@/lib/testing/fixtures";

vi.mock("next/navigation", () => ({
  notFound: () => {
    throw new Error("NEXT_NOT_FOUND");
  },
}));

async function render(token: string): Promise<string> {
  const { default: Page } = await import("./page");
  return renderToString(await Page({ params: Promise.resolve({ token }) }));
}

const text = (html: string) => html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/\s+/g, " ");

async function contact() {
  const tenant = await newBusiness({ name: "Acme Outfitters" });
  const cart = await createCart(tenant.business, { customerEmail: "jane.doe@example.com", items: [{ name: "Hat", quantity: 1, price: 20 }] });
  const token = await (await getDb()).transaction((tx) => ensureUnsubscribeToken(tx, tenant.business.id, cart.customerId));
  return { ...tenant, cart, token };
}

describe("the unsubscribe page /u/{token}", () => {
  it("asks before unsubscribing: opening it changes nothing", async () => {
    const { token, cart } = await contact();
    const html = await render(token);
    expect(text(html)).toContain("Acme Outfitters Unsubscribe from cart reminders?");
    expect(text(html)).toContain("Acme Outfitters emails j•••@example.com when a cart is left unfinished.");
    expect(html).not.toContain("jane.doe@example.com");
    expect(html).toMatch(new RegExp(`<form action="/u/${token}/one-click" method="post"><button[^>]*>Unsubscribe</button></form>`));
    const [customer] = await (await getDb()).select().from(customers).where(eq(customers.id, cart.customerId));
    expect(customer!.unsubscribedAt).toBeNull();
  });

  it("says so once the contact is unsubscribed", async () => {
    const { token, business } = await contact();
    await unsubscribeContact(business.id, { token });
    const html = await render(token);
    expect(text(html)).toContain("You are unsubscribed");
    expect(text(html)).toContain("Acme Outfitters will not send cart reminder emails to j•••@example.com any more.");
    expect(html).not.toContain("<form");
  });

  it("is a 404 for an unknown token", async () => {
    await expect(render("nope")).rejects.toThrow("NEXT_NOT_FOUND");
  });
});
