import { createContext } from "preact";
import { useContext } from "preact/hooks";

export const ROLES = ["viewer", "staff", "manager", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

export type Me = {
  user: { id: string; name: string; email: string | null; kind: "user" | "api_key" };
  organizationId: string;
  organizationName: string | null;
  role: Role;
};

/** Mirrors the server's PERMISSION_MIN_ROLE for what the UI offers; the server still checks. */
const MIN_ROLE = {
  "surveys:read": "viewer",
  "surveys:write": "manager",
  "surveys:publish": "manager",
  "responses:read": "viewer",
  "responses:export": "manager",
  "responses:annotate": "staff",
  "invitations:write": "manager",
  "analytics:read": "manager",
  "complaints:read": "staff",
  "complaints:write": "staff",
  "apikeys:manage": "admin",
} as const satisfies Record<string, Role>;
export type UiPermission = keyof typeof MIN_ROLE;

export function atLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}

export function can(me: Me | null, permission: UiPermission): boolean {
  return !!me && atLeast(me.role, MIN_ROLE[permission]);
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
