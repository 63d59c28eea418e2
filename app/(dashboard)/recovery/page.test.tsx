import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderToString } from "react-dom/server";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Role } from "@/db/schema";
import type { Business } from "@/lib/auth/api-keys";
import type { Staff } from "@/lib/auth/staff";
import { updateBusinessSettings } from "@/lib/businesses/service";
import { resetEnvForTests } from "@/lib/env";
import { saveSteps } from "@/lib/recovery/steps";
import { newBusiness } from "@/lib/testing/fixtures";

const current: { staff?: Staff } = {};
vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh() {}, push() {} }) }));
vi.mock("@/lib/auth/current", async (original) => ({
  ...(await original<typeof import("@/lib/auth/current")>()),
  requireStaff: async () => current.staff!,
}));

function staffOf(business: Business, role: Role): Staff {
  return { user: { id: "user_test", name: "Test", email: "test@staff.test" }, business, role, memberships: [{ businessId: business.id, businessName: business.name, role }] };
}

async function render(business: Business, role: Role): Promise<string> {
  current.staff = staffOf(business, role);
  const { default: RecoveryPage } = await import("./page");
  return renderToString(<QueryClientProvider client={new QueryClient()}>{await RecoveryPage()}</QueryClientProvider>);
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const text = (html: string) => decode(html.replace(/<[^>]+>/g, ""));
const iframes = (html: string) => [...html.matchAll(/<iframe ([^>]*)>/g)].map((m) => m[1]!);
const srcDoc = (attrs: string) => decode(/srcDoc="([^"]*)"/i.exec(attrs)?.[1] ?? "");

const BODY = "Hi {{customer.firstName}},\n\n{{cart.items}}\n\n{{#discount}}Use {{discount.code}} for {{discount.label}}.{{/discount}}\n\n{{link}}\n\n{{unsubscribe}}";

describe("recovery page", () => {
  let shop: Business;

  beforeAll(async () => {
    ({ business: shop } = await newBusiness({ name: "Fern & Co" }));
    await saveSteps(shop.id, {
      steps: [
        { delayMinutes: 90, subject: "Your cart at {{business.name}}", body: BODY },
        { delayMinutes: 2 * 1440 * 2, subject: "Last call", body: BODY, enabled: false, discount: { type: "fixed", amount: "5", currency: "EUR", validHours: 24 } },
      ],
    });
    shop = { ...shop, ...(await updateBusinessSettings(shop.id, { abandonAfterMinutes: 45, emailCapPerWeek: 2, emailFromName: "Fern" })) };
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvForTests();
  });

  it("gives an owner the settings form and an editable sequence with a live preview per step", async () => {
    const html = await render(shop, "owner");
    // Settings: the values, as inputs.
    expect(html).toMatch(/<button[^>]*id="recovery-recoveryEmailsEnabled"[^>]*role="switch"[^>]*aria-checked="true"/);
    expect(html).toMatch(/<input id="recovery-abandonAfterMinutes"[^>]*value="45"/);
    expect(html).toMatch(/<input id="recovery-cartExpiryDays"[^>]*value="30"/);
    expect(html).toMatch(/<input id="recovery-emailCapPerWeek"[^>]*value="2"/);
    expect(html).toMatch(/<input id="recovery-emailFromName"[^>]*value="Fern"/);
    expect(text(html)).toContain("Save settings");

    // The sequence: delays in the largest whole unit, subject, body, discount.
    const steps = [...html.matchAll(/<li aria-labelledby="step-([^"]+)-title"/g)].map((m) => m[1]!);
    expect(steps).toHaveLength(2);
    expect(html).toMatch(new RegExp(`<input id="step-${steps[0]}-delay"[^>]*value="90"`));
    expect(html).toMatch(new RegExp(`<input id="step-${steps[1]}-delay"[^>]*value="4"`));
    expect(html).toMatch(/<option value="days" selected="">days<\/option>/);
    expect(html).toMatch(new RegExp(`<input id="step-${steps[0]}-subject"[^>]*value="Your cart at \\{\\{business.name\\}\\}"`));
    expect(html).toMatch(new RegExp(`<textarea id="step-${steps[0]}-body"`));
    expect(html).toMatch(new RegExp(`<input id="step-${steps[1]}-amount"[^>]*value="5.00"`));
    expect(html).toMatch(/<option value="EUR" selected="">EUR<\/option>/);
    expect(html).toMatch(new RegExp(`<button[^>]*id="step-${steps[1]}-enabled"[^>]*aria-checked="false"`));
    expect(text(html)).toContain("Save sequence");
    expect(text(html)).toContain("Add a step");

    // Each step's preview: the rendered subject, and the html in a sandboxed iframe.
    expect([...html.matchAll(/data-testid="preview-subject"[^>]*>([^<]*)</g)].map((m) => decode(m[1]!))).toEqual(["Your cart at Fern & Co", "Last call"]);
    const frames = iframes(html);
    expect(frames).toHaveLength(2);
    for (const frame of frames) expect(frame).toMatch(/sandbox=""/);
    expect(srcDoc(frames[0]!)).toContain("Hi Jane,");
    expect(srcDoc(frames[0]!)).not.toContain("CB-7K2M-9QXD"); // no discount on step 1: its section is left out
    expect(srcDoc(frames[1]!)).toContain("€5.00 off"); // the step's own discount in the preview
    expect(text(html)).toContain("Plain text");

    // Placeholders as help.
    expect(text(html)).toContain("{{customer.firstName}}");
    expect(text(html)).toContain("{{unsubscribe}}");
  });

  it("shows a viewer and an agent the settings and sequence read-only, previews included", async () => {
    for (const role of ["viewer", "agent"] as const) {
      const html = await render(shop, role);
      expect(html).not.toMatch(/<(input|textarea|select)\b/);
      expect(html).not.toContain('role="switch"');
      expect(text(html)).not.toContain("Save sequence");
      expect(text(html)).not.toContain("Save settings");
      expect(text(html)).toContain("only admins and owners can change them");
      expect(text(html)).toContain("45 min of inactivity");
      expect(text(html)).toContain("2 emails per contact per week");
      expect(text(html)).toContain("Step 1 · 90 min after abandonment");
      expect(text(html)).toContain("Step 2 · 4 days after abandonment");
      expect(text(html)).toContain("€5.00 off, valid 24 h");
      expect(iframes(html)).toHaveLength(2);
      expect(srcDoc(iframes(html)[0]!)).toContain("Hi Jane,");
    }
  });

  it("says whether emails go out through SMTP or wait in the outbox", async () => {
    vi.stubEnv("SMTP_URL", "");
    resetEnvForTests();
    expect(text(await render(shop, "owner"))).toContain("No SMTP configured: emails wait in the outbox");

    vi.stubEnv("SMTP_URL", "smtp://127.0.0.1:2525");
    vi.stubEnv("SMTP_FROM", "shop@fern.test");
    resetEnvForTests();
    const html = text(await render(shop, "viewer"));
    expect(html).toContain("Emails go out through SMTP, from Fern <shop@fern.test>");
  });

  it("starts a new business on the default sequence", async () => {
    const { business } = await newBusiness();
    const html = text(await render(business, "viewer"));
    expect(html).toContain("Step 1 · 1 h after abandonment");
    expect(html).toContain("Step 2 · 24 h after abandonment");
    expect(html).toContain("Step 3 · 72 h after abandonment");
    expect(html).toContain("10% off, valid 48 h");
  });
});
