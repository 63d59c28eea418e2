import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getBusiness } from "@/lib/businesses/service";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { PATCH } from "./route";

const patch = (headers: Record<string, string>, body: unknown) =>
  call(PATCH, { method: "PATCH", path: "/api/dashboard/business", headers, body });

describe("PATCH /api/dashboard/business", () => {
  it("an admin changes the name, default currency and link lifetime", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    const res = await patch(asStaff(admin), { name: "  Blue Shop ", defaultCurrency: "eur", linkTtlHours: 72 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id: business.id, name: "Blue Shop", defaultCurrency: "EUR", linkTtlHours: 72 } });
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
    [{}, "body"],
  ])("refuses %j with 422 naming %s", async (body, field) => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const res = await patch(asStaff(owner), body);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field } });
  });
});
