import { describe, expect, it } from "vitest";
import { listApiKeys } from "@/lib/auth/api-keys";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { GET as listCarts } from "@/app/api/carts/route";
import { POST } from "../route";
import { DELETE } from "./route";

const create = (headers: Record<string, string>, body: unknown) => call(POST, { path: "/api/dashboard/keys", headers, body });
const revoke = (headers: Record<string, string>, id: string) =>
  call(DELETE, { method: "DELETE", path: `/api/dashboard/keys/${id}`, params: { id }, headers });
const carts = (key: string) => call(listCarts, { path: "/api/carts", key });

describe("DELETE /api/dashboard/keys/:id", () => {
  it("revokes the key: the tracker API answers 401 for it at once", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    const { key, apiKey } = (await create(asStaff(admin), { name: "Temp" })).body.data;
    expect((await carts(key)).status).toBe(200);
    const res = await revoke(asStaff(admin), apiKey.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id: apiKey.id, revoked: true } });
    expect((await carts(key)).status).toBe(401);
    expect((await listApiKeys(business.id)).find((k) => k.id === apiKey.id)?.revokedAt).toBeInstanceOf(Date);
  });

  it("answers 404 for an unknown key, another business's key and an already revoked key", async () => {
    const a = await newBusiness();
    const b = await newBusiness();
    const ownerA = await staffSession(a.business.id, "owner");
    const ownerB = await staffSession(b.business.id, "owner");
    const { key, apiKey } = (await create(asStaff(ownerB), { name: "B's key" })).body.data;

    expect((await revoke(asStaff(ownerA), "key_doesnotexist")).status).toBe(404);
    const foreign = await revoke(asStaff(ownerA), apiKey.id);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toEqual({ code: "NOT_FOUND", message: "API key not found" });
    expect((await carts(key)).status).toBe(200);

    expect((await revoke(asStaff(ownerB), apiKey.id)).status).toBe(200);
    expect((await revoke(asStaff(ownerB), apiKey.id)).status).toBe(404);
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and the key keeps working", async (role) => {
    const { business, key } = await newBusiness();
    const staff = await staffSession(business.id, role);
    const [first] = await listApiKeys(business.id);
    expect((await revoke(asStaff(staff), first!.id)).status).toBe(403);
    expect((await carts(key)).status).toBe(200);
  });

  it("refuses a cross-site revoke with 403", async () => {
    const { business, key } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const [first] = await listApiKeys(business.id);
    expect((await revoke({ cookie: owner.cookie, origin: "https://evil.example" }, first!.id)).status).toBe(403);
    expect((await revoke({ cookie: owner.cookie }, first!.id)).status).toBe(403);
    expect((await carts(key)).status).toBe(200);
  });
});
