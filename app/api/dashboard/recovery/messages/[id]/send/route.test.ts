import { asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { recoveryMessages } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import { createCart, updateCart } from "@/lib/carts/service";
import { sendDueEmails } from "@/lib/recovery/sender";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { startSmtpServer, useSmtp } from "@/lib/testing/smtp";
import { asStaff, staffSession, TEST_ORIGIN } from "@/lib/testing/staff";
import { POST } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let restore: (() => void) | undefined;

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterEach(() => {
  restore?.();
  restore = undefined;
});
afterAll(async () => {
  await smtp.close();
});

const send = (id: string, headers: Record<string, string>) => call(POST, { method: "POST", path: `/api/dashboard/recovery/messages/${id}/send`, params: { id }, headers });

async function messagesOf(businessId: string) {
  const db = await getDb();
  return db.select().from(recoveryMessages).where(eq(recoveryMessages.businessId, businessId)).orderBy(asc(recoveryMessages.stepPosition));
}

/** A business whose first recovery email waits in the outbox: abandoned 2 hours ago, the scheduler ran without SMTP. */
async function outboxMessage(): Promise<{ business: Business; cartId: string; id: string; agent: Session }> {
  const { business } = await newBusiness({ name: "Outbox Shop" });
  const cart = await createCart(business, { customerEmail: "jane@example.com", customerName: "Jane Doe", items: [{ name: "Mug", quantity: 1, price: 12 }] }, { now: new Date(Date.now() - 2 * 3600_000) });
  const before = useSmtp(undefined);
  try {
    await sendDueEmails(new Date(Date.now() - 30 * 60_000), { businessId: business.id });
  } finally {
    before();
  }
  const [message] = await messagesOf(business.id);
  expect(message).toMatchObject({ status: "outbox", stepPosition: 1 });
  return { business, cartId: cart.id, id: message!.id, agent: await staffSession(business.id, "agent") };
}

describe("POST /api/dashboard/recovery/messages/:id/send", () => {
  it("an agent sends an outbox email once SMTP is configured, as it was rendered", async () => {
    const { business, id, agent } = await outboxMessage();
    restore = useSmtp(smtp.url);
    const before = smtp.received.length;
    const res = await send(id, asStaff(agent));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id, status: "sent" } });
    expect(smtp.received).toHaveLength(before + 1);
    const [message] = await messagesOf(business.id);
    expect(smtp.received.at(-1)!.parsed.subject).toBe(message!.subject);
    expect(message).toMatchObject({ status: "sent" });

    const again = await send(id, asStaff(agent));
    expect(again.status).toBe(409);
    expect(smtp.received).toHaveLength(before + 1);
  });

  it("answers 409 while no SMTP is configured, and the email stays in the outbox", async () => {
    const { business, id, agent } = await outboxMessage();
    restore = useSmtp(undefined);
    const res = await send(id, asStaff(agent));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain("SMTP");
    expect((await messagesOf(business.id))[0]!.status).toBe("outbox");
  });

  it("does not send when the cart was recovered meanwhile: the answer says suppressed", async () => {
    const { business, cartId, id, agent } = await outboxMessage();
    await updateCart(business.id, cartId, { status: "recovered" });
    restore = useSmtp(smtp.url);
    const before = smtp.received.length;
    const res = await send(id, asStaff(agent));
    expect(res.body.data).toEqual({ id, status: "suppressed", reason: "recovered" });
    expect(smtp.received).toHaveLength(before);
  });

  it.each([
    ["a viewer", 403],
    ["no session", 401],
    ["no Origin or Sec-Fetch-Site", 403],
    ["another site", 403],
  ] as const)("refuses %s and sends nothing", async (who, status) => {
    const { business, id, agent } = await outboxMessage();
    const viewer = who === "a viewer" ? await staffSession(business.id, "viewer") : null;
    const headers =
      who === "a viewer" ? asStaff(viewer!) : who === "no session" ? { origin: TEST_ORIGIN } : who === "another site" ? { cookie: agent.cookie, origin: "https://evil.example" } : { cookie: agent.cookie };
    restore = useSmtp(smtp.url);
    const before = smtp.received.length;
    expect((await send(id, headers)).status).toBe(status);
    expect(smtp.received).toHaveLength(before);
    expect((await messagesOf(business.id))[0]!.status).toBe("outbox");
  });

  it("answers 404 for another business's email and leaves it in its outbox", async () => {
    const theirs = await outboxMessage();
    const mine = await outboxMessage();
    restore = useSmtp(smtp.url);
    const res = await send(theirs.id, asStaff(mine.agent));
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("Message not found");
    expect((await messagesOf(theirs.business.id))[0]!.status).toBe("outbox");
  });
});
