/**
 * The SLA sweep (cron, every 5 minutes): for every open complaint, compute its SLA status with the
 * organisation's business calendar and policies (src/domain/complaints/sla.ts), plan escalations
 * (escalation.ts) and apply them:
 *
 *   level 1  approaching  → e-mail the owner (the assignee; unassigned: the team; no team: admins)
 *   level 2  breached     → e-mail the team lead (fallback: managers/admins) + `sla_breached` event
 *   level 3  far overdue  → raise priority one step and/or reassign (escalation policy), e-mail the
 *                           escalation managers (members with role manager; fallback admins)
 *
 * Each (milestone, level) happens at most once: it is appended to complaints.escalations in the same
 * batch as its timeline events and e-mails, under the complaint's version check, and the planner
 * skips levels already recorded. Complaints without anything to escalate get their stored due times
 * refreshed (they move while a complaint is paused).
 */
import type { AppBindings, Db } from "../env";
import {
  closedWithoutHandlingSurvey,
  complaintsWithoutSlaOutcomes,
  openComplaintsForSweep,
  organisationPeople,
  versionGuardedColumnsUpdate,
} from "../db/queries/sla-sweep";
import {
  applyComplaintActivity,
  type Complaint,
  type ComplaintTimelineEvent,
  ESCALATION_ACTOR,
  type EscalationRecipient,
  planEscalations,
  type RecordedEscalation,
} from "../domain/complaints";
import {
  commitComplaintWrite,
  type ComplaintOrgContext,
  type ComplaintRow,
  complaintSla,
  loadComplaintContext,
  publicOrigin,
  rowToComplaint,
  slaColumns,
  storedSlaOutcomeColumns,
} from "../db/queries/complaints";
import { assignmentCursorStatements, chooseAssignee, loadTeams, type TeamRouting } from "../db/queries/complaints-config";
import { issueHandlingSurvey, systemPrincipal } from "../db/queries/complaints-handling";
import { emailOutboxRow, type OutboxInsert, STAFF_DESK_COMPLAINT_PATH } from "../db/queries/outbox";
import { driverValue } from "../db/queries/complaints-sql";
import { ProblemError } from "../lib/problem";
import { staffNoticeEmail } from "../domain/complaints/emails";

const SWEEP_LIMIT = 1000;
const HANDLING_SURVEY_RETRY_DAYS = 7;

type OrgPeople = { byRole: Map<string, { id: string; email: string }[]>; emails: Map<string, string> };

async function loadOrgPeople(db: Db, organizationId: string): Promise<OrgPeople> {
  const rows = await organisationPeople(db, organizationId);
  const byRole = new Map<string, { id: string; email: string }[]>();
  for (const row of rows) byRole.set(row.role, [...(byRole.get(row.role) ?? []), { id: row.id, email: row.email }]);
  return { byRole, emails: new Map(rows.map((row) => [row.id, row.email])) };
}

function roleEmails(people: OrgPeople, roles: string[]): string[] {
  for (const role of roles) {
    const found = people.byRole.get(role);
    if (found?.length) return found.map((entry) => entry.email);
  }
  return [];
}

function recipientsFor(recipient: EscalationRecipient, complaint: Complaint, teams: TeamRouting[], people: OrgPeople): string[] {
  const team = teams.find((candidate) => candidate.teamId === complaint.teamId);
  const emailsOf = (ids: (string | null | undefined)[]) => ids.flatMap((id) => (id && people.emails.has(id) ? [people.emails.get(id)!] : []));
  switch (recipient) {
    case "owner": {
      if (complaint.assigneeId) {
        const owner = emailsOf([complaint.assigneeId]);
        if (owner.length) return owner;
      }
      if (team?.memberIds.length) return emailsOf(team.memberIds);
      return roleEmails(people, ["admin", "owner"]);
    }
    case "team_lead": {
      const lead = emailsOf([team?.leadUserId]);
      return lead.length ? lead : roleEmails(people, ["manager", "admin", "owner"]);
    }
    case "escalation_manager":
      return roleEmails(people, ["manager", "admin", "owner"]);
  }
}

function sameInstant(a: unknown, b: unknown): boolean {
  return driverValue(a) === driverValue(b);
}

