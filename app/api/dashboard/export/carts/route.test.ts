import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts, customers } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { CART_CSV_HEADER, cartCsvBatches } from "@/lib/carts/export";
import { searchCarts } from "@/lib/carts/search";
import { createCart, updateCart } from "@/lib/carts/service";
import { generateLink } from "@/lib/links/service";
import { csvRecords, parseCsv } from "@/lib/testing/csv";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { GET } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;

const HOUR = 3600_000;
const exportCsv = (session: Session | null, query = "") =>
  call(GET, { path: `/api/dashboard/export/carts${query}`, headers: session ? asStaff(session) : {} });

describe("GET /api/dashboard/export/carts", () => {
  let shop: Business;
  let viewer: Session;
  let ids: { noah: string; yuki: string; kwd: string };
  const base = Date.UTC(2025, 2, 10, 12);

  beforeAll(async () => {
    ({ business: shop } = await newBusiness({ name: "Export Shop" }));
    viewer = await staffSession(shop.id, "viewer");
    const noah = await createCart(shop, { customerEmail: "noah@example.com", customerName: "Kim, Noah \"NK\"", items: [{ name: "Lamp", quantity: 2, price: 49.99 }] }, { now: new Date(base) });
    await generateLink(shop.id, noah.id, { createdBy: "staff" });
    const yuki = await createCart(shop, { customerEmail: "yuki@example.com", currency: "JPY", items: [{ name: "Tea", quantity: 3, price: 500 }] }, { now: new Date(base + HOUR) });
    await updateCart(shop.id, yuki.id, { status: "recovered" }, new Date(base + 2 * HOUR));
    const kwd = await createCart(shop, { customerEmail: "ali@example.com", currency: "KWD", items: [{ name: "Oud", quantity: 1, price: "1.5" }] }, { now: new Date(base + 3 * HOUR) });
    ids = { noah: noah.id, yuki: yuki.id, kwd: kwd.id };
    // names that a spreadsheet would run as formulas, or that break lines
    const formulas = ["=HYPERLINK(\"http://evil.test\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn", "Line\nbreak"];
    for (const [i, name] of formulas.entries()) {
      const c = await createCart(shop, { customerEmail: `f${i}@example.com`, items: [{ name: "Pen", quantity: 1, price: 2 }] }, { now: new Date(base - (i + 1) * HOUR) });
      // straight to the table: the API trims names, a merchant's database may not have
      const db = await getDb();
      const [row] = await db.select({ customerId: carts.customerId }).from(carts).where(eq(carts.id, c.id));
      await db.update(customers).set({ name }).where(eq(customers.id, row!.customerId));
    }
    const { business: other } = await newBusiness();
    await createCart(other, { customerEmail: "secret@other.test", items: [{ name: "X", quantity: 1, price: 1 }] });
  });

  it("a viewer downloads every cart as CSV: header, exact decimals with the currency, ISO times", async () => {
    const res = await exportCsv(viewer);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="cartback-carts-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual(CART_CSV_HEADER);
    const records = csvRecords(res.text);
    expect(records).toHaveLength(10);
    const byId = new Map(records.map((r) => [r.id, r]));
    expect(byId.get(ids.noah)).toMatchObject({
      status: "abandoned",
      customer_email: "noah@example.com",
      customer_name: 'Kim, Noah "NK"',
      currency: "USD",
      total: "99.98",
      items: "2",
      created_at: "2025-03-10T12:00:00.000Z",
      abandoned_at: "2025-03-10T12:00:00.000Z",
      recovered_at: "",
      recovered_amount: "",
      recovery_channel: "",
      live_link: "true",
    });
    expect(byId.get(ids.yuki)).toMatchObject({ currency: "JPY", total: "1500", status: "recovered", recovered_at: "2025-03-10T14:00:00.000Z", recovered_amount: "1500", recovery_channel: "direct", live_link: "false" });
    expect(byId.get(ids.kwd)).toMatchObject({ currency: "KWD", total: "1.500" });
    // newest first, as on the carts page
    expect(records.slice(0, 3).map((r) => r.id)).toEqual([ids.kwd, ids.yuki, ids.noah]);
    expect(res.text).toContain('"Kim, Noah ""NK"""');
    expect(res.text).not.toContain("secret@other.test");
  });

  it("neutralises cells a spreadsheet would run as formulas, and keeps line breaks inside their cell", async () => {
    const names = csvRecords((await exportCsv(viewer)).text).map((r) => r.customer_name);
    expect(names).toEqual(
      expect.arrayContaining(["'=HYPERLINK(\"http://evil.test\",\"x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTabbed", "'\rReturn", "Line\nbreak"]),
    );
    expect(names.filter((n) => /^[=+\-@\t\r]/.test(n ?? ""))).toEqual([]);
  });

  it("takes the carts page's filters: status, search and sort", async () => {
    const recovered = csvRecords((await exportCsv(viewer, "?status=recovered")).text);
    expect(recovered.map((r) => r.id)).toEqual([ids.yuki]);
    const search = csvRecords((await exportCsv(viewer, "?q=NOAH")).text);
    expect(search.map((r) => r.id)).toEqual([ids.noah]);
    const byValue = csvRecords((await exportCsv(viewer, "?sort=value_desc&status=abandoned")).text);
    const page = await searchCarts(shop.id, { status: "abandoned", sort: "value_desc", limit: 100 });
    expect(byValue.map((r) => r.id)).toEqual(page.carts.map((c) => c.id));
    // junk falls back like the page does
    expect(csvRecords((await exportCsv(viewer, "?status=deleted&sort=price")).text)).toHaveLength(10);
  });

  it("starts with a UTF-8 byte order mark, so Excel keeps accented names readable", async () => {
    const res = await GET(new Request("http://cartback.test/api/dashboard/export/carts", { headers: asStaff(viewer) }), { params: Promise.resolve({}) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 5)]).toEqual([0xef, 0xbb, 0xbf, 0x69, 0x64]); // BOM, "id"
  });

  it("signed out: 401, no CSV", async () => {
    const res = await exportCsv(null);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/json/);
  });
});

