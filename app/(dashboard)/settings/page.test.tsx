import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import type { Role } from "@/db/schema";
import type { Staff } from "@/lib/auth/staff";
import { staffFromHeaders } from "@/lib/auth/staff";
import { newBusiness } from "@/lib/testing/fixtures";
import { staffSession } from "@/lib/testing/staff";
import { createInvitation } from "@/lib/team/service";

const current: { staff?: Staff } = {};
vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh() {}, push() {} }) }));
vi.mock("@/lib/auth/current", async (original) => ({
  ...(await original<typeof import("@/lib/auth/current")>()),
  requireStaff: async () => current.staff!,
}));

/** The settings page as a member of a business with an owner, an agent and a pending invitation sees it. */
async function renderAs(role: Role): Promise<string> {
  const { business } = await newBusiness({ name: "Settings Shop" });
  const owner = await staffSession(business.id, "owner");
  const me = role === "owner" ? owner : await staffSession(business.id, role);
  await createInvitation(business.id, { email: "pending@example.com", role: "agent" }, { userId: owner.userId, role: "owner" });
  current.staff = (await staffFromHeaders(new Headers({ cookie: me.cookie })))!;
  const { default: SettingsPage } = await import("./page");
  return renderToString(<QueryClientProvider client={new QueryClient()}>{await SettingsPage()}</QueryClientProvider>);
}

describe("settings page", () => {
  it("an owner gets every control, including the owner role", async () => {
    const html = await renderAs("owner");
    expect(html).toContain("Save changes");
    expect(html).toContain("Create API key");
    expect(html).toContain('aria-label="Revoke key Default"');
    expect(html).toContain("Send invitation");
    expect(html).toContain("pending@example.com");
    expect(html).toMatch(/<option value="owner"/);
  });

  it("an admin cannot touch owners or grant the owner role", async () => {
    const html = await renderAs("admin");
    expect(html).toContain("Create API key");
    expect(html).not.toMatch(/aria-label="Remove Test owner"/);
    expect(html).not.toMatch(/<option value="owner"/);
  });

  it("a viewer reads the settings, keys and team without any control", async () => {
    const html = await renderAs("viewer");
    expect(html).toContain("Settings Shop");
    expect(html).toContain("Never");
    for (const control of ["Save changes", "Create API key", "Revoke key", "Send invitation", "Remove ", "pending@example.com", "<select", "<button"]) {
      expect(html).not.toContain(control);
    }
  });

  it("an admin edits the Twig merchant defaults; a viewer reads them", async () => {
    const admin = await renderAs("admin");
    expect(admin).toContain("Twig merchant defaults");
    for (const name of ["confirmUrl", "cancelUrl", "validationUrl", "pushUrl"]) expect(admin).toMatch(new RegExp(`<input id="twig-${name}" type="url"[^>]*name="${name}"`));
    for (const name of ["requiresValidateCallbackSuccess", "captureOnExpire"]) expect(admin).toMatch(new RegExp(`<input id="twig-${name}" type="checkbox"[^>]*name="${name}"`));
    expect(admin).toContain("Save Twig defaults");

    const viewer = await renderAs("viewer");
    expect(viewer).toContain("Twig merchant defaults");
    expect(viewer).toContain("Push URL");
    expect(viewer).toContain("Not set");
    expect(viewer).not.toContain('name="pushUrl"');
  });

  it("an admin gets the privacy settings and the erase form; a viewer reads the settings only", async () => {
    const admin = await renderAs("admin");
    expect(admin).toContain("Privacy");
    const tag = (id: string) => admin.match(new RegExp(`<input id="${id}"[^>]*>`))?.[0] ?? "";
    expect(tag("retention-days")).toMatch(/type="number"/);
    expect(tag("retention-days")).toContain('placeholder="Forever"');
    expect(tag("retention-days")).toContain('name="retentionDays"');
    expect(tag("require-consent")).toContain('type="checkbox"');
    expect(admin).toContain("Save privacy settings");
    expect(tag("erase-email")).toContain('type="email"');
    expect(admin).toContain("Erase contact…");

    const viewer = await renderAs("viewer");
    expect(viewer).toContain("Keep carts for");
    expect(viewer).toContain("Forever");
    expect(viewer).toContain("Only admins and owners can change privacy settings or erase customers.");
    expect(viewer).not.toContain("erase-email");
    expect(viewer).not.toContain('name="retentionDays"');
  });
});
