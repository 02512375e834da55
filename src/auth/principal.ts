import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Principal } from "../env";
import { findUnrevokedApiKey, recordApiKeyUse } from "../db/queries/api-keys";
import { findMembership } from "../db/queries/organisation";
import { apiKeyStanding, isRole, roleHasPermission, type Permission } from "../domain/permissions";
import { ProblemError } from "../lib/problem";
import { sha256Hex } from "../lib/ids";
import { getAuth } from "./create-auth";
import { bindOrganisationShard } from "./shard-binding";

async function principalFromApiKey(c: Context<AppEnv>, key: string): Promise<Principal> {
  const db = c.get("db");
  const hash = await sha256Hex(key);
  // The creator's current membership comes with the key: the key follows it (apiKeyStanding).
  const found = await findUnrevokedApiKey(db, hash);
  const row = found?.key;
  if (!row || !isRole(row.role)) throw new ProblemError("unauthorized", "This API key is unknown or has been revoked.");
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) {
    throw new ProblemError("unauthorized", `This API key expired at ${row.expiresAt.toISOString()}. Ask an admin for a new key.`);
  }
  const standing = apiKeyStanding(row.role, row.createdBy, found.creatorRole);
  if (standing === "creator_removed") {
    throw new ProblemError("unauthorized", "This API key no longer works: the member who created it is no longer in the organisation. Ask an admin for a new key.");
  }
  if (standing === "creator_role_below_key") {
    throw new ProblemError(
      "forbidden",
      `This API key has the role ${row.role}, but the member who created it now has the role ${found.creatorRole}; a key never carries more than its creator. Create a new key with their current role or lower.`,
    );
  }
  // Recording last use must not slow the request down.
  c.executionCtx.waitUntil(recordApiKeyUse(db, row.id, new Date()));
  return { kind: "api_key", id: row.id, name: row.name, organizationId: row.organizationId, role: row.role };
}

/**
 * Resolves the caller (API key or session cookie) and checks one permission from the table in
 * src/domain/permissions.ts. Sets `principal`, whose organizationId every query then filters on.
 */
export function requirePermission(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const authorization = c.req.header("authorization");
    let principal: Principal;
    if (authorization?.startsWith("Bearer ")) {
      principal = await principalFromApiKey(c, authorization.slice(7).trim());
    } else {
      const session = await getAuth(c.env).api.getSession({ headers: c.req.raw.headers });
      if (!session) throw new ProblemError("unauthorized", "Sign in first, or send `Authorization: Bearer <API key>`.");
      const db = c.get("db");
      const wanted = c.req.header("x-organization-id") ?? session.session.activeOrganizationId ?? undefined;
      const membership = await findMembership(db, session.user.id, wanted);
      if (!membership || !isRole(membership.role)) {
        throw new ProblemError("forbidden", "You are not a member of this organisation.");
      }
      principal = {
        kind: "user",
        id: session.user.id,
        name: session.user.name,
        organizationId: membership.organizationId,
        role: membership.role,
      };
    }
    if (!roleHasPermission(principal.role, permission)) {
      throw new ProblemError("forbidden", `Your role (${principal.role}) does not have the permission "${permission}".`);
    }
    c.set("principal", principal);
    // From here on every query of the route goes to the organisation's shard.
    await bindOrganisationShard(c, principal.organizationId);
    await next();
  });
}

export type StaffRouteInfo = { method: string; path: string; permission: Permission };

/** Every staff route, with its permission: read by the role × endpoint tests. */
export const staffRouteRegistry: StaffRouteInfo[] = [];

type RouteConfig = Parameters<typeof createRoute>[0];

const STAFF_SECURITY: Array<Record<string, string[]>> = [{ cookieAuth: [] }, { bearerAuth: [] }];

/**
 * createRoute for staff endpoints: adds the permission check and records the route. `path` is the
 * OpenAPI path under /api (e.g. `/surveys/{id}`).
 */
export function staffRoute<const R extends Omit<RouteConfig, "middleware">>(config: R & { permission: Permission }) {
  const { permission, ...route } = config;
  staffRouteRegistry.push({ method: route.method.toUpperCase(), path: `/api${route.path}`, permission });
  return createRoute({
    ...route,
    middleware: [requirePermission(permission)] as const,
    security: STAFF_SECURITY,
  });
}
