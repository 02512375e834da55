/**
 * Roles and the permission table. This table is the single source of truth: every staff route
 * names one permission from it, and the role × endpoint tests read it too.
 *
 * Roles are ordered: each role can do everything the roles below it can.
 */
export const ROLES = ["viewer", "staff", "manager", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** Lowest role that holds each permission. */
export const PERMISSION_MIN_ROLE = {
  "surveys:read": "viewer",
  "surveys:write": "manager",
  "surveys:publish": "manager",
  "responses:read": "viewer",
  "responses:export": "manager",
  "responses:annotate": "staff",
  "invitations:write": "manager",
  "analytics:read": "manager",
  /** Scheduled e-mail reports of the index and KPIs: managers and admins set them up. */
  "reports:manage": "manager",
  "complaints:read": "staff",
  "complaints:write": "staff",
  "complaints:configure": "admin",
  /** Canned replies: managers and admins write them, staff use them (complaints:read). */
  "complaints:templates": "manager",
  "outbox:read": "staff",
  "respondents:privacy": "admin",
  "webhooks:manage": "admin",
  "apikeys:manage": "admin",
  "members:read": "viewer",
  "members:invite": "manager",
  "members:manage": "admin",
  "organization:configure": "admin",
  "audit:read": "admin",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSION_MIN_ROLE;

export function roleHasPermission(role: Role, permission: Permission): boolean {
  return roleRank(role) >= roleRank(PERMISSION_MIN_ROLE[permission]);
}

/**
 * Who may grant which role: nobody can grant a role above their own, and only owners create owners.
 * A manager can therefore add staff and viewers but never an admin (no privilege escalation).
 */
export function canGrantRole(actor: Role, target: Role): boolean {
  if (target === "owner") return actor === "owner";
  return roleRank(actor) >= roleRank(target) && roleRank(actor) >= roleRank("manager");
}

export type ApiKeyStanding = "valid" | "creator_removed" | "creator_role_below_key";

/**
 * An API key acts for the member who created it and never carries more than that member has now:
 * it stops working when they leave the organisation, and while their role is below the key's (it
 * works again if the role is restored). `createdBy` null means the key was provisioned directly in
 * the database, not by a member, and has nobody to follow.
 */
export function apiKeyStanding(keyRole: Role, createdBy: string | null, creatorCurrentRole: string | null): ApiKeyStanding {
  if (createdBy === null) return "valid";
  if (creatorCurrentRole === null) return "creator_removed";
  if (!isRole(creatorCurrentRole) || roleRank(creatorCurrentRole) < roleRank(keyRole)) return "creator_role_below_key";
  return "valid";
}
