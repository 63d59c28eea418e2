import { randomUUID } from "node:crypto";
import { renderToString } from "react-dom/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { orders, type Role } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import type { Staff } from "@/lib/auth/staff";
import { expireCheckoutSessions } from "@/lib/checkout/expiry";
import { createCheckoutSession } from "@/lib/checkout/service";
import { newId } from "@/lib/ids";
import { ordersHref, parseOrderListParams, tabCounts } from "@/lib/orders/list-url";
import { countOrdersByStatus } from "@/lib/orders/queries";
import { cancelOrder, completeOrder, placeOrder } from "@/lib/orders/service";
import { payTestSession, startOrderPaymentSession } from "@/lib/payments/checkout";
import { newBusiness } from "@/lib/testing/fixtures";
import { twigInitBody } from "@/lib/testing/twig";
import { fullRequest } from "@/lib/torque/validation";
import { operate } from "@/lib/twig/operations";
import { parseTwigInit } from "@/lib/twig/schema";
import { authorize, initTwigOrder } from "@/lib/twig/service";

const current: { staff?: Staff } = {};
vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh() {}, push() {} }) }));
vi.mock("@/lib/auth/current", async (original) => ({
  ...(await original<typeof import("@/lib/auth/current")>()),
  requireStaff: async () => current.staff!,
}));

function staffOf(business: Business, role: Role = "owner"): Staff {
  return {
    user: { id: "user_test", name: "Test", email: "test@staff.test" },
    business,
    role,
    memberships: [{ businessId: business.id, businessName: business.name, role }],
  };
}

async function render(business: Business, query: Record<string, string> = {}, role: Role = "owner"): Promise<string> {
  current.staff = staffOf(business, role);
  const { default: OrdersPage } = await import("./page");
  return renderToString(await OrdersPage({ searchParams: Promise.resolve(query) }));
}

/** Text of an element's accessible content, roughly: tags dropped, entities of quotes decoded. */
const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
const links = (html: string) => [...html.matchAll(/<a [^>]*href="([^"]*)"[^>]*>((?:(?!<\/a>).)*)<\/a>/g)].map((m) => ({ href: m[1]!.replace(/&amp;/g, "&"), name: text(m[2]!), tag: m[0] }));

const HOUR = 3600_000;
const MONTH = 30 * 86_400;

/** 001's generate-link body, then the hosted page's confirm: a pending order placed `at`. */
async function order(
  business: Business,
  customer: { email: string; firstName: string; lastName: string },
  at: Date,
  cart: Record<string, unknown> = { items: [{ productId: "prod_abc", quantity: 2, price: 10 }] },
  expiresIn = MONTH,
) {
  const body = fullRequest.parse({ businessId: business.id, cart, customerData: customer, options: { expiresIn } });
  const { session } = await createCheckoutSession(business, body, at);
  return placeOrder(session.id, customer, at);
}

async function pay(o: Awaited<ReturnType<typeof order>>) {
  const url = await startOrderPaymentSession(o, [{ label: "All", quantity: 1, unitPriceMinor: o.totalMinor }], null);
  await payTestSession(url.split("/").pop()!);
}

