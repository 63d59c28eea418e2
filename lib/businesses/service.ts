import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { businesses } from "@/db/schema";
import { newId } from "@/lib/ids";
import { isCurrency } from "@/lib/money";
import { createApiKey, type Business } from "@/lib/auth/api-keys";

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
