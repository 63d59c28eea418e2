import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { erasures } from "@/db/schema";
import { createCartInput } from "@/lib/carts/schema";
import { createCart } from "@/lib/carts/service";
import { contactFor } from "@/lib/contacts/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { POST } from "./route";

const erase = (headers: Record<string, string>, body: unknown) => call(POST, { path: "/api/dashboard/contacts/erase", headers, body });
const cart = (email: string) => createCartInput.parse({ customerEmail: email, items: [{ name: "Mug", quantity: 1, price: 12 }] });

describe("POST /api/dashboard/contacts/erase", () => {
  it("an admin erases a contact of their business; the log names them", async () => {
    const { business } = await newBusiness();
    await createCart(business, cart("ana@example.com"));
    const admin = await staffSession(business.id, "admin");
    const res = await erase(asStaff(admin), { email: "Ana@example.com" });
    expect(res.status).toBe(200);
    expect(res.body.data.erased).toMatchObject({ customers: 1, carts: 1 });
    expect(await contactFor(business.id, "ana@example.com")).toBeUndefined();
    const [log] = await (await getDb()).select().from(erasures).where(eq(erasures.businessId, business.id));
    expect(log?.by).toBe(`staff:${admin.userId}`);
  });

  it.each(["agent", "viewer"] as const)("a %s gets 403 and nothing is erased", async (role) => {
    const { business } = await newBusiness();
    await createCart(business, cart("bo@example.com"));
    const staff = await staffSession(business.id, role);
    const res = await erase(asStaff(staff), { email: "bo@example.com" });
    expect(res.status).toBe(403);
    expect(await contactFor(business.id, "bo@example.com")).toMatchObject({ carts: 1 });
  });

  it("refuses a cross-site request with 403", async () => {
    const { business } = await newBusiness();
    await createCart(business, cart("cy@example.com"));
    const owner = await staffSession(business.id, "owner");
    expect((await erase({ cookie: owner.cookie }, { email: "cy@example.com" })).status).toBe(403);
    expect((await erase({ cookie: owner.cookie, origin: "https://evil.example" }, { email: "cy@example.com" })).status).toBe(403);
    expect(await contactFor(business.id, "cy@example.com")).toMatchObject({ carts: 1 });
  });

  it("only erases in the staff member's own business", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    await createCart(b.business, cart("di@example.com"));
    const owner = await staffSession(a.business.id, "owner");
    const res = await erase(asStaff(owner, { cookie: `${owner.cookie}; cartback.business=${b.business.id}` }), { email: "di@example.com" });
    expect(res.status).toBe(200);
    expect(res.body.data.erased.carts).toBe(0);
    expect(await contactFor(b.business.id, "di@example.com")).toMatchObject({ carts: 1 });
  });

  it("names a bad email; without a session answers 401", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    const res = await erase(asStaff(admin), { email: "nope" });
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe("email");
    expect((await erase({ origin: "http://cartback.test" }, { email: "a@b.co" })).status).toBe(401);
  });
});
