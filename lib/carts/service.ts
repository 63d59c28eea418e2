import { and, eq, isNull, sql } from "drizzle-orm";
import { getDb, getPipelinedDb, type Db } from "@/db/client";
import { cartItems, carts, customers, recoveryLinks, type CartStatus } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { writeConsent } from "@/lib/contacts/service";
import { recordEvent } from "@/lib/events";
import { ApiError, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { MoneyError, toMinor } from "@/lib/money";
import { writeNewCart } from "./insert";
import { getCart, type CartItemView, type CartView } from "./queries";
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

/** The items as the cart stores and shows them, in order. */
function itemViews(items: PricedItem[]): CartItemView[] {
  return items.map((item, position) => ({
    position,
    productId: item.productId ?? null,
    name: item.name,
    quantity: item.quantity,
    unitPriceMinor: item.unitPriceMinor,
    imageUrl: item.imageUrl ?? null,
  }));
}

async function insertItems(tx: Db, businessId: string, cartId: string, items: PricedItem[]): Promise<void> {
  await tx.insert(cartItems).values(itemViews(items).map((item) => ({ id: newId("item"), businessId, cartId, ...item })));
}

/** Tracker POST /api/carts: a cart reported by the merchant, `abandoned` unless said `active`. */
export async function createCart(business: Business, input: CreateCartInput, options: { source?: string; now?: Date } = {}): Promise<CartView> {
  // The cart is one statement, pipelined like the key lookup before it; consent, when given,
  // joins it in a transaction.
  if (!input.consent) return insertCart(await getPipelinedDb(), business, input, options);
  return (await getDb()).transaction((tx) => insertCart(tx, business, input, options));
}

/** Creates a cart (inside the caller's transaction, if any: e.g. from a checkout session that expired unpaid). */
export async function insertCart(db: Db, business: Business, input: CreateCartInput, options: { source?: string; now?: Date } = {}): Promise<CartView> {
  const currency = input.currency ?? business.defaultCurrency;
  const priced = priceItems(input.items, currency);
  if (input.totalValue !== undefined && exactAmount(input.totalValue, currency, "totalValue") !== priced.totalMinor) {
    throw invalid("totalValue", "does not match the sum of the items' price × quantity");
  }
  const status = input.status ?? "abandoned";
  const now = options.now ?? new Date();
  const source = options.source ?? "api";
  if (input.consent) {
    const consent = input.consent.marketing ? "granted" : "denied";
    await writeConsent(db, business.id, input.customerEmail, { consent, source: input.consent.source ?? "cart_api" }, now);
  }
  return writeNewCart(db, {
    id: newId("cart", now.getTime()),
    businessId: business.id,
    customerEmail: input.customerEmail,
    customerName: input.customerName,
    source,
    status,
    currency,
    totalMinor: priced.totalMinor,
    itemCount: priced.itemCount,
    metadata: input.metadata ?? null,
    items: itemViews(priced.items),
    createdAt: now,
    updatedAt: now,
    abandonedAt: status === "abandoned" ? now : null,
    recoveredAt: null,
    expiredAt: null,
    recoveredAmountMinor: null,
    recoveryChannel: null,
    events: [
      { type: "cart.created", data: { status, currency, totalMinor: String(priced.totalMinor), source } },
      ...(status === "abandoned" ? [{ type: "cart.abandoned" as const }] : []),
    ],
  });
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
