import { describe, expect, it } from "vitest";
import { contactFor } from "@/lib/contacts/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { PUT } from "./route";

const put = (key: string, body: unknown) => call(PUT, { method: "PUT", key, path: "/api/contacts/consent", body });

describe("PUT /api/contacts/consent", () => {
  it("records consent and its source, for a new contact or a known one, and answers the contact", async () => {
    const { key, business } = await newBusiness();
    const res = await put(key, { email: " Ana@Example.com", consent: "granted", source: "newsletter_form" });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ email: "ana@example.com", consent: "granted", consentSource: "newsletter_form", unsubscribed: false, carts: 0 });
    expect(Date.parse(res.body.data.consentAt)).toBeGreaterThan(Date.now() - 60_000);

    const denied = await put(key, { email: "ana@example.com", consent: "denied", source: "preference_center" });
    expect(denied.body.data).toMatchObject({ consent: "denied", consentSource: "preference_center" });
    expect(await contactFor(business.id, "ana@example.com")).toMatchObject({ consent: "denied" });
  });

  it("only touches the key's own business", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    await put(b.key, { email: "bo@example.com", consent: "granted", source: "x" });
    await put(a.key, { email: "bo@example.com", consent: "denied", source: "y" });
    expect(await contactFor(b.business.id, "bo@example.com")).toMatchObject({ consent: "granted", consentSource: "x" });
    expect(await contactFor(a.business.id, "bo@example.com")).toMatchObject({ consent: "denied", consentSource: "y" });
  });

  it.each([
    [{ consent: "granted", source: "x" }, "email"],
    [{ email: "nope", consent: "granted", source: "x" }, "email"],
    [{ email: "a@b.co", consent: "yes", source: "x" }, "consent"],
    [{ email: "a@b.co", consent: true, source: "x" }, "consent"],
    [{ email: "a@b.co", consent: "granted" }, "source"],
    [{ email: "a@b.co", consent: "granted", source: "" }, "source"],
    [{ email: "a@b.co", consent: "granted", source: "x".repeat(101) }, "source"],
    [{ email: "a@b.co", consent: "granted", source: "x", marketing: true }, "marketing"],
  ])("%j → 422 naming %s, nothing recorded", async (body, field) => {
    const { key, business } = await newBusiness();
    const res = await put(key, body);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field } });
    expect(await contactFor(business.id, "a@b.co")).toBeUndefined();
  });

  it("needs an API key", async () => {
    expect((await call(PUT, { method: "PUT", path: "/api/contacts/consent", body: { email: "a@b.co", consent: "granted", source: "x" } })).status).toBe(401);
  });
});