async function refreshSlaColumns(db: Db, row: ComplaintRow, complaint: Complaint, ctx: ComplaintOrgContext, now: Date): Promise<boolean> {
  const columns = slaColumns(complaint, ctx, now);
  const current: Record<string, unknown> = {
    acknowledge_due_at: row.acknowledgeDueAt,
    first_response_due_at: row.firstResponseDueAt,
    resolution_due_at: row.resolutionDueAt,
    next_due_at: row.nextDueAt,
    sla_paused: row.slaPaused,
    sla_breached: row.slaBreached,
    sla_outcome_basis: row.slaOutcomeBasis,
    received_local_date: row.receivedLocalDate,
    acknowledge_sla_outcome: row.acknowledgeSlaOutcome,
    first_response_sla_outcome: row.firstResponseSlaOutcome,
    resolution_sla_outcome: row.resolutionSlaOutcome,
    acknowledge_breached_after: row.acknowledgeBreachedAfter,
    first_response_breached_after: row.firstResponseBreachedAfter,
    resolution_breached_after: row.resolutionBreachedAfter,
    acknowledge_business_ms: row.acknowledgeBusinessMs,
    first_response_business_ms: row.firstResponseBusinessMs,
    resolution_business_ms: row.resolutionBusinessMs,
  };
  const changed = Object.keys(columns).filter((key) => !sameInstant(columns[key], current[key]));
  if (changed.length === 0) return false;
  // Same version guard as every write, without bumping it: a concurrent change wins and recomputes anyway.
  await versionGuardedColumnsUpdate(db.$client, row, columns, changed).run();
  return true;
}

/** The reason a staff member reads on the timeline: words, not the milestone's code. */
const MILESTONE_WORDS: Record<string, string> = { acknowledge: "acknowledgement", first_response: "first response", resolution: "resolution" };

export type SlaSweepSummary = { checked: number; escalations: number; refreshed: number; handlingSurveys: number; outcomesBackfilled: number };

/** Rows per sweep run whose stored SLA outcomes are filled in (rows from before migration 0004). */
export const SLA_OUTCOME_BACKFILL_LIMIT = 500;

/**
 * Stores the SLA outcomes of up to `limit` complaints that have none (any state; open ones are also
 * refreshed by the sweep itself). Each row is one version-guarded UPDATE, like the due-time
 * refresh: a concurrent write wins and stores its own outcomes. Returns how many were written.
 */
export async function backfillSlaOutcomes(db: Db, now: Date, limit = SLA_OUTCOME_BACKFILL_LIMIT): Promise<number> {
  const pending = await complaintsWithoutSlaOutcomes(db, limit);
  const contexts = new Map<string, ComplaintOrgContext>();
  const updates: D1PreparedStatement[] = [];
  for (const row of pending) {
    let ctx = contexts.get(row.organizationId);
    if (!ctx) {
      ctx = await loadComplaintContext(db, row.organizationId);
      contexts.set(row.organizationId, ctx);
    }
    updates.push(versionGuardedColumnsUpdate(db.$client, row, storedSlaOutcomeColumns(rowToComplaint(row), ctx, now)));
  }
  // Independent rows: one batch is one round trip, and each statement's own guard keeps it safe.
  if (updates.length > 0) await db.$client.batch(updates);
  return updates.length;
}

