import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { businesses, customers, discountCodes, events, recoveryLinks, recoveryMessages } from "@/db/schema";
import { createCart, updateCart } from "@/lib/carts/service";
import { newBusiness } from "@/lib/testing/fixtures";
import { startSmtpServer, useSmtp } from "@/lib/testing/smtp";
import { sendDueEmails, sendOutboxMessage } from "./sender";

const T0 = new Date("2030-06-03T09:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let restore: (() => void) | undefined;

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterEach(() => {
  restore?.();
  restore = undefined;
  smtp.rejectRecipients(false);
});
afterAll(async () => {
  await smtp.close();
});

async function shopWithCart(settings: Partial<typeof businesses.$inferInsert> = {}, email = "jane.doe@example.com") {
  const tenant = await newBusiness({ name: "Acme Outfitters" });
  const db = await getDb();
  if (Object.keys(settings).length) await db.update(businesses).set(settings).where(eq(businesses.id, tenant.business.id));
  const cart = await createCart(
    tenant.business,
    {
      customerEmail: email,
      customerName: "Jane Doe",
      currency: "USD",
      items: [
        { name: "Linen shirt", quantity: 2, price: 49.99, imageUrl: "https://cdn.example.com/shirt.jpg" },
        { name: "Canvas <tote>", quantity: 1, price: "12.50" },
      ],
    },
    { now: at(0) },
  );
  return { ...tenant, cart };
}

const run = (businessId: string, minutes: number) => sendDueEmails(at(minutes), { businessId });

async function messagesOf(businessId: string) {
  const db = await getDb();
  return db.select().from(recoveryMessages).where(eq(recoveryMessages.businessId, businessId)).orderBy(asc(recoveryMessages.stepPosition));
}

/** The raw header line, unfolded (long headers are folded onto continuation lines). */
const header = (mail: (typeof smtp.received)[number], name: string) => mail.parsed.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n[ \t]+/g, " ");

