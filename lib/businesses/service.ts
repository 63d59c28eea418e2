import { eq } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { businesses } from "@/db/schema";
import { newId } from "@/lib/ids";
import { isCurrency } from "@/lib/money";
import { createApiKey, type Business } from "@/lib/auth/api-keys";
import { ApiError, notFound } from "@/lib/http/errors";

export async function createBusiness(
  db: Db,
  input: { name: string; defaultCurrency?: string },
): Promise<{ business: Business; key: string }> {
  const currency = (input.defaultCurrency ?? "USD").toUpperCase();
  if (!isCurrency(currency)) throw new Error(`Unknown currency ${currency}`);
  if (!input.name.trim()) throw new Error("A business needs a name");
  return db.transaction(async (tx) => {
    const [business] = await tx
      .insert(businesses)
      .values({ id: newId("business"), name: input.name.trim(), defaultCurrency: currency })
      .returning();
    const { key } = await createApiKey(tx, business!.id);
    return { business: business!, key };
  });
}

export async function getBusiness(db: Db, businessId: string): Promise<Business | undefined> {
  const [row] = await db.select().from(businesses).where(eq(businesses.id, businessId));
  return row;
}

/** Payment links live at least an hour and at most 90 days. */
export const LINK_TTL_HOURS = { min: 1, max: 2160 } as const;

export type BusinessSettings = { name?: string; defaultCurrency?: string; linkTtlHours?: number };

/** Changes the business's name, default currency and payment link lifetime; returns the business. */
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
