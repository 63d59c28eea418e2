import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { events } from "@/db/schema";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { eventsFor } from "@/lib/events";
import { newBusiness } from "@/lib/testing/fixtures";
import { contactByToken, contactFor, ensureUnsubscribeToken, setConsent, unsubscribeContact } from "./service";

const cart = (email: string, extra: Record<string, unknown> = {}) => createCartInput.parse({ customerEmail: email, items: [{ name: "Mug", quantity: 1, price: 12 }], ...extra });
const at = (iso: string) => new Date(iso);

async function tokenOf(businessId: string, customerId: string) {
  return ensureUnsubscribeToken(await getDb(), businessId, customerId);
}

describe("setConsent", () => {
  it("records consent with its source and time, creating the contact; the latest statement wins", async () => {
    const { business } = await newBusiness();
    const granted = await setConsent(business.id, "  Ana@Example.COM ", { consent: "granted", source: "newsletter_form" }, at("2026-01-01T10:00:00Z"));
    expect(granted).toMatchObject({ email: "ana@example.com", consent: "granted", consentSource: "newsletter_form", consentAt: at("2026-01-01T10:00:00Z"), unsubscribedAt: null, carts: 0 });

    const denied = await setConsent(business.id, "ana@example.com", { consent: "denied", source: "preference_center" }, at("2026-01-02T10:00:00Z"));
    expect(denied).toMatchObject({ id: granted.id, consent: "denied", consentSource: "preference_center", consentAt: at("2026-01-02T10:00:00Z") });
  });

  it("is kept across carts, and a cart's `consent` records it (source defaults to cart_api)", async () => {
    const { business } = await newBusiness();
    await createCart(business, cart("bo@example.com", { consent: { marketing: true } }), { now: at("2026-02-01T00:00:00Z") });
    expect(await contactFor(business.id, "BO@example.com")).toMatchObject({ consent: "granted", consentSource: "cart_api", consentAt: at("2026-02-01T00:00:00Z"), carts: 1 });

    // A cart without `consent` changes nothing; one with it says the latest.
    await createCart(business, cart("bo@example.com"));
    expect((await contactFor(business.id, "bo@example.com"))?.consent).toBe("granted");
    await createCart(business, cart("bo@example.com", { consent: { marketing: false, source: "checkout_checkbox" } }), { now: at("2026-02-03T00:00:00Z") });
    expect(await contactFor(business.id, "bo@example.com")).toMatchObject({ consent: "denied", consentSource: "checkout_checkbox", carts: 3 });
  });

  it("is per business", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    await setConsent(a.business.id, "cy@example.com", { consent: "granted", source: "x" });
    expect(await contactFor(b.business.id, "cy@example.com")).toBeUndefined();
  });
});

describe("unsubscribeContact", () => {
  it("by token: unsubscribes once, tells the latest cart's timeline, and is idempotent", async () => {
    const { business } = await newBusiness();
    const older = await createCart(business, cart("di@example.com"), { now: at("2026-03-01T00:00:00Z") });
    const latest = await createCart(business, cart("di@example.com"), { now: at("2026-03-02T00:00:00Z") });
    const token = await tokenOf(business.id, latest.customerId);
    expect(await tokenOf(business.id, latest.customerId)).toBe(token);
    expect(token).toMatch(/^[\w-]{43}$/);

    const first = await unsubscribeContact(business.id, { token }, at("2026-03-03T00:00:00Z"));
    expect(first).toEqual({ customerId: latest.customerId, email: "di@example.com", unsubscribedAt: at("2026-03-03T00:00:00Z"), alreadyUnsubscribed: false });
    const again = await unsubscribeContact(business.id, { token }, at("2026-03-04T00:00:00Z"));
    expect(again).toMatchObject({ unsubscribedAt: at("2026-03-03T00:00:00Z"), alreadyUnsubscribed: true });

    const db = await getDb();
    const timeline = await eventsFor(db, business.id, latest.id);
    expect(timeline.filter((e) => e.type === "contact.unsubscribed")).toEqual([expect.objectContaining({ data: { by: "customer" }, createdAt: at("2026-03-03T00:00:00Z") })]);
    expect((await eventsFor(db, business.id, older.id)).some((e) => e.type === "contact.unsubscribed")).toBe(false);
    expect((await contactFor(business.id, "di@example.com"))?.unsubscribedAt).toEqual(at("2026-03-03T00:00:00Z"));
  });

  it("by token: an unknown token, or another business's, finds nobody", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    const theirs = await createCart(b.business, cart("ed@example.com"));
    const token = await tokenOf(b.business.id, theirs.customerId);
    expect(await unsubscribeContact(a.business.id, { token })).toBeNull();
    expect(await unsubscribeContact(a.business.id, { token: "nope" })).toBeNull();
    expect((await contactFor(b.business.id, "ed@example.com"))?.unsubscribedAt).toBeNull();
    expect(await contactByToken(token)).toMatchObject({ businessId: b.business.id, customerId: theirs.customerId, email: "ed@example.com", unsubscribedAt: null });
    expect(await contactByToken("nope")).toBeUndefined();
  });

  it("by email: case and spaces do not matter; an unknown email becomes a contact that is already unsubscribed, without any event", async () => {
    const { business } = await newBusiness();
    const known = await createCart(business, cart("fa@example.com"));
    const result = await unsubscribeContact(business.id, { email: " FA@example.com " }, at("2026-04-01T00:00:00Z"), "staff");
    expect(result).toMatchObject({ email: "fa@example.com", alreadyUnsubscribed: false });
    const db = await getDb();
    expect((await eventsFor(db, business.id, known.id)).find((e) => e.type === "contact.unsubscribed")?.data).toEqual({ by: "staff" });

    const stranger = await unsubscribeContact(business.id, { email: "new@example.com" }, at("2026-04-02T00:00:00Z"));
    expect(stranger).toMatchObject({ email: "new@example.com", unsubscribedAt: at("2026-04-02T00:00:00Z"), alreadyUnsubscribed: false });
    expect(await contactFor(business.id, "new@example.com")).toMatchObject({ unsubscribedAt: at("2026-04-02T00:00:00Z"), consent: null, carts: 0 });
    expect(await db.$count(events, and(eq(events.businessId, business.id), eq(events.type, "contact.unsubscribed")))).toBe(1);
  });

  it("two unsubscribes at once record one", async () => {
    const { business } = await newBusiness();
    const c = await createCart(business, cart("go@example.com"));
    const token = await tokenOf(business.id, c.customerId);
    const results = await Promise.all([unsubscribeContact(business.id, { token }), unsubscribeContact(business.id, { email: "go@example.com" })]);
    expect(results.filter((r) => r?.alreadyUnsubscribed === false)).toHaveLength(1);
    const db = await getDb();
    expect(await db.$count(events, and(eq(events.subjectId, c.id), eq(events.type, "contact.unsubscribed")))).toBe(1);
  });
});