describe("exporting many carts", () => {
  it("streams every row across batches, in order, without repeats, for each sort", async () => {
    const { business } = await newBusiness();
    const start = Date.UTC(2025, 0, 1);
    for (let i = 0; i < 23; i++) {
      // a few share a timestamp and a value, to exercise the keyset's tie-break on id
      await createCart(business, { customerEmail: `bulk${i}@example.com`, items: [{ name: "Pen", quantity: 1 + (i % 4), price: 3 }] }, { now: new Date(start + Math.floor(i / 3) * 1000) });
    }
    for (const sort of ["newest", "oldest", "value_desc", "value_asc"] as const) {
      const batches: string[][] = [];
      for await (const batch of cartCsvBatches(business.id, { sort }, { batchSize: 5 })) batches.push(batch.map((row) => row[0] as string));
      expect(batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
      const all = batches.flat();
      expect(new Set(all).size).toBe(23);
      const pages: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await searchCarts(business.id, { sort, cursor, limit: 100 });
        pages.push(...page.carts.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(all).toEqual(pages);
    }
  });

  it("the route returns more rows than one batch holds", async () => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const db = await getDb();
    const template = await createCart(business, { customerEmail: "many@example.com", items: [{ name: "Pen", quantity: 1, price: 1 }] });
    const [row] = await db.select().from(carts).where(eq(carts.id, template.id));
    await db.insert(carts).values(
      Array.from({ length: 230 }, (_, i) => ({ ...row!, id: `cart_bulk${String(i).padStart(4, "0")}${business.id.slice(-12)}`, createdAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000) })),
    );
    const records = csvRecords((await exportCsv(owner)).text);
    expect(records).toHaveLength(231);
    expect(new Set(records.map((r) => r.id)).size).toBe(231);
  });
});
