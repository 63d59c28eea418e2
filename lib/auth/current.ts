import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { can, type Permission } from "./roles";
import { staffFromHeaders, type Staff } from "./staff";

/** For server components: the signed-in staff member, or off to the sign-in page. */
export async function requireStaff(): Promise<Staff> {
  const staff = await staffFromHeaders(await headers());
  if (!staff) redirect("/login");
  return staff;
}

export function allowed(staff: Staff, permission: Permission): boolean {
  return can(staff.role, permission);
}
