import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { eq } from "drizzle-orm";
import { renderToString } from "react-dom/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { webhookDeliveries, webhookEndpoints, type Role } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import type { Staff } from "@/lib/auth/staff";
import { newId } from "@/lib/ids";
import { newBusiness } from "@/lib/testing/fixtures";
import { createEndpoint, type WebhookEndpoint } from "@/lib/webhooks/endpoints";

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
  return {
    user: { id: "user_test", name: "Test", email: "test@staff.test" },
    business,
    role,
    memberships: [{ businessId: business.id, businessName: business.name, role }],
  };
}

async function render(business: Business, id: string, role: Role = "admin", page?: string): Promise<string> {
  current.staff = staffOf(business, role);
  const { default: Page } = await import("./page");
  const tree = await Page({ params: Promise.resolve({ id }), searchParams: Promise.resolve(page ? { page } : {}) });
  return renderToString(<QueryClientProvider client={new QueryClient()}>{tree}</QueryClientProvider>);
}

const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
const buttons = (html: string) => [...html.matchAll(/<button [^>]*>((?:(?!<\/button>).)*)<\/button>/g)].map((m) => text(m[1]!));
const items = (html: string) => html.split(/data-testid="webhook-delivery">/).slice(1);

type Row = Partial<typeof webhookDeliveries.$inferInsert> & { status: "pending" | "delivered" | "failed" };

async function deliver(endpoint: WebhookEndpoint, row: Row) {
  const db = await getDb();
  const [d] = await db
    .insert(webhookDeliveries)
    .values({ id: newId("whd"), businessId: endpoint.businessId, endpointId: endpoint.id, eventId: newId("evt"), eventType: "order.paid", payload: "{}", ...row })
    .returning();
  return d!;
}

describe("webhook delivery log page", () => {
  let shop: Business;
  let endpoint: WebhookEndpoint;
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

  beforeAll(async () => {
    ({ business: shop } = await newBusiness({ name: "Log Shop" }));
    endpoint = await createEndpoint(shop.id, { url: "https://erp.example.com/hooks", events: ["order.paid", "cart.abandoned"] });
    // 27 old deliveries (page 2 holds the oldest two), then three interesting ones, newest last.
    for (let i = 0; i < 27; i++) {
      await deliver(endpoint, { status: "delivered", attempts: 1, responseCode: 200, lastAttemptAt: minutesAgo(600 - i), createdAt: minutesAgo(600 - i), deliveredAt: minutesAgo(600 - i) });
    }
    await deliver(endpoint, {
      status: "failed",
      eventType: "cart.abandoned",
      attempts: 11,
      responseCode: 500,
      responseBody: "<h1>Internal Server Error</h1>",
      lastAttemptAt: minutesAgo(30),
      createdAt: minutesAgo(40),
    });
    await deliver(endpoint, {
      status: "pending",
      attempts: 2,
      error: "connect ECONNREFUSED",
      lastAttemptAt: minutesAgo(5),
      nextAttemptAt: new Date(Date.now() + 10 * 60_000),
      createdAt: minutesAgo(20),
    });
    await deliver(endpoint, { status: "pending", attempts: 0, nextAttemptAt: new Date(), createdAt: minutesAgo(1) });
  });

  it("lists the newest 25 deliveries with status, attempts, times, code, the answer, and Replay for finished ones", async () => {
    const html = await render(shop, endpoint.id);
    const all = text(html);
    expect(html).toMatch(/<h1[^>]*>https:\/\/erp\.example\.com\/hooks<\/h1>/);
    const rows = items(html);
    expect(rows).toHaveLength(25);
    expect(all).toContain("1–25 of 30 deliveries");
    expect(html).toContain(`href="/settings/webhooks/${endpoint.id}?page=2"`);

    const [queued, retrying, failed, delivered] = rows.map(text);
    expect(queued).toMatch(/^order\.paidQueued/);
    expect(queued).toContain("Last attemptNot yet");
    expect(queued).toContain("Next retryDue now");

    expect(retrying).toMatch(/^order\.paidRetrying20 minutes ago/);
    expect(retrying).toContain("Attempts2");
    expect(retrying).toContain("Last attempt5 minutes ago");
    expect(retrying).toContain("Next retryin 10 minutes");
    expect(retrying).toContain("ResponseNo answer");
    expect(retrying).toContain("connect ECONNREFUSED");

    expect(failed).toMatch(/^cart\.abandonedFailed40 minutes ago/);
    expect(failed).toContain("Attempts11");
    expect(failed).toContain("Response500");
    expect(failed).toContain("<h1>Internal Server Error</h1>");
    expect(rows[2]).toMatch(/<details/);

    expect(delivered).toMatch(/^order\.paidDelivered/);
    expect(delivered).toContain("Response200");

    // Replay only for finished deliveries; the range form for the failed ones, in UTC.
    expect(buttons(rows[0]!)).toEqual([]);
    expect(buttons(rows[1]!)).toEqual([]);
    expect(buttons(rows[2]!)).toEqual(["Replay"]);
    expect(buttons(rows[3]!)).toEqual(["Replay"]);
    expect(html).toMatch(/<label[^>]*for="replay-since"[^>]*>From \(UTC\)<\/label>/);
    expect(html).toMatch(/<input[^>]*id="replay-since"[^>]*type="datetime-local"/);
    expect(html).toMatch(/<label[^>]*for="replay-until"[^>]*>To \(UTC\)<\/label>/);
    expect(all).toContain("Times are in UTC.");
    expect(all).toContain("This endpoint has 1 failed delivery in all.");
    expect(buttons(html)).toContain("Replay failed deliveries");
  });

  it("shows the rest on page 2", async () => {
    const html = await render(shop, endpoint.id, "admin", "2");
    expect(items(html)).toHaveLength(5);
    expect(text(html)).toContain("26–30 of 30 deliveries");
    expect(html).toContain(`href="/settings/webhooks/${endpoint.id}"`);
  });

  it("offers the first page past the last one", async () => {
    const html = await render(shop, endpoint.id, "admin", "9");
    expect(items(html)).toHaveLength(0);
    expect(text(html)).toContain("No deliveries on this page");
  });

  it("is read-only for a viewer", async () => {
    const html = await render(shop, endpoint.id, "viewer");
    expect(items(html)).toHaveLength(25);
    expect(buttons(html)).toEqual([]);
    expect(html).not.toContain("replay-since");
  });

  it("says when Cartback disabled the endpoint and offers to enable it", async () => {
    const { business } = await newBusiness();
    const gone = await createEndpoint(business.id, { url: "https://gone.example.com/hooks", events: ["order.paid"] });
    const db = await getDb();
    await db.update(webhookEndpoints).set({ status: "disabled", disabledReason: "The endpoint answered 410 Gone", disabledAt: new Date() }).where(eq(webhookEndpoints.id, gone.id));
    const html = await render(business, gone.id);
    expect(text(html)).toContain("Disabled: The endpoint answered 410 Gone.");
    expect(text(html)).toContain("No deliveries yet");
    expect(buttons(html)).toContain("Enable endpoint");
  });

  it("is not found for another business's endpoint or a missing one", async () => {
    const { business: other } = await newBusiness();
    await expect(render(other, endpoint.id)).rejects.toThrow("NEXT_NOT_FOUND");
    await expect(render(shop, "wh_missing")).rejects.toThrow("NEXT_NOT_FOUND");
  });
});
