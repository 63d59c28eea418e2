import { renderToString } from "react-dom/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Role } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import type { Staff } from "@/lib/auth/staff";
import { createCart, updateCart } from "@/lib/carts/service";
import { parseCartListParams, cartsHref } from "@/lib/carts/list-url";
import { generateLink } from "@/lib/links/service";
import { newBusiness } from "@/lib/testing/fixtures";

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
  const { default: CartsPage } = await import("./page");
  return renderToString(await CartsPage({ searchParams: Promise.resolve(query) }));
}

/** Text of an element's accessible content, roughly: tags dropped, entities of quotes decoded. */
const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&");

describe("carts page", () => {
  let shop: Business;
  const HOUR = 3600_000;

  beforeAll(async () => {
    ({ business: shop } = await newBusiness({ name: "List Shop" }));
    const now = Date.now();
    const noah = await createCart(
      shop,
      { customerEmail: "noah.kim@example.com", customerName: "Noah Kim", items: [{ name: "Lamp", quantity: 2, price: 40 }] },
      { now: new Date(now - 3 * HOUR) },
    );
    await generateLink(shop.id, noah.id, { createdBy: "staff" });
    const ava = await createCart(
      shop,
      { customerEmail: "ava.martin@example.com", currency: "JPY", items: [{ name: "Tea", quantity: 1, price: 1500 }] },
      { now: new Date(now - 2 * HOUR) },
    );
    await updateCart(shop.id, ava.id, { status: "recovered" });
    for (let i = 0; i < 27; i++) {
      await createCart(shop, { customerEmail: `bulk${i}@example.com`, items: [{ name: "Pen", quantity: 1, price: 2 }] }, { now: new Date(now - (10 + i) * HOUR) });
    }
  });

  it("shows tabs with counts, the search box, the sort, and a row link per cart", async () => {
    const html = await render(shop);
    expect(html).toMatch(/<nav aria-label="Cart status"/);
    const tabs = [...html.matchAll(/<a [^>]*href="([^"]*)"[^>]*>((?:(?!<\/a>).)*)<\/a>/g)].map((m) => ({ href: m[1], name: text(m[2]!), tag: m[0] }));
    const tab = (name: string) => tabs.find((t) => t.name === name);
    expect(tab("All 29")?.tag).toContain('aria-current="page"');
    expect(tab("Abandoned 28")).toMatchObject({ href: "/carts?status=abandoned" });
    expect(tab("Abandoned 28")?.tag).not.toContain("aria-current");
    expect(tab("Recovered 1")).toBeDefined();
    expect(tab("Active 0")).toBeDefined();
    expect(tab("Expired 0")).toBeDefined();

    expect(html).toMatch(/<label for="cart-search" class="sr-only">Search carts<\/label>/);
    expect(html).toMatch(/<select id="cart-sort" name="sort"/);
    expect(html).toContain('data-testid="carts-table"');

    const noah = tabs.find((t) => t.name.includes("noah.kim@example.com"));
    expect(noah?.href).toMatch(/^\/carts\/cart_[0-9a-z]+$/);
    expect(noah?.name).toBe("Noah Kim noah.kim@example.com");
    // 25 rows, newest first, then Next.
    const rows = tabs.filter((t) => t.href?.startsWith("/carts/cart_"));
    expect(rows).toHaveLength(25);
    expect(rows[0]!.name).toContain("ava.martin@example.com");
    expect(tab("Next →")?.href).toMatch(/^\/carts\?after=[\w-]+$/);
    expect(html).toMatch(/<span aria-disabled="true"[^>]*><span aria-hidden="true">←<\/span> Previous/);
    expect(text(html)).toContain("25 of 29 carts");
  });

  it("formats money in each cart's currency and flags the live link", async () => {
    const html = text(await render(shop));
    expect(html).toContain("$80.00");
    expect(html).toContain("¥1,500");
    expect(html).toContain("Live");
    expect(html).toContain("Recovered");
    expect(html).toMatch(/Abandoned 3 hours ago/);
  });

  it("pages with Next and Previous, keeping the filters", async () => {
    const first = await render(shop, { status: "abandoned", sort: "oldest" });
    const next = /href="(\/carts\?status=abandoned&amp;sort=oldest&amp;after=[\w-]+)"/.exec(first)?.[1];
    expect(next).toBeDefined();
    const query = Object.fromEntries(new URL(next!.replace(/&amp;/g, "&"), "http://x").searchParams);
    const second = await render(shop, query);
    expect(text(second)).toContain("noah.kim@example.com"); // the newest abandoned cart is last in oldest-first order
    const prev = /href="(\/carts\?status=abandoned&amp;sort=oldest&amp;before=[\w-]+)"/.exec(second)?.[1];
    expect(prev).toBeDefined();
    const back = await render(shop, Object.fromEntries(new URL(prev!.replace(/&amp;/g, "&"), "http://x").searchParams));
    const ids = (html: string) => [...html.matchAll(/href="\/carts\/(cart_\w+)"/g)].map((m) => m[1]);
    expect(ids(back)).toEqual(ids(first));
  });

  it("searches, keeps the query in the tabs, and offers to clear filters", async () => {
    const html = await render(shop, { q: "NOAH", status: "abandoned" });
    expect(html).toContain('value="NOAH"');
    expect(html).toContain('href="/carts?q=NOAH"'); // the All tab keeps the search
    expect(html).toMatch(/<a aria-current="page"[^>]*href="\/carts\?status=abandoned&amp;q=NOAH"/);
    expect(text(html)).toContain("1 cart matching “NOAH” · Abandoned");
    expect(html).not.toContain("ava.martin@example.com");
    expect(text(html)).toContain("Clear filters");
  });

  it("tells 'no matches' apart from 'no carts yet'", async () => {
    const none = text(await render(shop, { q: "zzz-nobody" }));
    expect(none).toContain("No carts match “zzz-nobody”");
    expect(none).toContain("Clear filters");
    expect(none).not.toContain("No carts yet");

    const elsewhere = text(await render(shop, { q: "ava", status: "abandoned" }));
    expect(elsewhere).toContain("No abandoned carts match “ava”");
    expect(elsewhere).toContain("See 1 in all statuses");

    const emptyTab = text(await render(shop, { status: "expired" }));
    expect(emptyTab).toContain("No expired carts");

    const { business: fresh } = await newBusiness();
    const owner = await render(fresh);
    expect(text(owner)).toContain("No carts yet");
    expect(text(owner)).toContain("POST /api/carts");
    expect(owner).toContain('href="/settings"');
    expect(owner).not.toContain('data-testid="carts-table"');
    const viewer = await render(fresh, {}, "viewer");
    expect(text(viewer)).toContain("Ask an owner or admin");
    expect(viewer).not.toContain("Create an API key");
  });

  it("links to the CSV export of the view shown (all pages)", async () => {
    expect(await render(shop)).toContain('href="/api/dashboard/export/carts" download=""');
    const filtered = await render(shop, { status: "abandoned", q: "noah", sort: "oldest", after: "abc" });
    expect(filtered).toContain('href="/api/dashboard/export/carts?status=abandoned&amp;q=noah&amp;sort=oldest" download=""');
    const { business: fresh } = await newBusiness();
    expect(await render(fresh)).not.toContain("/api/dashboard/export/carts");
  });

  it("never shows another business's carts", async () => {
    const { business: other } = await newBusiness();
    await createCart(other, { customerEmail: "secret@other.test", items: [{ name: "X", quantity: 1, price: 1 }] });
    const html = await render(shop, { q: "secret" });
    expect(html).not.toContain("secret@other.test");
    expect(text(html)).toContain("No carts match");
  });

  it("survives junk in the URL", async () => {
    const html = await render(shop, { status: "deleted", sort: "price", after: "!!", q: "   " });
    expect(html).toContain('data-testid="carts-table"');
    expect(html).toMatch(/<a aria-current="page"[^>]*href="\/carts">All/);
    const cursorJunk = await render(shop, { after: "eyJzIjoibmV3ZXN0IiwiayI6Im5vIiwiaSI6IngifQ" });
    expect(cursorJunk).toContain("ava.martin@example.com");
  });
});

describe("carts list URL", () => {
  it("round-trips a view and drops defaults", () => {
    expect(cartsHref({ sort: "newest" })).toBe("/carts");
    const href = cartsHref({ status: "abandoned", q: " 50% off ", sort: "value_desc", after: "abc" });
    expect(href).toBe("/carts?status=abandoned&q=50%25+off&sort=value_desc&after=abc");
    expect(parseCartListParams(Object.fromEntries(new URL(href, "http://x").searchParams))).toEqual({
      status: "abandoned",
      q: "50% off",
      sort: "value_desc",
      after: "abc",
      before: undefined,
    });
  });

  it("takes the first of repeated parameters and prefers after over before", () => {
    expect(parseCartListParams({ status: ["active", "expired"], after: "a", before: "b" })).toMatchObject({ status: "active", after: "a", before: undefined });
    expect(parseCartListParams({ before: "b" })).toMatchObject({ before: "b", after: undefined });
  });
});