describe("orders page", () => {
  let shop: Business;

  beforeAll(async () => {
    ({ business: shop } = await newBusiness({ name: "Order Shop" }));
    const now = Date.now();
    await order(shop, { email: "noah.kim@example.com", firstName: "Noah", lastName: "Kim" }, new Date(now - 3 * HOUR)); // pending
    const ava = await order(shop, { email: "ava.martin@example.com", firstName: "Ava", lastName: "Martin" }, new Date(now - 2 * HOUR), {
      currency: "JPY",
      items: [{ productId: "prod_tea", quantity: 1, price: 1500 }],
    });
    await pay(ava); // processing
    const done = await order(shop, { email: "done@example.com", firstName: "Dana", lastName: "One" }, new Date(now - 4 * HOUR));
    await pay(done);
    await completeOrder(shop.id, done.id); // completed
    const gone = await order(shop, { email: "gone@example.com", firstName: "Gus", lastName: "Gone" }, new Date(now - 5 * HOUR));
    await cancelOrder(shop.id, gone.id, { by: "staff" }); // cancelled
    await order(shop, { email: "late@example.com", firstName: "Lea", lastName: "Late" }, new Date(now - 6 * HOUR), undefined, 3600);
    await expireCheckoutSessions(new Date(now)); // expired: reads as cancelled
    const db = await getDb();
    await db.insert(orders).values({
      id: newId("order", now - 7 * HOUR),
      businessId: shop.id,
      source: "twig",
      status: "completed",
      currency: "EUR",
      subtotalMinor: 1250n,
      totalMinor: 1250n,
      customerEmail: "twig@example.com",
      customer: { email: "twig@example.com", firstName: null, lastName: null },
      createdAt: new Date(now - 7 * HOUR),
    });
    for (let i = 0; i < 25; i++) {
      await order(shop, { email: `bulk${i}@example.com`, firstName: "Bulk", lastName: String(i) }, new Date(now - (10 + i) * HOUR));
    }
  });

  it("counts each tab in the Torque projection", async () => {
    const counts = tabCounts(await countOrdersByStatus(shop.id));
    expect(counts).toEqual({ all: 31, pending: 26, processing: 1, completed: 2, cancelled: 2, refunded: 0 });
    expect(await countOrdersByStatus(shop.id, { customerEmail: "NOAH.KIM@example.com" })).toMatchObject({ all: 1, pending: 1, processing: 0 });
  });

  it("shows tabs with counts, the email search, and a row link per order", async () => {
    const html = await render(shop);
    expect(html).toMatch(/<nav aria-label="Order status"/);
    const all = links(html);
    const tab = (name: string) => all.find((t) => t.name === name);
    expect(tab("All 31")?.tag).toContain('aria-current="page"');
    expect(tab("Pending 26")).toMatchObject({ href: "/orders?status=pending" });
    expect(tab("Processing 1")).toBeDefined();
    expect(tab("Completed 2")).toBeDefined();
    expect(tab("Cancelled 2")).toBeDefined();
    expect(tab("Refunded 0")).toBeDefined();

    expect(html).toMatch(/<label for="order-email" class="sr-only">Customer email<\/label>/);
    expect(html).toMatch(/<input id="order-email" type="search"[^>]*name="email"/);
    expect(html).toContain('data-testid="orders-table"');

    const rows = all.filter((t) => t.href.startsWith("/orders/order_"));
    expect(rows).toHaveLength(25);
    expect(rows[0]!.name).toBe("Ava Martin ava.martin@example.com"); // newest first
    expect(rows.find((r) => r.name.includes("twig@example.com"))?.name).toBe("twig@example.com"); // no name: the email alone
    expect(tab("Next →")?.href).toBe("/orders?page=2");
    expect(html).toMatch(/<span aria-disabled="true"[^>]*><span aria-hidden="true">←<\/span> Previous/);
    expect(text(html)).toContain("1–25 of 31 orders");
  });

  it("formats money in each order's currency and shows status and source", async () => {
    const html = text(await render(shop));
    expect(html).toContain("$20.00");
    expect(html).toContain("¥1,500");
    expect(html).toContain("€12.50");
    for (const label of ["Pending", "Processing", "Completed", "Cancelled", "Checkout", "Twig"]) expect(html).toContain(label);
    expect(html).toMatch(/2 hours ago/);
  });

  it("pages with Next and Previous, keeping the filters", async () => {
    const first = await render(shop, { status: "pending" });
    expect(links(first).filter((t) => t.href.startsWith("/orders/order_"))).toHaveLength(25);
    expect(links(first).find((t) => t.name === "Next →")?.href).toBe("/orders?status=pending&page=2");
    const second = await render(shop, { status: "pending", page: "2" });
    const rows = links(second).filter((t) => t.href.startsWith("/orders/order_"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toContain("bulk24@example.com"); // the oldest
    expect(links(second).find((t) => t.name === "← Previous")?.href).toBe("/orders?status=pending");
    expect(second).toMatch(/<span aria-disabled="true"[^>]*>Next <span aria-hidden="true">→<\/span>/);
    expect(text(second)).toContain("26–26 of 26 orders");
    expect(second).toMatch(/<a aria-current="page"[^>]*href="\/orders\?status=pending">Pending/);
  });

  it("offers the first page past the last one", async () => {
    const html = text(await render(shop, { page: "9" }));
    expect(html).toContain("No orders on this page");
    expect(html).toContain("Go to the first page");
  });

  it("finds a customer's orders by exact email in any case, and keeps the search in the tabs", async () => {
    const html = await render(shop, { email: "  AVA.Martin@Example.com " });
    expect(html).toContain('value="ava.martin@example.com"');
    expect(html).toContain('href="/orders?email=ava.martin%40example.com"'); // the All tab keeps the search
    expect(text(html)).toContain("1 order for ava.martin@example.com");
    expect(html).not.toContain("noah.kim@example.com");
    expect(links(html).find((t) => t.name === "Processing 1")?.href).toBe("/orders?status=processing&email=ava.martin%40example.com");
    expect(links(html).find((t) => t.name === "Pending 0")).toBeDefined();
    expect(links(html).find((t) => t.name === "Clear filters")?.href).toBe("/orders");
  });

  it("includes expired checkouts under Cancelled", async () => {
    const html = text(await render(shop, { status: "cancelled" }));
    expect(html).toContain("gone@example.com");
    expect(html).toContain("late@example.com");
    expect(html).not.toContain("noah.kim@example.com");
    expect(html).toContain("2 orders · Cancelled");
  });

  it("tells 'no matches' apart from 'no orders yet'", async () => {
    const partial = text(await render(shop, { email: "noah" }));
    expect(partial).toContain("No orders for noah");
    expect(partial).toContain("whole email address");
    expect(partial).toContain("Clear filters");
    expect(partial).not.toContain("No orders yet");

    const elsewhere = text(await render(shop, { email: "ava.martin@example.com", status: "pending" }));
    expect(elsewhere).toContain("No pending orders for ava.martin@example.com");
    expect(elsewhere).toContain("See 1 in all statuses");

    expect(text(await render(shop, { status: "refunded" }))).toContain("No refunded orders");

    const { business: fresh } = await newBusiness();
    const owner = await render(fresh);
    expect(text(owner)).toContain("No orders yet");
    expect(text(owner)).toContain("POST /v1/checkout/generate-link");
    expect(text(owner)).toContain(`"businessId": "${fresh.id}"`);
    expect(owner).toContain('href="/settings"');
    expect(owner).not.toContain('data-testid="orders-table"');
    expect(owner).not.toContain('aria-label="Order status"');
    const viewer = await render(fresh, {}, "viewer");
    expect(text(viewer)).toContain("Ask an owner or admin");
    expect(viewer).not.toContain("Create an API key");
  });

  it("never shows another business's orders", async () => {
    const { business: other } = await newBusiness();
    await order(other, { email: "secret@other.test", firstName: "Se", lastName: "Cret" }, new Date());
    expect(await render(shop)).not.toContain("secret@other.test");
    const html = text(await render(shop, { email: "secret@other.test" }));
    expect(html).toContain("No orders for secret@other.test");
  });

  it("survives junk in the URL", async () => {
    const html = await render(shop, { status: "paid", page: "-3", email: "   " });
    expect(html).toContain('data-testid="orders-table"');
    expect(html).toMatch(/<a aria-current="page"[^>]*href="\/orders">All/);
    expect(await render(shop, { page: "1e9" })).toContain('data-testid="orders-table"');
  });
});

describe("orders page with Twig orders", () => {
  /** The status cell of the row whose customer cell holds `email`. */
  const statusOf = (html: string, email: string) => {
    const row = html.split('role="row"').find((r) => r.includes(email))!;
    return text(/<div role="cell"[^>]*><span class="[^"]*rounded-full[^"]*">([^<]*)<\/span>/.exec(row)?.[1] ?? "");
  };

  it("reads each Twig order's status in Twig's terms, and checkout orders in Torque's", async () => {
    const tenant = await newBusiness();
    const init = (email: string) =>
      initTwigOrder(tenant.business, { apiKey: tenant.apiKey, secret: tenant.key }, parseTwigInit(twigInitBody({ customer: { firstName: "T", lastName: "W", email } }), new Date()));
    const authorized = async (email: string) => {
      const o = await init(email);
      await authorize({ businessId: tenant.business.id, orderId: o.id, provider: "test", providerRef: `test_${o.id}`, amountMinor: o.totalMinor, currency: o.currency, at: new Date() });
      return o;
    };
    const capture = (orderId: string, amountMinor: bigint) =>
      operate(tenant.business.id, "capture", { orderId, key: randomUUID(), amountMinor, currency: "USD", message: null, dateCreated: null }, "staff");

    await init("waiting@twig.test");
    await authorized("authorized@twig.test");
    await capture((await authorized("partial@twig.test")).id, 100n);
    await capture((await authorized("captured@twig.test")).id, 22000n);
    await order(tenant.business, { email: "torque@example.com", firstName: "Tor", lastName: "Que" }, new Date());

    const html = await render(tenant.business);
    expect(statusOf(html, "waiting@twig.test")).toBe("Pending");
    expect(statusOf(html, "authorized@twig.test")).toBe("Authorized");
    expect(statusOf(html, "partial@twig.test")).toBe("Partially captured");
    expect(statusOf(html, "captured@twig.test")).toBe("Captured");
    expect(statusOf(html, "torque@example.com")).toBe("Pending");
  });
});

describe("orders list URL", () => {
  it("round-trips a view and drops defaults", () => {
    expect(ordersHref({ page: 1 })).toBe("/orders");
    const href = ordersHref({ status: "cancelled", email: "Jane+1@Example.com", page: 3 });
    expect(href).toBe("/orders?status=cancelled&email=Jane%2B1%40Example.com&page=3");
    expect(parseOrderListParams(Object.fromEntries(new URL(href, "http://x").searchParams))).toEqual({
      status: "cancelled",
      email: "jane+1@example.com",
      page: 3,
    });
  });

  it("takes the first of repeated parameters and falls back on junk", () => {
    expect(parseOrderListParams({ status: ["pending", "refunded"], page: ["2", "5"] })).toEqual({ status: "pending", email: undefined, page: 2 });
    expect(parseOrderListParams({ status: "expired", page: "0" })).toEqual({ status: undefined, email: undefined, page: 1 });
    expect(parseOrderListParams({ page: "999999" }).page).toBe(10_000);
  });
});