export async function runSlaSweep(db: Db, env: AppBindings, now: Date): Promise<SlaSweepSummary> {
  const summary: SlaSweepSummary = { checked: 0, escalations: 0, refreshed: 0, handlingSurveys: 0, outcomesBackfilled: 0 };
  const open = await openComplaintsForSweep(db, SWEEP_LIMIT);
  const byOrg = new Map<string, ComplaintRow[]>();
  for (const row of open) byOrg.set(row.organizationId, [...(byOrg.get(row.organizationId) ?? []), row]);

  for (const [organizationId, rows] of byOrg) {
    const ctx = await loadComplaintContext(db, organizationId);
    let teams: TeamRouting[] | null = null;
    let people: OrgPeople | null = null;
    for (const row of rows) {
      summary.checked++;
      try {
        const complaint = rowToComplaint(row);
        const sla = complaintSla(complaint, ctx, now);
        const recorded: RecordedEscalation[] = row.escalations.map((entry) => ({ milestone: entry.milestone as RecordedEscalation["milestone"], level: entry.level as RecordedEscalation["level"] }));
        const plan = planEscalations(
          [{ complaintId: row.id, state: complaint.state, priority: complaint.priority, teamId: complaint.teamId, assigneeId: complaint.assigneeId, sla, recordedEscalations: recorded }],
          ctx.escalation,
          now,
        );
        if (plan.length === 0) {
          if (await refreshSlaColumns(db, row, complaint, ctx, now)) summary.refreshed++;
          continue;
        }
        teams ??= await loadTeams(db, organizationId);
        people ??= await loadOrgPeople(db, organizationId);
        let next = complaint;
        const events: ComplaintTimelineEvent[] = [];
        const outbox: OutboxInsert[] = [];
        let cursorStatements: ((gate: { sql: string; params: unknown[] }, d1: D1Database) => D1PreparedStatement[]) | null = null;
        for (const item of plan) {
          events.push(...item.events);
          for (const action of item.actions) {
            if (action.kind === "raise_priority") {
              const raised = applyComplaintActivity(next, { actor: ESCALATION_ACTOR, activity: { kind: "change_classification", priority: action.to, reason: `SLA escalation level 3: ${MILESTONE_WORDS[item.milestone]} overdue` } }, now);
              if (raised.ok) {
                next = raised.complaint;
                events.push(...raised.events);
              }
            } else if (action.kind === "reassign") {
              const team = teams.find((candidate) => candidate.teamId === action.toTeamId);
              if (!team) continue;
              const choice = await chooseAssignee(db, organizationId, team);
              const assigned = applyComplaintActivity(next, { actor: ESCALATION_ACTOR, activity: { kind: "assign", teamId: team.teamId, assigneeId: choice.assigneeId, reason: "escalation" } }, now);
              if (assigned.ok) {
                next = assigned.complaint;
                events.push(...assigned.events);
                cursorStatements = assignmentCursorStatements(choice);
              }
            } else {
              for (const to of new Set(recipientsFor(action.recipient, next, teams, people))) {
                outbox.push(
                  emailOutboxRow({
                    organizationId,
                    complaintId: row.id,
                    eventType: `complaint.escalation.level${item.level}`,
                    to,
                    content: staffNoticeEmail({
                      kind: "escalation",
                      reference: row.reference,
                      subject: row.subject,
                      category: next.category,
                      deskUrl: `${publicOrigin(env)}${STAFF_DESK_COMPLAINT_PATH}${row.id}`,
                      detail: `Level ${item.level} · ${item.milestone} · due ${sla.milestones[item.milestone].dueAt.toISOString()}${
                        sla.milestones[item.milestone].breached ? ` · overdue ${sla.milestones[item.milestone].overdueMinutes} min` : " · approaching"
                      }`,
                    }),
                    now,
                    dedupeKey: `complaint.escalation:${row.id}:${item.milestone}:${item.level}:${to}`,
                  }),
                );
              }
            }
          }
        }
        const escalations = [...row.escalations, ...plan.map((item) => ({ milestone: item.milestone, level: item.level, at: now.getTime() }))];
        await commitComplaintWrite(db, {
          ctx,
          row,
          next,
          events,
          audit: { actor: { kind: "system", id: ESCALATION_ACTOR.id }, action: "complaint.escalated", data: plan.map((item) => ({ milestone: item.milestone, level: item.level, actions: item.actions })) },
          outbox,
          extraColumns: { escalations },
          extraStatements: cursorStatements ?? undefined,
          now,
        });
        summary.escalations += plan.length;
      } catch (error) {
        // A concurrent staff change wins; the next sweep plans again from the new state.
        if (error instanceof ProblemError && error.problemType === "conflict") continue;
        console.error(JSON.stringify({ level: "error", message: "SLA sweep failed for a complaint", complaintId: row.id, error: String(error) }));
      }
    }
  }

  summary.outcomesBackfilled = await backfillSlaOutcomes(db, now);

  // Closed complaints whose handling-survey invitation failed at closing time get it now.
  const unsurveyed = await closedWithoutHandlingSurvey(db, new Date(now.getTime() - HANDLING_SURVEY_RETRY_DAYS * 86_400_000), 50);
  const slugs = new Map<string, string>();
  for (const row of unsurveyed) {
    try {
      if (!slugs.has(row.organizationId)) slugs.set(row.organizationId, (await loadComplaintContext(db, row.organizationId)).organizationSlug);
      const ids = await issueHandlingSurvey(db, env, row, slugs.get(row.organizationId)!, systemPrincipal(row.organizationId), now);
      summary.handlingSurveys += ids.length > 0 || row.contactEmail === null ? 1 : 0;
    } catch (error) {
      console.error(JSON.stringify({ level: "error", message: "handling survey retry failed", complaintId: row.id, error: String(error) }));
    }
  }
  return summary;
}
