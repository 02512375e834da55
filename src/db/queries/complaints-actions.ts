/**
 * What staff, customers and automations do to an existing complaint: workflow transitions
 * (src/domain/complaints/state-machine.ts), activities (notes, public replies, assignment,
 * re-classification) and improvement hand-offs. Each is: read → pure domain step → one
 * committed batch (record + timeline + audit + outbox), see complaints.ts.
 */
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { AppBindings, Db, Principal } from "../../env";
import { complaintHandoffs } from "../schema";
import {
  applyComplaintActivity,
  applyComplaintTransition,
  type Complaint,
  type ComplaintActivityInput,
  type ComplaintActor,
  type ComplaintState,
  type ComplaintTimelineEvent,
  type ComplaintTransitionFailureReason,
  type ComplaintTransitionName,
  createImprovementHandoff,
  type ImprovementHandoffInput,
  type ImprovementHandoffStatus,
  routeComplaint,
  zonedLocalDate,
} from "../../domain/complaints";
import { newId } from "../../lib/ids";
import { type FieldError, notFound, ProblemError, validationProblem } from "../../lib/problem";
import { asComplaintLanguage } from "../../domain/complaints/texts";
import { customerUpdateEmail, staffNoticeEmail } from "../../domain/complaints/emails";
import { LINK_PLACEHOLDERS } from "../../domain/email/placeholders";
import { auditInsert } from "./audit";
import {
  type AuditActor,
  type ComplaintOrgContext,
  type ComplaintRow,
  commitComplaintWrite,
  type ComplaintWrite,
  findComplaint,
  loadComplaintContext,
  publicOrigin,
  rowToComplaint,
  userContacts,
} from "./complaints";
import { chooseAssignee, isOrgMember, loadTeams, teamExists, unknownTeam } from "./complaints-config";
import { issueHandlingSurvey, systemPrincipal } from "./complaints-handling";
import { type Gate, gatedInsert } from "./complaints-sql";
import { emailOutboxRow, type OutboxInsert, STAFF_DESK_COMPLAINT_PATH, webhookOutboxRows } from "./outbox";
import { subscribedEndpoints } from "./webhooks";
import { complaintSuggestion, learnCategoryChange } from "./text-scores";

/** Who acts: the workflow actor, the audit actor, and the staff principal when there is one. */
export type ActingParty = { actor: ComplaintActor; audit: AuditActor; principal: Principal | null };

export function staffParty(principal: Principal): ActingParty {
  return { actor: { kind: "staff", id: principal.id, name: principal.name }, audit: { kind: principal.kind, id: principal.id }, principal };
}

export function customerParty(row: Pick<ComplaintRow, "id" | "contactName">): ActingParty {
  const actor: ComplaintActor = { kind: "customer", id: `customer:${row.id}`, ...(row.contactName ? { name: row.contactName } : {}) };
  return { actor, audit: { kind: "customer", id: actor.id }, principal: null };
}

export function systemParty(actor: ComplaintActor): ActingParty {
  return { actor, audit: { kind: "system", id: actor.id }, principal: null };
}

export type ActionResult = { row: ComplaintRow; outboxIds: string[]; events: ComplaintTimelineEvent[]; transition?: ComplaintTransitionName };

function fieldErrors(issues: readonly z.core.$ZodIssue[] | undefined, prefix?: string): FieldError[] {
  return (issues ?? []).map((issue) => ({
    field: [prefix, issue.path.map(String).join(".")].filter(Boolean).join(".") || "(body)",
    code: issue.code,
    message: issue.message,
  }));
}

export function workflowProblem(
  reason: ComplaintTransitionFailureReason,
  message: string,
  issues?: readonly z.core.$ZodIssue[],
  extensions?: Record<string, unknown>,
): ProblemError {
  switch (reason) {
    case "illegal_transition":
      return new ProblemError("illegal-transition", message, { extensions });
    case "forbidden_actor":
      return new ProblemError("forbidden", message, { extensions });
    case "invalid_payload":
      return validationProblem(fieldErrors(issues), message);
  }
}

