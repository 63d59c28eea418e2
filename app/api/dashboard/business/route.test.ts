import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getBusiness } from "@/lib/businesses/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { twigInitBody } from "@/lib/testing/twig";
import { parseTwigInit } from "@/lib/twig/schema";
import { initTwigOrder } from "@/lib/twig/service";
import { PATCH } from "./route";

const patch = (headers: Record<string, string>, body: unknown) =>
  call(PATCH, { method: "PATCH", path: "/api/dashboard/business", headers, body });

describe("PATCH /api/dashboard/business", () => {
  it("an admin changes the name, default currency and link lifetime", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    const res = await patch(asStaff(admin), { name: "  Blue Shop ", defaultCurrency: "eur", linkTtlHours: 72 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: {
        id: business.id,
        name: "Blue Shop",
        defaultCurrency: "EUR",
        linkTtlHours: 72,
        twigMerchant: null,
        abandonAfterMinutes: 60,
        cartExpiryDays: 30,
        retentionDays: null,
        emailCapPerWeek: 3,
        recoveryEmailsEnabled: true,
        requireConsent: false,
        emailFromName: null,
      },
    });
    expect(await getBusiness(await getDb(), business.id)).toMatchObject({ name: "Blue Shop", defaultCurrency: "EUR", linkTtlHours: 72 });
  });

  it("changes only what is sent", async () => {
    const { business } = await newBusiness({ name: "Keep me", defaultCurrency: "GBP" });
    const owner = await staffSession(business.id, "owner");
    const res = await patch(asStaff(owner), { linkTtlHours: 2160 });
    expect(res.body.data).toMatchObject({ name: "Keep me", defaultCurrency: "GBP", linkTtlHours: 2160 });
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and nothing changes", async (role) => {
    const { business } = await newBusiness({ name: "Unchanged" });
    const staff = await staffSession(business.id, role);
    const res = await patch(asStaff(staff), { name: "Hijacked" });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect((await getBusiness(await getDb(), business.id))?.name).toBe("Unchanged");
  });

  it("refuses cross-site requests (no Origin, or another site's) with 403", async () => {
    const { business } = await newBusiness({ name: "Unchanged" });
    const owner = await staffSession(business.id, "owner");
    expect((await patch({ cookie: owner.cookie }, { name: "x" })).status).toBe(403);
    expect((await patch({ cookie: owner.cookie, origin: "https://evil.example" }, { name: "x" })).status).toBe(403);
    expect((await getBusiness(await getDb(), business.id))?.name).toBe("Unchanged");
  });

  it("without a session answers 401", async () => {
    expect((await patch({ origin: "http://cartback.test" }, { name: "x" })).status).toBe(401);
  });

  it("only ever changes the staff member's own business", async () => {
    const a = await newBusiness({ name: "Mine" });
    const b = await newBusiness({ name: "Theirs" });
    const owner = await staffSession(a.business.id, "owner");
    const res = await patch(asStaff(owner, { cookie: `${owner.cookie}; cartback.business=${b.business.id}` }), { name: "Renamed" });
    expect(res.body.data.id).toBe(a.business.id);
    expect((await getBusiness(await getDb(), b.business.id))?.name).toBe("Theirs");
  });

  it.each([
    [{ name: "   " }, "name"],
    [{ defaultCurrency: "XYZ" }, "defaultCurrency"],
    [{ defaultCurrency: 840 }, "defaultCurrency"],
    [{ linkTtlHours: 0 }, "linkTtlHours"],
    [{ linkTtlHours: 2161 }, "linkTtlHours"],
    [{ linkTtlHours: 1.5 }, "linkTtlHours"],
    [{ linkTtlHours: "24" }, "linkTtlHours"],
    [{ abandonAfterMinutes: 5 }, "abandonAfterMinutes"],
    [{ abandonAfterMinutes: 10081 }, "abandonAfterMinutes"],
    [{ abandonAfterMinutes: 60.5 }, "abandonAfterMinutes"],
    [{ cartExpiryDays: 0 }, "cartExpiryDays"],
    [{ cartExpiryDays: 366 }, "cartExpiryDays"],
    [{ retentionDays: 6 }, "retentionDays"],
    [{ retentionDays: 3651 }, "retentionDays"],
    [{ retentionDays: "30" }, "retentionDays"],
    [{ emailCapPerWeek: 0 }, "emailCapPerWeek"],
    [{ emailCapPerWeek: 21 }, "emailCapPerWeek"],
    [{ recoveryEmailsEnabled: "yes" }, "recoveryEmailsEnabled"],
    [{ requireConsent: 1 }, "requireConsent"],
    [{ emailFromName: "x".repeat(101) }, "emailFromName"],
    [{ emailFromName: "Shop\r\nBcc: a@b.co" }, "emailFromName"],
    [{ emailFromName: 'Shop "Best" <x@y.z>' }, "emailFromName"],
    [{ twigMerchant: { pushUrl: "merchant.push.url" } }, "twigMerchant.pushUrl"],
    [{ twigMerchant: { confirmUrl: "ftp://merchant.example/confirm" } }, "twigMerchant.confirmUrl"],
    [{ twigMerchant: { validationUrl: 42 } }, "twigMerchant.validationUrl"],
    [{ twigMerchant: { captureOnExpire: "yes" } }, "twigMerchant.captureOnExpire"],
    [{ twigMerchant: { refundUrl: "https://merchant.example" } }, "twigMerchant.refundUrl"],
    [{}, "body"],
  ])("refuses %j with 422 naming %s", async (body, field) => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const res = await patch(asStaff(owner), body);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field } });
  });
});

