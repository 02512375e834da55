/**
 * Complaint configuration per organisation: routing rules, SLA policies and escalation, extra
 * categories, the business calendar (organization_settings), and teams. Team membership is
 * better-auth's `team`/`teamMember`; `complaint_teams` adds the lead, the assignment strategy and
 * the round-robin cursor. Also the within-team assignment used at intake and on escalation.
 */
import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { complaintEvents, complaints, complaintSettings, complaintTeams, member, organizationSettings, team, teamMember, user } from "../schema";
import {
  type AssignmentReason,
  type AssignmentStrategy,
  BusinessCalendarSchema,
  type BusinessCalendarInput,
  type ComplaintActor,
  type ComplaintRoutingConfig,
  type EscalationPolicy,
  leastOpenLoadAssignee,
  nextRoundRobinAssignee,
  type SlaPolicySet,
} from "../../domain/complaints";
import { base64Url } from "../../lib/hmac";
import { newId } from "../../lib/ids";
import { notFound, ProblemError, validationProblem, type FieldError } from "../../lib/problem";
import { auditInsert } from "./audit";
import { gatedInsert, type Gate } from "./complaints-sql";
import { clearStoredSlaOutcomes, type OrganizationCondition } from "./complaints";

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

async function upsertComplaintSettings(db: Db, principal: Principal, set: Partial<typeof complaintSettings.$inferInsert>, action: string, data: unknown) {
  const now = new Date();
  await db.batch([
    db
      .insert(complaintSettings)
      .values({ organizationId: principal.organizationId, updatedAt: now, ...set })
      .onConflictDoUpdate({ target: complaintSettings.organizationId, set: { ...set, updatedAt: now } }),
    auditInsert(db, principal, { action, targetType: "organization", targetId: principal.organizationId, data }),
    ...(set.slaPolicies === undefined ? [] : [clearStoredSlaOutcomes(db, principal.organizationId)]),
  ]);
}

/** Team ids that do not belong to the organisation, as field errors. */
async function foreignTeamErrors(db: Db, organizationId: string, references: { field: string; teamId: string }[]): Promise<FieldError[]> {
  const ids = [...new Set(references.map((reference) => reference.teamId))];
  if (ids.length === 0) return [];
  const rows = await db.select({ id: team.id }).from(team).where(and(eq(team.organizationId, organizationId), inArray(team.id, ids)));
  const known = new Set(rows.map((row) => row.id));
  return references
    .filter((reference) => !known.has(reference.teamId))
    .map((reference) => ({ field: reference.field, code: "unknown_team", message: `team ${reference.teamId} does not exist in this organisation` }));
}

export async function saveRoutingConfig(db: Db, principal: Principal, config: ComplaintRoutingConfig): Promise<void> {
  const errors = await foreignTeamErrors(db, principal.organizationId, [
    { field: "defaultTeamId", teamId: config.defaultTeamId },
    ...config.rules.map((rule, index) => ({ field: `rules.${index}.teamId`, teamId: rule.teamId })),
  ]);
  if (errors.length > 0) throw validationProblem(errors);
  await upsertComplaintSettings(db, principal, { routing: config }, "complaints.routing_updated", { rules: config.rules.length });
}

export async function saveSlaPolicies(db: Db, principal: Principal, policies: SlaPolicySet, escalation: EscalationPolicy): Promise<void> {
  if (escalation.level3ReassignTeamId) {
    const errors = await foreignTeamErrors(db, principal.organizationId, [{ field: "escalation.level3ReassignTeamId", teamId: escalation.level3ReassignTeamId }]);
    if (errors.length > 0) throw validationProblem(errors);
  }
  await upsertComplaintSettings(db, principal, { slaPolicies: policies, escalation }, "complaints.sla_updated", { policies: policies.length });
}

export async function saveComplaintCategories(db: Db, principal: Principal, categories: string[]): Promise<void> {
  await upsertComplaintSettings(db, principal, { categories }, "complaints.categories_updated", { categories });
}