/** Customer e-mail, staff notices and webhooks for one change. */
export async function notificationsFor(
  db: Db,
  env: AppBindings,
  ctx: ComplaintOrgContext,
  before: ComplaintRow,
  next: Complaint,
  events: ComplaintTimelineEvent[],
  actor: ComplaintActor,
  now: Date,
  transition?: ComplaintTransitionName,
): Promise<OutboxInsert[]> {
  const outbox: OutboxInsert[] = [];
  const stateChanged = before.state !== next.state;
  const language = asComplaintLanguage(before.language);
  const deskUrl = `${publicOrigin(env)}${STAFF_DESK_COMPLAINT_PATH}${before.id}`;

  if (stateChanged) {
    outbox.push(
      ...webhookOutboxRows({
        organizationId: before.organizationId,
        endpoints: await subscribedEndpoints(db, before.organizationId, "complaint.status_changed"),
        eventType: "complaint.status_changed",
        complaintId: before.id,
        data: {
          id: before.id,
          reference: before.reference,
          from: before.state,
          to: next.state,
          transition: transition ?? null,
          priority: next.priority,
          category: next.category,
          actor: { kind: actor.kind },
          at: now.toISOString(),
        },
        now,
      }),
    );
  }

  const publicReply = events.find((event) => event.type === "public_reply" && event.actor.kind !== "customer");
  const customerNews =
    (publicReply !== undefined || (stateChanged && ["responded", "closed", "waiting_on_customer"].includes(next.state))) && actor.kind !== "customer";
  if (customerNews && before.contactEmail && !before.anonymous) {
    outbox.push(
      emailOutboxRow({
        organizationId: before.organizationId,
        complaintId: before.id,
        eventType: "complaint.update",
        to: before.contactEmail,
        language,
        content: customerUpdateEmail({
          language,
          reference: before.reference,
          state: next.state,
          replyText: publicReply && publicReply.type === "public_reply" ? publicReply.data.text : null,
          replyFiles: publicReply && publicReply.type === "public_reply" ? (publicReply.data.attachments ?? []).map((file) => file.filename) : [],
          proposedRemedy: next.proposedRemedy,
          statusUrl: LINK_PLACEHOLDERS.statusUrl,
        }),
        now,
        options: { replyToComplaint: true },
      }),
    );
  }

  const staffRecipients: { userId: string; kind: "customer_message" | "assigned"; detail?: string }[] = [];
  if (actor.kind === "customer" && next.assigneeId) {
    const message = events.find((event) => event.type === "public_reply");
    const detail =
      transition === "accept_remedy"
        ? "The customer accepted the remedy. / 客户已接受处理方案。"
        : transition === "reject_remedy"
          ? "The customer rejected the remedy. / 客户拒绝了处理方案。"
          : message?.type === "public_reply"
            ? message.data.text
            : undefined;
    staffRecipients.push({ userId: next.assigneeId, kind: "customer_message", detail });
  }
  for (const event of events) {
    if (event.type === "assigned" && event.data.assigneeId && event.data.assigneeId !== event.data.previousAssigneeId && event.data.assigneeId !== actor.id) {
      staffRecipients.push({ userId: event.data.assigneeId, kind: "assigned" });
    }
  }
  if (staffRecipients.length > 0) {
    const contacts = await userContacts(db, staffRecipients.map((recipient) => recipient.userId));
    for (const recipient of staffRecipients) {
      const contact = contacts.get(recipient.userId);
      if (!contact) continue;
      outbox.push(
        emailOutboxRow({
          organizationId: before.organizationId,
          complaintId: before.id,
          eventType: `complaint.${recipient.kind}`,
          to: contact.email,
          content: staffNoticeEmail({ kind: recipient.kind, reference: before.reference, subject: before.subject, category: next.category, deskUrl, detail: recipient.detail }),
          now,
        }),
      );
    }
  }
  void ctx;
  return outbox;
}

