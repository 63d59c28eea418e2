import { describe, expect, it } from "vitest";
import { listApiKeys } from "@/lib/auth/api-keys";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { GET as listCarts } from "@/app/api/carts/route";
import { POST } from "./route";

const create = (headers: Record<string, string>, body: unknown) => call(POST, { path: "/api/dashboard/keys", headers, body });
const carts = (key: string) => call(listCarts, { path: "/api/carts", key });

describe("POST /api/dashboard/keys", () => {
  it("creates a key, shows it in full once, and the key works against the tracker API", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    const res = await create(asStaff(admin), { name: " Storefront " });
    expect(res.status).toBe(201);
    const { key, apiKey } = res.body.data;
    expect(key).toMatch(/^cbk_[\w-]{40,}$/);
    expect(apiKey).toEqual({ id: expect.stringMatching(/^key_/), name: "Storefront", prefix: key.slice(0, 12), createdAt: expect.any(String) });
    expect(Object.keys(res.body.data).sort()).toEqual(["apiKey", "key"]);

    const listed = (await listApiKeys(business.id)).find((k) => k.id === apiKey.id)!;
    expect(listed).toMatchObject({ name: "Storefront", lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(key);

    expect((await carts(key)).status).toBe(200);
    expect((await listApiKeys(business.id)).find((k) => k.id === apiKey.id)?.lastUsedAt).toBeInstanceOf(Date);
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and no key is made", async (role) => {
    const { business } = await newBusiness();
    const staff = await staffSession(business.id, role);
    const before = (await listApiKeys(business.id)).length;
    const res = await create(asStaff(staff), { name: "Nope" });
    expect(res.status).toBe(403);
    expect(res.body.data).toBeUndefined();
    expect(await listApiKeys(business.id)).toHaveLength(before);
  });

  it("refuses cross-site requests with 403", async () => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    expect((await create({ cookie: owner.cookie }, { name: "x" })).status).toBe(403);
    expect((await create({ cookie: owner.cookie, origin: "https://evil.example" }, { name: "x" })).status).toBe(403);
  });

  it.each([
    [{}, "name"],
    [{ name: "  " }, "name"],
    [{ name: "x".repeat(101) }, "name"],
    [{ name: "ok", scopes: ["all"] }, "scopes"],
  ])("refuses %j with 422 naming %s", async (body, field) => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const res = await create(asStaff(owner), body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
  });
});
