import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { customers, events, recoveryMessages } from "@/db/schema";
import { createCart } from "@/lib/carts/service";
import { sendDueEmails } from "@/lib/recovery/sender";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { useSmtp } from "@/lib/testing/smtp";
import { GET, POST } from "./route";

const T0 = new Date("2030-06-03T09:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let restore: () => void;
beforeAll(() => {
  restore = useSmtp(undefined);
});
afterAll(() => restore());

/** A cart whose first email went out (to the outbox): the contact now has an unsubscribe token. */
async function emailedContact() {
  const tenant = await newBusiness({ name: "Acme Outfitters" });
  const cart = await createCart(tenant.business, { customerEmail: "jane@example.com", items: [{ name: "Hat", quantity: 1, price: 20 }] }, { now: at(0) });
  await sendDueEmails(at(60), { businessId: tenant.business.id });
  const db = await getDb();
  const [customer] = await db.select().from(customers).where(eq(customers.id, cart.customerId));
  return { ...tenant, cart, token: customer!.unsubscribeToken!, customerId: customer!.id };
}

const oneClick = (token: string, body = "List-Unsubscribe=One-Click") =>
  call(POST, { method: "POST", params: { token }, path: `/u/${token}/one-click`, rawBody: body, headers: { "content-type": "application/x-www-form-urlencoded" } });

describe("POST /u/{token}/one-click (RFC 8058)", () => {
  it("unsubscribes the contact at once, idempotently, and the next step is suppressed", async () => {
    const { business, cart, token, customerId } = await emailedContact();
    const first = await oneClick(token);
    expect(first.status).toBe(200);
    expect(first.text).toBe("Unsubscribed");

    const db = await getDb();
    const [customer] = await db.select().from(customers).where(eq(customers.id, customerId));
    expect(customer!.unsubscribedAt).toBeInstanceOf(Date);
    expect((await oneClick(token)).status).toBe(200);
    const [again] = await db.select().from(customers).where(eq(customers.id, customerId));
    expect(again!.unsubscribedAt).toEqual(customer!.unsubscribedAt);

    const timeline = await db.select().from(events).where(and(eq(events.businessId, business.id), eq(events.subjectId, cart.id))).orderBy(asc(events.seq));
    expect(timeline.filter((e) => e.type === "contact.unsubscribed").map((e) => e.data)).toEqual([{ by: "customer" }]);

    await sendDueEmails(at(24 * 60), { businessId: business.id });
    const sent = await db.select().from(recoveryMessages).where(eq(recoveryMessages.cartId, cart.id)).orderBy(asc(recoveryMessages.stepPosition));
    expect(sent.map((m) => [m.stepPosition, m.status, m.suppressionReason])).toEqual([
      [1, "outbox", null],
      [2, "suppressed", "unsubscribed"],
    ]);
  });

  it("sends the page's own form back to the page", async () => {
    const { token, customerId } = await emailedContact();
    const res = await oneClick(token, "");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/u/${token}`);
    const [customer] = await (await getDb()).select().from(customers).where(eq(customers.id, customerId));
    expect(customer!.unsubscribedAt).not.toBeNull();
  });

  it("a GET changes nothing (link scanners) and shows the page", async () => {
    const { token, customerId } = await emailedContact();
    const res = await call(GET, { params: { token }, path: `/u/${token}/one-click` });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/u/${token}`);
    const [customer] = await (await getDb()).select().from(customers).where(eq(customers.id, customerId));
    expect(customer!.unsubscribedAt).toBeNull();
  });

  it("answers 404 to an unknown token", async () => {
    expect((await oneClick("not-a-token")).status).toBe(404);
    expect((await oneClick("")).status).toBe(404);
  });
});
