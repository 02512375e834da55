/**
 * Organisation administration: members and their roles, deactivation, staff invitations (through
 * better-auth's organisation plugin), organisation settings and the audit log.
 *
 * Role rules (src/domain/permissions.ts `canGrantRole`): nobody grants a role above their own, only
 * owners grant or change the owner role, and the last owner can be neither demoted nor removed.
 * The last-owner rule is checked inside the UPDATE/DELETE itself, so two owners demoting each other
 * at the same moment cannot leave the organisation without one.
 */
import { and, asc, count, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { apiKeys, auditLog, invitation, member, organization, organizationSettings, user } from "../schema";
import { canGrantRole, isRole, type Role } from "../../domain/permissions";
import { BusinessCalendarSchema, defaultBusinessCalendar } from "../../domain/complaints";
import { fieldErrorsFromZod, notFound, ProblemError, validationProblem } from "../../lib/problem";
import { auditStatement } from "./response-admin";
import { clearStoredSlaOutcomes } from "./complaints";
import { changeControlPlane, shardOf } from "../shards";

export type MemberView = { id: string; userId: string; name: string; email: string; role: string; createdAt: string };

// Members, users, sessions, API keys and invitations live in the control plane (docs/scaling.md 4.1):
// `shardOf(db).control`, whichever shard `db` is; the organisation's shard keeps copies of its members
// (refreshIdentityCopies) for the joins of its tenant rows, and its audit rows.
export async function listMembers(db: Db, organizationId: string): Promise<MemberView[]> {
  const rows = await shardOf(db).control
    .select({ id: member.id, userId: member.userId, role: member.role, createdAt: member.createdAt, name: user.name, email: user.email })
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(eq(member.organizationId, organizationId))
    .orderBy(asc(member.createdAt), asc(member.id));
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

async function findMember(db: Db, organizationId: string, memberId: string) {
  const row = await shardOf(db).control.query.member.findFirst({ where: and(eq(member.id, memberId), eq(member.organizationId, organizationId)) });
  if (!row) throw notFound(`Member ${memberId}`);
  return row;
}

/** Why `actor` may not touch a member who has `current` (null when allowed). */
function refusal(actor: Role, current: string): string | null {
  if (!isRole(current)) return null;
  if (current === "owner" && actor !== "owner") return "Only an owner can change or remove an owner.";
  if (!canGrantRole(actor, current)) return `A ${actor} cannot change a member whose role (${current}) is above their own.`;
  return null;
}

async function ownerCount(db: Db, organizationId: string): Promise<number> {
  const [row] = await shardOf(db).control.select({ n: count() }).from(member).where(and(eq(member.organizationId, organizationId), eq(member.role, "owner")));
  return row?.n ?? 0;
}

export async function changeMemberRole(db: Db, principal: Principal, memberId: string, role: Role): Promise<MemberView> {
  const target = await findMember(db, principal.organizationId, memberId);
  const refused = refusal(principal.role, target.role);
  if (refused) throw new ProblemError("forbidden", refused);
  if (!canGrantRole(principal.role, role)) {
    throw new ProblemError("forbidden", `A ${principal.role} cannot grant the role ${role}${role === "owner" ? " (only owners can)" : " (it is above your own)"}.`);
  }
  if (target.role !== role) {
    const results = await changeControlPlane(
      db,
      principal.organizationId,
      (control) => [
        // Changed only if still what was read, and never the last owner out of the owner role.
        control
          .prepare(
            `UPDATE member SET role = ?1 WHERE id = ?2 AND organizationId = ?3 AND role = ?4
               AND (?4 <> 'owner' OR ?1 = 'owner' OR (SELECT count(*) FROM member WHERE organizationId = ?3 AND role = 'owner') > 1)`,
          )
          .bind(role, memberId, principal.organizationId, target.role),
      ],
      // Recorded only when the UPDATE changed the row.
      (when) => [auditStatement(db.$client, principal, { action: "member.role_changed", targetType: "member", targetId: memberId, data: { userId: target.userId, from: target.role, to: role } }, new Date(), when)],
    );
    if ((results[0]?.meta.changes ?? 0) === 0) {
      const now = await findMember(db, principal.organizationId, memberId);
      if (now.role === "owner" && (await ownerCount(db, principal.organizationId)) <= 1) {
        throw new ProblemError("conflict", "This is the organisation's last owner; make someone else an owner first.");
      }
      throw new ProblemError("conflict", "The member's role changed while you were editing it; reload and try again.");
    }
  }
  const [view] = (await listMembers(db, principal.organizationId)).filter((m) => m.id === memberId);
  return view!;
}

/**
 * Deactivates a member: removes the membership (and their complaint-team memberships here),
 * revokes the API keys they created here, and revokes their sessions — all of them when this was their only organisation, otherwise those
 * whose active organisation is this one. Their account, and what they wrote, stay.
 */
export async function deactivateMember(db: Db, principal: Principal, memberId: string): Promise<{ sessionsRevoked: number; apiKeysRevoked: number }> {
  const target = await findMember(db, principal.organizationId, memberId);
  if (principal.kind === "user" && target.userId === principal.id) {
    throw new ProblemError("conflict", "You cannot deactivate yourself; ask another admin.");
  }
  const refused = refusal(principal.role, target.role);
  if (refused) throw new ProblemError("forbidden", refused);
  const d1 = db.$client;
  const org = principal.organizationId;
  const [removed, sessions, keys] = await changeControlPlane(
    db,
    org,
    (control) => [
      control
        .prepare(
          `DELETE FROM member WHERE id = ?1 AND organizationId = ?2 AND role = ?3
             AND (?3 <> 'owner' OR (SELECT count(*) FROM member WHERE organizationId = ?2 AND role = 'owner') > 1)`,
        )
        .bind(memberId, org, target.role),
      control
        .prepare(
          `DELETE FROM session WHERE userId = ?1 AND NOT EXISTS (SELECT 1 FROM member WHERE id = ?3)
             AND (activeOrganizationId = ?2 OR NOT EXISTS (SELECT 1 FROM member WHERE userId = ?1))`,
        )
        .bind(target.userId, org, memberId),
      // Their API keys are revoked with the membership, so re-adding the person later does not bring
      // old keys back (while removed they fail anyway: src/domain/permissions.ts apiKeyStanding).
      control
        .prepare(
          `UPDATE api_keys SET revoked_at = ?4 WHERE organization_id = ?2 AND created_by = ?1 AND revoked_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM member WHERE id = ?3)`,
        )
        .bind(target.userId, org, memberId, Date.now()),
    ],
    (when) => [
      auditStatement(d1, principal, { action: "member.deactivated", targetType: "member", targetId: memberId, data: { userId: target.userId, role: target.role } }, new Date(), when),
      // Their complaint-team places here (in another shard, the copies' refresh removes them too).
      d1
        .prepare(
          `DELETE FROM teamMember WHERE userId = ?1 AND teamId IN (SELECT id FROM team WHERE organizationId = ?2)
             AND NOT EXISTS (SELECT 1 FROM member WHERE id = ?3)`,
        )
        .bind(target.userId, org, memberId),
    ],
  );
  if ((removed?.meta.changes ?? 0) === 0) {
    if (target.role === "owner") throw new ProblemError("conflict", "This is the organisation's last owner; make someone else an owner first.");
    throw new ProblemError("conflict", "The member changed while you were deactivating them; reload and try again.");
  }
  return { sessionsRevoked: sessions?.meta.changes ?? 0, apiKeysRevoked: keys?.meta.changes ?? 0 };
}

// ---------------------------------------------------------------------------------------------
// Staff invitations (better-auth's invitation table; created through its API)
// ---------------------------------------------------------------------------------------------

export type StaffInvitationView = { id: string; email: string; role: string | null; status: string; inviterId: string; expiresAt: string; createdAt: string };

const invitationView = (row: typeof invitation.$inferSelect): StaffInvitationView => ({
  id: row.id,
  email: row.email,
  role: row.role,
  status: row.status,
  inviterId: row.inviterId,
  expiresAt: row.expiresAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
});

/** The organisation's invitations for the roles the reader may grant: a manager never sees an admin's. */
export async function listStaffInvitations(db: Db, reader: Principal, status?: string): Promise<StaffInvitationView[]> {
  const rows = await shardOf(db).control
    .select()
    .from(invitation)
    .where(and(eq(invitation.organizationId, reader.organizationId), status ? eq(invitation.status, status) : undefined))
    .orderBy(desc(invitation.createdAt));
  return rows.filter((row) => row.role !== null && isRole(row.role) && canGrantRole(reader.role, row.role)).map(invitationView);
}

export async function getStaffInvitation(db: Db, organizationId: string, id: string): Promise<StaffInvitationView> {
  const row = await shardOf(db).control.query.invitation.findFirst({ where: and(eq(invitation.id, id), eq(invitation.organizationId, organizationId)) });
  if (!row) throw notFound(`Invitation ${id}`);
  return invitationView(row);
}

export async function cancelStaffInvitation(db: Db, principal: Principal, id: string): Promise<void> {
  const row = await getStaffInvitation(db, principal.organizationId, id);
  if (row.role && isRole(row.role) && !canGrantRole(principal.role, row.role)) {
    throw new ProblemError("forbidden", `A ${principal.role} cannot cancel an invitation for the role ${row.role}.`);
  }
  const [canceled] = await changeControlPlane(
    db,
    principal.organizationId,
    (control) => [control.prepare(`UPDATE invitation SET status = 'canceled' WHERE id = ?1 AND organizationId = ?2 AND status = 'pending'`).bind(id, principal.organizationId)],
    (when) => [auditStatement(db.$client, principal, { action: "staff_invitation.canceled", targetType: "invitation", targetId: id, data: { email: row.email } }, new Date(), when)],
    // Invitations have no copies in a shard.
    { refreshCopies: false },
  );
  if ((canceled?.meta.changes ?? 0) === 0) throw new ProblemError("conflict", `This invitation is ${row.status}, not pending.`);
}

/** What the accept page shows before sign-in (the caller checked the e-mailed link's secret). */
export async function publicStaffInvitation(db: Db, id: string) {
  const row = await db.query.invitation.findFirst({ where: eq(invitation.id, id) });
  if (!row) throw notFound("Invitation");
  const org = await findOrganisation(db, { id: row.organizationId });
  const expired = row.expiresAt.getTime() <= Date.now();
  return {
    id: row.id,
    organizationName: org?.name ?? "",
    email: row.email,
    role: row.role,
    status: row.status === "pending" && expired ? "expired" : row.status,
    expiresAt: row.expiresAt.toISOString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

export type OrganisationSettings = {
  timeZone: string;
  workingDays: number[];
  workingHours: { start: string; end: string }[];
  holidays: string[];
  additionalWorkingDates: string[];
  /** No customer is invited more than once in this many days (across surveys); null = no rule. */
  fatigueDays: number | null;
};

export async function getOrganisationSettings(db: Db, organizationId: string): Promise<OrganisationSettings> {
  const row = await db.query.organizationSettings.findFirst({ where: eq(organizationSettings.organizationId, organizationId) });
  const timeZone = row?.timeZone ?? "UTC";
  const stored = row?.businessCalendar && typeof row.businessCalendar === "object" ? (row.businessCalendar as Record<string, unknown>) : {};
  const parsed = BusinessCalendarSchema.safeParse({ ...stored, timeZone });
  const calendar = parsed.success ? parsed.data : defaultBusinessCalendar("UTC");
  return {
    timeZone: calendar.timeZone,
    workingDays: calendar.workingDays,
    workingHours: calendar.workingHours,
    holidays: calendar.holidays,
    additionalWorkingDates: calendar.additionalWorkingDates,
    fatigueDays: row?.fatigueDays ?? null,
  };
}

/**
 * Merges the given fields into the current settings and validates the result as a whole with the
 * complaint domain's BusinessCalendarSchema (IANA zone checked through Intl). Stored as the
 * complaint module stores it: the zone in its column, the rest as the calendar JSON.
 */
export async function updateOrganisationSettings(db: Db, principal: Principal, patch: Partial<OrganisationSettings>): Promise<OrganisationSettings> {
  const current = await getOrganisationSettings(db, principal.organizationId);
  const { fatigueDays, ...calendarPatch } = patch;
  const merged = { ...current, ...calendarPatch };
  const { fatigueDays: _ignored, ...calendarInput } = merged;
  const parsed = BusinessCalendarSchema.safeParse(calendarInput);
  if (!parsed.success) throw validationProblem(fieldErrorsFromZod(parsed.error));
  const { timeZone, ...calendar } = parsed.data;
  const nextFatigue = fatigueDays === undefined ? current.fatigueDays : fatigueDays;
  await db.batch([
    db
      .insert(organizationSettings)
      .values({ organizationId: principal.organizationId, timeZone, businessCalendar: calendar, fatigueDays: nextFatigue })
      .onConflictDoUpdate({ target: organizationSettings.organizationId, set: { timeZone, businessCalendar: calendar, fatigueDays: nextFatigue } }),
    db.insert(auditLog).values({
      id: `aud_${crypto.randomUUID()}`,
      organizationId: principal.organizationId,
      actorKind: principal.kind,
      actorId: principal.id,
      action: "organization.settings_updated",
      targetType: "organization",
      targetId: principal.organizationId,
      data: { changed: Object.keys(patch), timeZone, fatigueDays: nextFatigue },
      at: new Date(),
    }),
    // The time zone and calendar decide SLA due times: stored outcomes are recomputed (a fatigue-only change keeps them).
    ...(Object.keys(calendarPatch).length > 0 ? [clearStoredSlaOutcomes(db, principal.organizationId)] : []),
  ]);
  return getOrganisationSettings(db, principal.organizationId);
}

// ---------------------------------------------------------------------------------------------
// Audit log
// ---------------------------------------------------------------------------------------------

export type AuditFilters = { action?: string; actor?: string; targetType?: string; targetId?: string; from?: Date; to?: Date };

export async function listAudit(db: Db, organizationId: string, filters: AuditFilters, page: { limit: number; offset: number }) {
  const clauses: (SQL | undefined)[] = [eq(auditLog.organizationId, organizationId)];
  if (filters.action?.endsWith(".*")) {
    // "survey.*" lists a family of actions; LIKE wildcards in the value itself are escaped.
    const prefix = filters.action.slice(0, -1).replace(/[\\%_]/g, (m) => `\\${m}`);
    clauses.push(sql`${auditLog.action} LIKE ${`${prefix}%`} ESCAPE '\\'`);
  } else if (filters.action) {
    clauses.push(eq(auditLog.action, filters.action));
  }
  if (filters.actor) {
    // An actor by id, or by part of a person's name or e-mail or an API key's name (people search by name, not id).
    const pattern = `%${filters.actor.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    clauses.push(
      or(
        eq(auditLog.actorId, filters.actor),
        and(eq(auditLog.actorKind, "user"), inArray(auditLog.actorId, db.select({ id: user.id }).from(user).where(sql`${user.name} LIKE ${pattern} ESCAPE '\\' OR ${user.email} LIKE ${pattern} ESCAPE '\\'`))),
        and(
          eq(auditLog.actorKind, "api_key"),
          inArray(auditLog.actorId, db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.organizationId, organizationId), sql`${apiKeys.name} LIKE ${pattern} ESCAPE '\\'`))),
        ),
      ),
    );
  }
  if (filters.targetType) clauses.push(eq(auditLog.targetType, filters.targetType));
  if (filters.targetId) clauses.push(eq(auditLog.targetId, filters.targetId));
  if (filters.from) clauses.push(gte(auditLog.at, filters.from));
  if (filters.to) clauses.push(lt(auditLog.at, filters.to));
  const where = and(...clauses);
  // Not one db.batch: batched results are mapped by column name, and user.name/api_keys.name collide.
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: auditLog.id,
        actorKind: auditLog.actorKind,
        actorId: auditLog.actorId,
        userName: user.name,
        keyName: apiKeys.name,
        action: auditLog.action,
        targetType: auditLog.targetType,
        targetId: auditLog.targetId,
        data: auditLog.data,
        at: auditLog.at,
      })
      .from(auditLog)
      .leftJoin(user, and(eq(auditLog.actorKind, "user"), eq(user.id, auditLog.actorId)))
      .leftJoin(apiKeys, and(eq(auditLog.actorKind, "api_key"), eq(apiKeys.id, auditLog.actorId)))
      .where(where)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(auditLog).where(where),
  ]);
  return {
    total: total?.n ?? 0,
    items: rows.map((r) => ({
      id: r.id,
      actor: { kind: r.actorKind, id: r.actorId, name: r.userName ?? r.keyName ?? null },
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      data: r.data ?? null,
      at: r.at.toISOString(),
    })),
  };
}

export type OrganisationIdentity = { id: string; slug: string; name: string };

/** The one organisation lookup of routes and pages: by id (a principal's) or by slug (a public link). */
export async function findOrganisation(db: Db, by: { id: string } | { slug: string }): Promise<OrganisationIdentity | undefined> {
  return db.query.organization.findFirst({
    where: "id" in by ? eq(organization.id, by.id) : eq(organization.slug, by.slug),
    columns: { id: true, slug: true, name: true },
  });
}

/**
 * A user's membership: in the organisation asked for, or (none asked) their first one.
 * The one membership lookup behind staff sign-in.
 */
export async function findMembership(db: Db, userId: string, organizationId?: string) {
  return db.query.member.findFirst({
    where: organizationId ? and(eq(member.userId, userId), eq(member.organizationId, organizationId)) : eq(member.userId, userId),
    orderBy: asc(member.createdAt),
    columns: { organizationId: true, role: true },
  });
}

export async function findUserEmail(db: Db, userId: string): Promise<string | null> {
  return (await db.query.user.findFirst({ where: eq(user.id, userId), columns: { email: true } }))?.email ?? null;
}