describe("PATCH /api/dashboard/business — recovery and privacy settings", () => {
  it("an admin saves them within their bounds; null retention keeps carts forever; an empty from name is none", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    const settings = {
      abandonAfterMinutes: 15,
      cartExpiryDays: 365,
      retentionDays: 7,
      emailCapPerWeek: 20,
      recoveryEmailsEnabled: false,
      requireConsent: true,
      emailFromName: "  Blue Shop team ",
    };
    const res = await patch(asStaff(admin), settings);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ ...settings, emailFromName: "Blue Shop team" });
    expect(await getBusiness(await getDb(), business.id)).toMatchObject({ ...settings, emailFromName: "Blue Shop team" });

    const upper = await patch(asStaff(admin), { abandonAfterMinutes: 10080, retentionDays: 3650, emailCapPerWeek: 1, cartExpiryDays: 1 });
    expect(upper.body.data).toMatchObject({ abandonAfterMinutes: 10080, retentionDays: 3650, emailCapPerWeek: 1, cartExpiryDays: 1 });

    const cleared = await patch(asStaff(admin), { retentionDays: null, emailFromName: "" });
    expect(cleared.body.data).toMatchObject({ retentionDays: null, emailFromName: null, requireConsent: true });
  });

  it("names the bound in the message and changes nothing", async () => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const res = await patch(asStaff(owner), { requireConsent: true, retentionDays: 3 });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toBe("retentionDays: must be at least 7 days");
    expect(await getBusiness(await getDb(), business.id)).toMatchObject({ requireConsent: false, retentionDays: null });
  });

  it("an agent cannot change them", async () => {
    const { business } = await newBusiness();
    const agent = await staffSession(business.id, "agent");
    expect((await patch(asStaff(agent), { requireConsent: true })).status).toBe(403);
    expect((await getBusiness(await getDb(), business.id))?.requireConsent).toBe(false);
  });
});

describe("PATCH /api/dashboard/business — Twig merchant defaults", () => {
  const defaults = {
    confirmUrl: "https://shop.example/twig/confirm",
    cancelUrl: "https://shop.example/twig/cancel",
    validationUrl: "",
    pushUrl: " https://shop.example/twig/push ",
    requiresValidateCallbackSuccess: true,
    captureOnExpire: false,
  };

  it("an admin saves them; empty URLs are stored as none; new Twig orders without `merchant` use them", async () => {
    const tenant = await newBusiness();
    const admin = await staffSession(tenant.business.id, "admin");
    const res = await patch(asStaff(admin), { twigMerchant: defaults });
    expect(res.status).toBe(200);
    const saved = {
      confirmUrl: "https://shop.example/twig/confirm",
      cancelUrl: "https://shop.example/twig/cancel",
      validationUrl: null,
      pushUrl: "https://shop.example/twig/push",
      requiresValidateCallbackSuccess: true,
      captureOnExpire: false,
    };
    expect(res.body.data.twigMerchant).toEqual(saved);
    const business = (await getBusiness(await getDb(), tenant.business.id))!;
    expect(business.twigMerchant).toEqual(saved);

    const order = await initTwigOrder(business, { apiKey: tenant.apiKey, secret: tenant.key }, parseTwigInit(twigInitBody(), new Date()));
    expect(order.merchant).toEqual(saved);

    const cleared = await patch(asStaff(admin), { twigMerchant: null });
    expect(cleared.body.data.twigMerchant).toBeNull();
  });

  it("names a bad URL and keeps what was saved", async () => {
    const tenant = await newBusiness();
    const owner = await staffSession(tenant.business.id, "owner");
    await patch(asStaff(owner), { twigMerchant: defaults });
    const res = await patch(asStaff(owner), { twigMerchant: { ...defaults, validationUrl: "merchant.validate.order" } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field: "twigMerchant.validationUrl" } });
    expect(res.body.error.message).toBe("twigMerchant.validationUrl: must be an absolute http(s) URL");
    expect((await getBusiness(await getDb(), tenant.business.id))?.twigMerchant?.validationUrl).toBeNull();
  });

  it("a viewer gets 403 and nothing changes", async () => {
    const tenant = await newBusiness();
    const viewer = await staffSession(tenant.business.id, "viewer");
    const res = await patch(asStaff(viewer), { twigMerchant: defaults });
    expect(res.status).toBe(403);
    expect((await getBusiness(await getDb(), tenant.business.id))?.twigMerchant).toBeNull();
  });
});
