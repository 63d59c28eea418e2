import { and, eq, inArray, or, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import {
  cartItems,
  carts,
  checkoutSessions,
  customers,
  discountCodes,
  erasures,
  events,
  orderOperations,
  orders,
  paymentSessions,
  recoveryLinks,
  recoveryMessages,
  webhookDeliveries,
} from "@/db/schema";
import { newId } from "@/lib/ids";
import { sha256Hex } from "@/lib/sha256";

/** What one erasure removed (rows deleted) and anonymised (rows kept with the person taken out). */
export type ErasureCounts = {
  customers: number;
  carts: number;
  cartItems: number;
  recoveryLinks: number;
  paymentSessions: number;
  recoveryMessages: number;
  discountCodes: number;
  events: number;
  webhookDeliveries: number;
  ordersAnonymised: number;
  orderOperationsAnonymised: number;
  checkoutSessionsAnonymised: number;
};

/** What an erased person's email becomes on the orders kept for the books: stable, never deliverable. */
export function erasedEmail(email: string): string {
  return `erased+${sha256Hex(email).slice(0, 12)}@erased.invalid`;
}

/**
 * Erases a contact (the right to erasure), in one transaction, within one business:
 * - deleted: the customer row, their carts with everything hanging off them (items, links,
 *   payment sessions, recovery emails, discount codes), the events of those carts, and the webhook
 *   deliveries of those events or whose payload (or the receiver's answer) contains the email;
 * - anonymised but kept (the books need them): orders and checkout sessions with that email —
 *   email replaced by erasedEmail(), names, phone and addresses nulled — and the stored answers
 *   of those orders' Twig operations;
 * - logged: an erasures row with only the email's SHA-256, who asked, and the counts.
 * Payments stay (they carry no personal data; their cart link is nulled by the foreign key).
 * Erasing an unknown email is not an error: it erases nothing and is logged all the same.
 */
export async function eraseContact(businessId: string, email: string, by: "api" | `staff:${string}`, now = new Date()): Promise<ErasureCounts> {
  const address = email.trim().toLowerCase();
  const anonymous = erasedEmail(address);
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [customer] = await tx
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.businessId, businessId), eq(customers.email, address)))
      .for("update");
    const cartIds = customer
      ? (
          await tx
            .select({ id: carts.id })
            .from(carts)
            .where(and(eq(carts.businessId, businessId), eq(carts.customerId, customer.id)))
            .for("update")
        ).map((c) => c.id)
      : [];
    const ofCarts = (column: Parameters<typeof inArray>[0]) => (cartIds.length ? inArray(column, cartIds) : sql`false`);
    const count = async (rows: Promise<unknown[]>) => (await rows).length;
    const mentions = (column: typeof webhookDeliveries.payload | typeof webhookDeliveries.responseBody) =>
      sql`strpos(lower(coalesce(${column}, '')), ${address}) > 0`;

    // Children first, while the carts (and their events) are still there to say what is theirs.
    const cartEvents = tx.select({ id: events.id }).from(events).where(and(eq(events.businessId, businessId), ofCarts(events.subjectId)));
    const webhookDeliveriesDeleted = await count(
      tx
        .delete(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.businessId, businessId),
            or(inArray(webhookDeliveries.eventId, cartEvents), mentions(webhookDeliveries.payload), mentions(webhookDeliveries.responseBody)),
          ),
        )
        .returning({ id: webhookDeliveries.id }),
    );
    const eventsDeleted = await count(tx.delete(events).where(and(eq(events.businessId, businessId), ofCarts(events.subjectId))).returning({ id: events.id }));
    // Also a message to this address about a cart that has since moved to another customer.
    const messagesDeleted = await count(
      tx
        .delete(recoveryMessages)
        .where(
          and(
            eq(recoveryMessages.businessId, businessId),
            or(ofCarts(recoveryMessages.cartId), eq(recoveryMessages.toEmail, address), customer ? eq(recoveryMessages.customerId, customer.id) : undefined),
          ),
        )
        .returning({ id: recoveryMessages.id }),
    );
    const codesDeleted = await count(tx.delete(discountCodes).where(and(eq(discountCodes.businessId, businessId), ofCarts(discountCodes.cartId))).returning({ id: discountCodes.id }));
    const sessionsDeleted = await count(
      tx.delete(paymentSessions).where(and(eq(paymentSessions.businessId, businessId), ofCarts(paymentSessions.cartId))).returning({ id: paymentSessions.id }),
    );
    const linksDeleted = await count(tx.delete(recoveryLinks).where(and(eq(recoveryLinks.businessId, businessId), ofCarts(recoveryLinks.cartId))).returning({ id: recoveryLinks.id }));
    const itemsDeleted = await count(tx.delete(cartItems).where(and(eq(cartItems.businessId, businessId), ofCarts(cartItems.cartId))).returning({ id: cartItems.id }));
    const cartsDeleted = await count(tx.delete(carts).where(and(eq(carts.businessId, businessId), ofCarts(carts.id))).returning({ id: carts.id }));
    const customersDeleted = customer ? await count(tx.delete(customers).where(eq(customers.id, customer.id)).returning({ id: customers.id })) : 0;

    const orderCounts = await anonymiseOrders(tx, businessId, address, anonymous, now);
    const checkoutsAnonymised = await count(
      tx
        .update(checkoutSessions)
        .set({ customer: anonymisedCustomer(checkoutSessions.customer, anonymous) })
        .where(and(eq(checkoutSessions.businessId, businessId), sql`lower(${checkoutSessions.customer}->>'email') = ${address}`))
        .returning({ id: checkoutSessions.id }),
    );

    const counts: ErasureCounts = {
      customers: customersDeleted,
      carts: cartsDeleted,
      cartItems: itemsDeleted,
      recoveryLinks: linksDeleted,
      paymentSessions: sessionsDeleted,
      recoveryMessages: messagesDeleted,
      discountCodes: codesDeleted,
      events: eventsDeleted,
      webhookDeliveries: webhookDeliveriesDeleted,
      ...orderCounts,
      checkoutSessionsAnonymised: checkoutsAnonymised,
    };
    await tx.insert(erasures).values({ id: newId("erasure"), businessId, emailHash: sha256Hex(address), by, counts, createdAt: now });
    return counts;
  });
}

