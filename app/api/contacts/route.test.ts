import { describe, expect, it } from "vitest";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { setConsent, unsubscribeContact } from "@/lib/contacts/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { GET } from "./route";

const get = (key: string, query: string) => call(GET, { key, path: `/api/contacts${query}` });

describe("GET /api/contacts?email=", () => {
  it("answers the contact's consent, unsubscribe state and number of carts", async () => {
    const { key, business } = await newBusiness();
    await createCart(business, createCartInput.parse({ customerEmail: "ana@example.com", items: [{ name: "Mug", quantity: 1, price: 12 }] }));
    const unknownConsent = await get(key, "?email=ANA%40example.com");
    expect(unknownConsent.status).toBe(200);
    expect(unknownConsent.body).toEqual({
      success: true,
      data: { email: "ana@example.com", consent: null, consentSource: null, consentAt: null, unsubscribed: false, unsubscribedAt: null, carts: 1 },
    });

    await setConsent(business.id, "ana@example.com", { consent: "granted", source: "signup" }, new Date("2026-01-01T00:00:00Z"));
    await unsubscribeContact(business.id, { email: "ana@example.com" }, new Date("2026-01-02T00:00:00Z"));
    const res = await get(key, "?email=%20ana%40example.com%20");
    expect(res.body.data).toEqual({
      email: "ana@example.com",
      consent: "granted",
      consentSource: "signup",
      consentAt: "2026-01-01T00:00:00.000Z",
      unsubscribed: true,
      unsubscribedAt: "2026-01-02T00:00:00.000Z",
      carts: 1,
    });
    expect(res.headers.get("x-ratelimit-limit")).toBeTruthy();
  });

  it("answers 404 for an unknown email, and for another business's contact", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    await setConsent(b.business.id, "bo@example.com", { consent: "granted", source: "x" });
    for (const email of ["nobody@example.com", "bo@example.com"]) {
      const res = await get(a.key, `?email=${encodeURIComponent(email)}`);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: "NOT_FOUND", message: "Contact not found" });
    }
    expect((await get(b.key, "?email=bo%40example.com")).status).toBe(200);
  });

  it.each([
    ["", "email"],
    ["?email=not-an-email", "email"],
    ["?email=a%40b.co&consent=granted", "consent"],
  ])("%s → 400 naming %s", async (query, field) => {
    const { key } = await newBusiness();
    const res = await get(key, query);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "BAD_REQUEST", details: { field } });
  });

  it("needs an API key", async () => {
    const res = await call(GET, { path: "/api/contacts?email=a%40b.co" });
    expect(res.status).toBe(401);
  });
});
