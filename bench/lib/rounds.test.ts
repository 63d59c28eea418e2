import { describe, expect, it } from "vitest";
import type { Measured } from "./load";
import { summarizeRounds } from "./rounds";

const measured = (rps: number, p50: number, p99: number): Measured => ({ rps, p50, p99, requests: rps * 10, ok: rps * 10, failed: 0, connections: 20, seconds: 10 });

describe("summarizeRounds", () => {
  const rounds = [
    { app: measured(1183, 15, 54), emptyNext: measured(1654, 11, 30) }, // share 72%
    { app: measured(1300, 12, 33), emptyNext: measured(1857, 10, 24) }, // 70%
    { app: measured(1200, 13, 32), emptyNext: measured(2000, 9, 19) }, // 60%
    { app: measured(1580, 11, 29), emptyNext: measured(2000, 9, 19) }, // 79%
    { app: measured(1540, 11, 29), emptyNext: measured(2000, 10, 21) }, // 77%
  ];

  it("takes req/s from the round with the median share", () => {
    const summary = summarizeRounds(rounds);
    expect(summary.app.rps).toBe(1183);
    expect(summary.emptyNext.rps).toBe(1654);
  });

  it("takes each latency as the median of the rounds', not the median-share round's", () => {
    const summary = summarizeRounds(rounds);
    expect(summary.app.p99).toBe(32);
    expect(summary.app.p50).toBe(12);
    expect(summary.emptyNext.p99).toBe(21);
    expect(summary.emptyNext.p50).toBe(10);
  });

  it("lists every round in its notes", () => {
    const [note] = summarizeRounds(rounds).notes;
    expect(note).toContain("72%, 70%, 60%, 79%, 77%");
    expect(note).toContain("54/30, 33/24, 32/19, 29/19, 29/21 ms");
  });

  it("refuses an empty list", () => {
    expect(() => summarizeRounds([])).toThrow("no rounds");
  });
});
