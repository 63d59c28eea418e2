import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { recoveryMessages, type MessageStatus, type Role } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import type { Staff } from "@/lib/auth/staff";
import { updateBusinessSettings } from "@/lib/businesses/service";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { resetEnvForTests } from "@/lib/env";
import { newId } from "@/lib/ids";
import { saveSteps } from "@/lib/recovery/steps";
import { newBusiness } from "@/lib/testing/fixtures";

const current: { staff?: Staff } = {};
vi.mock("next/navigation", () => ({
  useRouter: () => ({ refresh() {}, push() {} }),
  notFound: () => {
    throw new Error("NEXT_NOT_FOUND");
  },
}));
vi.mock("@/lib/auth/current", async (original) => ({
  ...(await original<typeof import("@/lib/auth/current")>()),
  requireStaff: async () => current.staff!,
}));

function staffOf(business: Business, role: Role): Staff {
  return { user: { id: "user_test", name: "Test", email: "test@staff.test" }, business, role, memberships: [{ businessId: business.id, businessName: business.name, role }] };
}

async function renderList(business: Business, query: Record<string, string> = {}, role: Role = "viewer"): Promise<string> {
  current.staff = staffOf(business, role);
  const { default: MessagesPage } = await import("./page");
  return renderToString(await MessagesPage({ searchParams: Promise.resolve(query) }));
}

