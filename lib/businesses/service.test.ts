import { describe, expect, it } from "vitest";
import { newBusiness } from "@/lib/testing/fixtures";
import { ApiError } from "@/lib/http/errors";
import { updateBusinessSettings } from "./service";

describe("updateBusinessSettings", () => {
  it("trims the name, upper-cases the currency and keeps what is not sent", async () => {
    const { business } = await newBusiness({ name: "Old", defaultCurrency: "USD" });
    const updated = await updateBusinessSettings(business.id, { name: " New ", defaultCurrency: "jpy" });
    expect(updated).toMatchObject({ name: "New", defaultCurrency: "JPY", linkTtlHours: business.linkTtlHours });
  });

  it("accepts link lifetimes from 1 hour to 90 days", async () => {
    const { business } = await newBusiness();
    expect((await updateBusinessSettings(business.id, { linkTtlHours: 1 })).linkTtlHours).toBe(1);
    expect((await updateBusinessSettings(business.id, { linkTtlHours: 2160 })).linkTtlHours).toBe(2160);
  });

  it.each([
    [{ name: "" }, "name"],
    [{ defaultCurrency: "ABC" }, "defaultCurrency"],
    [{ linkTtlHours: 0 }, "linkTtlHours"],
    [{ linkTtlHours: 2161 }, "linkTtlHours"],
    [{ linkTtlHours: 2.5 }, "linkTtlHours"],
  ])("refuses %j naming %s", async (input, field) => {
    const { business } = await newBusiness();
    const error = await updateBusinessSettings(business.id, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: "validation", field });
  });

  it("an unknown business is not found", async () => {
    await expect(updateBusinessSettings("business_missing", { name: "x" })).rejects.toMatchObject({ kind: "not_found" });
  });
});

describe("updateBusinessSettings — Twig merchant defaults", () => {
  it("stores all six keys: empty URLs as null, unset flags as false", async () => {
    const { business } = await newBusiness();
    const updated = await updateBusinessSettings(business.id, { twigMerchant: { pushUrl: "https://shop.example/push", confirmUrl: "  ", captureOnExpire: true } });
    expect(updated.twigMerchant).toEqual({
      confirmUrl: null,
      cancelUrl: null,
      validationUrl: null,
      pushUrl: "https://shop.example/push",
      requiresValidateCallbackSuccess: false,
      captureOnExpire: true,
    });
    expect((await updateBusinessSettings(business.id, { twigMerchant: null })).twigMerchant).toBeNull();
  });

  it.each([["cancelUrl", "merchant.cancel.redirect.url"], ["pushUrl", "javascript:alert(1)"], ["validationUrl", "https://"]])("refuses %s %j naming it", async (key, url) => {
    const { business } = await newBusiness();
    const error = await updateBusinessSettings(business.id, { twigMerchant: { [key]: url } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "validation", field: `twigMerchant.${key}` });
  });
});