/** After a close: the handling-survey invitation (best effort; the cron sweep retries). */
async function afterClose(db: Db, env: AppBindings, ctx: ComplaintOrgContext, row: ComplaintRow, party: ActingParty, now: Date): Promise<string[]> {
  if (row.state !== "closed" || row.handlingInvitationId) return [];
  try {
    return await issueHandlingSurvey(db, env, row, ctx.organizationSlug, party.principal ?? systemPrincipal(row.organizationId), now);
  } catch (error) {
    console.error(JSON.stringify({ level: "error", message: "handling survey invitation failed; the cron will retry", complaintId: row.id, error: String(error) }));
    return [];
  }
}

export async function transitionComplaint(
  db: Db,
  env: AppBindings,
  input: {
    organizationId: string;
    complaintId: string;
    row?: ComplaintRow;
    party: ActingParty;
    to: ComplaintState;
    payload: unknown;
    now: Date;
    /** More statements of the same write (e.g. the inbound e-mail record), gated on its nonce. */
    extraStatements?: (gate: Gate, d1: D1Database) => D1PreparedStatement[];
  },
): Promise<ActionResult> {
  const row = input.row ?? (await findComplaint(db, input.organizationId, input.complaintId));
  const ctx = await loadComplaintContext(db, row.organizationId);
  const result = applyComplaintTransition(rowToComplaint(row), { to: input.to, actor: input.party.actor, payload: input.payload }, input.now);
  if (!result.ok) throw workflowProblem(result.reason, result.message, result.issues, { from: row.state, to: input.to });
  const outbox = await notificationsFor(db, env, ctx, row, result.complaint, result.events, input.party.actor, input.now, result.transition);
  const committed = await commitComplaintWrite(db, {
    ctx,
    row,
    next: result.complaint,
    events: result.events,
    audit: { actor: input.party.audit, action: `complaint.${result.transition}`, data: { from: row.state, to: result.complaint.state } },
    outbox,
    extraStatements: input.extraStatements,
    now: input.now,
  });
  const surveyOutbox = await afterClose(db, env, ctx, committed.row, input.party, input.now);
  const finalRow = surveyOutbox.length > 0 || committed.row.state === "closed" ? await findComplaint(db, row.organizationId, row.id) : committed.row;
  return { row: finalRow, outboxIds: [...committed.outboxIds, ...surveyOutbox], events: result.events, transition: result.transition };
}

/** Team and assignee must belong to the organisation (and the assignee to the team, when both are given). */
async function validateAssignment(db: Db, organizationId: string, teamId: string | null, assigneeId: string | null): Promise<void> {
  if (teamId && !(await teamExists(db, organizationId, teamId))) throw unknownTeam(teamId);
  if (assigneeId && !(await isOrgMember(db, organizationId, assigneeId))) {
    throw validationProblem([{ field: "assigneeId", code: "unknown_member", message: `user ${assigneeId} is not a member of this organisation` }]);
  }
}

export type AssignmentRequest = { auto: true } | { auto?: false; teamId?: string | null; assigneeId?: string | null };

export async function complaintActivity(
  db: Db,
  env: AppBindings,
  input: {
    organizationId: string;
    complaintId: string;
    party: ActingParty;
    activity: ComplaintActivityInput;
    now: Date;
    action: string;
    /** Rows that belong to this activity (a reply's attachment index), written in its batch behind its gate. */
    extraStatements?: ComplaintWrite["extraStatements"];
  },
): Promise<ActionResult> {
  const row = await findComplaint(db, input.organizationId, input.complaintId);
  if (input.activity.kind === "assign") await validateAssignment(db, input.organizationId, input.activity.teamId ?? null, input.activity.assigneeId ?? null);
  const ctx = await loadComplaintContext(db, row.organizationId);
  const result = applyComplaintActivity(rowToComplaint(row), { actor: input.party.actor, activity: input.activity }, input.now);
  if (!result.ok) throw workflowProblem(result.reason, result.message, result.issues, { state: row.state });
  if (result.events.length === 0) return { row, outboxIds: [], events: [] };
  const outbox = await notificationsFor(db, env, ctx, row, result.complaint, result.events, input.party.actor, input.now);
  const committed = await commitComplaintWrite(db, {
    ctx,
    row,
    next: result.complaint,
    events: result.events,
    audit: { actor: input.party.audit, action: input.action, data: input.activity },
    outbox,
    now: input.now,
    extraStatements: input.extraStatements,
  });
  // A person's new category teaches the organisation's text model, once per committed change.
  const recategorised = result.events.find((event) => event.type === "classification_changed" && event.data.category);
  if (recategorised && input.party.actor.kind === "staff" && result.complaint.category) {
    await learnCategoryChange(db, { organizationId: input.organizationId, complaintId: input.complaintId, category: result.complaint.category, decidedBy: input.party.actor.id, now: input.now });
  }
  return { ...committed, events: result.events };
}

