import { describe, expect, it } from "vitest";
import type { Role } from "@/db/schema";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { asStaff, staffSession } from "@/lib/testing/staff";
import { listMembers } from "@/lib/team/service";
import { GET as changes } from "@/app/api/dashboard/changes/route";
import { DELETE, PATCH } from "./route";

type Session = Awaited<ReturnType<typeof staffSession>>;

const patch = (headers: Record<string, string>, id: string, body: unknown) =>
  call(PATCH, { method: "PATCH", path: `/api/dashboard/members/${id}`, params: { id }, headers, body });
const remove = (headers: Record<string, string>, id: string) =>
  call(DELETE, { method: "DELETE", path: `/api/dashboard/members/${id}`, params: { id }, headers });

async function membershipOf(businessId: string, session: Session) {
  const member = (await listMembers(businessId)).find((m) => m.userId === session.userId);
  return member!;
}

async function team(...roles: Role[]) {
  const { business } = await newBusiness();
  const people: Session[] = [];
  for (const role of roles) people.push(await staffSession(business.id, role));
  const ids = await Promise.all(people.map(async (p) => (await membershipOf(business.id, p)).membershipId));
  return { business, people, ids };
}

const roleOf = async (businessId: string, membershipId: string) =>
  (await listMembers(businessId)).find((m) => m.membershipId === membershipId)?.role;

describe("PATCH /api/dashboard/members/:id", () => {
  it("an admin changes a viewer into an agent", async () => {
    const { business, people: [admin], ids: [, viewerId] } = await team("admin", "viewer");
    const res = await patch(asStaff(admin!), viewerId!, { role: "agent" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id: viewerId, role: "agent" } });
    expect(await roleOf(business.id, viewerId!)).toBe("agent");
  });

  it("an admin can neither grant the owner role nor change an owner", async () => {
    const { business, people: [admin], ids: [, agentId, ownerId] } = await team("admin", "agent", "owner");
    const grant = await patch(asStaff(admin!), agentId!, { role: "owner" });
    expect(grant.status).toBe(403);
    const demote = await patch(asStaff(admin!), ownerId!, { role: "viewer" });
    expect(demote.status).toBe(403);
    expect(await roleOf(business.id, agentId!)).toBe("agent");
    expect(await roleOf(business.id, ownerId!)).toBe("owner");
  });

  it("an owner makes another owner; then either can step down, but not the last one", async () => {
    const { business, people: [owner], ids: [ownerId, adminId] } = await team("owner", "admin");
    const lone = await patch(asStaff(owner!), ownerId!, { role: "admin" });
    expect(lone.status).toBe(409);
    expect(lone.body.error).toEqual({ code: "CONFLICT", message: "A business needs at least one owner" });
    expect(await roleOf(business.id, ownerId!)).toBe("owner");

    expect((await patch(asStaff(owner!), adminId!, { role: "owner" })).status).toBe(200);
    expect((await patch(asStaff(owner!), ownerId!, { role: "admin" })).status).toBe(200);
    expect(await roleOf(business.id, ownerId!)).toBe("admin");
    expect(await roleOf(business.id, adminId!)).toBe("owner");
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403", async (role) => {
    const { business, people: [staff], ids: [, viewerId] } = await team(role, "viewer");
    const res = await patch(asStaff(staff!), viewerId!, { role: "admin" });
    expect(res.status).toBe(403);
    expect(await roleOf(business.id, viewerId!)).toBe("viewer");
  });

  it("refuses cross-site requests with 403", async () => {
    const { business, people: [owner], ids: [, viewerId] } = await team("owner", "viewer");
    expect((await patch({ cookie: owner!.cookie }, viewerId!, { role: "admin" })).status).toBe(403);
    expect((await patch({ cookie: owner!.cookie, origin: "https://evil.example" }, viewerId!, { role: "admin" })).status).toBe(403);
    expect(await roleOf(business.id, viewerId!)).toBe("viewer");
  });

  it("another business's member answers 404 like a missing one, and is not changed", async () => {
    const mine = await team("owner");
    const theirs = await team("owner", "viewer");
    const foreign = await patch(asStaff(mine.people[0]!), theirs.ids[1]!, { role: "admin" });
    const missing = await patch(asStaff(mine.people[0]!), "member_doesnotexist", { role: "admin" });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect(await roleOf(theirs.business.id, theirs.ids[1]!)).toBe("viewer");
  });

  it.each([
    [{ role: "superuser" }, "role"],
    [{}, "role"],
    [{ role: "admin", userId: "x" }, "userId"],
  ])("refuses %j with 422 naming %s", async (body, field) => {
    const { people: [owner], ids: [, viewerId] } = await team("owner", "viewer");
    const res = await patch(asStaff(owner!), viewerId!, body);
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
  });
});

describe("DELETE /api/dashboard/members/:id", () => {
  it("an admin removes an agent, whose session then no longer reaches the business", async () => {
    const { business, people: [admin, agent], ids: [, agentId] } = await team("admin", "agent");
    expect((await call(changes, { headers: asStaff(agent!) })).status).toBe(200);
    const res = await remove(asStaff(admin!), agentId!);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { id: agentId, removed: true } });
    expect(await roleOf(business.id, agentId!)).toBeUndefined();
    expect((await call(changes, { headers: asStaff(agent!) })).status).toBe(401);
    expect((await remove(asStaff(admin!), agentId!)).status).toBe(404);
  });

  it("an admin cannot remove an owner; the last owner cannot be removed", async () => {
    const { business, people: [owner, admin], ids: [ownerId] } = await team("owner", "admin");
    expect((await remove(asStaff(admin!), ownerId!)).status).toBe(403);
    expect((await remove(asStaff(owner!), ownerId!)).status).toBe(409);
    expect(await roleOf(business.id, ownerId!)).toBe("owner");
  });

  it.each(["viewer", "agent"] as const)("a %s gets 403", async (role) => {
    const { business, people: [staff], ids: [, viewerId] } = await team(role, "viewer");
    expect((await remove(asStaff(staff!), viewerId!)).status).toBe(403);
    expect(await roleOf(business.id, viewerId!)).toBe("viewer");
  });

  it("refuses a cross-site remove with 403", async () => {
    const { business, people: [owner], ids: [, viewerId] } = await team("owner", "viewer");
    expect((await remove({ cookie: owner!.cookie, origin: "https://evil.example" }, viewerId!)).status).toBe(403);
    expect((await remove({ cookie: owner!.cookie }, viewerId!)).status).toBe(403);
    expect(await roleOf(business.id, viewerId!)).toBe("viewer");
  });

  it("another business's member answers 404 and stays", async () => {
    const mine = await team("owner");
    const theirs = await team("owner", "viewer");
    expect((await remove(asStaff(mine.people[0]!), theirs.ids[1]!)).status).toBe(404);
    expect(await roleOf(theirs.business.id, theirs.ids[1]!)).toBe("viewer");
  });
});
