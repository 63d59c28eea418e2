import { describe, expect, it } from "vitest";
import { splitByWholeDays } from "./range";

const d = (iso: string) => new Date(iso);
const span = (from: string, to: string) => ({ from: d(from), to: d(to) });

describe("splitByWholeDays", () => {
  it("keeps a range on midnights whole", () => {
    expect(splitByWholeDays(span("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z"))).toEqual({ whole: span("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z"), edges: [] });
  });

  it("cuts partial days off both ends, to the millisecond", () => {
    expect(splitByWholeDays(span("2026-03-01T12:00:00.001Z", "2026-03-08T00:00:00.001Z"))).toEqual({
      whole: span("2026-03-02T00:00:00Z", "2026-03-08T00:00:00Z"),
      edges: [span("2026-03-01T12:00:00.001Z", "2026-03-02T00:00:00Z"), span("2026-03-08T00:00:00Z", "2026-03-08T00:00:00.001Z")],
    });
  });

  it("leaves a range without a whole day as one edge", () => {
    const inside = span("2026-03-01T01:00:00Z", "2026-03-01T02:00:00Z");
    expect(splitByWholeDays(inside)).toEqual({ edges: [inside] });
    const acrossMidnight = span("2026-03-01T12:00:00Z", "2026-03-02T12:00:00Z");
    expect(splitByWholeDays(acrossMidnight)).toEqual({ edges: [acrossMidnight] });
  });
});
