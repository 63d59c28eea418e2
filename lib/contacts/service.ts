import { and, count, desc, eq, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { carts, customers } from "@/db/schema";
import { recordEvent } from "@/lib/events";
import { couldBeId, newId, newSecret } from "@/lib/ids";
import type { Consent } from "./schema";

export { eraseContact, type ErasureCounts } from "./erasure";

/** One person of one business, as the contact APIs and the dashboard show them. */
export type Contact = {
  id: string;
  email: string;
  name: string | null;
  /** null: nobody told us either way. */
  consent: Consent | null;
  consentSource: string | null;
  consentAt: Date | null;
  unsubscribedAt: Date | null;
  carts: number;
};

/** Emails are compared trimmed and lowercased everywhere (customers.email is stored that way). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The contact with this email in the business, or undefined. */
export async function contactFor(businessId: string, email: string, db?: Db): Promise<Contact | undefined> {
  const conn = db ?? (await getDb());
  const [row] = await conn
    .select({
      id: customers.id,
      email: customers.email,
      name: customers.name,
      consent: customers.consent,
      consentSource: customers.consentSource,
      consentAt: customers.consentAt,
      unsubscribedAt: customers.unsubscribedAt,
    })
    .from(customers)
    .where(and(eq(customers.businessId, businessId), eq(customers.email, normalizeEmail(email))));
  if (!row) return undefined;
  const [n] = await conn.select({ n: count() }).from(carts).where(and(eq(carts.businessId, businessId), eq(carts.customerId, row.id)));
  return { ...row, carts: n?.n ?? 0 };
}

/**
 * Records the contact's marketing consent and where it came from, creating the contact if it is
 * new (consent may arrive before any cart). The latest statement wins.
 */
export async function setConsent(businessId: string, email: string, input: { consent: Consent; source: string }, now = new Date()): Promise<Contact> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    await writeConsent(tx, businessId, email, input, now);
    return (await contactFor(businessId, email, tx))!;
  });
}

/** setConsent inside the caller's transaction (the tracker's POST /api/carts with `consent`). */
export async function writeConsent(tx: Db, businessId: string, email: string, input: { consent: Consent; source: string }, now: Date): Promise<void> {
  const consent = { consent: input.consent, consentSource: input.source, consentAt: now };
  await tx
    .insert(customers)
    .values({ id: newId("cust"), businessId, email: normalizeEmail(email), ...consent, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [customers.businessId, customers.email], set: { ...consent, updatedAt: now } });
}

export type UnsubscribeTarget = { email: string } | { token: string };
export type Unsubscribed = { customerId: string; email: string; unsubscribedAt: Date; alreadyUnsubscribed: boolean };

/**
 * No more recovery emails to this contact. Idempotent: a second call changes nothing and keeps
 * the first date. By email, an unknown contact is created already unsubscribed (so a later cart
 * is suppressed too); by token, an unknown token answers null. The event contact.unsubscribed
 * goes on the contact's latest cart, if it has one. `by` is who asked (timeline).
 */
export async function unsubscribeContact(
  businessId: string,
  target: UnsubscribeTarget,
  now = new Date(),
  by: "customer" | "staff" | "api" = ("token" in target ? "customer" : "api"),
): Promise<Unsubscribed | null> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    if ("email" in target) {
      const email = normalizeEmail(target.email);
      const [created] = await tx
        .insert(customers)
        .values({ id: newId("cust"), businessId, email, unsubscribedAt: now, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning({ id: customers.id });
      // A new contact has no cart whose timeline should say so.
      if (created) return { customerId: created.id, email, unsubscribedAt: now, alreadyUnsubscribed: false };
    }
    const match = "token" in target ? eq(customers.unsubscribeToken, target.token) : eq(customers.email, normalizeEmail(target.email));
    const [contact] = await tx
      .select({ id: customers.id, email: customers.email, unsubscribedAt: customers.unsubscribedAt })
      .from(customers)
      .where(and(eq(customers.businessId, businessId), match))
      .for("update");
    if (!contact) return null;
    if (contact.unsubscribedAt) return { customerId: contact.id, email: contact.email, unsubscribedAt: contact.unsubscribedAt, alreadyUnsubscribed: true };
    await tx.update(customers).set({ unsubscribedAt: now, updatedAt: now }).where(eq(customers.id, contact.id));
    const [latest] = await tx
      .select({ id: carts.id })
      .from(carts)
      .where(and(eq(carts.businessId, businessId), eq(carts.customerId, contact.id)))
      .orderBy(desc(carts.createdAt), desc(carts.id))
      .limit(1);
    if (latest) await recordEvent(tx, { businessId, type: "contact.unsubscribed", subjectId: latest.id, at: now, data: { by } });
    return { customerId: contact.id, email: contact.email, unsubscribedAt: now, alreadyUnsubscribed: false };
  });
}

/** The contact an unsubscribe link (/u/{token}) belongs to: tokens are unique across businesses. */
export async function contactByToken(token: string): Promise<{ businessId: string; customerId: string; email: string; unsubscribedAt: Date | null } | undefined> {
  if (!token || !couldBeId(token)) return undefined;
  const db = await getDb();
  const [row] = await db
    .select({ businessId: customers.businessId, customerId: customers.id, email: customers.email, unsubscribedAt: customers.unsubscribedAt })
    .from(customers)
    .where(eq(customers.unsubscribeToken, token));
  return row;
}

/** The contact's unsubscribe token, made on first use (256-bit, unguessable). */
export async function ensureUnsubscribeToken(tx: Db, businessId: string, customerId: string): Promise<string> {
  const [row] = await tx
    .update(customers)
    .set({ unsubscribeToken: sql`coalesce(${customers.unsubscribeToken}, ${newSecret()})` })
    .where(and(eq(customers.businessId, businessId), eq(customers.id, customerId)))
    .returning({ token: customers.unsubscribeToken });
  if (!row?.token) throw new Error(`No contact ${customerId} in business ${businessId}`);
  return row.token;
}
