import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { eq } from "drizzle-orm";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { WEBHOOK_EVENTS, webhookEndpoints, type Role } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import type { Staff } from "@/lib/auth/staff";
import { newBusiness } from "@/lib/testing/fixtures";
import { createEndpoint, rotateSecret, updateEndpoint } from "@/lib/webhooks/endpoints";

const current: { staff?: Staff } = {};
vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh() {}, push() {} }) }));
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

async function render(business: Business, role: Role): Promise<string> {
  current.staff = staffOf(business, role);
  const { default: SettingsPage } = await import("./page");
  return renderToString(<QueryClientProvider client={new QueryClient()}>{await SettingsPage()}</QueryClientProvider>);
}

const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
const buttons = (html: string) => [...html.matchAll(/<button [^>]*>((?:(?!<\/button>).)*)<\/button>/g)].map((m) => text(m[1]!));
/** The webhooks card only: from its anchor to the next card. */
const webhooksCard = (html: string) => html.slice(html.indexOf('id="webhooks"'), html.indexOf(">Team</h2>"));

/** A business with a healthy endpoint, one failing for a day, one Cartback disabled and one the team disabled. */
async function shopWithEndpoints() {
  const { business } = await newBusiness({ name: "Webhook Shop" });
  const healthy = await createEndpoint(business.id, { url: "https://erp.example.com/hooks", events: ["order.paid", "cart.abandoned"], description: "ERP" });
  const failing = await createEndpoint(business.id, { url: "https://failing.example.com/hooks", events: [...WEBHOOK_EVENTS] });
  const gone = await createEndpoint(business.id, { url: "https://gone.example.com/hooks", events: ["order.created"] });
  const paused = await createEndpoint(business.id, { url: "https://paused.example.com/hooks", events: ["order.refunded"] });
  const db = await getDb();
  await db.update(webhookEndpoints).set({ failingSince: new Date(Date.now() - 86_400_000) }).where(eq(webhookEndpoints.id, failing.id));
  await db
    .update(webhookEndpoints)
    .set({ status: "disabled", disabledReason: "The endpoint answered 410 Gone", disabledAt: new Date() })
    .where(eq(webhookEndpoints.id, gone.id));
  await updateEndpoint(business.id, paused.id, { status: "disabled" });
  await rotateSecret(business.id, healthy.id);
  const secrets = (await db.select({ secret: webhookEndpoints.secret, previous: webhookEndpoints.previousSecret }).from(webhookEndpoints).where(eq(webhookEndpoints.businessId, business.id)))
    .flatMap((r) => [r.secret, r.previous])
    .filter((s): s is string => Boolean(s));
  return { business, healthy, failing, gone, paused, secrets };
}

describe("settings page: webhooks card", () => {
  it("gives an admin the add form with every event, and every action per endpoint", async () => {
    const { business, healthy, gone, paused, secrets } = await shopWithEndpoints();
    const html = await render(business, "admin");
    const card = webhooksCard(html);
    const all = text(card);

    // The add form: a labelled URL input, one checked checkbox per event, the button.
    expect(card).toMatch(/<label[^>]*for="webhook-url"[^>]*>Endpoint URL<\/label>/);
    expect(card).toMatch(/<input[^>]*id="webhook-url"[^>]*type="url"/);
    for (const event of WEBHOOK_EVENTS) {
      const input = card.match(new RegExp(`<input[^>]*value="${event.replace(".", "\\.")}"[^>]*>`))?.[0];
      expect(input).toMatch(/type="checkbox"/);
      expect(input).toMatch(/checked=""/);
    }
    expect(buttons(card)).toContain("Add endpoint");

    // The list: urls, event chips, statuses, reasons, the failing warning.
    expect(all).toContain("https://erp.example.com/hooks");
    expect(all).toContain("ERP");
    expect(card).toMatch(/aria-label="Events sent to https:\/\/erp\.example\.com\/hooks"/);
    expect(all).toContain("The endpoint answered 410 Gone. Fix the endpoint, then enable it.");
    expect(all).toContain("Disabled by your team");
    expect(all).toContain("Failing since yesterday.");
    expect(all).toContain("the endpoint is disabled on");
    expect(all).toContain("The previous signing secret also signs until");
    expect(all.match(/Active/g)).toHaveLength(2);
    expect(all.match(/Disabled/g)?.length).toBeGreaterThanOrEqual(2);

    // Actions: Disable for active endpoints, Enable for disabled ones, and a deliveries link each.
    for (const url of ["https://erp.example.com/hooks", "https://failing.example.com/hooks"]) {
      for (const label of [`Send test event to ${url}`, `Rotate secret of ${url}`, `Disable ${url}`, `Delete ${url}`]) expect(card).toContain(`aria-label="${label}"`);
    }
    for (const url of ["https://gone.example.com/hooks", "https://paused.example.com/hooks"]) expect(card).toContain(`aria-label="Enable ${url}"`);
    expect(card).toContain(`href="/settings/webhooks/${healthy.id}"`);
    expect(card).toContain(`href="/settings/webhooks/${gone.id}"`);
    expect(card).toContain(`href="/settings/webhooks/${paused.id}"`);

    // Never a secret.
    for (const secret of secrets) expect(html).not.toContain(secret);
  });

  it("shows a viewer the endpoints read-only", async () => {
    const { business, healthy, secrets } = await shopWithEndpoints();
    const html = await render(business, "viewer");
    const card = webhooksCard(html);
    const all = text(card);
    expect(all).toContain("https://erp.example.com/hooks");
    expect(all).toContain("The endpoint answered 410 Gone");
    expect(card).toContain(`href="/settings/webhooks/${healthy.id}"`);
    expect(all).toContain("Only admins and owners can add, test or change webhook endpoints.");
    expect(all).not.toContain("Endpoint URL");
    expect(buttons(card)).toEqual([]);
    for (const secret of secrets) expect(html).not.toContain(secret);
  });

  it("invites an admin to add the first endpoint", async () => {
    const { business } = await newBusiness();
    const all = text(webhooksCard(await render(business, "owner")));
    expect(all).toContain("No webhook endpoints yet");
    expect(all).toContain("Add your server’s URL above");
  });
});
