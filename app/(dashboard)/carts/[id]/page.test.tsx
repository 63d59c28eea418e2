import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { recoveryMessages } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import type { Staff } from "@/lib/auth/staff";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { unsubscribeContact } from "@/lib/contacts/service";
import { newId } from "@/lib/ids";
import { newBusiness } from "@/lib/testing/fixtures";

const current: { staff?: Staff } = {};
vi.mock("next/navigation", () => ({
  useRouter: () => ({ refresh() {}, push() {} }),
  notFound: () => {
    throw new Error("NEXT_NOT_FOUND");
  },
}));
vi.mock("@/lib/auth/current", async (original) => ({
  ...(await original<typeof import("@/lib/auth/current")>()),
  requireStaff: async () => current.staff!,
}));

function staffOf(business: Business): Staff {
  return { user: { id: "user_test", name: "Test", email: "test@staff.test" }, business, role: "agent", memberships: [{ businessId: business.id, businessName: business.name, role: "agent" }] };
}

async function render(business: Business, cartId: string): Promise<string> {
  current.staff = staffOf(business);
  const { default: CartPage } = await import("./page");
  return renderToString(<QueryClientProvider client={new QueryClient()}>{await CartPage({ params: Promise.resolve({ id: cartId }) })}</QueryClientProvider>);
}

const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
const input = (email: string, extra: Record<string, unknown> = {}) => createCartInput.parse({ customerEmail: email, items: [{ name: "Lamp", quantity: 1, price: 40 }], ...extra });

describe("cart page — Contact", () => {
  it("shows the contact's consent with its source and time, the unsubscribe, and this cart's recovery emails", async () => {
    const { business } = await newBusiness();
    const cart = await createCart(business, input("ana@example.com", { consent: { marketing: true, source: "checkout_checkbox" } }), { now: new Date("2026-05-01T09:00:00Z") });
    const db = await getDb();
    const message = (step: number, values: Partial<typeof recoveryMessages.$inferInsert>) => ({
      id: newId("msg"),
      businessId: business.id,
      cartId: cart.id,
      customerId: cart.customerId,
      stepPosition: step,
      toEmail: "ana@example.com",
      status: "sent" as const,
      ...values,
    });
    await db.insert(recoveryMessages).values([
      message(2, { status: "suppressed", suppressionReason: "frequency_cap", createdAt: new Date("2026-05-02T10:00:00Z") }),
      message(1, { subject: "You left a Lamp behind", sentAt: new Date("2026-05-01T10:00:00Z"), clickedAt: new Date("2026-05-01T11:30:00Z") }),
      message(3, { status: "outbox", subject: "10% off your Lamp", createdAt: new Date("2026-05-04T10:00:00Z") }),
    ]);
    await unsubscribeContact(business.id, { email: "ana@example.com" }, new Date("2026-05-03T08:00:00Z"));

    const page = text(await render(business, cart.id));
    expect(page).toContain("Contact");
    expect(page).toContain("ConsentGrantedvia checkout_checkbox · 1 May 2026, 09:00 UTC");
    expect(page).toContain("EmailsUnsubscribed3 May 2026, 08:00 UTC");
    const emails = page.slice(page.indexOf("Recovery emails"));
    expect(emails).toContain("Step 1SentYou left a Lamp behindSent 1 May 2026, 10:00 UTC · clicked 1 May 2026, 11:30 UTC");
    expect(emails).toContain("Step 2Not sentBecause weekly email limit for this customer reachedDecided 2 May 2026, 10:00 UTC");
    expect(emails).toContain("Step 3In the outbox10% off your LampQueued 4 May 2026, 10:00 UTC");
    expect(emails.indexOf("Step 1")).toBeLessThan(emails.indexOf("Step 2"));
  });

  it("says when consent is unknown, the contact is subscribed and no email went out", async () => {
    const { business } = await newBusiness();
    const cart = await createCart(business, input("bo@example.com"));
    const page = text(await render(business, cart.id));
    expect(page).toContain("ConsentUnknown");
    expect(page).toContain("EmailsSubscribed");
    expect(page).toContain("No recovery email for this cart yet.");
  });

  it("another business's cart is not found", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    const theirs = await createCart(b.business, input("cy@example.com"));
    await expect(render(a.business, theirs.id)).rejects.toThrow("NEXT_NOT_FOUND");
  });
});
