import { and, asc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { carts, customers, recoveryMessages, type MessageStatus } from "@/db/schema";
import type { Consent } from "./schema";

export type CartRecoveryEmail = {
  id: string;
  stepPosition: number;
  status: MessageStatus;
  /** Why it was not sent (suppressed), or what went wrong (failed). */
  reason: string | null;
  subject: string;
  createdAt: Date;
  sentAt: Date | null;
  clickedAt: Date | null;
};

/** What the cart page shows of the cart's contact: consent, unsubscribe, and this cart's recovery emails. */
export type CartContact = {
  email: string;
  consent: Consent | null;
  consentSource: string | null;
  consentAt: Date | null;
  unsubscribedAt: Date | null;
  emails: CartRecoveryEmail[];
};

export async function contactForCart(businessId: string, cartId: string): Promise<CartContact | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({
      email: customers.email,
      consent: customers.consent,
      consentSource: customers.consentSource,
      consentAt: customers.consentAt,
      unsubscribedAt: customers.unsubscribedAt,
    })
    .from(carts)
    .innerJoin(customers, eq(customers.id, carts.customerId))
    .where(and(eq(carts.businessId, businessId), eq(carts.id, cartId)));
  if (!row) return undefined;
  const emails = await db
    .select({
      id: recoveryMessages.id,
      stepPosition: recoveryMessages.stepPosition,
      status: recoveryMessages.status,
      suppressionReason: recoveryMessages.suppressionReason,
      error: recoveryMessages.error,
      subject: recoveryMessages.subject,
      createdAt: recoveryMessages.createdAt,
      sentAt: recoveryMessages.sentAt,
      clickedAt: recoveryMessages.clickedAt,
    })
    .from(recoveryMessages)
    .where(and(eq(recoveryMessages.businessId, businessId), eq(recoveryMessages.cartId, cartId)))
    .orderBy(asc(recoveryMessages.stepPosition));
  return {
    ...row,
    emails: emails.map(({ suppressionReason, error, ...m }) => ({ ...m, reason: suppressionReason ?? error })),
  };
}
