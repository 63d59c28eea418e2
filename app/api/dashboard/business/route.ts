import { z } from "zod";
import { EMAIL_FROM_NAME_MAX, LINK_TTL_HOURS, SETTING_BOUNDS, updateBusinessSettings } from "@/lib/businesses/service";
import { currencyInput } from "@/lib/carts/schema";
import { tracker } from "@/lib/http/dialects/tracker";
import { readJson } from "@/lib/http/input";
import { staffRoute } from "@/lib/http/session-route";

/** An absolute http(s) URL, or "" / null for none. */
const merchantUrl = z
  .union([z.string(), z.null()], { error: "must be a string" })
  .transform((v) => v?.trim() || null)
  .pipe(z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" }).max(2048, "must be at most 2048 characters").nullable())
  .optional();
const flag = z.boolean({ error: "must be true or false" }).optional();

/** Seed 003's merchant object: the defaults of Twig orders whose init omits `merchant`. */
const twigMerchantInput = z
  .strictObject({
    confirmUrl: merchantUrl,
    cancelUrl: merchantUrl,
    validationUrl: merchantUrl,
    pushUrl: merchantUrl,
    requiresValidateCallbackSuccess: flag,
    captureOnExpire: flag,
  })
  .nullable();

/** A whole number within the setting's bounds (lib/businesses/service.ts). */
function bounded(field: keyof typeof SETTING_BOUNDS) {
  const { min, max, unit } = SETTING_BOUNDS[field];
  return z
    .number({ error: `must be a number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be at least ${min} ${unit}`)
    .max(max, `must be at most ${max} ${unit}`);
}

const settingsInput = z
  .strictObject({
    name: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
    defaultCurrency: currencyInput.optional(),
    linkTtlHours: z
      .number({ error: "must be a number of hours" })
      .int("must be a whole number of hours")
      .min(LINK_TTL_HOURS.min, `must be at least ${LINK_TTL_HOURS.min} hour`)
      .max(LINK_TTL_HOURS.max, `must be at most ${LINK_TTL_HOURS.max} hours (90 days)`)
      .optional(),
    twigMerchant: twigMerchantInput.optional(),
    abandonAfterMinutes: bounded("abandonAfterMinutes").optional(),
    cartExpiryDays: bounded("cartExpiryDays").optional(),
    /** null keeps carts forever. */
    retentionDays: bounded("retentionDays").nullable().optional(),
    emailCapPerWeek: bounded("emailCapPerWeek").optional(),
    recoveryEmailsEnabled: flag,
    requireConsent: flag,
    /** "" or null: recovery emails come from the business's name. */
    emailFromName: z
      .string({ error: "must be a string" })
      .trim()
      .max(EMAIL_FROM_NAME_MAX, `must be at most ${EMAIL_FROM_NAME_MAX} characters`)
      .regex(/^[^\u0000-\u001f\u007f<>"]*$/, 'must not contain line breaks, control characters, <, > or "')
      .nullable()
      .optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "must contain at least one setting to change", path: [] });

/** Business settings: name, default currency, payment link lifetime, Twig merchant defaults, recovery and privacy. */
export const PATCH = staffRoute("manageSettings", async ({ req, staff }) => {
  const input = await readJson(req, settingsInput);
  const business = await updateBusinessSettings(staff.business.id, input);
  return tracker.ok({
    id: business.id,
    name: business.name,
    defaultCurrency: business.defaultCurrency,
    linkTtlHours: business.linkTtlHours,
    twigMerchant: business.twigMerchant,
    abandonAfterMinutes: business.abandonAfterMinutes,
    cartExpiryDays: business.cartExpiryDays,
    retentionDays: business.retentionDays,
    emailCapPerWeek: business.emailCapPerWeek,
    recoveryEmailsEnabled: business.recoveryEmailsEnabled,
    requireConsent: business.requireConsent,
    emailFromName: business.emailFromName,
  });
});
