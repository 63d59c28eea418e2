import { describe, expect, it } from "vitest";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { findInvitation, listInvitations } from "@/lib/team/service";
import { POST } from "../route";
import { DELETE } from "./route";

const revoke = (headers: Record<string, string>, id: string) =>
  call(DELETE, { method: "DELETE", path: `/api/dashboard/invitations/${id}`, params: { id }, headers });

async function invited(role: "owner" | "admin" = "admin") {
  const { business } = await newBusiness();
  const staff = await staffSession(business.id, role);
  const res = await call(POST, { path: "/api/dashboard/invitations", headers: asStaff(staff), body: { email: "friend@example.com", role: "agent" } });
  const { url, invitation } = res.body.data as { url: string; invitation: { id: string } };
  return { business, staff, id: invitation.id, token: url.split("/invite/")[1]! };
}

describe("DELETE /api/dashboard/invitations/:id", () => {
  it("revokes a pending invitation: its link stops working at once", async () => {
    const { business, staff, id, token } = await invited();
    const res = await revoke(asStaff(staff), id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id, revoked: true } });
    expect(await findInvitation(token)).toBeUndefined();
    expect(await listInvitations(business.id)).toEqual([]);
    expect((await revoke(asStaff(staff), id)).status).toBe(404);
  });

  it("another business's invitation answers 404 like a missing one and stays valid", async () => {
    const theirs = await invited();
    const { business } = await newBusiness();
    const owner = await staffSession(business.id, "owner");
    const foreign = await revoke(asStaff(owner), theirs.id);
    const missing = await revoke(asStaff(owner), "invite_doesnotexist");
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect(await findInvitation(theirs.token)).toBeDefined();
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403", async (role) => {
    const { business, id, token } = await invited();
    const staff = await staffSession(business.id, role);
    expect((await revoke(asStaff(staff), id)).status).toBe(403);
    expect(await findInvitation(token)).toBeDefined();
  });

  it("refuses a cross-site revoke with 403", async () => {
    const { staff, id, token } = await invited("owner");
    expect((await revoke({ cookie: staff.cookie }, id)).status).toBe(403);
    expect((await revoke({ cookie: staff.cookie, origin: "https://evil.example" }, id)).status).toBe(403);
    expect(await findInvitation(token)).toBeDefined();
  });
});
