import { eq } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { businesses, type TwigMerchant } from "@/db/schema";
import { newId } from "@/lib/ids";
import { isCurrency } from "@/lib/money";
import { createApiKey, type ApiKey, type Business } from "@/lib/auth/api-keys";
import { ApiError, notFound } from "@/lib/http/errors";
import { EMAIL_FROM_NAME_MAX, SETTING_BOUNDS } from "./bounds";

export async function createBusiness(
  db: Db,
  input: { name: string; defaultCurrency?: string },
): Promise<{ business: Business; key: string; apiKey: ApiKey }> {
  const currency = (input.defaultCurrency ?? "USD").toUpperCase();
  if (!isCurrency(currency)) throw new Error(`Unknown currency ${currency}`);
  if (!input.name.trim()) throw new Error("A business needs a name");
  return db.transaction(async (tx) => {
    const [business] = await tx
      .insert(businesses)
      .values({ id: newId("business"), name: input.name.trim(), defaultCurrency: currency })
      .returning();
    const { key, apiKey } = await createApiKey(tx, business!.id);
    return { business: business!, key, apiKey };
  });
}

export async function getBusiness(db: Db, businessId: string): Promise<Business | undefined> {
  const [row] = await db.select().from(businesses).where(eq(businesses.id, businessId));
  return row;
}

/** Payment links live at least an hour and at most 90 days. */
export const LINK_TTL_HOURS = { min: 1, max: 2160 } as const;

export { EMAIL_FROM_NAME_MAX, SETTING_BOUNDS } from "./bounds";

export type BusinessSettings = {
  name?: string;
  defaultCurrency?: string;
  linkTtlHours?: number;
  /** Twig's "merchant configs from the registration"; null clears them. */
  twigMerchant?: TwigMerchant | null;
  abandonAfterMinutes?: number;
  cartExpiryDays?: number;
  /** null keeps carts forever. */
  retentionDays?: number | null;
  emailCapPerWeek?: number;
  recoveryEmailsEnabled?: boolean;
  requireConsent?: boolean;
  /** "" or null: the business's name. */
  emailFromName?: string | null;
};

export const TWIG_MERCHANT_URLS = ["confirmUrl", "cancelUrl", "validationUrl", "pushUrl"] as const;

/**
 * The business's Twig merchant defaults as stored: all six keys, empty URLs as null, unset flags
 * false. Each URL must be an absolute http(s) URL (outbound calls are checked again when made).
 */
export function normalizeTwigMerchant(input: TwigMerchant): Required<TwigMerchant> {
  const urls = Object.fromEntries(
    TWIG_MERCHANT_URLS.map((key) => {
      const value = input[key]?.trim() || null;
      if (value !== null && !isHttpUrl(value)) {
        throw new ApiError("validation", `twigMerchant.${key}: must be an absolute http(s) URL`, { field: `twigMerchant.${key}` });
      }
      return [key, value];
    }),
  ) as Record<(typeof TWIG_MERCHANT_URLS)[number], string | null>;
  return {
    ...urls,
    requiresValidateCallbackSuccess: input.requiresValidateCallbackSuccess ?? false,
    captureOnExpire: input.captureOnExpire ?? false,
  };
}

function isHttpUrl(value: string): boolean {
  if (value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && Boolean(url.hostname);
  } catch {
    return false;
  }
}

function wholeNumberIn(field: keyof typeof SETTING_BOUNDS, value: number): number {
  const { min, max, unit } = SETTING_BOUNDS[field];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ApiError("validation", `${field}: must be a whole number of ${unit} from ${min} to ${max}`, { field });
  }
  return value;
}

/** A display name for the From header: one line, no characters that would need quoting tricks. */
function fromName(value: string | null): string | null {
  const name = value?.trim() || null;
  if (name === null) return null;
  if (name.length > EMAIL_FROM_NAME_MAX) {
    throw new ApiError("validation", `emailFromName: must be at most ${EMAIL_FROM_NAME_MAX} characters`, { field: "emailFromName" });
  }
  if (/[\u0000-\u001f\u007f<>"]/.test(name)) {
    throw new ApiError("validation", "emailFromName: must not contain line breaks, control characters, <, > or \"", { field: "emailFromName" });
  }
  return name;
}

/** Changes the business's settings (only those given); returns the business. */
export async function updateBusinessSettings(businessId: string, input: BusinessSettings): Promise<Business> {
  const changes: BusinessSettings = {};
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (!name) throw new ApiError("validation", "name: must not be empty", { field: "name" });
    if (name.length > 200) throw new ApiError("validation", "name: must be at most 200 characters", { field: "name" });
    changes.name = name;
  }
  if (input.defaultCurrency !== undefined) {
    const currency = input.defaultCurrency.trim().toUpperCase();
    if (!isCurrency(currency)) {
      throw new ApiError("validation", "defaultCurrency: must be an ISO 4217 currency code", { field: "defaultCurrency" });
    }
    changes.defaultCurrency = currency;
  }
  if (input.linkTtlHours !== undefined) {
    const hours = input.linkTtlHours;
    if (!Number.isInteger(hours) || hours < LINK_TTL_HOURS.min || hours > LINK_TTL_HOURS.max) {
      throw new ApiError(
        "validation",
        `linkTtlHours: must be a whole number of hours from ${LINK_TTL_HOURS.min} to ${LINK_TTL_HOURS.max} (90 days)`,
        { field: "linkTtlHours" },
      );
    }
    changes.linkTtlHours = hours;
  }
  if (input.twigMerchant !== undefined) {
    changes.twigMerchant = input.twigMerchant === null ? null : normalizeTwigMerchant(input.twigMerchant);
  }
  for (const field of ["abandonAfterMinutes", "cartExpiryDays", "emailCapPerWeek"] as const) {
    if (input[field] !== undefined) changes[field] = wholeNumberIn(field, input[field]);
  }
  if (input.retentionDays !== undefined) changes.retentionDays = input.retentionDays === null ? null : wholeNumberIn("retentionDays", input.retentionDays);
  if (input.recoveryEmailsEnabled !== undefined) changes.recoveryEmailsEnabled = input.recoveryEmailsEnabled;
  if (input.requireConsent !== undefined) changes.requireConsent = input.requireConsent;
  if (input.emailFromName !== undefined) changes.emailFromName = fromName(input.emailFromName);
  const db = await getDb();
  if (Object.keys(changes).length === 0) {
    const current = await getBusiness(db, businessId);
    if (!current) throw notFound("Business");
    return current;
  }
  const [row] = await db.update(businesses).set(changes).where(eq(businesses.id, businessId)).returning();
  if (!row) throw notFound("Business");
  return row;
}
