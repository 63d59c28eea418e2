import { randomUUID } from "node:crypto";
import { and, asc, count, desc, eq, gt, isNull } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { accounts, invitations, memberships, users, type Role } from "@/db/schema";
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "@/lib/auth/password";
import { env } from "@/lib/env";
import { ApiError, notFound } from "@/lib/http/errors";
import { newId, newSecret } from "@/lib/ids";
import { sha256Hex } from "@/lib/sha256";

const INVITATION_DAYS = 7;
const hashToken = sha256Hex;

/** A staff account with an email/password login (Better Auth's credential account). */
export async function createStaffUser(db: Db, input: { email: string; name: string; password: string }): Promise<string> {
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new ApiError("validation", `password: must be at least ${MIN_PASSWORD_LENGTH} characters`, { field: "password" });
  }
  const id = randomUUID();
  const email = input.email.trim().toLowerCase();
  const password = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) throw new ApiError("conflict", `email: ${email} already has an account`, { field: "email" });
    await tx.insert(users).values({ id, email, name: input.name.trim(), emailVerified: true });
    await tx.insert(accounts).values({ id: randomUUID(), accountId: id, providerId: "credential", userId: id, password });
  });
  return id;
}

export async function addMember(db: Db, businessId: string, userId: string, role: Role): Promise<void> {
  await db
    .insert(memberships)
    .values({ id: newId("member"), businessId, userId, role })
    .onConflictDoUpdate({ target: [memberships.businessId, memberships.userId], set: { role } });
}

export type Member = { membershipId: string; userId: string; name: string; email: string; role: Role; since: Date };

export async function listMembers(businessId: string): Promise<Member[]> {
  const db = await getDb();
  return db
    .select({ membershipId: memberships.id, userId: users.id, name: users.name, email: users.email, role: memberships.role, since: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.businessId, businessId))
    .orderBy(asc(memberships.createdAt));
}

/** Changes a member's role; a business always keeps at least one owner, and only owners make owners. */
export async function changeRole(businessId: string, actorRole: Role, membershipId: string, role: Role): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const member = await lockMember(tx, businessId, membershipId);
    if ((role === "owner" || member.role === "owner") && actorRole !== "owner") {
      throw new ApiError("forbidden", "Only an owner can grant or take away the owner role");
    }
    if (member.role === "owner" && role !== "owner") await assertAnotherOwner(tx, businessId);
    await tx.update(memberships).set({ role }).where(eq(memberships.id, membershipId));
  });
}

export async function removeMember(businessId: string, actorRole: Role, membershipId: string): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const member = await lockMember(tx, businessId, membershipId);
    if (member.role === "owner") {
      if (actorRole !== "owner") throw new ApiError("forbidden", "Only an owner can remove an owner");
      await assertAnotherOwner(tx, businessId);
    }
    await tx.delete(memberships).where(eq(memberships.id, membershipId));
  });
}

async function lockMember(tx: Db, businessId: string, membershipId: string) {
  const [member] = await tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.businessId, businessId), eq(memberships.id, membershipId)))
    .for("update");
  if (!member) throw notFound("Member");
  return member;
}

async function assertAnotherOwner(tx: Db, businessId: string): Promise<void> {
  const [row] = await tx
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.businessId, businessId), eq(memberships.role, "owner")));
  if ((row?.n ?? 0) < 2) throw new ApiError("conflict", "A business needs at least one owner");
}

export type PendingInvitation = { id: string; email: string; role: Role; createdAt: Date; expiresAt: Date };

/** Invites someone by email; the returned link is the only copy of its token. */
export async function createInvitation(
  businessId: string,
  input: { email: string; role: Role },
  invitedBy: { userId: string; role: Role },
): Promise<{ url: string; invitation: PendingInvitation }> {
  if (input.role === "owner" && invitedBy.role !== "owner") throw new ApiError("forbidden", "Only an owner can invite an owner");
  const email = input.email.trim().toLowerCase();
  const token = newSecret();
  const db = await getDb();
  const [member] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.businessId, businessId), eq(users.email, email)));
  if (member) throw new ApiError("conflict", `email: ${email} is already a member; change their role instead`, { field: "email" });
  // A new invitation replaces any earlier one to the same address: only the latest link works.
  await db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.businessId, businessId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
  const [row] = await db
    .insert(invitations)
    .values({
      id: newId("invite"),
      businessId,
      email,
      role: input.role,
      tokenHash: hashToken(token),
      invitedBy: invitedBy.userId,
      expiresAt: new Date(Date.now() + INVITATION_DAYS * 86400_000),
    })
    .returning();
  const invitation = row!;
  return {
    url: `${env().APP_URL}/invite/${token}`,
    invitation: { id: invitation.id, email: invitation.email, role: invitation.role, createdAt: invitation.createdAt, expiresAt: invitation.expiresAt },
  };
}

export async function listInvitations(businessId: string): Promise<PendingInvitation[]> {
  const db = await getDb();
  return db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, createdAt: invitations.createdAt, expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(and(eq(invitations.businessId, businessId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())))
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation(businessId: string, invitationId: string): Promise<void> {
  const db = await getDb();
  const rows = await db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.businessId, businessId), eq(invitations.id, invitationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  if (rows.length === 0) throw notFound("Invitation");
}

/** The open invitation behind a token, with whether its email already has an account. */
export async function findInvitation(token: string) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, hashToken(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())));
  if (!row) return undefined;
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, row.email));
  return { invitation: row, hasAccount: Boolean(user) };
}

/**
 * Accepts an invitation: a new person sets a name and password; someone who already has an
 * account proves it with their password. Either way they become a member with the invited role.
 */
export async function acceptInvitation(token: string, input: { name?: string; password: string }): Promise<{ email: string }> {
  const found = await findInvitation(token);
  if (!found) throw new ApiError("not_found", "This invitation is no longer valid");
  const { invitation } = found;
  const db = await getDb();
  let userId: string;
  if (found.hasAccount) {
    const [account] = await db
      .select({ userId: users.id, password: accounts.password })
      .from(users)
      .innerJoin(accounts, and(eq(accounts.userId, users.id), eq(accounts.providerId, "credential")))
      .where(eq(users.email, invitation.email));
    if (!account?.password || !(await verifyPassword(account.password, input.password))) {
      throw new ApiError("validation", "password: does not match your existing account", { field: "password" });
    }
    userId = account.userId;
  } else {
    if (!input.name?.trim()) throw new ApiError("validation", "name: is required", { field: "name" });
    userId = await createStaffUser(db, { email: invitation.email, name: input.name, password: input.password });
  }
  await db.transaction(async (tx) => {
    const claimed = await tx
      .update(invitations)
      .set({ acceptedAt: new Date() })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id });
    if (claimed.length === 0) throw new ApiError("conflict", "This invitation was already used");
    // Someone who is already a member keeps their role: an invitation never demotes (or promotes) them.
    await tx
      .insert(memberships)
      .values({ id: newId("member"), businessId: invitation.businessId, userId, role: invitation.role })
      .onConflictDoNothing({ target: [memberships.businessId, memberships.userId] });
  });
  return { email: invitation.email };
}
