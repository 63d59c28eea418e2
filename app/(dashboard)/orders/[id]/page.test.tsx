import { randomUUID } from "node:crypto";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import type { Role } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import type { Staff } from "@/lib/auth/staff";
import { createCheckoutSession } from "@/lib/checkout/service";
import { cancelOrder, placeOrder, recordOrderPayment, type CustomerForm } from "@/lib/orders/service";
import { payTestSession, startOrderPaymentSession } from "@/lib/payments/checkout";
import { newBusiness } from "@/lib/testing/fixtures";
import { twigInitBody } from "@/lib/testing/twig";
import { fullRequest } from "@/lib/torque/validation";
import { operate } from "@/lib/twig/operations";
import { parseTwigInit } from "@/lib/twig/schema";
import { authorize, initTwigOrder } from "@/lib/twig/service";

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

function staffOf(business: Business, role: Role): Staff {
  return {
    user: { id: "user_test", name: "Test", email: "test@staff.test" },
    business,
    role,
    memberships: [{ businessId: business.id, businessName: business.name, role }],
  };
}

async function render(business: Business, id: string, role: Role = "agent"): Promise<string> {
  current.staff = staffOf(business, role);
  const { default: OrderPage } = await import("./page");
  const page = await OrderPage({ params: Promise.resolve({ id }) });
  return renderToString(<QueryClientProvider client={new QueryClient()}>{page}</QueryClientProvider>);
}

const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
const buttons = (html: string) => [...html.matchAll(/<button [^>]*>((?:(?!<\/button>).)*)<\/button>/g)].map((m) => text(m[1]!));
const statusBadge = (html: string) => text(/<span data-testid="order-status">(.*?)<\/span><\/span>/.exec(html)?.[1] ?? "");

const jane: CustomerForm = {
  email: "jane@example.com",
  firstName: "Jane",
  lastName: "Doe",
  phone: "+14155550100",
  address: { street: "1 Main St", apartment: "Apt 4", city: "Springfield", state: "IL", postalCode: "62701", country: "US" },
  customFields: { giftMessage: "Happy birthday!" },
};

/** 001's request with a variant, a discount and shipping; the customer confirms with an address and a custom field. */
async function placed(business: Business) {
  const body = fullRequest.parse({
    businessId: business.id,
    cart: {
      items: [
        { productId: "prod_abc", quantity: 2, price: 10, variant: "Large" },
        { productId: "prod_mug", quantity: 1, price: 5.5, metadata: { name: "Mug" } },
      ],
      discounts: [{ code: "SAVE10", amount: 10, type: "percentage" }],
      shipping: { method: "standard", cost: 4.99 },
    },
    customerData: { email: jane.email, firstName: jane.firstName, lastName: jane.lastName },
    options: { customFields: { giftMessage: "string" } },
  });
  const { session } = await createCheckoutSession(business, body);
  const order = await placeOrder(session.id, jane);
  return { session, order };
}

async function pay(order: Awaited<ReturnType<typeof placed>>["order"]) {
  const url = await startOrderPaymentSession(order, [{ label: "All", quantity: 1, unitPriceMinor: order.totalMinor }], null);
  await payTestSession(url.split("/").pop()!);
}

