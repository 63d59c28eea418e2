import type { Role } from "@/db/schema";

const RANK: Record<Role, number> = { viewer: 0, agent: 1, admin: 2, owner: 3 };

/** What each role may do; a role may do everything the roles below it may. */
export const PERMISSIONS = {
  view: "viewer",
  changeCarts: "agent", // generate, rotate, revoke links; mark recovered or expired; cancel orders
  moveMoney: "admin", // capture and refund orders' payments
  manageKeys: "admin",
  manageSettings: "admin",
  manageTeam: "admin",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return RANK[role] >= RANK[PERMISSIONS[permission]];
}

export function outranks(a: Role, b: Role): boolean {
  return RANK[a] > RANK[b];
}

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  agent: "Agent",
  viewer: "Viewer",
};
