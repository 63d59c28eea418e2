import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import type { CartStatus } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { generateLink, revokeLink } from "@/lib/links/service";
import { newBusiness } from "@/lib/testing/fixtures";
import { cartPageQuery, countCartsByStatus, encodeCursor, searchCarts, type CartSearch, type CartSort } from "./search";
import { createCart, updateCart } from "./service";

type Seeded = { id: string; email: string; name: string | null; status: CartStatus; createdAt: number; total: number };

const T0 = Date.parse("2025-03-01T12:00:00.000Z");
const minutes = (n: number) => n * 60_000;

async function addCart(
  business: Business,
  seeded: Seeded[],
  c: { email: string; name?: string | null; at: number; price: number; status?: CartStatus },
): Promise<Seeded> {
  const cart = await createCart(
    business,
    {
      customerEmail: c.email,
      customerName: c.name ?? null,
      status: c.status === "active" ? "active" : "abandoned",
      items: [{ name: "Thing", quantity: 1, price: c.price }],
    },
    { now: new Date(c.at) },
  );
  if (c.status === "recovered" || c.status === "expired") {
    await updateCart(business.id, cart.id, { status: c.status }, new Date(c.at + 1000));
  }
  const row: Seeded = { id: cart.id, email: c.email, name: c.name ?? null, status: c.status ?? "abandoned", createdAt: c.at, total: c.price * 100 };
  seeded.push(row);
  return row;
}

