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
