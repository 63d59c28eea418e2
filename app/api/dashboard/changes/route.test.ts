import { describe, expect, it } from "vitest";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { asStaff, signIn, staffSession } from "@/lib/testing/staff";
import { POST as createCart } from "@/app/api/carts/route";
import { GET } from "./route";

describe("staff sessions", () => {
  it("a signed-in member reads their business's latest change; it moves when something happens", async () => {
    const { business, key } = await newBusiness();
    const staff = await staffSession(business.id, "viewer");
    const before = await call(GET, { headers: asStaff(staff) });
    expect(before.status).toBe(200);
    await call(createCart, { key, path: "/api/carts", body: seedCart });
    const after = await call(GET, { headers: asStaff(staff) });
    expect(after.body.data.seq).toBeGreaterThan(before.body.data.seq);
  });

  it("no cookie or a forged cookie answers 401", async () => {
    expect((await call(GET, {})).status).toBe(401);
    expect((await call(GET, { headers: { cookie: "cartback.session_token=forged.value" } })).status).toBe(401);
  });

  it("a wrong password does not sign in", async () => {
    const { business } = await newBusiness();
    const staff = await staffSession(business.id, "owner");
    await expect(signIn(staff.email, "wrong password!!")).rejects.toThrow(/sign-in failed: 401/);
  });

  it("someone without a membership gets 401, not another business's data", async () => {
    const a = await newBusiness();
    const staff = await staffSession(a.business.id, "owner");
    const b = await newBusiness();
    await call(createCart, { key: b.key, path: "/api/carts", body: seedCart });
    // the cookie only ever resolves to the member's own business
    const res = await call(GET, { headers: asStaff(staff, { cookie: `${staff.cookie}; cartback.business=${b.business.id}` }) });
    expect(res.status).toBe(200);
    const own = await call(GET, { headers: asStaff(staff) });
    expect(res.body.data.seq).toBe(own.body.data.seq);
  });
});