export async function saveBusinessCalendar(db: Db, principal: Principal, input: BusinessCalendarInput): Promise<void> {
  const calendar = BusinessCalendarSchema.parse(input);
  const { timeZone, ...rest } = calendar;
  await db.batch([
    db
      .insert(organizationSettings)
      .values({ organizationId: principal.organizationId, timeZone, businessCalendar: rest })
      .onConflictDoUpdate({ target: organizationSettings.organizationId, set: { timeZone, businessCalendar: rest } }),
    auditInsert(db, principal, { action: "organization.calendar_updated", targetType: "organization", targetId: principal.organizationId, data: calendar }),
    clearStoredSlaOutcomes(db, principal.organizationId),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Teams
// ---------------------------------------------------------------------------------------------

/** Who routes: intake, and routing again when the text's suggestion arrives. */
export const ROUTING_ACTOR: ComplaintActor = { kind: "system", id: "routing", name: "Routing" };

export type TeamRouting = {
  teamId: string;
  name: string;
  leadUserId: string | null;
  strategy: AssignmentStrategy;
  cursor: string | null;
  /** Current team members who are still members of the organisation. */
  memberIds: string[];
};

/** The reads team routing is built from, for one organisation or a set of them. */
export function teamRoutingReads(db: Db, organizations: OrganizationCondition) {
  return [
    db.select({ id: team.id, name: team.name, organizationId: team.organizationId }).from(team).where(organizations(team.organizationId)).orderBy(asc(team.name)),
    db.select().from(complaintTeams).where(organizations(complaintTeams.organizationId)),
    db
      .select({ teamId: teamMember.teamId, userId: teamMember.userId })
      .from(teamMember)
      .innerJoin(team, eq(team.id, teamMember.teamId))
      .innerJoin(member, and(eq(member.organizationId, team.organizationId), eq(member.userId, teamMember.userId)))
      .where(organizations(team.organizationId)),
  ] as const;
}

/** One organisation's teams (ordered by name) with their routing settings and current members. */
export function teamRoutingFrom(
  organizationId: string,
  teams: { id: string; name: string; organizationId: string }[],
  settings: (typeof complaintTeams.$inferSelect)[],
  members: { teamId: string; userId: string }[],
): TeamRouting[] {
  return teams
    .filter((row) => row.organizationId === organizationId)
    .map((row) => {
      const setting = settings.find((s) => s.teamId === row.id);
      return {
        teamId: row.id,
        name: row.name,
        leadUserId: setting?.leadUserId ?? null,
        strategy: setting?.strategy ?? "round_robin",
        cursor: setting?.roundRobinCursor ?? null,
        memberIds: [...new Set(members.filter((m) => m.teamId === row.id).map((m) => m.userId))].sort(),
      };
    });
}

export async function loadTeams(db: Db, organizationId: string): Promise<TeamRouting[]> {
  const [teams, settings, members] = await db.batch(teamRoutingReads(db, (column) => eq(column, organizationId)));
  return teamRoutingFrom(organizationId, teams, settings, members);
}

export type AssignmentChoice = {
  teamId: string;
  assigneeId: string | null;
  reason: AssignmentReason;
  /**
   * The round-robin team's cursor after this choice, a `complaint_teams` row to write in the complaint's
   * batch, gated on its write (`ROUND_ROBIN_CURSOR_UPSERT`); null for a strategy without one.
   */
  cursorRow: Record<string, unknown> | null;
};

/** How a round-robin team's cursor row is written: the assignment's row replaces the stored cursor. */
export const ROUND_ROBIN_CURSOR_UPSERT = "(team_id) DO UPDATE SET round_robin_cursor = excluded.round_robin_cursor, updated_at = excluded.updated_at";

/** The statements that store `choice`'s cursor row in a complaint write's batch (none without one). */
export function assignmentCursorStatements(choice: AssignmentChoice): (gate: Gate, d1: D1Database) => D1PreparedStatement[] {
  const row = choice.cursorRow;
  return (gate, d1) => (row ? [gatedInsert(d1, "complaint_teams", row, gate, { upsert: ROUND_ROBIN_CURSOR_UPSERT })] : []);
}

/** Open complaints and the last assignment per member, what least-open-load assignment weighs. */
export type AssigneeLoads = { open: Map<string, number>; lastAssignedAt: Map<string, Date> };

/**
 * The reads behind AssigneeLoads: open complaints per assignee among `assignees`, and the last
 * `assigned` event per assignee, within the organisations of `organizations`.
 */
export function assigneeLoadReads(db: Db, organizations: OrganizationCondition, assignees: SQL) {
  const assigneeOfEvent = sql<string>`json_extract(${complaintEvents.data}, '$.assigneeId')`;
  return [
    db
      .select({ organizationId: complaints.organizationId, assigneeId: complaints.assigneeId, open: sql<number>`sum(${complaints.state} != 'closed')` })
      .from(complaints)
      .where(and(organizations(complaints.organizationId), assignees))
      .groupBy(complaints.organizationId, complaints.assigneeId),
    db
      .select({ organizationId: complaintEvents.organizationId, assigneeId: assigneeOfEvent, at: sql<number>`max(${complaintEvents.at})` })
      .from(complaintEvents)
      .where(and(organizations(complaintEvents.organizationId), eq(complaintEvents.type, "assigned")))
      .groupBy(complaintEvents.organizationId, assigneeOfEvent),
  ] as const;
}

export function assigneeLoadsFrom(
  organizationId: string,
  open: { organizationId: string; assigneeId: string | null; open: number }[],
  last: { organizationId: string; assigneeId: string; at: number }[],
): AssigneeLoads {
  const loads: AssigneeLoads = { open: new Map(), lastAssignedAt: new Map() };
  for (const row of open) if (row.organizationId === organizationId && row.assigneeId) loads.open.set(row.assigneeId, row.open);
  for (const row of last) if (row.organizationId === organizationId && row.assigneeId) loads.lastAssignedAt.set(row.assigneeId, new Date(row.at));
  return loads;
}

/**
 * Who in `team` gets the next complaint, by the team's strategy, from loads already read (the
 * follow-up reads them once for a whole batch and records each choice in them and in the team's
 * cursor, so the next complaint of the same batch sees it).
 */
export function chooseAssigneeFrom(organizationId: string, routing: TeamRouting, loads: AssigneeLoads | null, now: Date): AssignmentChoice {
  const none = { cursorRow: null };
  if (routing.memberIds.length === 0) return { teamId: routing.teamId, assigneeId: null, reason: routing.strategy, ...none };
  if (routing.strategy === "round_robin") {
    const result = nextRoundRobinAssignee(routing.memberIds.map((id) => ({ id, active: true })), routing.cursor);
    routing.cursor = result.cursor;
    const cursorRow = { team_id: routing.teamId, organization_id: organizationId, round_robin_cursor: result.cursor, strategy: "round_robin", updated_at: now.getTime() };
    return {
      teamId: routing.teamId,
      assigneeId: result.assigneeId,
      reason: "round_robin",
      cursorRow,
    };
  }
  const assigneeId = leastOpenLoadAssignee(
    routing.memberIds.map((id) => ({ id, active: true, openCount: loads?.open.get(id) ?? 0, lastAssignedAt: loads?.lastAssignedAt.get(id) ?? null })),
  );
  if (assigneeId && loads) {
    loads.open.set(assigneeId, (loads.open.get(assigneeId) ?? 0) + 1);
    loads.lastAssignedAt.set(assigneeId, now);
  }
  return { teamId: routing.teamId, assigneeId, reason: "least_open_load", ...none };
}

/** Who in `team` gets the next complaint, by the team's strategy. */
export async function chooseAssignee(db: Db, organizationId: string, routing: TeamRouting): Promise<AssignmentChoice> {
  const now = new Date();
  if (routing.strategy === "round_robin" || routing.memberIds.length === 0) return chooseAssigneeFrom(organizationId, routing, null, now);
  const [open, last] = await db.batch(assigneeLoadReads(db, (column) => eq(column, organizationId), inArray(complaints.assigneeId, routing.memberIds)));
  return chooseAssigneeFrom(organizationId, routing, assigneeLoadsFrom(organizationId, open, last), now);
}

async function assertOrgMembers(db: Db, organizationId: string, userIds: string[], field: string): Promise<void> {
  const wanted = [...new Set(userIds)];
  if (wanted.length === 0) return;
  const rows = await db.select({ userId: member.userId }).from(member).where(and(eq(member.organizationId, organizationId), inArray(member.userId, wanted)));
  const known = new Set(rows.map((row) => row.userId));
  const errors = wanted
    .filter((id) => !known.has(id))
    .map((id) => ({ field, code: "unknown_member", message: `user ${id} is not a member of this organisation` }));
  if (errors.length > 0) throw validationProblem(errors);
}

export async function isOrgMember(db: Db, organizationId: string, userId: string): Promise<boolean> {
  const row = await db.query.member.findFirst({ where: and(eq(member.organizationId, organizationId), eq(member.userId, userId)), columns: { id: true } });
  return Boolean(row);
}

export async function teamExists(db: Db, organizationId: string, teamId: string): Promise<boolean> {
  const row = await db.query.team.findFirst({ where: and(eq(team.organizationId, organizationId), eq(team.id, teamId)), columns: { id: true } });
  return Boolean(row);
}

/** better-auth's teamMember.membershipKey: base64url(SHA-256(JSON [teamId, userId])), no padding. */
async function membershipKey(teamId: string, userId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify([teamId, userId])));
  return base64Url(new Uint8Array(digest));
}

export type TeamInput = { name: string; leadUserId?: string | null; strategy?: AssignmentStrategy; memberIds?: string[] };

async function memberRows(teamId: string, memberIds: string[], now: Date) {
  return Promise.all(
    [...new Set(memberIds)].map(async (userId) => ({ id: newId("tm"), teamId, userId, membershipKey: await membershipKey(teamId, userId), createdAt: now })),
  );
}

export async function createTeam(db: Db, principal: Principal, input: TeamInput): Promise<string> {
  await assertOrgMembers(db, principal.organizationId, input.memberIds ?? [], "memberIds");
  if (input.leadUserId) await assertOrgMembers(db, principal.organizationId, [input.leadUserId], "leadUserId");
  const now = new Date();
  const teamId = newId("team");
  const members = await memberRows(teamId, input.memberIds ?? [], now);
  await db.batch([
    db.insert(team).values({ id: teamId, name: input.name, organizationId: principal.organizationId, memberCount: members.length, createdAt: now, updatedAt: now }),
    ...(members.length > 0 ? [db.insert(teamMember).values(members)] : []),
    db.insert(complaintTeams).values({
      teamId,
      organizationId: principal.organizationId,
      leadUserId: input.leadUserId ?? null,
      strategy: input.strategy ?? "round_robin",
      updatedAt: now,
    }),
    auditInsert(db, principal, { action: "complaints.team_created", targetType: "team", targetId: teamId, data: { name: input.name, members: members.length } }),
  ]);
  return teamId;
}

export async function updateTeam(db: Db, principal: Principal, teamId: string, input: Partial<TeamInput>): Promise<void> {
  if (!(await teamExists(db, principal.organizationId, teamId))) throw notFound(`Team ${teamId}`);
  if (input.memberIds) await assertOrgMembers(db, principal.organizationId, input.memberIds, "memberIds");
  if (input.leadUserId) await assertOrgMembers(db, principal.organizationId, [input.leadUserId], "leadUserId");
  const now = new Date();
  const statements = [];
  if (input.name !== undefined) {
    statements.push(db.update(team).set({ name: input.name, updatedAt: now }).where(and(eq(team.id, teamId), eq(team.organizationId, principal.organizationId))));
  }
  if (input.memberIds) {
    const members = await memberRows(teamId, input.memberIds, now);
    statements.push(db.delete(teamMember).where(eq(teamMember.teamId, teamId)));
    if (members.length > 0) statements.push(db.insert(teamMember).values(members));
    statements.push(db.update(team).set({ memberCount: members.length, updatedAt: now }).where(eq(team.id, teamId)));
  }
  const routingSet: Partial<typeof complaintTeams.$inferInsert> = { updatedAt: now };
  if (input.leadUserId !== undefined) routingSet.leadUserId = input.leadUserId;
  if (input.strategy !== undefined) routingSet.strategy = input.strategy;
  statements.push(
    db
      .insert(complaintTeams)
      .values({ teamId, organizationId: principal.organizationId, leadUserId: input.leadUserId ?? null, strategy: input.strategy ?? "round_robin", updatedAt: now })
      .onConflictDoUpdate({ target: complaintTeams.teamId, set: routingSet }),
    auditInsert(db, principal, { action: "complaints.team_updated", targetType: "team", targetId: teamId, data: input }),
  );
  await db.batch(statements as unknown as Parameters<typeof db.batch>[0]);
}

export type TeamView = {
  id: string;
  name: string;
  leadUserId: string | null;
  strategy: AssignmentStrategy;
  members: { userId: string; name: string; email: string; openComplaints: number }[];
};

export async function listTeamViews(db: Db, organizationId: string): Promise<TeamView[]> {
  const teams = await loadTeams(db, organizationId);
  const userIds = [...new Set(teams.flatMap((t) => t.memberIds))];
  if (userIds.length === 0) return teams.map((t) => ({ id: t.teamId, name: t.name, leadUserId: t.leadUserId, strategy: t.strategy, members: [] }));
  const [users, loads] = await db.batch([
    db.select({ id: user.id, name: user.name, email: user.email }).from(user).where(inArray(user.id, userIds)),
    db
      .select({ assigneeId: complaints.assigneeId, open: sql<number>`count(*)` })
      .from(complaints)
      .where(and(eq(complaints.organizationId, organizationId), sql`${complaints.state} != 'closed'`, inArray(complaints.assigneeId, userIds)))
      .groupBy(complaints.assigneeId),
  ]);
  return teams.map((t) => ({
    id: t.teamId,
    name: t.name,
    leadUserId: t.leadUserId,
    strategy: t.strategy,
    members: t.memberIds.map((id) => {
      const u = users.find((candidate) => candidate.id === id);
      return { userId: id, name: u?.name ?? id, email: u?.email ?? "", openComplaints: loads.find((load) => load.assigneeId === id)?.open ?? 0 };
    }),
  }));
}

export function unknownTeam(teamId: string): ProblemError {
  return validationProblem([{ field: "teamId", code: "unknown_team", message: `team ${teamId} does not exist in this organisation` }]);
}
