/** Step delays for people: stored in minutes, typed and read in the largest unit that divides them. */

export type DelayUnit = "minutes" | "hours" | "days";

export const UNIT_MINUTES: Record<DelayUnit, number> = { minutes: 1, hours: 60, days: 1440 };

/** 90 → { 90, minutes }, 1440 → { 24, hours }, 10080 → { 7, days }: hours up to 72, like the defaults read. */
export function splitDelay(minutes: number): { amount: number; unit: DelayUnit } {
  if (minutes % 1440 === 0 && minutes > 72 * 60) return { amount: minutes / 1440, unit: "days" };
  if (minutes % 60 === 0) return { amount: minutes / 60, unit: "hours" };
  return { amount: minutes, unit: "minutes" };
}

/** "30 min", "1 h", "72 h", "7 days". */
export function formatDelay(minutes: number): string {
  const { amount, unit } = splitDelay(minutes);
  if (unit === "minutes") return `${amount} min`;
  if (unit === "hours") return `${amount} h`;
  return amount === 1 ? "1 day" : `${amount} days`;
}

/** "1 h", "1 h and 24 h", "1 h, 24 h and 72 h". */
export function listDelays(minutes: number[]): string {
  const parts = minutes.map(formatDelay);
  return parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}