describe("order page", () => {
  let shop: Business;
  beforeAll(async () => {
    ({ business: shop } = await newBusiness({ name: "Detail Shop" }));
  });

  it("shows a pending order: header, items, totals, customer, custom fields, details, timeline, and Cancel for an agent", async () => {
    const { session, order } = await placed(shop);
    const html = await render(shop, order.id);
    const all = text(html);
    expect(statusBadge(html)).toBe("Pending");
    expect(html).toMatch(/<h1[^>]*>Jane Doe<\/h1>/);
    expect(all).toContain(order.id);
    // Items: label, variant, quantity × unit, line total.
    expect(all).toContain("prod_abc");
    expect(all).toContain("Large");
    expect(all).toContain("2 × $10.00");
    expect(all).toContain("Mug");
    expect(all).toContain("1 × $5.50");
    // Totals: 25.50 − 2.55 + 4.99 = 27.94.
    expect(all).toContain("Subtotal$25.50");
    expect(all).toMatch(/DiscountSAVE10−\$2\.55/);
    expect(all).toContain("Shipping (standard)$4.99");
    expect(all).not.toContain("Tax");
    expect(text(/data-testid="order-total">(.*?)</.exec(html)![1]!)).toBe("$27.94");
    // Customer and shipping.
    expect(all).toContain("+14155550100");
    expect(all).toContain("1 Main St, Apt 4");
    expect(all).toContain("Springfield, IL, 62701");
    expect(all).toContain("Gift messageHappy birthday!");
    // Details and timeline.
    expect(all).toContain(session.id);
    expect(all).toContain("Checkout expires");
    expect(all).toContain("Awaiting payment");
    expect(all).toContain("Checkout link created");
    expect(all).toContain("Order placed");
    // Actions: only Cancel for a pending order.
    expect(buttons(html)).toEqual(["Cancel order"]);
    expect(html).toContain('data-testid="order-actions"');
  });

  it("shows a paid order's payment and offers Mark completed", async () => {
    const { order } = await placed(shop);
    await pay(order);
    const html = await render(shop, order.id);
    const all = text(html);
    expect(statusBadge(html)).toBe("Processing");
    expect(all).toContain("Test mode payment");
    expect(all).toMatch(/Order paid\s*\$27\.94/);
    expect(all).toContain("Through the test-mode checkout");
    expect(buttons(html)).toEqual(["Mark completed"]);
    expect(all).not.toContain("Refund");
  });

  it("flags a payment that arrived after cancellation for a refund, with its Stripe link", async () => {
    const { order } = await placed(shop);
    await cancelOrder(shop.id, order.id, { reason: "Out of stock", by: "staff" });
    const db = await getDb();
    const outcome = await db.transaction((tx) =>
      recordOrderPayment(tx, {
        businessId: shop.id,
        orderId: order.id,
        provider: "stripe",
        providerPaymentId: "pi_late123",
        amountMinor: order.totalMinor,
        currency: "USD",
        paidAt: new Date(),
      }),
    );
    expect(outcome).toBe("duplicate_payment");
    const html = await render(shop, order.id);
    const all = text(html);
    expect(statusBadge(html)).toBe("Cancelled");
    expect(all).toContain("A payment arrived after the order was already paid or closed. Refund it to the customer.");
    expect(all).toMatch(/Refund\s*Stripe/);
    expect(html).toContain('href="https://dashboard.stripe.com/payments/pi_late123"');
    expect(all).toContain("Order cancelled");
    expect(all).toContain("by staff");
    expect(all).toContain("Reason: Out of stock");
    expect(all).toContain("ReasonOut of stock"); // details
    expect(all).toContain("Extra payment received — refund it");
    expect(buttons(html)).toEqual([]); // nothing to do to a cancelled order
    expect(html).not.toContain('data-testid="order-actions"');
  });

  it("is read-only for a viewer", async () => {
    const { order } = await placed(shop);
    const html = await render(shop, order.id, "viewer");
    expect(buttons(html)).toEqual([]);
    expect(text(html)).toContain("Your role (Viewer) is read-only");
  });

  it("is not found for a missing order or another business's", async () => {
    const { business: other } = await newBusiness();
    const { order } = await placed(other);
    await expect(render(shop, order.id)).rejects.toThrow("NEXT_NOT_FOUND");
    await expect(render(shop, "order_missing00000")).rejects.toThrow("NEXT_NOT_FOUND");
  });
});

