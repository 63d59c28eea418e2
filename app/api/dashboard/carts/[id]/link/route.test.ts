import { beforeAll, describe, expect, it } from "vitest";
import { POST as createCart } from "@/app/api/carts/route";
import { PATCH as patchCart } from "@/app/api/carts/[id]/route";
import { getCartDetail } from "@/lib/carts/detail";
import { call, newBusiness, seedCart } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { DELETE, POST } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;
let tenant: Awaited<ReturnType<typeof newBusiness>>;
let agent: Session;
let viewer: Session;

beforeAll(async () => {
  tenant = await newBusiness();
  [agent, viewer] = await Promise.all([staffSession(tenant.business.id, "agent"), staffSession(tenant.business.id, "viewer")]);
});

async function newCart(key = tenant.key): Promise<string> {
  const res = await call(createCart, { key, path: "/api/carts", body: seedCart });
  return res.body.data.id;
}

const post = (id: string, headers: Record<string, string>, body?: unknown) =>
  call(POST, { method: "POST", path: `/api/dashboard/carts/${id}/link`, params: { id }, headers, body });
const del = (id: string, headers: Record<string, string>) =>
  call(DELETE, { method: "DELETE", path: `/api/dashboard/carts/${id}/link`, params: { id }, headers });
const linkOf = async (id: string) => (await getCartDetail(tenant.business.id, id))?.link ?? null;

describe("POST /api/dashboard/carts/:id/link", () => {
  it("an agent generates the link, gets the same one again, and rotates it", async () => {
    const id = await newCart();
    const first = await post(id, asStaff(agent));
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      success: true,
      data: { paymentLink: expect.stringMatching(/^http:\/\/cartback\.test\/r\/[\w-]{40,}$/), expiresAt: expect.any(String), created: true },
    });

    const again = await post(id, asStaff(agent), {});
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ paymentLink: first.body.data.paymentLink, created: false });

    const rotated = await post(id, asStaff(agent), { rotate: true });
    expect(rotated.status).toBe(201);
    expect(rotated.body.data.created).toBe(true);
    expect(rotated.body.data.paymentLink).not.toBe(first.body.data.paymentLink);

    const detail = await getCartDetail(tenant.business.id, id);
    expect(detail!.link).toMatchObject({ url: rotated.body.data.paymentLink, createdBy: "staff", openCount: 0 });
    expect(detail!.timeline.map((e) => [e.label, e.by])).toEqual([
      ["Cart created", null],
      ["Abandoned", null],
      ["Payment link generated", "staff"],
      ["Payment link replaced", "staff"],
    ]);
  });

  it("accepts a same-origin request that sends Sec-Fetch-Site instead of Origin", async () => {
    const id = await newCart();
    const res = await post(id, { cookie: agent.cookie, "sec-fetch-site": "same-origin" });
    expect(res.status).toBe(201);
  });

  it("refuses a viewer with 403 and creates no link", async () => {
    const id = await newCart();
    const res = await post(id, asStaff(viewer));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect(await linkOf(id)).toBeNull();
  });

  it("answers 401 without a session", async () => {
    const id = await newCart();
    const res = await post(id, { origin: "http://cartback.test" });
    expect(res.status).toBe(401);
    expect(await linkOf(id)).toBeNull();
  });

  it.each([
    ["without Origin or Sec-Fetch-Site", {}],
    ["from another site", { origin: "https://evil.example" }],
    ["marked cross-site", { "sec-fetch-site": "cross-site" }],
  ])("refuses a request %s with 403 and creates no link", async (_, extra) => {
    const id = await newCart();
    const res = await post(id, { cookie: agent.cookie, ...extra });
    expect(res.status).toBe(403);
    expect(await linkOf(id)).toBeNull();
  });

  it("answers 404 for another business's cart and leaves it alone", async () => {
    const other = await newBusiness();
    const foreign = await newCart(other.key);
    const res = await post(foreign, asStaff(agent));
    expect(res.status).toBe(404);
    expect((await getCartDetail(other.business.id, foreign))!.link).toBeNull();
  });

  it("refuses a recovered cart with 422 naming status", async () => {
    const id = await newCart();
    await call(patchCart, { method: "PATCH", key: tenant.key, params: { id }, body: { status: "recovered" } });
    const res = await post(id, asStaff(agent));
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe("status");
  });

  it("validates the body, naming the field", async () => {
    const id = await newCart();
    const res = await post(id, asStaff(agent), { rotate: "yes" });
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe("rotate");
  });
});

describe("DELETE /api/dashboard/carts/:id/link", () => {
  it("an agent revokes the current link; a second revoke is 404", async () => {
    const id = await newCart();
    await post(id, asStaff(agent));
    const res = await del(id, asStaff(agent));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { revoked: true } });
    expect(await linkOf(id)).toBeNull();
    expect((await getCartDetail(tenant.business.id, id))!.timeline.at(-1)!.label).toBe("Payment link revoked");
    expect((await del(id, asStaff(agent))).status).toBe(404);
  });

  it.each([
    ["a viewer", () => asStaff(viewer), 403],
    ["no session", () => ({ origin: "http://cartback.test" }), 401],
    ["no Origin", () => ({ cookie: agent.cookie }), 403],
    ["another site", () => ({ cookie: agent.cookie, origin: "https://evil.example" }), 403],
  ])("refuses %s and the link stays", async (_, headers, status) => {
    const id = await newCart();
    const link = (await post(id, asStaff(agent))).body.data.paymentLink;
    const res = await del(id, headers());
    expect(res.status).toBe(status);
    expect((await linkOf(id))!.url).toBe(link);
  });

  it("answers 404 for another business's cart and leaves its link alone", async () => {
    const other = await newBusiness();
    const foreign = await newCart(other.key);
    const otherAgent = await staffSession(other.business.id, "agent");
    const link = (await post(foreign, asStaff(otherAgent))).body.data.paymentLink;
    const res = await del(foreign, asStaff(agent));
    expect(res.status).toBe(404);
    expect((await getCartDetail(other.business.id, foreign))!.link!.url).toBe(link);
  });
});
