// Plain constants, importable by client components (the settings forms) as well as the server.

/**
 * Bounds of the recovery and privacy settings (whole numbers). Abandonment: 15 minutes to 7 days
 * of inactivity; expiry: 1 day to a year; retention: a week to 10 years (null keeps carts
 * forever); at most 1 to 20 recovery emails to one contact per week.
 */
export const SETTING_BOUNDS = {
  abandonAfterMinutes: { min: 15, max: 7 * 24 * 60, unit: "minutes" },
  cartExpiryDays: { min: 1, max: 365, unit: "days" },
  retentionDays: { min: 7, max: 3650, unit: "days" },
  emailCapPerWeek: { min: 1, max: 20, unit: "emails" },
} as const;

export const EMAIL_FROM_NAME_MAX = 100;