/** What the database should return for a sort: keys first, then ids in the same direction. */
function expected(rows: Seeded[], sort: CartSort): string[] {
  const key = (r: Seeded) => (sort === "newest" || sort === "oldest" ? r.createdAt : r.total);
  const sign = sort === "newest" || sort === "value_desc" ? -1 : 1;
  return [...rows]
    .sort((a, b) => sign * (key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    .map((r) => r.id);
}

/** Walks every page forwards, then back again from the last page; returns the pages both ways. */
async function walk(businessId: string, search: Omit<CartSearch, "cursor" | "direction">) {
  const forward: string[][] = [];
  let cursor: string | undefined;
  let page = await searchCarts(businessId, search);
  expect(page.prevCursor).toBeUndefined();
  for (;;) {
    forward.push(page.carts.map((c) => c.id));
    expect(forward.length).toBeLessThan(50);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
    page = await searchCarts(businessId, { ...search, cursor, direction: "after" });
    expect(page.prevCursor).toBeDefined();
  }
  const backward: string[][] = [page.carts.map((c) => c.id)];
  while (page.prevCursor) {
    page = await searchCarts(businessId, { ...search, cursor: page.prevCursor, direction: "before" });
    backward.unshift(page.carts.map((c) => c.id));
    expect(page.nextCursor).toBeDefined();
    expect(backward.length).toBeLessThan(50);
  }
  return { forward, backward };
}

describe("searchCarts", () => {
  let business: Business;
  let other: Business;
  const seeded: Seeded[] = [];
  const foreign: Seeded[] = [];

  beforeAll(async () => {
    ({ business } = await newBusiness());
    ({ business: other } = await newBusiness());
    const statuses: CartStatus[] = ["abandoned", "abandoned", "active", "recovered", "expired"];
    for (let i = 0; i < 23; i++) {
      await addCart(business, seeded, {
        email: `shopper${i}@example.com`,
        name: i % 2 ? `Shopper Number ${i}` : null,
        // Several carts share a creation time and several share a total, so ids must break ties.
        at: T0 - minutes(Math.floor(i / 3) * 10),
        price: [10, 25, 25, 99.5, 7][i % 5]!,
        status: statuses[i % 5],
      });
    }
    await addCart(business, seeded, { email: "alice.wonder@example.com", name: "Alice Liddell", at: T0 + minutes(1), price: 42 });
    await addCart(business, seeded, { email: "jane@shop.test", name: "Jane Smith", at: T0 + minutes(2), price: 120, status: "active" });
    await addCart(business, seeded, { email: "under_score@example.com", name: "100% Cotton", at: T0 + minutes(3), price: 5 });
    await addCart(business, seeded, { email: "back\\slash@example.com", name: "Plain", at: T0 + minutes(4), price: 6 });
    // The other tenant has a customer with the same email and one of its own, newest of all.
    await addCart(other, foreign, { email: "alice.wonder@example.com", name: "Alice Liddell", at: T0 + minutes(5), price: 1000 });
    await addCart(other, foreign, { email: "outsider@example.com", name: "Outsider", at: T0 + minutes(6), price: 3 });
  });

  describe.each(["newest", "oldest", "value_desc", "value_asc"] as const)("sort %s", (sort) => {
    it("returns every cart in order on the first page when it fits", async () => {
      const page = await searchCarts(business.id, { sort, limit: 100 });
      expect(page.carts.map((c) => c.id)).toEqual(expected(seeded, sort));
      expect(page.nextCursor).toBeUndefined();
      expect(page.prevCursor).toBeUndefined();
    });

    it("pages forwards and backwards without duplicates or gaps", async () => {
      const { forward, backward } = await walk(business.id, { sort, limit: 4 });
      expect(forward.flat()).toEqual(expected(seeded, sort));
      expect(forward.slice(0, -1).every((p) => p.length === 4)).toBe(true);
      expect(backward).toEqual(forward);
    });

    it.each(["abandoned", "active", "recovered"] as const)("pages within the %s tab", async (status) => {
      const { forward, backward } = await walk(business.id, { sort, status, limit: 2 });
      expect(forward.flat()).toEqual(expected(seeded.filter((s) => s.status === status), sort));
      expect(backward).toEqual(forward);
    });
  });

  it("keeps rows apart that differ only in microseconds", async () => {
    const { business: shop } = await newBusiness();
    const rows: Seeded[] = [];
    for (let i = 0; i < 5; i++) await addCart(shop, rows, { email: `micro${i}@example.com`, at: T0, price: 1 });
    const db = await getDb();
    // Same millisecond, different microseconds, in the opposite order of the ids.
    for (const [i, row] of rows.entries()) {
      await db.execute(sql`update carts set created_at = ${`2025-03-01T12:00:00.000${900 - i * 100}Z`}::timestamptz where id = ${row.id}`);
    }
    const { forward, backward } = await walk(shop.id, { sort: "newest", limit: 2 });
    expect(forward.flat()).toEqual(rows.map((r) => r.id));
    expect(backward).toEqual(forward);
  });

  it("filters by status", async () => {
    const page = await searchCarts(business.id, { status: "recovered", limit: 100 });
    expect(page.carts.length).toBeGreaterThan(0);
    expect(page.carts.every((c) => c.status === "recovered" && c.recoveredAt instanceof Date)).toBe(true);
    expect(page.carts.map((c) => c.id).sort()).toEqual(seeded.filter((s) => s.status === "recovered").map((s) => s.id).sort());
  });

  it("returns the list row shape with money as bigint and dates as Date", async () => {
    const page = await searchCarts(business.id, { q: "jane@shop.test", limit: 10 });
    expect(page.carts).toEqual([
      {
        id: seeded.find((s) => s.email === "jane@shop.test")!.id,
        customerEmail: "jane@shop.test",
        customerName: "Jane Smith",
        status: "active",
        currency: "USD",
        totalMinor: 12000n,
        itemCount: 1,
        createdAt: new Date(T0 + minutes(2)),
        abandonedAt: null,
        recoveredAt: null,
        hasLiveLink: false,
      },
    ]);
  });

  describe("search", () => {
    const ids = async (search: CartSearch) => (await searchCarts(business.id, { limit: 100, ...search })).carts.map((c) => c.customerEmail);

    it("matches part of the email, ignoring case", async () => {
      expect(await ids({ q: "ALICE.WON" })).toEqual(["alice.wonder@example.com"]);
      expect(await ids({ q: "shop.TEST" })).toEqual(["jane@shop.test"]);
    });

    it("matches part of the name, ignoring case", async () => {
      expect(await ids({ q: "smi" })).toEqual(["jane@shop.test"]);
      expect(await ids({ q: "liddell" })).toEqual(["alice.wonder@example.com"]);
      expect((await ids({ q: "number 1" })).length).toBe(6); // 1, 11, 13, 15, 17, 19
    });

    it("ignores surrounding spaces and treats a blank query as none", async () => {
      expect(await ids({ q: "  smi  " })).toEqual(["jane@shop.test"]);
      expect((await ids({ q: "   " })).length).toBe(seeded.length);
    });

    it("combines with the status filter and every sort", async () => {
      expect(await ids({ q: "shopper", status: "active", sort: "value_desc" })).toEqual(
        expected(seeded.filter((s) => s.email.startsWith("shopper") && s.status === "active"), "value_desc").map(
          (id) => seeded.find((s) => s.id === id)!.email,
        ),
      );
      const { forward } = await walk(business.id, { q: "shopper", sort: "value_asc", limit: 5 });
      expect(forward.flat()).toEqual(expected(seeded.filter((s) => s.email.startsWith("shopper")), "value_asc"));
    });

    it("treats LIKE wildcards and the escape character literally", async () => {
      expect(await ids({ q: "%" })).toEqual(["under_score@example.com"]); // only "100% Cotton"
      expect(await ids({ q: "_" })).toEqual(["under_score@example.com"]);
      expect(await ids({ q: "\\" })).toEqual(["back\\slash@example.com"]);
      expect(await ids({ q: "r_s" })).toEqual(["under_score@example.com"]);
      expect(await ids({ q: "a%e" })).toEqual([]);
      const counts = await countCartsByStatus(business.id, "%");
      expect(counts.all).toBe(1);
    });

    it("finds nothing for a query that matches nobody", async () => {
      const page = await searchCarts(business.id, { q: "nobody-at-all" });
      expect(page).toEqual({ carts: [], nextCursor: undefined, prevCursor: undefined });
    });
  });

  describe("tenant isolation", () => {
    it("never lists another business's carts", async () => {
      for (const sort of ["newest", "oldest", "value_desc", "value_asc"] as const) {
        const page = await searchCarts(business.id, { sort, limit: 100 });
        expect(page.carts.map((c) => c.id)).not.toEqual(expect.arrayContaining([foreign[0]!.id]));
        expect(page.carts.some((c) => foreign.some((f) => f.id === c.id))).toBe(false);
      }
      expect((await searchCarts(business.id, { q: "outsider" })).carts).toEqual([]);
      const alice = await searchCarts(business.id, { q: "alice" });
      expect(alice.carts.map((c) => c.id)).toEqual([seeded.find((s) => s.email.startsWith("alice"))!.id]);
      expect(alice.carts[0]!.totalMinor).toBe(4200n);
    });

    it("never counts another business's carts", async () => {
      expect((await countCartsByStatus(business.id)).all).toBe(seeded.length);
      expect(await countCartsByStatus(business.id, "outsider")).toEqual({ all: 0, active: 0, abandoned: 0, recovered: 0, expired: 0 });
      expect(await countCartsByStatus(other.id)).toEqual({ all: 2, active: 0, abandoned: 2, recovered: 0, expired: 0 });
    });

    it("a cursor from another business's page does not reveal its rows", async () => {
      const theirs = await searchCarts(other.id, { limit: 1 });
      const page = await searchCarts(business.id, { cursor: theirs.nextCursor, limit: 100 });
      expect(page.carts.some((c) => foreign.some((f) => f.id === c.id))).toBe(false);
    });
  });

  describe("malformed cursors give the first page", () => {
    const cursors = {
      garbage: "not a cursor!",
      "not base64 JSON": "bm90IGpzb24",
      "JSON array": Buffer.from("[1,2]").toString("base64url"),
      "another sort's cursor": encodeCursor({ sort: "value_desc", key: "2500", id: "cart_abc" }),
      "impossible date": encodeCursor({ sort: "newest", key: "2025-02-30T00:00:00.000000Z", id: "cart_abc" }),
      "date without microseconds": encodeCursor({ sort: "newest", key: "2025-02-03T00:00:00.000Z", id: "cart_abc" }),
      "SQL in the id": encodeCursor({ sort: "newest", key: "2025-02-03T00:00:00.000000Z", id: "x'); drop table carts; --" }),
      "huge number": encodeCursor({ sort: "value_desc", key: "99999999999999999999", id: "cart_abc" }),
      "too long": "a".repeat(2000),
    };

    it.each(Object.entries(cursors))("%s", async (name, cursor) => {
      const sort = name === "huge number" ? "value_desc" : "newest";
      const first = await searchCarts(business.id, { sort, limit: 3 });
      for (const direction of ["after", "before"] as const) {
        const page = await searchCarts(business.id, { sort, cursor, direction, limit: 3 });
        expect(page).toEqual(first);
      }
    });

    it("a cursor past the last row gives the first page", async () => {
      const last = encodeCursor({ sort: "newest", key: "1990-01-01T00:00:00.000000Z", id: "cart_0" });
      const page = await searchCarts(business.id, { sort: "newest", cursor: last, limit: 3 });
      expect(page).toEqual(await searchCarts(business.id, { sort: "newest", limit: 3 }));
    });

    it("clamps the page size", async () => {
      expect((await searchCarts(business.id, { limit: -5 })).carts.length).toBe(1);
      expect((await searchCarts(business.id, { limit: 0 })).carts.length).toBe(25); // the default
      expect((await searchCarts(business.id, { limit: 10_000 })).carts.length).toBe(seeded.length);
    });
  });

  it("flags carts with a live recovery link, not revoked or expired ones", async () => {
    const { business: shop } = await newBusiness();
    const rows: Seeded[] = [];
    const now = new Date();
    const live = await addCart(shop, rows, { email: "live@example.com", at: now.getTime() - 3000, price: 1 });
    const revoked = await addCart(shop, rows, { email: "revoked@example.com", at: now.getTime() - 2000, price: 1 });
    await addCart(shop, rows, { email: "none@example.com", at: now.getTime() - 1000, price: 1 });
    await generateLink(shop.id, live.id, { createdBy: "staff", expiresInHours: 1 });
    await generateLink(shop.id, revoked.id, { createdBy: "staff" });
    await revokeLink(shop.id, revoked.id);
    const flags = async (at?: Date) =>
      Object.fromEntries((await searchCarts(shop.id, {}, { now: at })).carts.map((c) => [c.customerEmail, c.hasLiveLink]));
    expect(await flags()).toEqual({ "live@example.com": true, "revoked@example.com": false, "none@example.com": false });
    expect(await flags(new Date(now.getTime() + 2 * 3600_000))).toEqual({
      "live@example.com": false,
      "revoked@example.com": false,
      "none@example.com": false,
    });
  });
});

describe("countCartsByStatus", () => {
  it("counts each status and the total, with zeros for empty tabs", async () => {
    const { business } = await newBusiness();
    expect(await countCartsByStatus(business.id)).toEqual({ all: 0, active: 0, abandoned: 0, recovered: 0, expired: 0 });
    const rows: Seeded[] = [];
    await addCart(business, rows, { email: "a@example.com", name: "Ann", at: T0, price: 1 });
    await addCart(business, rows, { email: "b@example.com", name: "Bob", at: T0, price: 1, status: "active" });
    await addCart(business, rows, { email: "c@example.com", name: "Cat", at: T0, price: 1, status: "recovered" });
    await addCart(business, rows, { email: "ann.other@example.com", at: T0, price: 1, status: "expired" });
    expect(await countCartsByStatus(business.id)).toEqual({ all: 4, active: 1, abandoned: 1, recovered: 1, expired: 1 });
    expect(await countCartsByStatus(business.id, "ANN")).toEqual({ all: 2, active: 0, abandoned: 1, recovered: 0, expired: 1 });
  });
});

describe("index use (stays fast at a million carts)", () => {
  /**
   * With sorting and sequential scans priced out, the plan still sorts or seq-scans carts only if
   * no index can deliver the order: e.g. ORDER BY created_at DESC (NULLS FIRST) against an index
   * declared DESC NULLS LAST. At scale that is a sort of every cart of the business per page.
   */
  async function plan(search: CartSearch): Promise<string> {
    const db = await getDb();
    const { business } = await newBusiness();
    const query = cartPageQuery(db, business.id, search).getSQL();
    await db.execute(sql`set enable_sort = off`);
    await db.execute(sql`set enable_seqscan = off`);
    try {
      const result = (await db.execute(sql`explain ${query}`)) as unknown as Record<string, string>[] | { rows: Record<string, string>[] };
      const rows = Array.isArray(result) ? result : result.rows;
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    } finally {
      await db.execute(sql`reset enable_sort`);
      await db.execute(sql`reset enable_seqscan`);
    }
  }
  const cursor = (sort: CartSort) =>
    encodeCursor(sort.startsWith("value") ? { sort, key: "1000", id: "cart_x" } : { sort, key: "2025-01-01T00:00:00.000000Z", id: "cart_x" });

  it.each([
    ["newest", undefined, "carts_list_idx"],
    ["oldest", undefined, "carts_list_idx"],
    ["newest", "abandoned", "carts_status_list_idx"],
    ["oldest", "recovered", "carts_status_list_idx"],
    ["value_desc", "abandoned", "carts_value_idx"],
    ["value_asc", "active", "carts_value_idx"],
  ] as const)("%s, status %s: walks %s without sorting", async (sort, status, index) => {
    for (const search of [{ sort, status }, { sort, status, cursor: cursor(sort) }, { sort, status, cursor: cursor(sort), direction: "before" as const }]) {
      const text = await plan(search);
      expect(text).toContain(index);
      expect(text).not.toMatch(/\bSort\b|Seq Scan on carts/);
    }
  });

  it.each(["value_desc", "value_asc"] as const)("%s over all statuses: merges four bounded walks of carts_value_idx", async (sort) => {
    for (const search of [{ sort }, { sort, cursor: cursor(sort) }, { sort, cursor: cursor(sort), direction: "before" as const }]) {
      const text = await plan(search);
      expect(text.match(/Limit\s+\(.*\n\s+->\s+Index Only Scan( Backward)? using carts_value_idx/g)?.length).toBe(4);
      expect(text).not.toMatch(/Seq Scan on carts/);
    }
  });
});
