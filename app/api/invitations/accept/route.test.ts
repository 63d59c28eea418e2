import { describe, expect, it } from "vitest";
import type { Role } from "@/db/schema";
import { call, newBusiness } from "@/lib/testing/fixtures";
import { signIn, staffSession, TEST_ORIGIN, TEST_PASSWORD } from "@/lib/testing/staff";
import { createInvitation, findInvitation, listMembers } from "@/lib/team/service";
import { POST } from "./route";

const accept = (body: unknown, headers: Record<string, string> = { origin: TEST_ORIGIN }) =>
  call(POST, { path: "/api/invitations/accept", headers, body });

async function invite(email: string, role: Role = "agent") {
  const { business } = await newBusiness();
  const owner = await staffSession(business.id, "owner");
  const { url } = await createInvitation(business.id, { email, role }, { userId: owner.userId, role: "owner" });
  return { business, token: url.split("/invite/")[1]! };
}

const roleIn = async (businessId: string, email: string) => (await listMembers(businessId)).find((m) => m.email === email)?.role;
const unique = (name: string) => `${name}-${crypto.randomUUID()}@example.com`;

describe("POST /api/invitations/accept", () => {
  it("a new person sets a name and password, joins with the invited role, and can sign in", async () => {
    const email = unique("newcomer");
    const { business, token } = await invite(email, "admin");
    const res = await accept({ token, name: "New Comer", password: "a long password" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { email } });
    expect(await roleIn(business.id, email)).toBe("admin");
    expect((await listMembers(business.id)).find((m) => m.email === email)?.name).toBe("New Comer");
    await expect(signIn(email, "a long password")).resolves.toContain("cartback");
  });

  it("someone with an account proves it with their password and joins with the invited role", async () => {
    const elsewhere = await newBusiness();
    const existing = await staffSession(elsewhere.business.id, "owner");
    const { business, token } = await invite(existing.email, "viewer");
    expect((await findInvitation(token))?.hasAccount).toBe(true);

    const wrong = await accept({ token, password: "not my password" });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: "VALIDATION_ERROR", details: { field: "password" } });
    expect(await roleIn(business.id, existing.email)).toBeUndefined();

    const right = await accept({ token, password: TEST_PASSWORD });
    expect(right.status).toBe(200);
    expect(await roleIn(business.id, existing.email)).toBe("viewer");
    expect(await roleIn(elsewhere.business.id, existing.email)).toBe("owner");
  });

  it("a used token no longer works", async () => {
    const email = unique("once");
    const { token } = await invite(email);
    expect((await accept({ token, name: "Once", password: "a long password" })).status).toBe(200);
    const again = await accept({ token, name: "Twice", password: "a long password" });
    expect(again.status).toBe(404);
    expect(again.body.error).toEqual({ code: "NOT_FOUND", message: "This invitation is no longer valid" });
  });

  it("an unknown token answers 404", async () => {
    expect((await accept({ token: "made-up-token", name: "X", password: "a long password" })).status).toBe(404);
  });

  it.each([
    [{ name: "Short", password: "short" }, "password"],
    [{ password: "a long password" }, "name"],
    [{ name: "No password" }, "password"],
  ])("a new person's %j is refused naming %s, and the invitation stays open", async (body, field) => {
    const { token } = await invite(unique("invalid"));
    const res = await accept({ token, ...body });
    expect(res.status).toBe(422);
    expect(res.body.error.details.field).toBe(field);
    expect(await findInvitation(token)).toBeDefined();
  });

  it("refuses cross-site posts with 403", async () => {
    const { token } = await invite(unique("csrf"));
    const body = { token, name: "X", password: "a long password" };
    expect((await accept(body, {})).status).toBe(403);
    expect((await accept(body, { origin: "https://evil.example" })).status).toBe(403);
    expect(await findInvitation(token)).toBeDefined();
  });
});
