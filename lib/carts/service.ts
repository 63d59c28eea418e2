import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db/client";
import { cartItems, carts, customers, recoveryLinks, type CartStatus } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { writeConsent } from "@/lib/contacts/service";
import { recordEvent, recordEvents } from "@/lib/events";
import { ApiError, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { MoneyError, toMinor } from "@/lib/money";
import { getCart, type CartView } from "./queries";
import type { CartItemInput, CreateCartInput, UpdateCartInput } from "./schema";
import { canTransition } from "./status";

const MAX_UNIT_MINOR = 10n ** 10n;
const MAX_TOTAL_MINOR = 10n ** 12n;

type PricedItem = CartItemInput & { unitPriceMinor: bigint };

/** Converts each price exactly and computes the total from the items (never from the client). */
export function priceItems(items: CartItemInput[], currency: string): { items: PricedItem[]; totalMinor: bigint; itemCount: number } {
  let totalMinor = 0n;
  let itemCount = 0;
  const priced = items.map((item, i) => {
    const unitPriceMinor = exactAmount(item.price, currency, `items[${i}].price`);
    if (unitPriceMinor > MAX_UNIT_MINOR) throw invalid(`items[${i}].price`, "is too large");
    totalMinor += unitPriceMinor * BigInt(item.quantity);
    itemCount += item.quantity;
    return { ...item, unitPriceMinor };
  });
  if (totalMinor > MAX_TOTAL_MINOR) throw invalid("items", "cart total is too large");
  return { items: priced, totalMinor, itemCount };
}

export function exactAmount(value: number | string, currency: string, field: string): bigint {
  try {
    return toMinor(value, currency);
  } catch (error) {
    if (error instanceof MoneyError) throw invalid(field, error.message);
    throw error;
  }
}

function invalid(field: string, message: string): ApiError {
  return new ApiError("validation", `${field}: ${message}`, { field });
}

async function upsertCustomer(tx: Db, businessId: string, email: string, name: string | null | undefined): Promise<string> {
  const [row] = await tx
    .insert(customers)
    .values({ id: newId("cust"), businessId, email, name: name ?? null })
    .onConflictDoUpdate({
      target: [customers.businessId, customers.email],
      set: {
        name: name === undefined ? sql`${customers.name}` : sql`coalesce(excluded.name, ${customers.name})`,
        updatedAt: new Date(),
      },
    })
    .returning({ id: customers.id });
  return row!.id;
}

async function insertItems(tx: Db, businessId: string, cartId: string, items: PricedItem[]): Promise<void> {
  await tx.insert(cartItems).values(
    items.map((item, position) => ({
      id: newId("item"),
      businessId,
      cartId,
      position,
      productId: item.productId ?? null,
      name: item.name,
      quantity: item.quantity,
      unitPriceMinor: item.unitPriceMinor,
      imageUrl: item.imageUrl ?? null,
    })),
  );
}

/** Tracker POST /api/carts: a cart reported by the merchant, `abandoned` unless said `active`. */
export async function createCart(business: Business, input: CreateCartInput, options: { source?: string; now?: Date } = {}): Promise<CartView> {
  const db = await getDb();
  return db.transaction(async (tx) => getCart(business.id, await insertCart(tx, business, input, options), tx) as Promise<CartView>);
}

/** Creates a cart inside the caller's transaction (e.g. from a checkout session that expired unpaid); returns its id. */
export async function insertCart(tx: Db, business: Business, input: CreateCartInput, options: { source?: string; now?: Date } = {}): Promise<string> {
  const currency = input.currency ?? business.defaultCurrency;
  const priced = priceItems(input.items, currency);
  if (input.totalValue !== undefined && exactAmount(input.totalValue, currency, "totalValue") !== priced.totalMinor) {
    throw invalid("totalValue", "does not match the sum of the items' price × quantity");
  }
  const status = input.status ?? "abandoned";
  const now = options.now ?? new Date();
  const customerId = await upsertCustomer(tx, business.id, input.customerEmail, input.customerName);
  if (input.consent) {
    const consent = input.consent.marketing ? "granted" : "denied";
    await writeConsent(tx, business.id, input.customerEmail, { consent, source: input.consent.source ?? "cart_api" }, now);
  }
  const id = newId("cart", now.getTime());
  await tx.insert(carts).values({
    id,
    businessId: business.id,
    customerId,
    source: options.source ?? "api",
    status,
    currency,
    totalMinor: priced.totalMinor,
    itemCount: priced.itemCount,
    metadata: input.metadata ?? null,
    createdAt: now,
    updatedAt: now,
    abandonedAt: status === "abandoned" ? now : null,
  });
  await insertItems(tx, business.id, id, priced.items);
  await recordEvents(tx, [
    { businessId: business.id, type: "cart.created", subjectId: id, at: now, data: { status, currency, totalMinor: String(priced.totalMinor), source: options.source ?? "api" } },
    ...(status === "abandoned" ? [{ businessId: business.id, type: "cart.abandoned" as const, subjectId: id, at: now }] : []),
  ]);
  return id;
}

/** Locks the business's cart row for the rest of the transaction, or answers 404. */
export async function lockCart(tx: Db, businessId: string, cartId: string) {
  const [cart] = await tx
    .select()
    .from(carts)
    .where(and(eq(carts.businessId, businessId), eq(carts.id, cartId)))
    .for("update");
  if (!cart) throw notFound("Cart");
  return cart;
}

type CartRow = Awaited<ReturnType<typeof lockCart>>;

/**
 * Fields to set when a cart moves to `to` (the caller has checked the move is allowed). A cart
 * marked recovered by staff is attributed "manual"; by the merchant's API, "direct" (the customer
 * paid some other way: docs/recovery.md).
 */
function transitionFields(cart: CartRow, to: CartStatus, now: Date, actor: "api" | "staff"): Partial<typeof carts.$inferInsert> {
  switch (to) {
    case "abandoned":
      return { status: to, abandonedAt: cart.abandonedAt ?? now, expiredAt: null };
    case "recovered":
      return {
        status: to,
        recoveredAt: now,
        recoveredAmountMinor: cart.totalMinor,
        recoveryChannel: actor === "staff" ? "manual" : "direct",
        recoveryStep: null,
      };
    case "expired":
      return { status: to, expiredAt: now };
    case "active":
      return { status: to };
  }
}

const STATUS_EVENTS = {
  active: "cart.updated",
  abandoned: "cart.abandoned",
  recovered: "cart.recovered",
  expired: "cart.expired",
} as const;

/**
 * Tracker PATCH: status moves follow the state machine; items can change until the cart is settled.
 * `actor` is who asked (a merchant's server, or staff in the dashboard); the timeline shows it.
 */
export async function updateCart(
  businessId: string,
  cartId: string,
  input: UpdateCartInput,
  now = new Date(),
  actor: "api" | "staff" = "api",
): Promise<CartView> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const cart = await lockCart(tx, businessId, cartId);
    const set: Partial<typeof carts.$inferInsert> = { updatedAt: now };
    const changed: string[] = [];

    if (input.items) {
      if (cart.status === "recovered" || cart.status === "expired") {
        throw invalid("items", `cannot change once the cart is ${cart.status}`);
      }
      const priced = priceItems(input.items, cart.currency);
      await tx.delete(cartItems).where(eq(cartItems.cartId, cart.id));
      await insertItems(tx, businessId, cart.id, priced.items);
      Object.assign(set, { totalMinor: priced.totalMinor, itemCount: priced.itemCount });
      changed.push("items");
    }
    if (input.customerEmail !== undefined || input.customerName !== undefined) {
      const [current] = await tx.select().from(customers).where(eq(customers.id, cart.customerId));
      const email = input.customerEmail ?? current!.email;
      set.customerId = await upsertCustomer(tx, businessId, email, input.customerName);
      changed.push("customer");
    }
    if (input.metadata !== undefined) {
      set.metadata = input.metadata;
      changed.push("metadata");
    }
    let statusEvent: keyof typeof STATUS_EVENTS | undefined;
    if (input.status && input.status !== cart.status) {
      if (!canTransition(cart.status, input.status)) {
        throw invalid("status", `cannot change from ${cart.status} to ${input.status}`);
      }
      Object.assign(set, transitionFields(cart, input.status, now, actor));
      statusEvent = input.status;
      if (input.status === "expired") await revokeCurrentLink(tx, cart.id, now);
    }

    await tx.update(carts).set(set).where(eq(carts.id, cart.id));
    if (changed.length) await recordEvent(tx, { businessId, type: "cart.updated", subjectId: cart.id, at: now, data: { changed } });
    if (statusEvent) {
      const type = cart.status === "expired" && statusEvent === "abandoned" ? "cart.reopened" : STATUS_EVENTS[statusEvent];
      await recordEvent(tx, { businessId, type, subjectId: cart.id, at: now, data: { from: cart.status, to: statusEvent, by: actor } });
    }
    return (await getCart(businessId, cart.id, tx))!;
  });
}

export async function revokeCurrentLink(tx: Db, cartId: string, now: Date): Promise<string | undefined> {
  const [row] = await tx
    .update(recoveryLinks)
    .set({ revokedAt: now })
    .where(and(eq(recoveryLinks.cartId, cartId), isNull(recoveryLinks.revokedAt)))
    .returning({ id: recoveryLinks.id });
  return row?.id;
}

/** Tracker DELETE: removes the cart with its items and links; payments already recorded stay. */
export async function deleteCart(businessId: string, cartId: string): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const cart = await lockCart(tx, businessId, cartId);
    await tx.delete(carts).where(eq(carts.id, cart.id));
    await recordEvent(tx, { businessId, type: "cart.deleted", subjectId: cart.id });
  });
}