/** Manual (re)assignment, or `auto`: the routing rules and the team's strategy decide. */
export async function assignComplaint(
  db: Db,
  env: AppBindings,
  input: { organizationId: string; complaintId: string; party: ActingParty; request: AssignmentRequest; now: Date },
): Promise<ActionResult> {
  if (!input.request.auto) {
    const current = await findComplaint(db, input.organizationId, input.complaintId);
    const teamId = input.request.teamId === undefined ? current.teamId : input.request.teamId;
    const assigneeId = input.request.assigneeId === undefined ? current.assigneeId : input.request.assigneeId;
    return complaintActivity(db, env, {
      ...input,
      activity: { kind: "assign", teamId, assigneeId, reason: "manual" },
      action: "complaint.assigned",
    });
  }
  const row = await findComplaint(db, input.organizationId, input.complaintId);
  const ctx = await loadComplaintContext(db, input.organizationId);
  if (!ctx.routing) throw new ProblemError("conflict", "No routing rules are configured; assign the complaint manually or configure routing first.");
  // Routing again sees what the text engine suggested since intake (scoring runs after the first routing).
  const suggestion = await complaintSuggestion(db, input.organizationId, input.complaintId);
  const decision = routeComplaint(ctx.routing, { ...rowToComplaint(row), suggestedCategory: suggestion?.decision ? null : (suggestion?.suggestedCategory ?? null) });
  const team = (await loadTeams(db, input.organizationId)).find((candidate) => candidate.teamId === decision.teamId);
  if (!team) throw new ProblemError("conflict", `The routing rules chose team ${decision.teamId}, which no longer exists.`);
  const choice = await chooseAssignee(db, input.organizationId, team);
  return complaintActivity(db, env, {
    ...input,
    activity: { kind: "assign", teamId: team.teamId, assigneeId: choice.assigneeId, reason: decision.ruleId ? "routing_rule" : choice.reason, ...(decision.ruleId ? { ruleId: decision.ruleId } : {}) },
    action: "complaint.assigned",
  });
}

