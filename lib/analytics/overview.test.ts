import { describe, expect, it } from "vitest";
import { formatMoney } from "@/lib/money";
import type { CartAnalytics, CurrencyTotals } from "./carts";
import { buildOverview, chooseCurrency, describeRange, formatRate, overviewHref, parseOverviewParams } from "./overview";

const now = new Date("2025-03-15T10:30:00Z");
const day = (s: string) => new Date(`${s}T00:00:00Z`);

const totals = (currency: string, abandoned: number, recovered: number, abandonedMinor = 0n, recoveredMinor = 0n): CurrencyTotals => ({
  currency,
  abandoned,
  recovered,
  abandonedMinor,
  recoveredMinor,
});

describe("parseOverviewParams", () => {
  it("shows the last 30 days by default", () => {
    const p = parseOverviewParams({}, now);
    expect(p.period).toBe("30d");
    expect(p.range).toEqual({ from: day("2025-02-14"), to: day("2025-03-16") });
    expect(p.from).toBe("2025-02-14");
    expect(p.to).toBe("2025-03-15");
    expect(p.notice).toBeUndefined();
    expect(p.currency).toBeUndefined();
  });

  it("takes a preset period", () => {
    const p = parseOverviewParams({ period: "7d" }, now);
    expect(p.period).toBe("7d");
    expect(p.range).toEqual({ from: day("2025-03-09"), to: day("2025-03-16") });
    expect(parseOverviewParams({ period: "90d" }, now).from).toBe("2024-12-16");
  });

  it("takes a custom range, both ends included", () => {
    const p = parseOverviewParams({ from: "2025-01-01", to: "2025-01-31", period: "7d" }, now);
    expect(p.period).toBeNull();
    expect(p.range).toEqual({ from: day("2025-01-01"), to: day("2025-02-01") });
    expect([p.from, p.to]).toEqual(["2025-01-01", "2025-01-31"]);
    expect(p.notice).toBeUndefined();
  });

  it("takes a one-day range and a range without an end (until today)", () => {
    expect(parseOverviewParams({ from: "2025-03-01", to: "2025-03-01" }, now).range).toEqual({ from: day("2025-03-01"), to: day("2025-03-02") });
    const open = parseOverviewParams({ from: "2025-03-01" }, now);
    expect(open.to).toBe("2025-03-15");
    expect(open.range.to).toEqual(day("2025-03-16"));
  });

  it("uses the first of repeated params", () => {
    expect(parseOverviewParams({ period: ["90d", "7d"] }, now).period).toBe("90d");
  });

  it.each([
    [{ period: "1y" }, "not a period"],
    [{ period: "<script>" }, "not a period"],
    [{ from: "2025-02-30", to: "2025-03-01" }, "not valid"],
    [{ from: "yesterday", to: "2025-03-01" }, "not valid"],
    [{ from: "2025-03-01T00:00:00Z", to: "2025-03-02" }, "not valid"],
    [{ to: "2025-03-01" }, "needs a start date"],
    [{ from: "2025-03-10", to: "2025-03-01" }, "ends before it starts"],
    [{ from: "2023-01-01", to: "2025-01-01" }, "at most 366 days"],
    [{ from: "2025-04-01" }, "starts after today"],
  ])("falls back to a default for %j", (params, message) => {
    const p = parseOverviewParams(params, now);
    expect(p.period).toBe("30d");
    expect(p.range).toEqual({ from: day("2025-02-14"), to: day("2025-03-16") });
    expect(p.notice).toContain(message);
    expect(p.notice).toContain("last 30 days");
  });

  it("keeps a valid period when only the custom range is bad", () => {
    const p = parseOverviewParams({ period: "7d", from: "nope", to: "2025-03-01" }, now);
    expect(p.period).toBe("7d");
    expect(p.notice).toContain("last 7 days");
  });

  it("accepts a span of exactly 366 days", () => {
    expect(parseOverviewParams({ from: "2024-01-01", to: "2024-12-31" }, now).period).toBeNull();
  });

  it("normalises the currency and drops unknown codes", () => {
    expect(parseOverviewParams({ currency: " eur " }, now).currency).toBe("EUR");
    expect(parseOverviewParams({ currency: "XXX1" }, now).currency).toBeUndefined();
    expect(parseOverviewParams({ currency: "" }, now).currency).toBeUndefined();
  });
});

describe("overviewHref", () => {
  it("builds shareable URLs", () => {
    expect(overviewHref({ period: "7d" })).toBe("/?period=7d");
    expect(overviewHref({ from: "2025-01-01", to: "2025-01-31" }, "EUR")).toBe("/?from=2025-01-01&to=2025-01-31&currency=EUR");
  });
});

