import { randomUUID } from "node:crypto";
import { getDb } from "@/db/client";
import type { Role } from "@/db/schema";
import { getAuth } from "@/lib/auth/auth";
import { addMember, createStaffUser } from "@/lib/team/service";

export const TEST_ORIGIN = "http://cartback.test";
export const TEST_PASSWORD = "correct horse battery";

/** Signs in through Better Auth's real endpoint and returns the Cookie header a browser would send. */
export async function signIn(email: string, password = TEST_PASSWORD): Promise<string> {
  const auth = await getAuth();
  const res = await auth.handler(
    new Request(`${TEST_ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: TEST_ORIGIN },
      body: JSON.stringify({ email, password }),
    }),
  );
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** A staff member of the business with the role, signed in. */
export async function staffSession(businessId: string, role: Role): Promise<{ cookie: string; userId: string; email: string }> {
  const db = await getDb();
  const email = `${role}-${randomUUID()}@staff.test`;
  const userId = await createStaffUser(db, { email, name: `Test ${role}`, password: TEST_PASSWORD });
  await addMember(db, businessId, userId, role);
  return { cookie: await signIn(email), userId, email };
}

/** Headers of a same-origin browser request with the session cookie. */
export function asStaff(session: { cookie: string }, extra: Record<string, string> = {}): Record<string, string> {
  return { cookie: session.cookie, origin: TEST_ORIGIN, ...extra };
}
