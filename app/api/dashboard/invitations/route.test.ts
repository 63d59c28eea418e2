import { describe, expect, it } from "vitest";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { findInvitation, listInvitations } from "@/lib/team/service";
import { POST } from "./route";

const invite = (headers: Record<string, string>, body: unknown) => call(POST, { path: "/api/dashboard/invitations", headers, body });
const tokenOf = (url: string) => url.split("/invite/")[1]!;

describe("POST /api/dashboard/invitations", () => {
  it("an admin invites someone: the answer carries the link, which leads to the invitation", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    const res = await invite(asStaff(admin), { email: " New.Person@Example.com ", role: "agent" });
    expect(res.status).toBe(201);
    const { url, invitation } = res.body.data;
    expect(url).toMatch(/^http:\/\/cartback\.test\/invite\/[\w-]{40,}$/);
    expect(invitation).toEqual({
      id: expect.stringMatching(/^invite_/),
      email: "new.person@example.com",
      role: "agent",
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(Math.abs(Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt) - 7 * 86400_000)).toBeLessThan(5_000);
    const found = await findInvitation(tokenOf(url));
    expect(found).toMatchObject({ invitation: { id: invitation.id, businessId: business.id, role: "agent" }, hasAccount: false });
    expect(JSON.stringify(found)).not.toContain(tokenOf(url));
    expect((await listInvitations(business.id)).map((i) => i.id)).toEqual([invitation.id]);
  });

  it("only an owner can invite an owner", async () => {
    const { business } = await newBusiness();
    const admin = await staffSession(business.id, "admin");
    const owner = await staffSession(business.id, "owner");
    expect((await invite(asStaff(admin), { email: "boss@example.com", role: "owner" })).status).toBe(403);
    expect((await invite(asStaff(owner), { email: "boss@example.com", role: "owner" })).status).toBe(201);
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403 and no invitation is made", async (role) => {
    const { business } = await newBusiness();
    const staff = await staffSession(business.id, role);
    const res = await invite(asStaff(staff), { email: "friend@example.com", role: "viewer" });
    expect(res.status).toBe(403);
    expect(await listInvitations(business.id)).toEqual([]);
  });

  it("refuses cross-site requests with 403", async () => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const body = { email: "friend@example.com", role: "admin" };
    expect((await invite({ cookie: owner.cookie }, body)).status).toBe(403);
    expect((await invite({ cookie: owner.cookie, origin: "https://evil.example" }, body)).status).toBe(403);
    expect(await listInvitations(business.id)).toEqual([]);
  });

  it.each([
    [{ email: "not-an-email", role: "agent" }, "email"],
    [{ role: "agent" }, "email"],
    [{ email: "a@example.com", role: "god" }, "role"],
    [{ email: "a@example.com" }, "role"],
    [{ email: "a@example.com", role: "agent", businessId: "business_x" }, "businessId"],
  ])("refuses %j with 422 naming %s", async (body, field) => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const res = await invite(asStaff(owner), body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
  });
});

describe("inviting someone twice, or a member", () => {
  it("a member cannot be invited again (their role is changed instead)", async () => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const viewer = await staffSession(business.id, "viewer");
    const res = await invite(asStaff(owner), { email: viewer.email, role: "viewer" });
    expect(res.status).toBe(409);
    expect(res.body.error.details.field).toBe("email");
  });

  it("a second invitation to the same address replaces the first", async () => {
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const first = await invite(asStaff(owner), { email: "twice@example.com", role: "viewer" });
    const second = await invite(asStaff(owner), { email: "twice@example.com", role: "agent" });
    expect(await findInvitation(tokenOf(first.body.data.url))).toBeUndefined();
    expect(await findInvitation(tokenOf(second.body.data.url))).toMatchObject({ invitation: { role: "agent" } });
    expect((await listInvitations(business.id)).map((i) => i.email)).toEqual(["twice@example.com"]);
  });
});
