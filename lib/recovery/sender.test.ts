import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { businesses, customers, discountCodes, events, recoveryLinks, recoveryMessages } from "@/db/schema";
import { createCart, updateCart } from "@/lib/carts/service";
import { setConsent, unsubscribeContact } from "@/lib/contacts/service";
import { newBusiness } from "@/lib/testing/fixtures";
import { placedOrder } from "@/lib/testing/orders";
import { useSmtp } from "@/lib/testing/smtp";
import { sendDueEmails, STUCK_AFTER_MS } from "./sender";
import { saveSteps, DEFAULT_STEPS } from "./steps";
import { suppressionReason } from "./suppression";

// A controllable clock: every call gets its `now`, minutes after the carts were abandoned.
const T0 = new Date("2030-06-03T09:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const HOUR = 60;

let restoreSmtp: () => void;
beforeAll(() => {
  restoreSmtp = useSmtp(undefined); // no SMTP: everything lands in the outbox
});
afterAll(() => restoreSmtp());

type Tenant = Awaited<ReturnType<typeof newBusiness>>;

async function shop(settings: Partial<typeof businesses.$inferInsert> = {}): Promise<Tenant> {
  const tenant = await newBusiness({ name: "Acme Outfitters" });
  if (Object.keys(settings).length) await (await getDb()).update(businesses).set(settings).where(eq(businesses.id, tenant.business.id));
  return tenant;
}

async function abandoned(tenant: Tenant, email = "jane@example.com", minutes = 0) {
  return createCart(
    tenant.business,
    { customerEmail: email, customerName: "Jane Doe", items: [{ name: "Linen shirt", quantity: 2, price: 49.99 }], currency: "USD" },
    { now: at(minutes) },
  );
}

async function messages(businessId: string) {
  const db = await getDb();
  return db.select().from(recoveryMessages).where(eq(recoveryMessages.businessId, businessId)).orderBy(asc(recoveryMessages.cartId), asc(recoveryMessages.stepPosition));
}

async function eventTypes(businessId: string, cartId: string, prefix = "email.") {
  const db = await getDb();
  const rows = await db.select().from(events).where(and(eq(events.businessId, businessId), eq(events.subjectId, cartId))).orderBy(asc(events.seq));
  return rows.filter((e) => e.type.startsWith(prefix)).map((e) => [e.type, e.data]);
}

const run = (tenant: Tenant, minutes: number) => sendDueEmails(at(minutes), { businessId: tenant.business.id });

describe("sendDueEmails without SMTP (the outbox)", () => {
  it("keeps each step's rendered email in the outbox when it falls due, once", async () => {
    const tenant = await shop();
    const cart = await abandoned(tenant);
    expect(await run(tenant, 59)).toBe(0);
    expect(await run(tenant, 60)).toBe(1);
    expect(await run(tenant, 61)).toBe(0);

    const [first] = await messages(tenant.business.id);
    expect(first).toMatchObject({ cartId: cart.id, stepPosition: 1, status: "outbox", toEmail: "jane@example.com", subject: "You left something in your cart", createdAt: at(60) });
    const db = await getDb();
    const [link] = await db.select().from(recoveryLinks).where(eq(recoveryLinks.cartId, cart.id));
    expect(link).toMatchObject({ createdBy: "email", revokedAt: null });
    const [customer] = await db.select().from(customers).where(eq(customers.id, cart.customerId));
    expect(customer!.unsubscribeToken).toMatch(/^[\w-]{43}$/);
    const linkUrl = `http://cartback.test/r/${link!.token}?m=${first!.id}`;
    expect(first!.text).toContain("Hi Jane,");
    expect(first!.text).toContain("- Linen shirt × 2: $99.98");
    expect(first!.text).toContain("Total: $99.98");
    expect(first!.text).toContain(linkUrl);
    expect(first!.text).toContain(`http://cartback.test/u/${customer!.unsubscribeToken}`);
    expect(first!.html).toContain(`href="${linkUrl}"`);
    expect(await eventTypes(tenant.business.id, cart.id)).toEqual([["email.queued", { messageId: first!.id, step: 1 }]]);

    expect(await run(tenant, 24 * HOUR)).toBe(1);
    expect(await run(tenant, 72 * HOUR)).toBe(1);
    const all = await messages(tenant.business.id);
    expect(all.map((m) => [m.stepPosition, m.status])).toEqual([
      [1, "outbox"],
      [2, "outbox"],
      [3, "outbox"],
    ]);
    // One link for the whole sequence: the cart's current one is reused.
    expect(all[1]!.text).toContain(`http://cartback.test/r/${link!.token}?m=${all[1]!.id}`);
    // The third step carries its single-use code.
    const [code] = await db.select().from(discountCodes).where(eq(discountCodes.cartId, cart.id));
    expect(code).toMatchObject({ messageId: all[2]!.id, type: "percentage", value: 1000n, expiresAt: at(72 * HOUR + 48 * 60) });
    expect(all[2]!.discountCodeId).toBe(code!.id);
    expect(all[2]!.subject).toBe("10% off your cart: last call from Acme Outfitters");
    expect(all[2]!.text).toContain(`here is 10% off your order with the code ${code!.code}`);
    expect(all[2]!.text).toContain("valid until Jun 8, 2030, 9:00 AM UTC");
    expect(all[0]!.discountCodeId).toBeNull();
  });

  it("replaces an expired link with a new one made by the email", async () => {
    const tenant = await shop({ linkTtlHours: 1 });
    const cart = await abandoned(tenant);
    await run(tenant, 60);
    await run(tenant, 24 * HOUR);
    const db = await getDb();
    const links = await db.select().from(recoveryLinks).where(eq(recoveryLinks.cartId, cart.id)).orderBy(asc(recoveryLinks.createdAt));
    expect(links).toHaveLength(2);
    expect(links.map((l) => l.createdBy)).toEqual(["email", "email"]);
    const second = (await messages(tenant.business.id))[1]!;
    expect(second.text).toContain(`/r/${links[1]!.token}?m=${second.id}`);
  });

  it("records a step overtaken by the next one as superseded, never sending two at once", async () => {
    const tenant = await shop();
    const cart = await abandoned(tenant);
    // The worker first runs 24.5 hours after abandonment: steps 1 and 2 are both due.
    expect(await run(tenant, 24.5 * HOUR)).toBe(2);
    const [one, two] = await messages(tenant.business.id);
    expect(one).toMatchObject({ stepPosition: 1, status: "suppressed", suppressionReason: "superseded", text: "" });
    expect(two).toMatchObject({ stepPosition: 2, status: "outbox" });
    expect(await eventTypes(tenant.business.id, cart.id)).toEqual([
      ["email.suppressed", { messageId: one!.id, step: 1, reason: "superseded" }],
      ["email.queued", { messageId: two!.id, step: 2 }],
    ]);
  });

  it("skips disabled steps: the next enabled step is the one sent", async () => {
    const tenant = await shop();
    await saveSteps(tenant.business.id, { steps: [{ ...DEFAULT_STEPS[0]!, enabled: false }, DEFAULT_STEPS[1]!] });
    await abandoned(tenant);
    expect(await run(tenant, 2 * HOUR)).toBe(0);
    expect(await run(tenant, 24 * HOUR)).toBe(1);
    expect((await messages(tenant.business.id)).map((m) => [m.stepPosition, m.status])).toEqual([[2, "outbox"]]);
  });

  it("skips a step missed by more than a day (downtime, carts left long ago) and sends the one now due", async () => {
    const tenant = await shop();
    const cart = await abandoned(tenant);
    // First run 30 hours after abandonment: step 1 (due at 1 h) is 29 hours late, step 2 (24 h) is not.
    expect(await run(tenant, 30 * HOUR)).toBe(1);
    expect((await messages(tenant.business.id)).map((m) => [m.cartId, m.stepPosition, m.status])).toEqual([[cart.id, 2, "outbox"]]);
    // A cart abandoned 10 days ago gets nothing at all.
    expect(await run(tenant, 10 * 24 * HOUR)).toBe(0);
  });

  it("sends nothing for a business with recovery emails turned off", async () => {
    const tenant = await shop({ recoveryEmailsEnabled: false });
    await abandoned(tenant);
    expect(await run(tenant, 72 * HOUR)).toBe(0);
    expect(await messages(tenant.business.id)).toEqual([]);
  });
});

describe("suppression, checked right before each send", () => {
  it("ordered: the customer placed an order after abandoning the cart", async () => {
    const tenant = await shop();
    const cart = await abandoned(tenant);
    await placedOrder(tenant.business, undefined, { email: "jane@example.com" }, at(30));
    expect(await run(tenant, 60)).toBe(1);
    const [m] = await messages(tenant.business.id);
    expect(m).toMatchObject({ status: "suppressed", suppressionReason: "ordered", text: "" });
    expect(await eventTypes(tenant.business.id, cart.id)).toEqual([["email.suppressed", { messageId: m!.id, step: 1, reason: "ordered" }]]);
  });

  it("ordered: another of the contact's carts was recovered since; an order before abandonment does not count", async () => {
    const tenant = await shop();
    await placedOrder(tenant.business, undefined, { email: "jane@example.com" }, at(-10));
    const cart = await abandoned(tenant);
    const other = await abandoned(tenant, "jane@example.com", 5);
    await updateCart(tenant.business.id, other.id, { status: "recovered" }, at(20));
    await run(tenant, 60);
    const rows = await messages(tenant.business.id);
    expect(rows.filter((m) => m.cartId === cart.id).map((m) => m.suppressionReason)).toEqual(["ordered"]);

    const fresh = await shop();
    await placedOrder(fresh.business, undefined, { email: "jane@example.com" }, at(-10));
    await abandoned(fresh);
    await run(fresh, 60);
    expect((await messages(fresh.business.id)).map((m) => m.status)).toEqual(["outbox"]);
  });

  it("unsubscribed", async () => {
    const tenant = await shop();
    await abandoned(tenant);
    await unsubscribeContact(tenant.business.id, { email: "jane@example.com" }, at(10));
    await run(tenant, 60);
    expect((await messages(tenant.business.id)).map((m) => m.suppressionReason)).toEqual(["unsubscribed"]);
  });

  it("no_consent: consent denied, or unknown while the business requires it", async () => {
    const denied = await shop();
    await abandoned(denied);
    await setConsent(denied.business.id, "jane@example.com", { consent: "denied", source: "checkout" }, at(1));
    await run(denied, 60);
    expect((await messages(denied.business.id)).map((m) => m.suppressionReason)).toEqual(["no_consent"]);

    const strict = await shop({ requireConsent: true });
    await abandoned(strict, "unknown@example.com");
    await abandoned(strict, "granted@example.com");
    await setConsent(strict.business.id, "granted@example.com", { consent: "granted", source: "checkout" }, at(1));
    await run(strict, 60);
    expect((await messages(strict.business.id)).map((m) => [m.toEmail, m.status, m.suppressionReason]).sort()).toEqual([
      ["granted@example.com", "outbox", null],
      ["unknown@example.com", "suppressed", "no_consent"],
    ]);
  });

  it("frequency_cap: emails (sent or in the outbox) to one contact in the last 7 days", async () => {
    const tenant = await shop({ emailCapPerWeek: 2 });
    await saveSteps(tenant.business.id, { steps: [DEFAULT_STEPS[0]!] });
    const a = await abandoned(tenant, "jane@example.com", 0);
    const b = await abandoned(tenant, "jane@example.com", 1);
    const c = await abandoned(tenant, "jane@example.com", 2);
    await run(tenant, 62);
    const byCart = async () => new Map((await messages(tenant.business.id)).filter((m) => m.stepPosition === 1).map((m) => [m.cartId, m.suppressionReason ?? m.status]));
    expect(await byCart()).toEqual(
      new Map([
        [a.id, "outbox"],
        [b.id, "outbox"],
        [c.id, "frequency_cap"],
      ]),
    );
    // A week later the window has moved on.
    const d = await abandoned(tenant, "jane@example.com", 7 * 24 * HOUR + 2);
    await run(tenant, 7 * 24 * HOUR + 63);
    expect((await byCart()).get(d.id)).toBe("outbox");
  });

  it("recovered, not_abandoned and disabled: the cart or the business changed after the step fell due", async () => {
    const tenant = await shop();
    const cart = await abandoned(tenant);
    const db = await getDb();
    const check = () => db.transaction((tx) => suppressionReason(tx, { businessId: tenant.business.id, cartId: cart.id, stepPosition: 1, messageId: "msg_none", now: at(60) }));
    await run(tenant, 0); // creates the default sequence
    expect(await check()).toBeNull();
    await db.update(businesses).set({ recoveryEmailsEnabled: false }).where(eq(businesses.id, tenant.business.id));
    expect(await check()).toBe("disabled");
    await db.update(businesses).set({ recoveryEmailsEnabled: true }).where(eq(businesses.id, tenant.business.id));
    await updateCart(tenant.business.id, cart.id, { status: "expired" }, at(30));
    expect(await check()).toBe("not_abandoned");
    await updateCart(tenant.business.id, cart.id, { status: "recovered" }, at(40));
    expect(await check()).toBe("recovered");
  });
});

describe("exactly once per (cart, step)", () => {
  it("4 workers at once handle each due step exactly once", async () => {
    const tenant = await shop();
    const carts = await Promise.all(["a", "b", "c", "d", "e"].map((n) => abandoned(tenant, `${n}@example.com`)));
    const workers = (minutes: number) => Promise.all([1, 2, 3, 4].map(() => run(tenant, minutes)));

    const first = await workers(60);
    expect(first.reduce((a, b) => a + b, 0)).toBe(5);
    const second = await workers(25 * HOUR);
    expect(second.reduce((a, b) => a + b, 0)).toBe(5);
    const third = await workers(72 * HOUR);
    expect(third.reduce((a, b) => a + b, 0)).toBe(5);
    expect(await workers(72 * HOUR + 5)).toEqual([0, 0, 0, 0]);

    const rows = await messages(tenant.business.id);
    expect(rows.map((m) => `${m.cartId}:${m.stepPosition}:${m.status}`)).toEqual(
      carts.map((c) => c.id).sort().flatMap((id) => [`${id}:1:outbox`, `${id}:2:outbox`, `${id}:3:outbox`]),
    );
    const db = await getDb();
    expect(await db.select().from(discountCodes).where(eq(discountCodes.businessId, tenant.business.id))).toHaveLength(5);
    for (const cart of carts) {
      expect((await eventTypes(tenant.business.id, cart.id)).map(([type]) => type)).toEqual(["email.queued", "email.queued", "email.queued"]);
    }
  });

  it("a message left sending by a crashed worker fails after 10 minutes and is never sent again", async () => {
    const tenant = await shop();
    const cart = await abandoned(tenant);
    const db = await getDb();
    await run(tenant, 0); // the default sequence
    await db.insert(recoveryMessages).values({
      id: "msg_crashed" + tenant.business.id.slice(-8),
      businessId: tenant.business.id,
      cartId: cart.id,
      customerId: cart.customerId,
      stepPosition: 1,
      toEmail: "jane@example.com",
      status: "sending",
      createdAt: at(60),
    });
    expect(await run(tenant, 60 + 9)).toBe(0);
    expect((await messages(tenant.business.id))[0]!.status).toBe("sending");
    await run(tenant, 60 + STUCK_AFTER_MS / 60_000 + 1);
    const [m] = await messages(tenant.business.id);
    expect(m).toMatchObject({ status: "failed", error: "interrupted before sending" });
    expect(await eventTypes(tenant.business.id, cart.id)).toEqual([["email.failed", { messageId: m!.id, step: 1, error: "interrupted before sending" }]]);
    await run(tenant, 3 * HOUR);
    expect((await messages(tenant.business.id)).map((x) => [x.stepPosition, x.status])).toEqual([[1, "failed"]]);
  });
});