describe("recovery emails over a real SMTP server", () => {
  it("sends the step with its items, total, link and one-click unsubscribe headers", async () => {
    restore = useSmtp(smtp.url);
    const { business, cart } = await shopWithCart();
    const before = smtp.received.length;
    expect(await run(business.id, 60)).toBe(1);
    expect(smtp.received).toHaveLength(before + 1);
    const mail = smtp.received.at(-1)!;

    const db = await getDb();
    const [message] = await messagesOf(business.id);
    const [link] = await db.select().from(recoveryLinks).where(eq(recoveryLinks.cartId, cart.id));
    const [customer] = await db.select().from(customers).where(eq(customers.id, cart.customerId));
    const linkUrl = `http://cartback.test/r/${link!.token}?m=${message!.id}`;
    const oneClick = `http://cartback.test/u/${customer!.unsubscribeToken}/one-click`;

    expect(mail.envelope).toEqual({ from: "no-reply@cartback.test", to: ["jane.doe@example.com"] });
    expect(mail.parsed.from?.value).toEqual([{ name: "Acme Outfitters", address: "no-reply@cartback.test" }]);
    expect(header(mail, "from")).toBe('From: Acme Outfitters <no-reply@cartback.test>');
    expect(mail.parsed.to).toMatchObject({ value: [{ address: "jane.doe@example.com" }] });
    expect(mail.parsed.subject).toBe("You left something in your cart");
    expect(header(mail, "list-unsubscribe")).toBe(`List-Unsubscribe: <${oneClick}>`);
    expect(header(mail, "list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");

    const text = mail.parsed.text!;
    expect(text).toContain("Hi Jane,");
    expect(text).toContain("- Linen shirt × 2: $99.98");
    expect(text).toContain("- Canvas <tote> × 1: $12.50");
    expect(text).toContain("Total: $112.48");
    expect(text).toContain(linkUrl);
    expect(text).toContain(`http://cartback.test/u/${customer!.unsubscribeToken}`);

    const html = mail.parsed.html as string;
    expect(html).toContain("Linen shirt");
    expect(html).toContain("Canvas &lt;tote&gt;");
    expect(html).toContain("$112.48");
    expect(html).toContain(`href="${linkUrl}"`);
    expect(html).toContain(`href="http://cartback.test/u/${customer!.unsubscribeToken}"`);
    expect(html).toContain('src="https://cdn.example.com/shirt.jpg"');

    expect(message).toMatchObject({ status: "sent", sentAt: at(60), error: null, text: expect.stringContaining("Total: $112.48") });
    expect(message!.providerMessageId).toBe(mail.parsed.messageId);
    const emailEvents = (await db.select().from(events).where(and(eq(events.businessId, business.id), eq(events.subjectId, cart.id)))).filter((e) => e.type.startsWith("email."));
    expect(emailEvents.map((e) => [e.type, e.data])).toEqual([["email.sent", { messageId: message!.id, step: 1 }]]);

    expect(await run(business.id, 90)).toBe(0);
    expect(smtp.received).toHaveLength(before + 1);
  });

  it("uses the business's From name and SMTP_FROM, and carries the discount of its step", async () => {
    restore = useSmtp(smtp.url, "recover@shop.example");
    const { business, cart } = await shopWithCart({ emailFromName: 'Acme "Support"' });
    await run(business.id, 72 * 60); // steps 1 and 2 missed by more than a day: skipped; step 3 (10% off) sent
    const mail = smtp.received.at(-1)!;
    expect(mail.parsed.from?.value).toEqual([{ name: 'Acme "Support"', address: "recover@shop.example" }]);
    const [code] = await (await getDb()).select().from(discountCodes).where(eq(discountCodes.cartId, cart.id));
    expect(mail.parsed.subject).toBe("10% off your cart: last call from Acme Outfitters");
    expect(mail.parsed.text).toContain(`10% off your order with the code ${code!.code}`);
    expect(mail.parsed.html).toContain(`<strong>${code!.code}</strong>`);
    expect((await messagesOf(business.id)).map((m) => [m.stepPosition, m.status])).toEqual([[3, "sent"]]);
  });

  it("records a refused email as failed, once, and never retries it", async () => {
    restore = useSmtp(smtp.url);
    smtp.rejectRecipients();
    const { business, cart } = await shopWithCart();
    const before = smtp.received.length;
    expect(await run(business.id, 60)).toBe(1);
    const [message] = await messagesOf(business.id);
    expect(message).toMatchObject({ status: "failed", sentAt: null });
    expect(message!.error).toMatch(/550/);
    const db = await getDb();
    const types = (await db.select().from(events).where(and(eq(events.businessId, business.id), eq(events.subjectId, cart.id)))).map((e) => e.type);
    expect(types.filter((t) => t.startsWith("email."))).toEqual(["email.failed"]);
    smtp.rejectRecipients(false);
    expect(await run(business.id, 120)).toBe(0);
    expect(smtp.received).toHaveLength(before);
  });

  it("records an unreachable server as failed", async () => {
    restore = useSmtp("smtp://127.0.0.1:1");
    const { business } = await shopWithCart();
    await run(business.id, 60);
    const [message] = await messagesOf(business.id);
    expect(message!.status).toBe("failed");
    expect(message!.error).toMatch(/ECONNREFUSED|connect/i);
  });
});

describe("sendOutboxMessage", () => {
  it("sends an outbox message once SMTP is configured, as it was rendered", async () => {
    restore = useSmtp(undefined);
    const { business } = await shopWithCart();
    await run(business.id, 60);
    const [queued] = await messagesOf(business.id);
    expect(queued!.status).toBe("outbox");
    await expect(sendOutboxMessage(business.id, queued!.id, at(70))).rejects.toMatchObject({ kind: "conflict" });

    restore();
    restore = useSmtp(smtp.url);
    const result = await sendOutboxMessage(business.id, queued!.id, at(70));
    expect(result).toEqual({ status: "sent" });
    const mail = smtp.received.at(-1)!;
    expect(mail.parsed.text).toBe(queued!.text);
    expect(header(mail, "list-unsubscribe")).toMatch(/^List-Unsubscribe: <http:\/\/cartback\.test\/u\/[\w-]{43}\/one-click>$/);
    const [sent] = await messagesOf(business.id);
    expect(sent).toMatchObject({ status: "sent", sentAt: at(70) });
    await expect(sendOutboxMessage(business.id, queued!.id, at(71))).rejects.toMatchObject({ kind: "conflict" });
    const other = await newBusiness();
    await expect(sendOutboxMessage(other.business.id, queued!.id, at(71))).rejects.toMatchObject({ kind: "not_found" });
  });

  it("suppresses it instead when the cart was paid meanwhile", async () => {
    restore = useSmtp(undefined);
    const { business, cart } = await shopWithCart();
    await run(business.id, 60);
    const [queued] = await messagesOf(business.id);
    await updateCart(business.id, cart.id, { status: "recovered" }, at(65));
    restore();
    restore = useSmtp(smtp.url);
    const before = smtp.received.length;
    expect(await sendOutboxMessage(business.id, queued!.id, at(70))).toEqual({ status: "suppressed", reason: "recovered" });
    expect(smtp.received).toHaveLength(before);
    expect((await messagesOf(business.id))[0]).toMatchObject({ status: "suppressed", suppressionReason: "recovered" });
  });
});
