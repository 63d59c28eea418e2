import { eq } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { businesses, type TwigMerchant } from "@/db/schema";
import { newId } from "@/lib/ids";
import { isCurrency } from "@/lib/money";
import { createApiKey, type ApiKey, type Business } from "@/lib/auth/api-keys";
import { ApiError, notFound } from "@/lib/http/errors";

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

export type BusinessSettings = {
  name?: string;
  defaultCurrency?: string;
  linkTtlHours?: number;
  /** Twig's "merchant configs from the registration"; null clears them. */
  twigMerchant?: TwigMerchant | null;
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

/** Changes the business's name, default currency, payment link lifetime and Twig merchant defaults; returns the business. */
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