describe("chooseCurrency", () => {
  const list = [totals("EUR", 5, 1), totals("GBP", 9, 0), totals("USD", 2, 2)];

  it("uses the requested currency when it has data", () => {
    expect(chooseCurrency(list, "USD", "EUR")).toBe("EUR");
  });

  it("falls back to the business default when it has data", () => {
    expect(chooseCurrency(list, "USD")).toBe("USD");
    expect(chooseCurrency(list, "USD", "JPY")).toBe("USD");
  });

  it("else picks the currency with the most abandoned carts", () => {
    expect(chooseCurrency(list, "JPY")).toBe("GBP");
    expect(chooseCurrency([totals("EUR", 3, 0), totals("CHF", 3, 1), totals("AUD", 3, 1)], "USD")).toBe("AUD");
  });

  it("uses the business default without data", () => {
    expect(chooseCurrency([], "JPY", "EUR")).toBe("JPY");
  });
});

describe("buildOverview", () => {
  const analytics = (): CartAnalytics => ({
    range: { from: day("2025-03-01"), to: day("2025-03-04") },
    days: [
      { date: "2025-03-01", byCurrency: new Map([["USD", totals("USD", 2, 1, 10_000n, 4_999n)], ["JPY", totals("JPY", 1, 0, 1_500n)]]) },
      { date: "2025-03-02", byCurrency: new Map() },
      { date: "2025-03-03", byCurrency: new Map([["JPY", totals("JPY", 0, 1, 0n, 1_500n)], ["KWD", totals("KWD", 3, 0, 1_500n)]]) },
    ],
    currencies: [totals("JPY", 1, 1, 1_500n, 1_500n), totals("KWD", 3, 0, 1_500n), totals("USD", 2, 1, 10_000n, 4_999n)],
  });

  it("adds counts across currencies but keeps values per currency", () => {
    const o = buildOverview(analytics(), "USD");
    expect(o.totals).toEqual({ abandoned: 6, recovered: 2, rate: 33.33 });
    expect(o.empty).toBe(false);
    expect(o.main).toMatchObject({ currency: "USD", valueAbandoned: "$100.00", valueRecovered: "$49.99", rate: 50 });
    expect(o.currencies.map((c) => [c.currency, c.valueAbandoned, c.valueRecovered])).toEqual([
      ["USD", "$100.00", "$49.99"],
      ["KWD", formatMoney(1_500n, "KWD"), formatMoney(0n, "KWD")],
      ["JPY", "¥1,500", "¥1,500"],
    ]);
  });

  it("builds one chart row per day with counts of every currency and values of one", () => {
    const o = buildOverview(analytics(), "JPY");
    expect(o.rows).toEqual([
      { date: "2025-03-01", abandoned: 3, recovered: 1, abandonedValue: 1500, recoveredValue: 0, abandonedValueText: "¥1,500", recoveredValueText: "¥0" },
      { date: "2025-03-02", abandoned: 0, recovered: 0, abandonedValue: 0, recoveredValue: 0, abandonedValueText: "¥0", recoveredValueText: "¥0" },
      { date: "2025-03-03", abandoned: 3, recovered: 1, abandonedValue: 0, recoveredValue: 1500, abandonedValueText: "¥0", recoveredValueText: "¥1,500" },
    ]);
    expect(o.rows.find((r) => r.date === "2025-03-01")!.abandonedValue).toBe(1500);
  });

  it("plots minor units as decimal amounts of the currency", () => {
    const o = buildOverview(analytics(), "KWD");
    expect(o.rows[2]!.abandonedValue).toBe(1.5);
    expect(o.rows[2]!.abandonedValueText).toBe(formatMoney(1_500n, "KWD"));
    expect(o.rows[2]!.abandonedValueText).toMatch(/^KWD\s1\.500$/);
  });

  it("is plain data: no bigint reaches a client component", () => {
    expect(() => JSON.stringify(buildOverview(analytics(), "USD"))).not.toThrow();
  });

  it("is empty without data, with zero figures in the chosen currency", () => {
    const o = buildOverview({ range: { from: day("2025-03-01"), to: day("2025-03-02") }, days: [{ date: "2025-03-01", byCurrency: new Map() }], currencies: [] }, "EUR");
    expect(o.empty).toBe(true);
    expect(o.currencies).toEqual([]);
    expect(o.totals).toEqual({ abandoned: 0, recovered: 0, rate: 0 });
    expect(o.main).toMatchObject({ currency: "EUR", valueAbandoned: "€0.00", valueRecovered: "€0.00" });
    expect(o.rows).toHaveLength(1);
  });
});

describe("display helpers", () => {
  it("formats rates and ranges", () => {
    expect(formatRate(33.33)).toBe("33.3%");
    expect(formatRate(0)).toBe("0%");
    expect(describeRange({ from: day("2025-03-01"), to: day("2025-03-31") })).toMatch(/^Mar 1\s*–\s*30, 2025$/);
    expect(describeRange({ from: day("2025-03-01"), to: day("2025-03-02") })).toBe("Mar 1, 2025");
    expect(describeRange({ from: day("2024-12-16"), to: day("2025-03-16") })).toMatch(/^Dec 16, 2024\s*–\s*Mar 15, 2025$/);
  });
});