async function renderMessage(business: Business, id: string, role: Role = "agent"): Promise<string> {
  current.staff = staffOf(business, role);
  const { default: MessagePage } = await import("./[id]/page");
  return renderToString(<QueryClientProvider client={new QueryClient()}>{await MessagePage({ params: Promise.resolve({ id }) })}</QueryClientProvider>);
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const text = (html: string) => decode(html.replace(/<[^>]+>/g, ""));
const links = (html: string) => [...html.matchAll(/<a [^>]*href="([^"]*)"[^>]*>((?:(?!<\/a>).)*)<\/a>/g)].map((m) => ({ href: decode(m[1]!), name: text(m[2]!), tag: m[0] }));

const MINUTE = 60_000;

/** An abandoned cart of the business, for messages to point at. */
async function cart(business: Business, email: string) {
  return createCart(business, createCartInput.parse({ customerEmail: email, items: [{ name: "Mug", quantity: 1, price: 12 }] }));
}

/** A recovery message row as the sender leaves it. */
async function message(
  business: Business,
  c: Awaited<ReturnType<typeof cart>>,
  status: MessageStatus,
  at: Date,
  extra: Partial<typeof recoveryMessages.$inferInsert> = {},
) {
  const id = newId("msg", at.getTime());
  const rendered = status !== "suppressed";
  await (await getDb()).insert(recoveryMessages).values({
    id,
    businessId: business.id,
    cartId: c.id,
    customerId: c.customerId,
    stepPosition: extra.stepPosition ?? 1,
    toEmail: c.customerEmail,
    subject: rendered ? `Your cart, ${c.customerEmail}` : "",
    text: rendered ? "Hi Jane,\n\nYour cart is saved." : "",
    html: rendered ? "<!doctype html><html><body><p>Hi Jane, <script>alert(1)</script></p></body></html>" : "",
    status,
    createdAt: at,
    sentAt: status === "sent" ? at : null,
    ...extra,
  });
  return id;
}

describe("recovery emails list", () => {
  let shop: Business;
  let outboxId: string;

  beforeAll(async () => {
    ({ business: shop } = await newBusiness({ name: "Mail Shop" }));
    const now = Date.now();
    const ana = await cart(shop, "ana@example.com");
    const ben = await cart(shop, "ben@example.com");
    const cy = await cart(shop, "cy@example.com");
    outboxId = await message(shop, ana, "outbox", new Date(now - 5 * MINUTE));
    await message(shop, ana, "sent", new Date(now - 60 * MINUTE), { stepPosition: 2 });
    await message(shop, ben, "suppressed", new Date(now - 30 * MINUTE), { suppressionReason: "unsubscribed" });
    await message(shop, cy, "failed", new Date(now - 20 * MINUTE), { error: "550 mailbox unavailable" });
    for (let i = 0; i < 26; i++) {
      const c = await cart(shop, `bulk${i}@example.com`);
      await message(shop, c, "sent", new Date(now - (120 + i) * MINUTE));
    }
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvForTests();
  });

  it("shows status tabs with counts, newest first, with pages in the URL", async () => {
    const html = await renderList(shop);
    const all = links(html);
    const tab = (name: string) => all.find((t) => t.name === name);
    expect(html).toMatch(/<nav aria-label="Email status"/);
    expect(tab("All 30")?.tag).toContain('aria-current="page"');
    expect(tab("Outbox 1")?.href).toBe("/recovery/messages?status=outbox");
    expect(tab("Sent 27")?.href).toBe("/recovery/messages?status=sent");
    expect(tab("Suppressed 1")?.href).toBe("/recovery/messages?status=suppressed");
    expect(tab("Failed 1")?.href).toBe("/recovery/messages?status=failed");

    const rows = all.filter((t) => t.href.startsWith("/recovery/messages/msg_"));
    expect(rows).toHaveLength(25);
    expect(rows.map((r) => r.name).slice(0, 4)).toEqual(["ana@example.com", "cy@example.com", "ben@example.com", "ana@example.com"]);
    expect(rows[0]!.href).toBe(`/recovery/messages/${outboxId}`);
    expect(all.filter((t) => t.name === "View cart" && t.href.startsWith("/carts/cart_"))).toHaveLength(25);
    expect(text(html)).toContain("The contact unsubscribed");
    expect(text(html)).toContain("550 mailbox unavailable");
    expect(text(html)).toContain("1–25 of 30 emails");
    expect(tab("Next →")?.href).toBe("/recovery/messages?page=2");

    const second = await renderList(shop, { page: "2" });
    expect(links(second).filter((t) => t.href.startsWith("/recovery/messages/msg_"))).toHaveLength(5);
    expect(text(second)).toContain("26–30 of 30 emails");
    expect(text(second)).toContain("bulk25@example.com"); // the oldest
  });

  it("filters by status and says what waits in the outbox", async () => {
    const outbox = await renderList(shop, { status: "outbox" });
    const rows = links(outbox).filter((t) => t.href.startsWith("/recovery/messages/msg_"));
    expect(rows.map((r) => r.name)).toEqual(["ana@example.com"]);
    expect(outbox).toMatch(/<a aria-current="page"[^>]*href="\/recovery\/messages\?status=outbox">Outbox/);
    expect(text(outbox)).toContain("1 email waits in the outbox");
    expect(text(outbox)).toContain("No SMTP server is configured");

    const suppressed = text(await renderList(shop, { status: "suppressed" }));
    expect(suppressed).toContain("ben@example.com");
    expect(suppressed).not.toContain("ana@example.com");

    vi.stubEnv("SMTP_URL", "smtp://127.0.0.1:2525");
    resetEnvForTests();
    expect(text(await renderList(shop, { status: "outbox" }))).toContain("SMTP is configured now: open one to send it.");
  });

  it("survives junk in the URL and pages past the end", async () => {
    expect(await renderList(shop, { status: "sending", page: "-1" })).toMatch(/<a aria-current="page"[^>]*href="\/recovery\/messages">All/);
    expect(text(await renderList(shop, { page: "9" }))).toContain("No emails on this page");
    const { business } = await newBusiness();
    await message(business, await cart(business, "x@example.com"), "sent", new Date());
    expect(text(await renderList(business, { status: "failed" }))).toContain("No failed emails");
  });

  it("tells a business with no emails when they will be sent, from its own sequence", async () => {
    const { business } = await newBusiness();
    const html = text(await renderList(business));
    expect(html).toContain("No recovery emails yet");
    expect(html).toContain("They are sent 1 h, 24 h and 72 h after a cart is abandoned");

    const { business: custom } = await newBusiness();
    const body = "{{link}} {{unsubscribe}}";
    await saveSteps(custom.id, { steps: [{ delayMinutes: 30, subject: "a", body }, { delayMinutes: 120, subject: "b", body, enabled: false }, { delayMinutes: 7 * 1440, subject: "c", body }] });
    expect(text(await renderList(custom))).toContain("They are sent 30 min and 7 days after a cart is abandoned");

    const off = { ...custom, ...(await updateBusinessSettings(custom.id, { recoveryEmailsEnabled: false })) };
    expect(text(await renderList(off))).toContain("Recovery emails are turned off");
  });

  it("never lists another business's emails", async () => {
    const { business: other } = await newBusiness();
    await message(other, await cart(other, "secret@other.test"), "outbox", new Date());
    const html = await renderList(shop);
    expect(html).not.toContain("secret@other.test");
    expect(text(html)).toContain("Outbox 1");
  });
});

describe("one recovery email", () => {
  let shop: Business;
  let ids: Record<"outbox" | "sent" | "suppressed" | "failed", string>;

  beforeAll(async () => {
    ({ business: shop } = await newBusiness({ name: "Detail Shop" }));
    const c = await cart(shop, "dora@example.com");
    const at = new Date();
    ids = {
      outbox: await message(shop, c, "outbox", at, { stepPosition: 1 }),
      sent: await message(shop, c, "sent", at, { stepPosition: 2, providerMessageId: "<abc@smtp.test>" }),
      suppressed: await message(shop, c, "suppressed", at, { stepPosition: 3, suppressionReason: "frequency_cap" }),
      failed: await message(shop, c, "failed", at, { stepPosition: 4, error: "connection refused" }),
    };
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvForTests();
  });

  it("shows the subject, From and To, the html in a sandboxed iframe, and the cart link", async () => {
    const html = await renderMessage(shop, ids.sent);
    expect(text(html)).toContain("Your cart, dora@example.com");
    expect(text(html)).toContain("Detail Shop <");
    expect(text(html)).toContain("dora@example.com");
    const [frame] = [...html.matchAll(/<iframe ([^>]*)>/g)].map((m) => m[1]!);
    expect(frame).toMatch(/sandbox=""/);
    expect(decode(/srcDoc="([^"]*)"/i.exec(frame!)?.[1] ?? "")).toContain("<script>alert(1)</script>"); // inert: sandbox="" runs no script
    expect(html).not.toMatch(/<script>alert/); // never in the page itself
    expect(links(html).find((l) => l.name === "View cart")?.href).toMatch(/^\/carts\/cart_/);
    expect(text(html)).toContain("<abc@smtp.test>");
    expect(text(html)).toContain("Plain text");
  });

  it("offers Send now for an outbox email only with SMTP and to agents and up", async () => {
    expect(text(await renderMessage(shop, ids.outbox))).toContain("No SMTP configured: this email waits here");
    expect(await renderMessage(shop, ids.outbox)).not.toContain('data-testid="message-actions"');

    vi.stubEnv("SMTP_URL", "smtp://127.0.0.1:2525");
    resetEnvForTests();
    const agent = await renderMessage(shop, ids.outbox, "agent");
    expect(agent).toContain('data-testid="message-actions"');
    expect(text(agent)).toContain("Send now");
    const viewer = await renderMessage(shop, ids.outbox, "viewer");
    expect(viewer).not.toContain('data-testid="message-actions"');
    expect(text(viewer)).toContain("is read-only");
    expect(text(await renderMessage(shop, ids.sent, "owner"))).not.toContain("Send now");
  });

  it("says why a suppressed or failed email was not sent", async () => {
    const suppressed = text(await renderMessage(shop, ids.suppressed));
    expect(suppressed).toContain("Not sent: Weekly email limit for this contact reached.");
    expect(suppressed).toContain("nothing to preview");
    expect(text(await renderMessage(shop, ids.failed))).toContain("connection refused");
  });

  it("answers 404 for another business's email, like a missing one", async () => {
    const { business: other } = await newBusiness();
    await expect(renderMessage(other, ids.outbox)).rejects.toThrow("NEXT_NOT_FOUND");
    await expect(renderMessage(shop, "msg_missing")).rejects.toThrow("NEXT_NOT_FOUND");
  });
});
