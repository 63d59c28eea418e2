import { and, count, eq, gt, inArray, ne, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { businesses, carts, customers, orders, recoveryMessages, recoverySteps } from "@/db/schema";

export type SuppressionReason = "recovered" | "not_abandoned" | "ordered" | "unsubscribed" | "no_consent" | "frequency_cap" | "disabled";

export type SuppressionContext = {
  businessId: string;
  cartId: string;
  stepPosition: number;
  /** The message being sent: not counted against the frequency cap. */
  messageId: string;
  now: Date;
};

/** The frequency cap's window: at most `emailCapPerWeek` emails to one contact in it. */
export const CAP_WINDOW_MS = 7 * 24 * 3600_000;

/** Orders in these statuses never happened, as far as "the customer already bought" goes. */
const NOT_AN_ORDER = ["cancelled", "expired"] as const;

/**
 * Why this email must not go out now, or null to send it. Checked right before each send, on
 * fresh rows. Locks the contact's row for the rest of the transaction, so two workers emailing
 * one contact at once count each other's emails against the weekly cap.
 */
export async function suppressionReason(tx: Db, ctx: SuppressionContext): Promise<SuppressionReason | null> {
  const [row] = await tx
    .select({ cart: carts, business: businesses })
    .from(carts)
    .innerJoin(businesses, eq(businesses.id, carts.businessId))
    .where(and(eq(carts.businessId, ctx.businessId), eq(carts.id, ctx.cartId)));
  if (!row) return "not_abandoned";
  const { cart, business } = row;
  const [step] = await tx
    .select({ enabled: recoverySteps.enabled })
    .from(recoverySteps)
    .where(and(eq(recoverySteps.businessId, ctx.businessId), eq(recoverySteps.position, ctx.stepPosition)));
  if (!business.recoveryEmailsEnabled || !step?.enabled) return "disabled";
  if (cart.status === "recovered") return "recovered";
  if (cart.status !== "abandoned" || !cart.abandonedAt) return "not_abandoned";

  const [customer] = await tx.select().from(customers).where(eq(customers.id, cart.customerId)).for("update");
  if (!customer) return "not_abandoned";
  if (await boughtSince(tx, ctx.businessId, cart.id, customer.id, customer.email, cart.abandonedAt)) return "ordered";
  if (customer.unsubscribedAt) return "unsubscribed";
  if (customer.consent === "denied" || (business.requireConsent && customer.consent !== "granted")) return "no_consent";

  const [recent] = await tx
    .select({ n: count() })
    .from(recoveryMessages)
    .where(
      and(
        eq(recoveryMessages.businessId, ctx.businessId),
        eq(recoveryMessages.customerId, customer.id),
        ne(recoveryMessages.id, ctx.messageId),
        // "sending" rows have passed this check already (the claim commits only after it).
        inArray(recoveryMessages.status, ["sent", "outbox", "sending"]),
        sql`coalesce(${recoveryMessages.sentAt}, ${recoveryMessages.createdAt}) > ${new Date(ctx.now.getTime() - CAP_WINDOW_MS).toISOString()}::timestamptz`,
      ),
    );
  if ((recent?.n ?? 0) >= business.emailCapPerWeek) return "frequency_cap";
  return null;
}

/** An order, or another of the contact's carts recovered, since this cart was abandoned. */
async function boughtSince(tx: Db, businessId: string, cartId: string, customerId: string, email: string, since: Date): Promise<boolean> {
  const [order] = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.businessId, businessId),
        eq(orders.customerEmail, email),
        notInArray(orders.status, [...NOT_AN_ORDER]),
        or(gt(orders.createdAt, since), gt(orders.paidAt, since)),
      ),
    )
    .limit(1);
  if (order) return true;
  const [cart] = await tx
    .select({ id: carts.id })
    .from(carts)
    .where(and(eq(carts.businessId, businessId), eq(carts.customerId, customerId), ne(carts.id, cartId), eq(carts.status, "recovered"), gt(carts.recoveredAt, since)))
    .limit(1);
  return Boolean(cart);
}
