import { beforeAll, describe, expect, it } from "vitest";
import type { Business } from "@/lib/auth/api-keys";
import { DEFAULT_STEPS, listSteps } from "@/lib/recovery/steps";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession, TEST_ORIGIN } from "@/lib/testing/staff";
import { PUT } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;

const put = (headers: Record<string, string>, body: unknown) => call(PUT, { method: "PUT", path: "/api/dashboard/recovery/steps", headers, body });

const BODY = "Hi {{customer.firstName}},\n\n{{cart.items}}\n\n{{link}}\n\n{{unsubscribe}}";
const twoSteps = {
  steps: [
    { delayMinutes: 30, subject: "Forgot something?", body: BODY, enabled: true, discount: null },
    { delayMinutes: 2880, subject: "{{discount.label}}", body: BODY, enabled: false, discount: { type: "fixed", amount: "5.00", currency: "usd", validHours: 24 } },
  ],
};

let shop: Business;
let owner: Session;

beforeAll(async () => {
  ({ business: shop } = await newBusiness());
  owner = await staffSession(shop.id, "owner");
});

describe("PUT /api/dashboard/recovery/steps", () => {
  it("an owner replaces the sequence and gets it back in the editor's shape", async () => {
    const res = await put(asStaff(owner), {
      steps: [twoSteps.steps[0], { ...twoSteps.steps[1], subject: "{{#discount}}{{discount.label}}{{/discount}} your cart" }],
    });
    expect(res.status).toBe(200);
    expect(res.body.data.steps).toEqual([
      { id: expect.stringMatching(/^step_/), position: 1, delayMinutes: 30, subject: "Forgot something?", body: BODY, enabled: true, discount: null },
      {
        id: expect.stringMatching(/^step_/),
        position: 2,
        delayMinutes: 2880,
        subject: "{{#discount}}{{discount.label}}{{/discount}} your cart",
        body: BODY,
        enabled: false,
        discount: { type: "fixed", amount: "5.00", currency: "USD", validHours: 24 },
      },
    ]);
    const stored = await listSteps(shop.id);
    expect(stored.map((s) => [s.position, s.delayMinutes, s.enabled, s.discountType, s.discountValue, s.discountCurrency])).toEqual([
      [1, 30, true, null, null, null],
      [2, 2880, false, "fixed", 500n, "USD"],
    ]);
  });

  it("an admin may save too", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    const res = await put(asStaff(admin), { steps: [twoSteps.steps[0]] });
    expect(res.status).toBe(200);
    expect((await listSteps(business.id)).map((s) => s.subject)).toEqual(["Forgot something?"]);
  });

  it.each([
    { field: "steps[0].body", body: { steps: [{ ...twoSteps.steps[0], body: "No link here {{unsubscribe}}" }] } },
    { field: "steps[1].delayMinutes", body: { steps: [twoSteps.steps[0], { ...twoSteps.steps[0], delayMinutes: 20 }] } },
    { field: "steps[0].subject", body: { steps: [{ ...twoSteps.steps[0], subject: "Hi {{customer.nickname}}" }] } },
    { field: "steps[0].delayMinutes", body: { steps: [{ ...twoSteps.steps[0], delayMinutes: 1 }] } },
    { field: "steps[0].discount.percent", body: { steps: [{ ...twoSteps.steps[0], discount: { type: "percentage", percent: 95 } }] } },
    { field: "steps", body: { steps: [] } },
    { field: "extra", body: { steps: [twoSteps.steps[0]], extra: 1 } },
  ])("refuses a bad $field with 422 naming it, and keeps the sequence", async ({ body, field }) => {
    const { business } = await newBusiness();
    const staff = await staffSession(business.id, "owner");
    const before = (await listSteps(business.id)).map((s) => s.id);
    const res = await put(asStaff(staff), body);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field } });
    expect(res.body.error.message).toContain(field);
    expect((await listSteps(business.id)).map((s) => s.id)).toEqual(before);
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and the sequence stays the default", async (role) => {
    const { business } = await newBusiness();
    const staff = await staffSession(business.id, role);
    const res = await put(asStaff(staff), twoSteps);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect((await listSteps(business.id)).map((s) => s.delayMinutes)).toEqual(DEFAULT_STEPS.map((s) => s.delayMinutes));
  });

  it.each([
    ["no Origin or Sec-Fetch-Site", () => ({ cookie: owner.cookie }), 403],
    ["another site", () => ({ cookie: owner.cookie, origin: "https://evil.example" }), 403],
    ["no session", () => ({ origin: TEST_ORIGIN }), 401],
  ])("refuses %s", async (_, headers, status) => {
    const { business } = await newBusiness();
    const res = await put(headers(), twoSteps);
    expect(res.status).toBe(status);
    expect((await listSteps(business.id)).length).toBe(DEFAULT_STEPS.length);
  });

  it("only ever changes the staff member's own business", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    const staff = await staffSession(a.business.id, "owner");
    const theirs = (await listSteps(b.business.id)).map((s) => s.id);
    const res = await put(asStaff(staff, { cookie: `${staff.cookie}; cartback.business=${b.business.id}` }), { steps: [twoSteps.steps[0]] });
    expect(res.status).toBe(200);
    expect((await listSteps(a.business.id)).map((s) => s.subject)).toEqual(["Forgot something?"]);
    expect((await listSteps(b.business.id)).map((s) => s.id)).toEqual(theirs);
  });
});
