import { eq } from "drizzle-orm";
import { isValidElement, type ReactElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { webhookEndpoints, type Role } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import type { Staff } from "@/lib/auth/staff";
import { newBusiness } from "@/lib/testing/fixtures";
import { createEndpoint, updateEndpoint } from "@/lib/webhooks/endpoints";
import { WebhookAlert } from "./webhook-alert";

const current: { staff?: Staff } = {};
vi.mock("@/lib/auth/current", async (original) => ({
  ...(await original<typeof import("@/lib/auth/current")>()),
  requireStaff: async () => current.staff!,
}));

const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&#x27;/g, "'").replace(/&amp;/g, "&");

async function renderAlert(businessId: string): Promise<string> {
  const tree = await WebhookAlert({ businessId });
  return tree ? renderToString(tree) : "";
}

async function disableBySystem(id: string, reason: string) {
  const db = await getDb();
  await db.update(webhookEndpoints).set({ status: "disabled", disabledReason: reason, disabledAt: new Date() }).where(eq(webhookEndpoints.id, id));
}

/** Elements of a type anywhere in a (not rendered) element tree. */
function findAll(node: ReactNode, type: unknown): ReactElement[] {
  if (Array.isArray(node)) return node.flatMap((n) => findAll(n, type));
  if (!isValidElement(node)) return [];
  const props = node.props as { children?: ReactNode };
  return [...(node.type === type ? [node] : []), ...findAll(props.children, type)];
}

describe("webhook alert", () => {
  it("names each endpoint Cartback disabled, why, and links to Settings", async () => {
    const { business } = await newBusiness();
    const gone = await createEndpoint(business.id, { url: "https://gone.example.com/hooks", events: ["order.paid"] });
    const failing = await createEndpoint(business.id, { url: "https://down.example.com/hooks", events: ["order.paid"] });
    await createEndpoint(business.id, { url: "https://fine.example.com/hooks", events: ["order.paid"] });
    await disableBySystem(gone.id, "The endpoint answered 410 Gone");
    await disableBySystem(failing.id, "Every delivery failed for 3 days");

    const html = await renderAlert(business.id);
    const all = text(html);
    expect(all).toContain("Webhook endpoint https://gone.example.com/hooks was disabled: The endpoint answered 410 Gone. Fix it and re-enable it in Settings.");
    expect(all).toContain("Webhook endpoint https://down.example.com/hooks was disabled: Every delivery failed for 3 days. Fix it and re-enable it in Settings.");
    expect(all).not.toContain("fine.example.com");
    expect(html.match(/href="\/settings#webhooks"/g)).toHaveLength(2);
    expect(html).toContain('aria-label="Webhook alerts"');
  });

  it("says nothing about endpoints the team disabled, or when all is well", async () => {
    const { business } = await newBusiness();
    const paused = await createEndpoint(business.id, { url: "https://paused.example.com/hooks", events: ["order.paid"] });
    await createEndpoint(business.id, { url: "https://fine.example.com/hooks", events: ["order.paid"] });
    await updateEndpoint(business.id, paused.id, { status: "disabled" });
    expect(await renderAlert(business.id)).toBe("");
    const { business: empty } = await newBusiness();
    expect(await renderAlert(empty.id)).toBe("");
  });

  it("is in the dashboard layout for admins and owners only", async () => {
    const { business } = await newBusiness();
    const { default: DashboardLayout } = await import("@/app/(dashboard)/layout");
    const as = async (role: Role) => {
      current.staff = {
        user: { id: "user_test", name: "Test", email: "test@staff.test" },
        business: business as Business,
        role,
        memberships: [{ businessId: business.id, businessName: business.name, role }],
      };
      return findAll(await DashboardLayout({ children: <p>page</p> }), WebhookAlert);
    };
    for (const role of ["owner", "admin"] as const) {
      const alerts = await as(role);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.props).toEqual({ businessId: business.id });
    }
    for (const role of ["agent", "viewer"] as const) expect(await as(role)).toHaveLength(0);
  });
});