export type HandoffView = {
  id: string;
  complaintId: string;
  rootCause: string;
  correctiveAction: string;
  preventiveAction: string | null;
  ownerId: string;
  ownerTeamId: string | null;
  dueDate: string;
  status: ImprovementHandoffStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

export function handoffView(row: typeof complaintHandoffs.$inferSelect): HandoffView {
  return {
    id: row.id,
    complaintId: row.complaintId,
    rootCause: row.rootCause,
    correctiveAction: row.correctiveAction,
    preventiveAction: row.preventiveAction,
    ownerId: row.ownerId,
    ownerTeamId: row.ownerTeamId,
    dueDate: row.dueDate,
    status: row.status,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function createHandoff(
  db: Db,
  env: AppBindings,
  input: { organizationId: string; complaintId: string; party: ActingParty; handoff: Omit<ImprovementHandoffInput, "id">; now: Date },
): Promise<{ handoff: HandoffView; row: ComplaintRow; outboxIds: string[] }> {
  const row = await findComplaint(db, input.organizationId, input.complaintId);
  const ownerTeamId = input.handoff.ownerTeamId ?? null;
  if (!(await isOrgMember(db, input.organizationId, input.handoff.ownerId))) {
    throw validationProblem([{ field: "ownerId", code: "unknown_member", message: `user ${input.handoff.ownerId} is not a member of this organisation` }]);
  }
  if (ownerTeamId && !(await teamExists(db, input.organizationId, ownerTeamId))) throw unknownTeam(ownerTeamId);
  const ctx = await loadComplaintContext(db, input.organizationId);
  const today = zonedLocalDate(input.now, ctx.timeZone);
  if (input.handoff.dueDate < today) {
    throw validationProblem([{ field: "dueDate", code: "in_the_past", message: `must be today (${today}) or later in the organisation's time zone` }]);
  }
  const complaint = rowToComplaint(row);
  const result = createImprovementHandoff(complaint, { ...input.handoff, id: newId("hof") }, input.party.actor, input.now);
  if (!result.ok) throw workflowProblem(result.reason, result.message, result.issues);
  const { handoff } = result;
  const owner = (await userContacts(db, [handoff.ownerId])).get(handoff.ownerId);
  const outbox: OutboxInsert[] = owner
    ? [
        emailOutboxRow({
          organizationId: row.organizationId,
          complaintId: row.id,
          eventType: "complaint.handoff",
          to: owner.email,
          content: staffNoticeEmail({
            kind: "handoff",
            reference: row.reference,
            subject: row.subject,
            category: row.category,
            deskUrl: `${publicOrigin(env)}${STAFF_DESK_COMPLAINT_PATH}${row.id}`,
            detail: `Root cause: ${handoff.rootCause}\nCorrective action: ${handoff.correctiveAction}\nDue: ${handoff.dueDate}`,
          }),
          now: input.now,
        }),
      ]
    : [];
  const committed = await commitComplaintWrite(db, {
    ctx,
    row,
    next: complaint,
    events: [result.event],
    audit: { actor: input.party.audit, action: "complaint.handed_off", data: { handoffId: handoff.id, ownerId: handoff.ownerId } },
    outbox,
    extraStatements: (gate, d1) => [
      gatedInsert(
        d1,
        "complaint_handoffs",
        {
          id: handoff.id,
          organization_id: row.organizationId,
          complaint_id: row.id,
          root_cause: handoff.rootCause,
          corrective_action: handoff.correctiveAction,
          preventive_action: handoff.preventiveAction ?? null,
          owner_id: handoff.ownerId,
          owner_team_id: handoff.ownerTeamId,
          due_date: handoff.dueDate,
          status: "open",
          created_by: handoff.createdBy,
          created_at: input.now,
          updated_at: input.now,
        },
        gate,
      ),
    ],
    now: input.now,
  });
  const stored = await db.query.complaintHandoffs.findFirst({ where: eq(complaintHandoffs.id, handoff.id) });
  if (!stored) throw new Error(`hand-off ${handoff.id} was not stored`);
  return { handoff: handoffView(stored), row: committed.row, outboxIds: committed.outboxIds };
}

export async function updateHandoffStatus(
  db: Db,
  principal: Principal,
  complaintId: string,
  handoffId: string,
  status: ImprovementHandoffStatus,
): Promise<HandoffView> {
  const where = and(
    eq(complaintHandoffs.id, handoffId),
    eq(complaintHandoffs.complaintId, complaintId),
    eq(complaintHandoffs.organizationId, principal.organizationId),
  );
  const existing = await db.query.complaintHandoffs.findFirst({ where });
  if (!existing) throw notFound(`Hand-off ${handoffId}`);
  await db.batch([
    db.update(complaintHandoffs).set({ status, updatedAt: new Date() }).where(where),
    auditInsert(db, principal, { action: "complaint.handoff_updated", targetType: "complaint_handoff", targetId: handoffId, data: { status } }),
  ]);
  return handoffView((await db.query.complaintHandoffs.findFirst({ where }))!);
}

export async function listHandoffs(db: Db, organizationId: string, complaintId: string): Promise<HandoffView[]> {
  const rows = await db
    .select()
    .from(complaintHandoffs)
    .where(and(eq(complaintHandoffs.organizationId, organizationId), eq(complaintHandoffs.complaintId, complaintId)))
    .orderBy(complaintHandoffs.createdAt);
  return rows.map(handoffView);
}