describe("order page for a Twig order", () => {
  let tenant: Awaited<ReturnType<typeof newBusiness>>;
  beforeAll(async () => {
    tenant = await newBusiness({ name: "Twig Shop" });
  });

  /** Seed 003's example order made consistent (220.00 USD), authorized by the customer in test mode. */
  async function authorized() {
    const body = twigInitBody({ merchantOrderReference: `32123dsf-${randomUUID().slice(0, 8)}` });
    const order = await initTwigOrder(tenant.business, { apiKey: tenant.apiKey, secret: tenant.key }, parseTwigInit(body, new Date()));
    await authorize({ businessId: tenant.business.id, orderId: order.id, provider: "test", providerRef: `test_${order.id}`, amountMinor: order.totalMinor, currency: order.currency, at: new Date() });
    return order;
  }
  const capture = (orderId: string, amountMinor: bigint) =>
    operate(tenant.business.id, "capture", { orderId, key: randomUUID(), amountMinor, currency: "USD", message: null, dateCreated: null }, "staff");

  it("shows an authorized order's Twig status, reference, money, lines, addresses, and Capture and Cancel for an admin", async () => {
    const order = await authorized();
    const html = await render(tenant.business, order.id, "admin");
    const all = text(html);
    expect(statusBadge(html)).toBe("Authorized");
    expect(all).toContain(`reference ${order.merchantReference}`);
    expect(buttons(html)).toEqual(["Cancel order", "Capture payment"]);
    // The money line.
    expect(all).toContain("Authorized$220.00");
    expect(all).toContain("Captured$0.00");
    expect(all).toContain("Still capturable$220.00");
    expect(all).toContain("Still refundable$0.00");
    // Lines with descriptions and unit tax; the breakdown's tax and shipping method.
    expect(all).toContain("Green XL");
    expect(all).toContain("1 × $90.00 + $10.00 tax");
    expect(all).toContain("Running, Size 10.5");
    expect(all).toContain("2 × $45.00 + $5.00 tax");
    expect(html).not.toContain('src="imageurl"');
    expect(all).toContain("Shipping (United States Postal Service)$20.00");
    expect(all).toContain("Tax$20.00");
    expect(text(/data-testid="order-total">(.*?)</.exec(html)![1]!)).toBe("$220.00");
    // Addresses, validation, timeline.
    expect(all).toContain("123 Townsend St");
    expect(all).toContain("San Francisco, CA, 94107");
    expect(all).toContain("Billing addressSame as shipping.");
    expect(all).toContain("ValidationNot needed (no validation URL)");
    expect(all).toMatch(/Payment authorized\s*\$220\.00/);
    expect(all).not.toContain("read-only");
  });

  it("shows an agent Cancel only, and says who can move money", async () => {
    const order = await authorized();
    const html = await render(tenant.business, order.id, "agent");
    expect(buttons(html)).toEqual(["Cancel order"]);
    expect(text(html)).toContain("Only admins and owners can capture or refund payments.");
  });

  it("shows a viewer no actions", async () => {
    const order = await authorized();
    const html = await render(tenant.business, order.id, "viewer");
    expect(buttons(html)).toEqual([]);
    expect(html).not.toContain('data-testid="order-actions"');
    expect(text(html)).toContain("Your role (Viewer) is read-only: you can look at orders but not capture, refund or cancel them.");
  });

  it("offers Capture and Refund on a partly captured order, and Refund alone once all is captured", async () => {
    const order = await authorized();
    await capture(order.id, 10000n);
    const partial = await render(tenant.business, order.id, "owner");
    expect(statusBadge(partial)).toBe("Partially captured");
    expect(buttons(partial)).toEqual(["Capture payment", "Refund"]);
    expect(text(partial)).toContain("Still capturable$120.00");
    expect(text(partial)).toContain("Still refundable$100.00");

    await capture(order.id, 12000n);
    const html = await render(tenant.business, order.id, "admin");
    const all = text(html);
    expect(statusBadge(html)).toBe("Captured");
    expect(buttons(html)).toEqual(["Refund"]);
    expect(all).toContain("Captured$220.00");
    expect(all).not.toContain("Still capturable");
    expect(all).toContain("Still refundable$220.00");
    expect(all).toMatch(/Payment captured\s*\$120\.00/);
    expect(buttons(await render(tenant.business, order.id, "agent"))).toEqual([]);
  });

  it("shows a cancelled order's reason and offers nothing", async () => {
    const order = await authorized();
    await operate(tenant.business.id, "void", { orderId: order.id, key: randomUUID(), message: "Out of stock", dateCreated: null }, "staff");
    const html = await render(tenant.business, order.id, "owner");
    expect(statusBadge(html)).toBe("Cancelled");
    expect(text(html)).toContain("Status reasonOut of stock");
    expect(buttons(html)).toEqual([]);
  });
});
