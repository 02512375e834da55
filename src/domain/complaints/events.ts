/**
 * Timeline events: the complaint's append-only history (ISO 10002 tracking — up-to-date status on
 * request). Every state change, internal note, public reply, assignment, hand-off, escalation and
 * SLA breach is one event `{ type, at, actor, data }`. The workflow functions return events; the
 * storage layer appends them in the same batch as the record update.
 *
 * Visibility: `note`, `assigned`, `classification_changed`, `handed_off`, `escalated` and
 * `sla_breached` are internal. `received`, `state_changed` and `public_reply` may be shown to the
 * customer (see `isCustomerVisibleEvent`).
 */
import { z } from "zod";
import { ComplaintCategorySchema, ComplaintPrioritySchema, ComplaintSeveritySchema } from "./classification";
import {
  ComplaintActorSchema,
  ComplaintResolutionSchema,
  ComplaintSourceSchema,
  ComplaintStateSchema,
  ComplaintTransitionNameSchema,
  SlaMilestoneSchema,
} from "./complaint";
import { EscalationActionSchema, EscalationLevelSchema } from "./escalation";
import { ComplaintTextSchema, EntityIdSchema, InstantSchema, LocalDateSchema } from "./primitives";

const eventBase = { at: InstantSchema, actor: ComplaintActorSchema };

export const ComplaintReceivedEventSchema = z.object({
  ...eventBase,
  type: z.literal("received"),
  data: z.object({
    source: ComplaintSourceSchema,
    /** Survey trigger rules that raised it; empty for direct complaints. */
    triggerRuleIds: z.array(EntityIdSchema),
  }),
});

export const ComplaintStateChangedEventSchema = z.object({
  ...eventBase,
  type: z.literal("state_changed"),
  data: z.object({
    transition: ComplaintTransitionNameSchema,
    from: ComplaintStateSchema,
    to: ComplaintStateSchema,
    // Only what the transition decided is present; free texts meant for the customer are separate
    // `public_reply` events so the conversation view reads one event type.
    priority: ComplaintPrioritySchema.optional(),
    severity: ComplaintSeveritySchema.optional(),
    category: ComplaintCategorySchema.optional(),
    proposedRemedy: ComplaintTextSchema.optional(),
    resolution: ComplaintResolutionSchema.optional(),
    /** Why: reopen reason, the customer's rejection reason, why staff revised the response. */
    reason: ComplaintTextSchema.optional(),
  }),
});

export const ComplaintNoteEventSchema = z.object({
  ...eventBase,
  type: z.literal("note"),
  data: z.object({ text: ComplaintTextSchema }),
});

/** A file sent with a staff reply (stored in R2; the customer downloads it from the status page). */
export const ComplaintReplyAttachmentSchema = z.object({
  id: EntityIdSchema,
  filename: z.string().min(1).max(200),
  contentType: z.string().min(1).max(100),
  size: z.number().int().nonnegative(),
});
export type ComplaintReplyAttachment = z.infer<typeof ComplaintReplyAttachmentSchema>;

export const ComplaintPublicReplyEventSchema = z.object({
  ...eventBase,
  type: z.literal("public_reply"),
  data: z.object({ text: ComplaintTextSchema, attachments: z.array(ComplaintReplyAttachmentSchema).optional() }),
});

export const ASSIGNMENT_REASONS = ["routing_rule", "manual", "escalation", "round_robin", "least_open_load"] as const;
export const AssignmentReasonSchema = z.enum(ASSIGNMENT_REASONS);
export type AssignmentReason = z.infer<typeof AssignmentReasonSchema>;

export const ComplaintAssignedEventSchema = z.object({
  ...eventBase,
  type: z.literal("assigned"),
  data: z.object({
    teamId: EntityIdSchema.nullable(),
    assigneeId: EntityIdSchema.nullable(),
    previousTeamId: EntityIdSchema.nullable(),
    previousAssigneeId: EntityIdSchema.nullable(),
    reason: AssignmentReasonSchema,
    /** Routing rule that chose the team, when `reason` is routing_rule. */
    ruleId: EntityIdSchema.optional(),
  }),
});

const change = <T extends z.ZodType>(schema: T) => z.object({ from: schema.nullable(), to: schema.nullable() });

export const ComplaintClassificationChangedEventSchema = z.object({
  ...eventBase,
  type: z.literal("classification_changed"),
  data: z.object({
    priority: change(ComplaintPrioritySchema).optional(),
    severity: change(ComplaintSeveritySchema).optional(),
    category: change(ComplaintCategorySchema).optional(),
    reason: ComplaintTextSchema.optional(),
  }),
});

export const ComplaintHandedOffEventSchema = z.object({
  ...eventBase,
  type: z.literal("handed_off"),
  data: z.object({
    handoffId: EntityIdSchema,
    ownerId: EntityIdSchema,
    ownerTeamId: EntityIdSchema.nullable(),
    dueDate: LocalDateSchema,
    rootCause: ComplaintTextSchema,
    correctiveAction: ComplaintTextSchema,
  }),
});

export const ComplaintEscalatedEventSchema = z.object({
  ...eventBase,
  type: z.literal("escalated"),
  data: z.object({
    milestone: SlaMilestoneSchema,
    level: EscalationLevelSchema,
    actions: z.array(EscalationActionSchema),
  }),
});

export const ComplaintSlaBreachedEventSchema = z.object({
  ...eventBase,
  type: z.literal("sla_breached"),
  data: z.object({ milestone: SlaMilestoneSchema, dueAt: InstantSchema }),
});

export const ComplaintTimelineEventSchema = z.discriminatedUnion("type", [
  ComplaintReceivedEventSchema,
  ComplaintStateChangedEventSchema,
  ComplaintNoteEventSchema,
  ComplaintPublicReplyEventSchema,
  ComplaintAssignedEventSchema,
  ComplaintClassificationChangedEventSchema,
  ComplaintHandedOffEventSchema,
  ComplaintEscalatedEventSchema,
  ComplaintSlaBreachedEventSchema,
]);
export type ComplaintTimelineEvent = z.infer<typeof ComplaintTimelineEventSchema>;
export type ComplaintTimelineEventType = ComplaintTimelineEvent["type"];
/** The event of one type, e.g. `ComplaintEventOfType<"escalated">`. */
export type ComplaintEventOfType<T extends ComplaintTimelineEventType> = Extract<ComplaintTimelineEvent, { type: T }>;

const CUSTOMER_VISIBLE_EVENT_TYPES: ReadonlySet<ComplaintTimelineEventType> = new Set([
  "received",
  "state_changed",
  "public_reply",
]);

/** What the customer's status page may show; internal notes and escalations never leave staff views. */
export function isCustomerVisibleEvent(event: ComplaintTimelineEvent): boolean {
  return CUSTOMER_VISIBLE_EVENT_TYPES.has(event.type);
}
