import { beforeAll, describe, expect, it } from "vitest";
import type { Business } from "@/lib/auth/api-keys";
import { ANALYTICS_CSV_HEADER } from "@/lib/analytics/export";
import { createCart, updateCart } from "@/lib/carts/service";
import { csvRecords, parseCsv } from "@/lib/testing/csv";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { GET } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;
const at = (s: string) => new Date(s);
const exportCsv = (session: Session | null, query = "") =>
  call(GET, { path: `/api/dashboard/export/analytics${query}`, headers: session ? asStaff(session) : {} });

describe("GET /api/dashboard/export/analytics", () => {
  let shop: Business;
  let viewer: Session;

  beforeAll(async () => {
    ({ business: shop } = await newBusiness());
    viewer = await staffSession(shop.id, "viewer");
    const usd = await createCart(shop, { customerEmail: "a@example.com", items: [{ name: "Lamp", quantity: 2, price: 49.99 }] }, { now: at("2025-03-01T09:00:00Z") });
    await updateCart(shop.id, usd.id, { status: "recovered" }, at("2025-03-03T10:00:00Z"));
    await createCart(shop, { customerEmail: "b@example.com", items: [{ name: "Pen", quantity: 1, price: 2.5 }] }, { now: at("2025-03-01T18:00:00Z") });
    await createCart(shop, { customerEmail: "c@example.com", currency: "JPY", items: [{ name: "Tea", quantity: 1, price: 1500 }] }, { now: at("2025-03-02T00:00:00Z") });
    await createCart(shop, { customerEmail: "d@example.com", currency: "KWD", items: [{ name: "Oud", quantity: 1, price: "1.5" }] }, { now: at("2025-03-03T23:59:59Z") });
    const { business: other } = await newBusiness();
    await createCart(other, { customerEmail: "x@other.test", currency: "EUR", items: [{ name: "X", quantity: 1, price: 1 }] }, { now: at("2025-03-02T00:00:00Z") });
  });

  it("gives the overview's daily series, one row per day and currency, values exact in each currency", async () => {
    const res = await exportCsv(viewer, "?from=2025-03-01&to=2025-03-03");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="cartback-analytics-2025-03-01-to-2025-03-03.csv"');
    expect(parseCsv(res.text)[0]).toEqual(ANALYTICS_CSV_HEADER);
    expect(parseCsv(res.text).slice(1)).toEqual([
      ["2025-03-01", "JPY", "0", "0", "0", "0"],
      ["2025-03-01", "KWD", "0", "0", "0.000", "0.000"],
      ["2025-03-01", "USD", "2", "0", "102.48", "0.00"],
      ["2025-03-02", "JPY", "1", "0", "1500", "0"],
      ["2025-03-02", "KWD", "0", "0", "0.000", "0.000"],
      ["2025-03-02", "USD", "0", "0", "0.00", "0.00"],
      ["2025-03-03", "JPY", "0", "0", "0", "0"],
      ["2025-03-03", "KWD", "1", "0", "1.500", "0.000"],
      ["2025-03-03", "USD", "0", "1", "0.00", "99.98"],
    ]);
    expect(res.text).not.toContain("EUR");
  });

  it("reads the range like the overview: a preset period, and the default for junk", async () => {
    const week = csvRecords((await exportCsv(viewer, "?period=7d")).text);
    expect(new Set(week.map((r) => r.date)).size).toBe(7);
    const junk = await exportCsv(viewer, "?from=2025-02-30&to=nope");
    expect(junk.status).toBe(200);
    const days = new Set(csvRecords(junk.text).map((r) => r.date));
    expect(days.size).toBe(30);
  });

  it("without carts, the business's default currency with zeros", async () => {
    const { business } = await newBusiness({ defaultCurrency: "EUR" });
    const owner = await staffSession(business.id, "owner");
    const records = csvRecords((await exportCsv(owner, "?from=2025-03-01&to=2025-03-02")).text);
    expect(records).toEqual([
      { date: "2025-03-01", currency: "EUR", abandoned: "0", recovered: "0", abandoned_value: "0.00", recovered_value: "0.00" },
      { date: "2025-03-02", currency: "EUR", abandoned: "0", recovered: "0", abandoned_value: "0.00", recovered_value: "0.00" },
    ]);
  });

  it("signed out: 401", async () => {
    expect((await exportCsv(null, "?period=7d")).status).toBe(401);
  });
});
