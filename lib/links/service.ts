import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { businesses, carts, recoveryLinks, recoveryMessages } from "@/db/schema";
import { getCart } from "@/lib/carts/queries";
import { lockCart, revokeCurrentLink } from "@/lib/carts/service";
import { LINKABLE } from "@/lib/carts/status";
import { recordEvent } from "@/lib/events";
import { ApiError, notFound } from "@/lib/http/errors";
import { couldBeId, newId, newSecret } from "@/lib/ids";
import { expireOpenSessions, startPaymentSession } from "@/lib/payments/checkout";
import { linkUrl } from "./url";

export type GeneratedLink = { url: string; expiresAt: Date; created: boolean };

/**
 * The cart's recovery link: the live one if there is one, otherwise (or when asked to rotate)
 * a new one that replaces it. The cart row lock serializes concurrent calls for one cart.
 */
export async function generateLink(
  businessId: string,
  cartId: string,
  options: { rotate?: boolean; expiresInHours?: number; createdBy?: "api" | "staff" | "email"; now?: Date } = {},
): Promise<GeneratedLink> {
  const now = options.now ?? new Date();
  const db = await getDb();
  const result = await db.transaction(async (tx) => {
    const cart = await lockCart(tx, businessId, cartId);
    if (!LINKABLE.includes(cart.status)) {
      throw new ApiError("validation", `status: a payment link cannot be generated for a ${cart.status} cart`, { field: "status" });
    }
    const [current] = await tx
      .select()
      .from(recoveryLinks)
      .where(and(eq(recoveryLinks.cartId, cart.id), isNull(recoveryLinks.revokedAt)));
    if (current && current.expiresAt > now && !options.rotate) {
      return { url: linkUrl(current.token), expiresAt: current.expiresAt, created: false, replaced: undefined };
    }
    if (current) await tx.update(recoveryLinks).set({ revokedAt: now }).where(eq(recoveryLinks.id, current.id));

    const [business] = await tx.select({ ttl: businesses.linkTtlHours }).from(businesses).where(eq(businesses.id, businessId));
    const hours = options.expiresInHours ?? business!.ttl;
    const link = {
      id: newId("link"),
      businessId,
      cartId: cart.id,
      token: newSecret(),
      createdBy: options.createdBy ?? "api",
      createdAt: now,
      expiresAt: new Date(now.getTime() + hours * 3600_000),
    };
    await tx.insert(recoveryLinks).values(link);
    await recordEvent(tx, {
      businessId,
      type: current ? "link.rotated" : "link.generated",
      subjectId: cart.id,
      at: now,
      data: { linkId: link.id, expiresAt: link.expiresAt.toISOString(), by: link.createdBy, replaced: current?.id ?? null },
    });
    return { url: linkUrl(link.token), expiresAt: link.expiresAt, created: true, replaced: current?.id };
  });
  if (result.replaced) await expireOpenSessions({ recoveryLinkId: result.replaced });
  return { url: result.url, expiresAt: result.expiresAt, created: result.created };
}

/** Revokes the cart's current link; opening it afterwards shows that it is no longer active. */
export async function revokeLink(businessId: string, cartId: string, now = new Date()): Promise<void> {
  const db = await getDb();
  const revoked = await db.transaction(async (tx) => {
    const cart = await lockCart(tx, businessId, cartId);
    const linkId = await revokeCurrentLink(tx, cart.id, now);
    if (!linkId) throw notFound("Payment link");
    await recordEvent(tx, { businessId, type: "link.revoked", subjectId: cart.id, at: now, data: { linkId } });
    return linkId;
  });
  await expireOpenSessions({ recoveryLinkId: revoked });
}

export type LinkState =
  | { state: "open"; businessName: string; cartId: string; businessId: string }
  | { state: "paid" | "revoked" | "expired" | "closed"; businessName: string }
  | { state: "not_found" };

/** What a customer holding the token sees, without changing anything. */
export async function linkState(token: string, now = new Date()): Promise<LinkState> {
  if (!couldBeId(token)) return { state: "not_found" };
  const db = await getDb();
  const [row] = await db
    .select({ link: recoveryLinks, status: carts.status, businessName: businesses.name })
    .from(recoveryLinks)
    .innerJoin(carts, eq(carts.id, recoveryLinks.cartId))
    .innerJoin(businesses, eq(businesses.id, recoveryLinks.businessId))
    .where(eq(recoveryLinks.token, token));
  if (!row) return { state: "not_found" };
  const { businessName } = row;
  if (row.status === "recovered") return { state: "paid", businessName };
  if (row.link.revokedAt) return { state: "revoked", businessName };
  if (row.link.expiresAt <= now) return { state: "expired", businessName };
  if (!LINKABLE.includes(row.status)) return { state: "closed", businessName };
  return { state: "open", businessName, cartId: row.link.cartId, businessId: row.link.businessId };
}

/**
 * A customer opens /r/{token}: counts the open and starts a fresh payment session for the cart's
 * current items, so the link keeps working however long Stripe's own sessions last.
 * `messageId` (the `?m=` of a recovery email's link) counts only when it is one of this cart's
 * emails: its first click is recorded, and the payment session remembers it for attribution.
 */
export async function openLink(
  token: string,
  now = new Date(),
  messageId?: string | null,
): Promise<{ redirect: string } | { state: Exclude<LinkState["state"], "open"> }> {
  const state = await linkState(token, now);
  if (state.state !== "open") return { state: state.state };
  const db = await getDb();
  const { link, message } = await db.transaction(async (tx) => {
    const [link] = await tx
      .update(recoveryLinks)
      .set({ openCount: sql`${recoveryLinks.openCount} + 1`, lastOpenedAt: now })
      .where(eq(recoveryLinks.token, token))
      .returning();
    await recordEvent(tx, { businessId: state.businessId, type: "link.opened", subjectId: state.cartId, at: now, data: { linkId: link!.id } });
    const message = messageId ? await emailClicked(tx, state.businessId, state.cartId, messageId, now) : undefined;
    return { link: link!, message };
  });
  const cart = await getCart(state.businessId, state.cartId);
  if (!cart) return { state: "not_found" };
  return { redirect: await startPaymentSession(cart, link, now, { messageId: message?.id }) };
}

/** The cart's recovery email `messageId`, with its first click recorded; undefined if it is not one. */
async function emailClicked(tx: Db, businessId: string, cartId: string, messageId: string, now: Date) {
  const where = and(eq(recoveryMessages.id, messageId), eq(recoveryMessages.businessId, businessId), eq(recoveryMessages.cartId, cartId));
  const [first] = await tx
    .update(recoveryMessages)
    .set({ clickedAt: now })
    .where(and(where, isNull(recoveryMessages.clickedAt)))
    .returning({ id: recoveryMessages.id, stepPosition: recoveryMessages.stepPosition });
  if (first) {
    await recordEvent(tx, { businessId, type: "email.clicked", subjectId: cartId, at: now, data: { messageId: first.id, step: first.stepPosition } });
    return first;
  }
  const [seen] = await tx.select({ id: recoveryMessages.id, stepPosition: recoveryMessages.stepPosition }).from(recoveryMessages).where(where);
  return seen;
}
