import { z } from "zod";
import { ApiError } from "@/lib/http/errors";

const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 366;
export const PERIODS = { "7d": 7, "30d": 30, "90d": 90 } as const;
export type Period = keyof typeof PERIODS;

/** [from, to): `to` is exclusive. */
export type DayRange = { from: Date; to: Date };

/** A calendar date (YYYY-MM-DD, a whole UTC day) or an ISO 8601 instant with a zone. */
export const dateInput = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "must be an ISO 8601 date (YYYY-MM-DD) or date-time",
});

const startOfUtcDay = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;
const isDateOnly = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

/**
 * `period` counts whole UTC days ending today (7d = today and the 6 days before). A date-only
 * endDate includes that whole day. Without anything, the last 30 days.
 */
export function resolveRange(q: { period?: Period; startDate?: string; endDate?: string }, now = new Date()): DayRange {
  if (q.period && (q.startDate || q.endDate)) {
    throw new ApiError("bad_request", "period: use either period or startDate/endDate, not both", { field: "period" });
  }
  if (q.startDate || q.endDate) {
    if (!q.startDate) throw new ApiError("bad_request", "startDate: is required with endDate", { field: "startDate" });
    const from = new Date(q.startDate);
    const to = !q.endDate ? now : isDateOnly(q.endDate) ? new Date(Date.parse(q.endDate) + DAY_MS) : new Date(q.endDate);
    if (to <= from) throw new ApiError("bad_request", "endDate: must be after startDate", { field: "endDate" });
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
      throw new ApiError("bad_request", `endDate: the range may span at most ${MAX_RANGE_DAYS} days`, { field: "endDate" });
    }
    return { from, to };
  }
  const days = PERIODS[q.period ?? "30d"];
  const tomorrow = startOfUtcDay(now.getTime()) + DAY_MS;
  return { from: new Date(tomorrow - days * DAY_MS), to: new Date(tomorrow) };
}

/** The UTC calendar days the range touches, as YYYY-MM-DD. */
export function daysOf(range: DayRange): string[] {
  const out: string[] = [];
  for (let t = startOfUtcDay(range.from.getTime()); t < range.to.getTime(); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * The range cut at UTC midnights: the whole days inside it (as [from, to) on day boundaries), and
 * the partial days at its edges. A range inside one day is all edge.
 */
export function splitByWholeDays(range: DayRange): { whole?: DayRange; edges: DayRange[] } {
  const from = range.from.getTime();
  const to = range.to.getTime();
  const firstMidnight = Math.ceil(from / DAY_MS) * DAY_MS;
  const lastMidnight = Math.floor(to / DAY_MS) * DAY_MS;
  if (firstMidnight >= lastMidnight) return { edges: [range] };
  const edges: DayRange[] = [];
  if (from < firstMidnight) edges.push({ from: range.from, to: new Date(firstMidnight) });
  if (lastMidnight < to) edges.push({ from: new Date(lastMidnight), to: range.to });
  return { whole: { from: new Date(firstMidnight), to: new Date(lastMidnight) }, edges };
}
