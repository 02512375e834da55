/**
 * Routing again once a complaint's text is scored (issue 14). Intake routes before the text engine
 * has suggested a category, so rules on `suggestedCategory` apply when the suggestion is stored: the
 * scorer adds these statements to the batch that stores the score and the suggestion, the complaint
 * update gated on that batch's score write (a redelivered message finds the row scored and routes
 * nothing) and on the complaint's version (a change made meanwhile wins).
 */
import { and, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "../../env";
import { complaintEvents, complaints } from "../schema";
import { applyComplaintActivity, routeOnSuggestion } from "../../domain/complaints";
import { staffNoticeEmail } from "../../domain/complaints/emails";
import { actorForAudit, complaintWriteStatements, loadComplaintContext, rowToComplaint, userContacts } from "./complaints";
import { assignmentCursorStatements, chooseAssignee, loadTeams, ROUTING_ACTOR, type TeamRouting } from "./complaints-config";
import type { Gate } from "./complaints-sql";
import { emailOutboxRow, type OutboxInsert, STAFF_DESK_COMPLAINT_PATH } from "./outbox";

/** Whether a person (not intake or routing) has set this complaint's owner or category. */
async function decidedByPerson(db: Db, organizationId: string, complaintId: string): Promise<boolean> {
  const row = await db
    .select({ id: complaintEvents.id })
    .from(complaintEvents)
    .where(
      and(
        eq(complaintEvents.organizationId, organizationId),
        eq(complaintEvents.complaintId, complaintId),
        inArray(complaintEvents.type, ["assigned", "classification_changed"]),
        ne(complaintEvents.actorKind, "system"),
      ),
    )
    .limit(1);
  return row.length > 0;
}

/**
 * The statements that move a complaint to the team its routing rules choose now that the text's
 * suggestion is known, with the team's assignee, a timeline event, an audit row and the assignee's
 * notice (when `deskOrigin` is given) — or nothing to do. `scoreGate` holds when this delivery's
 * score write applied.
 */
export async function rerouteOnSuggestionStatements(
  db: Db,
  input: {
    organizationId: string;
    complaintId: string;
    suggestedCategory: string | null;
    scoreGate: Gate;
    now: Date;
    deskOrigin: string | null;
    /** The organisation's teams, shared by the complaints of one batch (a round-robin cursor advances in it). */
    teams?: Map<string, TeamRouting[]>;
  },
): Promise<{ statements: D1PreparedStatement[]; outboxIds: string[] } | null> {
  if (!input.suggestedCategory) return null;
  const row = await db.query.complaints.findFirst({ where: and(eq(complaints.organizationId, input.organizationId), eq(complaints.id, input.complaintId)) });
  if (!row) return null;
  const ctx = await loadComplaintContext(db, input.organizationId);
  if (!ctx.routing) return null;
  const complaint = rowToComplaint(row);
  const decision = routeOnSuggestion(ctx.routing, { ...complaint, suggestedCategory: input.suggestedCategory }, await decidedByPerson(db, input.organizationId, input.complaintId));
  if (!decision) return null;
  const teams = input.teams?.get(input.organizationId) ?? (await loadTeams(db, input.organizationId));
  input.teams?.set(input.organizationId, teams);
  const team = teams.find((candidate) => candidate.teamId === decision.teamId);
  if (!team) return null;
  const choice = await chooseAssignee(db, input.organizationId, team);
  const activity = { kind: "assign" as const, teamId: team.teamId, assigneeId: choice.assigneeId, reason: decision.ruleId ? ("routing_rule" as const) : choice.reason, ...(decision.ruleId ? { ruleId: decision.ruleId } : {}) };
  const assigned = applyComplaintActivity(complaint, { actor: ROUTING_ACTOR, activity }, input.now);
  // A closed complaint is not routed any more.
  if (!assigned.ok) return null;

  const outbox: OutboxInsert[] = [];
  const assignee = choice.assigneeId && input.deskOrigin !== null ? (await userContacts(db, [choice.assigneeId])).get(choice.assigneeId) : undefined;
  if (assignee) {
    outbox.push(
      emailOutboxRow({
        organizationId: row.organizationId,
        complaintId: row.id,
        eventType: "complaint.assigned",
        to: assignee.email,
        content: staffNoticeEmail({ kind: "assigned", reference: row.reference, subject: row.subject, category: row.category, deskUrl: `${input.deskOrigin}${STAFF_DESK_COMPLAINT_PATH}${row.id}` }),
        now: input.now,
      }),
    );
  }
  const statements = complaintWriteStatements(
    db.$client,
    {
      ctx,
      row,
      next: assigned.complaint,
      events: assigned.events,
      audit: { actor: actorForAudit(ROUTING_ACTOR), action: "complaint.assigned", data: { ...activity, suggestedCategory: input.suggestedCategory } },
      outbox,
      extraStatements: assignmentCursorStatements(choice),
      now: input.now,
    },
    input.scoreGate,
  );
  return { statements, outboxIds: outbox.map((item) => item.id) };
}