/** The customer snapshot with the person taken out; the locale stays (it is not personal on its own). */
function anonymisedCustomer(column: typeof orders.customer | typeof checkoutSessions.customer, anonymous: string) {
  return sql`(${column} - 'preferences') || jsonb_build_object('email', ${anonymous}::text, 'firstName', null, 'lastName', null, 'phone', null, 'address', null)`;
}

/** A shipping or billing snapshot without its address (the method and amounts stay). */
function withoutAddress(column: typeof orders.shipping | typeof orders.billing) {
  return sql`case when jsonb_typeof(${column}) = 'object' and ${column} ? 'address' then jsonb_set(${column}, '{address}', 'null'::jsonb) else ${column} end`;
}

async function anonymiseOrders(tx: Db, businessId: string, address: string, anonymous: string, now: Date) {
  const anonymised = await tx
    .update(orders)
    .set({
      customerEmail: anonymous,
      customer: anonymisedCustomer(orders.customer, anonymous),
      shipping: withoutAddress(orders.shipping),
      billing: withoutAddress(orders.billing),
      updatedAt: now,
    })
    .where(and(eq(orders.businessId, businessId), eq(orders.customerEmail, address)))
    .returning({ id: orders.id });
  let operations = 0;
  if (anonymised.length) {
    // Twig operations keep their first answer (with the order in it) to replay it byte for byte.
    const answers = await tx
      .select({ id: orderOperations.id, response: orderOperations.response })
      .from(orderOperations)
      .where(and(eq(orderOperations.businessId, businessId), inArray(orderOperations.orderId, anonymised.map((o) => o.id))));
    for (const op of answers) {
      if (!op.response) continue;
      const scrubbed = JSON.stringify(scrub(JSON.parse(op.response), address, anonymous));
      if (scrubbed === op.response) continue;
      await tx.update(orderOperations).set({ response: scrubbed }).where(eq(orderOperations.id, op.id));
      operations++;
    }
  }
  return { ordersAnonymised: anonymised.length, orderOperationsAnonymised: operations };
}

const PERSONAL = { firstName: "", lastName: "", phone: null, phoneNumber: null } as const;

/** A stored answer with the person taken out: `customer` objects lose names and phone, `address` objects are blanked, the email is replaced. */
export function scrub(value: unknown, email: string, anonymous: string, key?: string): unknown {
  if (typeof value === "string") return value.replace(new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), anonymous);
  if (Array.isArray(value)) return value.map((v) => scrub(v, email, anonymous));
  if (!value || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrub(v, email, anonymous, k)] as const);
  const out = Object.fromEntries(entries);
  if (key === "customer") {
    for (const [k, blank] of Object.entries(PERSONAL)) if (k in out) out[k] = blank;
  }
  if (key === "address") {
    for (const [k, v] of Object.entries(out)) out[k] = typeof v === "string" ? "" : v;
  }
  return out;
}
