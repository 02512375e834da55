import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { ROLES, roleHasPermission, roleRank, type Permission, type Role } from "../../../src/domain/permissions";
import type { Me } from "../../../src/contracts/me";

export { ROLES, type Role };
export type { Me };

export function atLeast(role: Role, min: Role): boolean {
  return roleRank(role) >= roleRank(min);
}

/** What the UI offers follows the server's permission table (src/domain/permissions.ts); the server still checks. */
export function can(me: Me | null, permission: Permission): boolean {
  return !!me && roleHasPermission(me.role, permission);
}

/** Where each role starts: managers on the dashboard, staff at the complaint desk. */
export function homeFor(role: Role): string {
  if (atLeast(role, "manager")) return "/dashboard";
  if (atLeast(role, "staff")) return "/complaints";
  return "/surveys";
}

export type Session = { me: Me | null; signOut: () => Promise<void>; refresh: () => Promise<Me | null> };
export const SessionContext = createContext<Session>({ me: null, signOut: async () => {}, refresh: async () => null });
export function useSession(): Session {
  return useContext(SessionContext);
}
