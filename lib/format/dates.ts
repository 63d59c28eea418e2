/** Dates and times for people, in UTC, rendered on the server so every viewer reads the same text. */

const DAY = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });
const TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "4 Mar 2026" */
export function formatDay(at: Date): string {
  return DAY.format(at);
}

/** "4 Mar 2026, 14:05 UTC" */
export function formatTime(at: Date): string {
  return `${TIME.format(at)} UTC`;
}

const STEPS: [unit: Intl.RelativeTimeFormatUnit, seconds: number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 hours ago", "in 6 days", "just now". */
export function formatRelative(at: Date, now = new Date()): string {
  const seconds = (at.getTime() - now.getTime()) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.round(seconds / size), unit);
  }
  return seconds < 0 ? "just now" : "in under a minute";
}

/** A link lifetime in words: 168 → "7 days", 36 → "36 hours". */
export function formatLifetime(hours: number): string {
  if (hours % 24 === 0) return hours === 24 ? "1 day" : `${hours / 24} days`;
  return hours === 1 ? "1 hour" : `${hours} hours`;
}
