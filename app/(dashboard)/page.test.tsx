import { renderToString } from "react-dom/server";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { carts, type Role } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import type { Staff } from "@/lib/auth/staff";
import { createCart, updateCart } from "@/lib/carts/service";
import { newBusiness } from "@/lib/testing/fixtures";

const current: { staff?: Staff } = {};
vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh() {}, push() {} }), usePathname: () => "/", useSearchParams: () => new URLSearchParams() }));
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

async function render(business: Business, query: Record<string, string> = {}): Promise<string> {
  current.staff = staffOf(business);
  const { default: OverviewPage } = await import("./page");
  return renderToString(await OverviewPage({ searchParams: Promise.resolve(query) }));
}

const text = (html: string) => html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/\s+/g, " ");
const HOUR = 3600_000;

describe("overview page", () => {
  let shop: Business;

  beforeAll(async () => {
    ({ business: shop } = await newBusiness({ name: "Overview Shop" }));
    const now = Date.now();
    const db = await getDb();
    // $99.98 recovered by the second recovery email 2 hours after abandonment
    const a = await createCart(shop, { customerEmail: "a@example.com", items: [{ name: "Lamp", quantity: 2, price: 49.99 }] }, { now: new Date(now - 5 * HOUR) });
    await db.update(carts).set({ status: "recovered", recoveredAt: new Date(now - 3 * HOUR), recoveredAmountMinor: 8998n, recoveryChannel: "email", recoveryStep: 2 }).where(eq(carts.id, a.id));
    // ¥1,500 marked recovered by staff 30 minutes after
    const b = await createCart(shop, { customerEmail: "b@example.com", currency: "JPY", items: [{ name: "Tea", quantity: 1, price: 1500 }] }, { now: new Date(now - 2 * HOUR) });
    await updateCart(shop.id, b.id, { status: "recovered" }, new Date(now - 1.5 * HOUR), "staff");
    await createCart(shop, { customerEmail: "c@example.com", items: [{ name: "Pen", quantity: 1, price: 5 }] }, { now: new Date(now - HOUR) });
  });

  it("still shows the headline figures, the chart and the currencies", async () => {
    const html = await render(shop);
    expect(html).toContain('data-testid="stat-abandoned"');
    expect(html).toContain('data-testid="recovery-chart"');
    expect(html).toContain('data-testid="currency-USD"');
    expect(html).toContain('data-testid="currency-JPY"');
    expect(text(html)).toContain("Abandoned vs recovered per day");
  });

  it("splits recovered revenue by channel and email step, per currency, never adding currencies", async () => {
    const html = await render(shop);
    expect(text(html)).toContain("Recovered by channel");
    const usd = /<tbody data-testid="channels-USD".*?<\/tbody>/s.exec(html)![0];
    expect(text(usd)).toContain("USD · 1 recovered · $89.98");
    expect(text(usd)).toMatch(/Recovery email 1 \$89\.98 100%/);
    expect(text(usd)).toMatch(/Email 2 1 \$89\.98 100%/);
    expect(text(usd)).toMatch(/Marked by staff 0 \$0\.00/);
    const jpy = /<tbody data-testid="channels-JPY".*?<\/tbody>/s.exec(html)![0];
    expect(text(jpy)).toMatch(/Marked by staff 1 ¥1,500 100%/);
    expect(text(jpy)).not.toContain("$");
  });

  it("shows the time-to-recover distribution and the share recovered within each window", async () => {
    const html = await render(shop);
    expect(html).toMatch(/data-bucket="lt1h" data-count="1"/);
    expect(html).toMatch(/data-bucket="1to6h" data-count="1"/);
    expect(html).toMatch(/data-bucket="gt7d" data-count="0"/);
    expect(text(html)).toContain("Recovered within");
    const within = text(/<dl [^>]*data-testid="recovered-within".*?<\/dl>/s.exec(html)![0]);
    // 3 abandoned: the ¥ cart came back in 30 min, the $ one after 2 hours, the last not (yet)
    expect(within).toContain("1 hour 33.3% 1 of 3");
    expect(within).toContain("24 hours 66.7% 2 of 3");
    expect(within).toContain("7 days 66.7% 2 of 3");
  });

  it("links to the CSV export of the range shown", async () => {
    expect(await render(shop)).toContain('href="/api/dashboard/export/analytics?period=30d"');
    expect(await render(shop, { from: "2025-01-01", to: "2025-01-31" })).toContain('href="/api/dashboard/export/analytics?from=2025-01-01&amp;to=2025-01-31"');
  });

  it("without carts, shows how to start and no attribution figures", async () => {
    const { business } = await newBusiness();
    const html = await render(business);
    expect(text(html)).toContain("No carts in this period");
    expect(html).not.toContain("Recovered by channel");
  });
});
