import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/organization/access";

/**
 * better-auth's organisation plugin only knows owner/admin/member by default; Feedloop has five
 * roles. better-auth's access control governs its own endpoints (members, invitations); Feedloop's
 * own routes use the permission table in src/domain/permissions.ts.
 */
export const accessControl = createAccessControl(defaultStatements);

export const authRoles = {
  owner: accessControl.newRole({
    organization: ["update", "delete"],
    member: ["create", "update", "delete"],
    invitation: ["create", "cancel"],
    team: ["create", "update", "delete"],
    ac: ["create", "read", "update", "delete"],
  }),
  admin: accessControl.newRole({
    organization: ["update"],
    member: ["create", "update", "delete"],
    invitation: ["create", "cancel"],
    team: ["create", "update", "delete"],
    ac: ["read"],
  }),
  manager: accessControl.newRole({ invitation: ["create"], ac: ["read"] }),
  staff: accessControl.newRole({ ac: ["read"] }),
  viewer: accessControl.newRole({ ac: ["read"] }),
};
