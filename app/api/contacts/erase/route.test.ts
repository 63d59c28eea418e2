import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { carts, erasures } from "@/db/schema";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { contactFor } from "@/lib/contacts/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { POST } from "./route";

const erase = (key: string, body: unknown) => call(POST, { key, path: "/api/contacts/erase", body });
const cart = (email: string) => createCartInput.parse({ customerEmail: email, items: [{ name: "Mug", quantity: 2, price: 12 }] });

describe("POST /api/contacts/erase", () => {
  it("erases the contact and answers what went", async () => {
    const { key, business } = await newBusiness();
    await createCart(business, cart("ana@example.com"));
    const res = await erase(key, { email: "ANA@example.com" });
    expect(res.status).toBe(200);
    expect(res.body.data.erased).toMatchObject({ customers: 1, carts: 1, cartItems: 1, events: 2, ordersAnonymised: 0 });
    expect(await contactFor(business.id, "ana@example.com")).toBeUndefined();
    const db = await getDb();
    expect(await db.$count(carts, eq(carts.businessId, business.id))).toBe(0);
    const [log] = await db.select().from(erasures).where(eq(erasures.businessId, business.id));
    expect(log).toMatchObject({ by: "api", counts: res.body.data.erased });
  });

  it("with another business's key erases nothing of this one", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    await createCart(b.business, cart("bo@example.com"));
    const res = await erase(a.key, { email: "bo@example.com" });
    expect(res.status).toBe(200);
    expect(res.body.data.erased).toMatchObject({ customers: 0, carts: 0 });
    expect(await contactFor(b.business.id, "bo@example.com")).toMatchObject({ carts: 1 });
  });

  it.each([
    [{}, "email"],
    [{ email: "not an email" }, "email"],
    [{ email: "a@b.co", everything: true }, "everything"],
  ])("%j → 422 naming %s", async (body, field) => {
    const { key, business } = await newBusiness();
    const res = await erase(key, body);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field } });
    expect(await (await getDb()).$count(erasures, eq(erasures.businessId, business.id))).toBe(0);
  });

  it("needs an API key", async () => {
    expect((await call(POST, { path: "/api/contacts/erase", body: { email: "a@b.co" } })).status).toBe(401);
  });
});
