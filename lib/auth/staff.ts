import { and, asc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { businesses, memberships, type Role } from "@/db/schema";
import type { Business } from "./api-keys";
import { getAuth } from "./auth";

export const BUSINESS_COOKIE = "cartback.business";

export type Staff = {
  user: { id: string; name: string; email: string };
  business: Business;
  role: Role;
  /** Every business this person works for, for the switcher. */
  memberships: { businessId: string; businessName: string; role: Role }[];
};

/**
 * The signed-in staff member and the business they are working in: the one chosen in the
 * business cookie if they belong to it, else their first. Null without a valid session or
 * without any membership.
 */
export async function staffFromHeaders(headers: Headers): Promise<Staff | null> {
  const auth = await getAuth();
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const db = await getDb();
  const rows = await db
    .select({ business: businesses, role: memberships.role })
    .from(memberships)
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(eq(memberships.userId, session.user.id))
    .orderBy(asc(memberships.createdAt));
  if (rows.length === 0) return null;
  const chosen = cookieValue(headers.get("cookie"), BUSINESS_COOKIE);
  const current = rows.find((r) => r.business.id === chosen) ?? rows[0]!;
  return {
    user: { id: session.user.id, name: session.user.name, email: session.user.email },
    business: current.business,
    role: current.role,
    memberships: rows.map((r) => ({ businessId: r.business.id, businessName: r.business.name, role: r.role })),
  };
}

export async function isMember(userId: string, businessId: string): Promise<boolean> {
  const db = await getDb();
  const [row] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.businessId, businessId)));
  return Boolean(row);
}

function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}
