/**
 * Things staff and automations do to a complaint that do not change its workflow state: internal
 * notes, staff public replies (updates, questions without pausing), assignment, and
 * re-classification (e.g. an escalation raising priority). Like transitions, each activity kind
 * declares who may do it and in which states, and returns the updated record plus timeline events.
 */
import { z } from "zod";
import {
  ComplaintCategorySchema,
  ComplaintPrioritySchema,
  ComplaintSeverityInputSchema,
} from "./classification";
import {
  type Complaint,
  type ComplaintActor,
  type ComplaintActorKind,
  type ComplaintState,
  COMPLAINT_STATES,
  OPEN_COMPLAINT_STATES,
} from "./complaint";
import { AssignmentReasonSchema, type ComplaintEventOfType, ComplaintReplyAttachmentSchema, type ComplaintTimelineEvent } from "./events";
import { INBOUND_EMAIL_LIMITS } from "../email/attachments";

/** Files per staff reply: the same caps as a customer's e-mail (src/domain/email/attachments.ts). */
const REPLY_ATTACHMENT_LIMIT = INBOUND_EMAIL_LIMITS.maxAttachments;
import { ComplaintTextSchema, EntityIdSchema } from "./primitives";
import { countStaffReply, monotonicEventTime, type ComplaintTransitionFailureReason } from "./state-machine";

export const ComplaintActivitySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("note"), text: ComplaintTextSchema }),
  z.object({ kind: z.literal("public_reply"), text: ComplaintTextSchema, attachments: z.array(ComplaintReplyAttachmentSchema).max(REPLY_ATTACHMENT_LIMIT).optional() }),
  z.object({
    kind: z.literal("assign"),
    teamId: EntityIdSchema.nullable(),
    assigneeId: EntityIdSchema.nullable(),
    reason: AssignmentReasonSchema.default("manual"),
    ruleId: EntityIdSchema.optional(),
  }),
  z
    .object({
      kind: z.literal("change_classification"),
      priority: ComplaintPrioritySchema.optional(),
      severity: ComplaintSeverityInputSchema.optional(),
      category: ComplaintCategorySchema.optional(),
      reason: ComplaintTextSchema.optional(),
    })
    .refine((value) => value.priority !== undefined || value.severity !== undefined || value.category !== undefined, {
      message: "change at least one of priority, severity, category",
    }),
]);
export type ComplaintActivity = z.output<typeof ComplaintActivitySchema>;
export type ComplaintActivityInput = z.input<typeof ComplaintActivitySchema>;
export type ComplaintActivityKind = ComplaintActivity["kind"];

/** Who may do what, and where. Notes are allowed on closed complaints (post-closure learning). */
export const COMPLAINT_ACTIVITY_RULES: Record<
  ComplaintActivityKind,
  { actors: readonly ComplaintActorKind[]; states: readonly ComplaintState[] }
> = {
  note: { actors: ["staff", "system"], states: COMPLAINT_STATES },
  public_reply: { actors: ["staff"], states: OPEN_COMPLAINT_STATES },
  assign: { actors: ["staff", "system"], states: OPEN_COMPLAINT_STATES },
  change_classification: { actors: ["staff", "system"], states: OPEN_COMPLAINT_STATES },
};

export type ComplaintActivityResult =
  | { ok: true; complaint: Complaint; events: ComplaintTimelineEvent[] }
  | { ok: false; reason: ComplaintTransitionFailureReason; message: string; issues?: z.core.$ZodIssue[] };

export function applyComplaintActivity(
  complaint: Complaint,
  request: { actor: ComplaintActor; activity: ComplaintActivityInput },
  now: Date,
): ComplaintActivityResult {
  const parsed = ComplaintActivitySchema.safeParse(request.activity);
  if (!parsed.success) return { ok: false, reason: "invalid_payload", message: z.prettifyError(parsed.error), issues: parsed.error.issues };
  const activity = parsed.data;
  const rule = COMPLAINT_ACTIVITY_RULES[activity.kind];
  if (!rule.actors.includes(request.actor.kind)) {
    return { ok: false, reason: "forbidden_actor", message: `${request.actor.kind} may not ${activity.kind.replace("_", " ")}` };
  }
  if (!rule.states.includes(complaint.state)) {
    return { ok: false, reason: "illegal_transition", message: `${activity.kind} is not possible while the complaint is ${complaint.state}` };
  }
  const at = monotonicEventTime(complaint, now);
  const actor = request.actor;

  switch (activity.kind) {
    case "note":
      return { ok: true, complaint, events: [{ type: "note", at, actor, data: { text: activity.text } }] };
    case "public_reply":
      return {
        ok: true,
        complaint: countStaffReply(complaint, at),
        events: [{ type: "public_reply", at, actor, data: { text: activity.text, ...(activity.attachments?.length ? { attachments: activity.attachments } : {}) } }],
      };
    case "assign": {
      const data: ComplaintEventOfType<"assigned">["data"] = {
        teamId: activity.teamId,
        assigneeId: activity.assigneeId,
        previousTeamId: complaint.teamId,
        previousAssigneeId: complaint.assigneeId,
        reason: activity.reason,
        ...(activity.ruleId ? { ruleId: activity.ruleId } : {}),
      };
      return {
        ok: true,
        complaint: { ...complaint, teamId: activity.teamId, assigneeId: activity.assigneeId },
        events: [{ type: "assigned", at, actor, data }],
      };
    }
    case "change_classification": {
      const data: ComplaintEventOfType<"classification_changed">["data"] = {};
      const next = { ...complaint };
      if (activity.priority !== undefined && activity.priority !== complaint.priority) {
        data.priority = { from: complaint.priority, to: activity.priority };
        next.priority = activity.priority;
      }
      if (activity.severity !== undefined && activity.severity !== complaint.severity) {
        data.severity = { from: complaint.severity, to: activity.severity };
        next.severity = activity.severity;
      }
      if (activity.category !== undefined && activity.category !== complaint.category) {
        data.category = { from: complaint.category, to: activity.category };
        next.category = activity.category;
      }
      // Setting what is already set is a no-op, not an error, so retried requests are harmless.
      if (!data.priority && !data.severity && !data.category) return { ok: true, complaint, events: [] };
      if (activity.reason) data.reason = activity.reason;
      return { ok: true, complaint: next, events: [{ type: "classification_changed", at, actor, data }] };
    }
  }
}
