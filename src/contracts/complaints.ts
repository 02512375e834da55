/**
 * Request and response contract of the staff complaint API (/api/complaints): the routes validate
 * and describe with these schemas, and the web app reads the types inferred from them.
 */
import { z } from "@hono/zod-openapi";
import {
  BULK_COMPLAINT_LIMIT,
  ComplaintBulkActionSchema,
  ASSIGNMENT_STRATEGIES,
  BusinessCalendarSchema,
  ComplaintRoutingConfigSchema,
  EscalationPolicySchema,
  SlaPolicySetSchema,
  COMPLAINT_PRIORITIES,
  COMPLAINT_SEVERITY_LABELS,
  COMPLAINT_STATES,
  ComplaintCategorySchema,
  IMPROVEMENT_HANDOFF_STATUSES,
} from "../domain/complaints";

export const ComplaintIdParam = z.object({ id: z.string().min(1).max(64) });

export const STAFF_SOURCES = ["staff_entry", "phone", "email", "chat", "in_person", "social", "other"] as const;
export const SegmentKey = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "a lower-case identifier");
export const SeverityInput = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.enum(COMPLAINT_SEVERITY_LABELS)]).openapi({
  description: "1 (low) … 4 (critical), or low | medium | high | critical",
});

export const ContactSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email().max(320).optional(),
    phone: z.string().trim().regex(/^[0-9+()\-\s]{3,40}$/, "a phone number").optional(),
  })
  .strict();

export const CreateComplaintSchema = z
  .object({
    subject: z.string().trim().min(1).max(300),
    description: z.string().trim().min(1).max(20_000),
    source: z.enum(STAFF_SOURCES).default("staff_entry").openapi({ description: "How the complaint reached staff" }),
    category: ComplaintCategorySchema.optional(),
    touchpoint: z.string().trim().min(1).max(100).optional(),
    region: z.string().trim().min(1).max(100).optional(),
    tier: z.string().trim().min(1).max(100).optional(),
    segment: z.record(SegmentKey, z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
    severity: SeverityInput.optional(),
    priority: z.enum(COMPLAINT_PRIORITIES).optional(),
    desiredRemedy: z.string().trim().min(1).max(5000).optional(),
    contact: ContactSchema.optional(),
    anonymous: z.boolean().default(false),
    language: z.enum(["zh-CN", "en"]).default("zh-CN"),
  })
  .strict()
  .openapi("NewComplaint");

export const ComplaintListItemSchema = z
  .object({
    id: z.string(),
    reference: z.string(),
    subject: z.string(),
    state: z.enum(COMPLAINT_STATES),
    priority: z.enum(COMPLAINT_PRIORITIES),
    severity: z.number().nullable(),
    category: z.string().nullable(),
    touchpoint: z.string().nullable(),
    source: z.string(),
    teamId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    contactName: z.string().nullable(),
    anonymous: z.boolean(),
    receivedAt: z.string(),
    nextDueAt: z.string().nullable(),
    resolutionDueAt: z.string().nullable(),
    overdue: z.boolean(),
    slaPaused: z.boolean(),
    reopenCount: z.number(),
    updatedAt: z.string(),
  })
  .openapi("ComplaintListItem");

export const ComplaintListSchema = z.object({
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  counts: z.record(z.string(), z.number()).openapi({ description: "Per state (under the other filters) plus `overdue`" }),
  items: z.array(ComplaintListItemSchema),
});

export const TimelineEntrySchema = z
  .object({
    id: z.string(),
    type: z.string(),
    visibility: z.enum(["internal", "public"]),
    actor: z.object({ kind: z.string(), id: z.string(), name: z.string().nullable() }),
    data: z.record(z.string(), z.unknown()),
    at: z.string(),
  })
  .openapi("ComplaintEvent");

export const SlaMilestoneSchema = z.object({
  milestone: z.enum(["acknowledge", "first_response", "resolution"]),
  targetMinutes: z.number(),
  dueAt: z.string(),
  metAt: z.string().nullable(),
  breached: z.boolean(),
  approaching: z.boolean(),
  remainingMinutes: z.number(),
  overdueMinutes: z.number(),
});

export const HandoffSchema = z
  .object({
    id: z.string(),
    complaintId: z.string(),
    rootCause: z.string(),
    correctiveAction: z.string(),
    preventiveAction: z.string().nullable(),
    ownerId: z.string(),
    ownerTeamId: z.string().nullable(),
    dueDate: z.string(),
    status: z.enum(IMPROVEMENT_HANDOFF_STATUSES),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ImprovementHandoff");

/** A survey response shown beside a complaint (the one that raised it, or the customer's others). */
export const ContextResponseSchema = z.object({
  id: z.string(),
  surveyId: z.string(),
  surveyTitle: z.string(),
  answers: z.record(z.string(), z.unknown()),
  hidden: z.record(z.string(), z.string()),
  completedAt: z.string().nullable(),
});

export const PastComplaintSchema = z.object({
  id: z.string(),
  reference: z.string(),
  subject: z.string(),
  state: z.enum(COMPLAINT_STATES),
  category: z.string().nullable(),
  receivedAt: z.string(),
  closedAt: z.string().nullable(),
});

export const TransitionOptionSchema = z.object({ name: z.string(), to: z.string().nullable(), description: z.string(), satisfies: z.array(z.string()) });

export const ComplaintDetailSchema = ComplaintListItemSchema.extend({
  description: z.string(),
  region: z.string().nullable(),
  tier: z.string().nullable(),
  segment: z.record(z.string(), z.unknown()),
  desiredRemedy: z.string().nullable(),
  proposedRemedy: z.string().nullable(),
  resolution: z.record(z.string(), z.unknown()).nullable(),
  contact: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(), anonymous: z.boolean() }),
  language: z.string(),
  sourceResponseId: z.string().nullable(),
  sourceSurveyId: z.string().nullable(),
  waitingFrom: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  firstRespondedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  staffPublicReplyCount: z.number(),
  escalations: z.array(z.object({ milestone: z.string(), level: z.number(), at: z.string() })),
  assignee: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  team: z.object({ id: z.string(), name: z.string() }).nullable(),
  sla: z.object({
    priority: z.string(),
    hoursMode: z.string(),
    paused: z.boolean(),
    pausedIntervals: z.array(z.object({ from: z.string(), to: z.string() })),
    promisedResolutionAt: z.string(),
    milestones: z.array(SlaMilestoneSchema),
  }),
  legalTransitions: z.array(TransitionOptionSchema),
  timeline: z.array(TimelineEntrySchema),
  handoffs: z.array(HandoffSchema),
  attachments: z
    .array(z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), createdAt: z.string() }))
    .openapi({ description: "Files the customer e-mailed (GET …/attachments/{attachmentId} downloads one)" }),
  handlingSurvey: z.object({
    invitationIssued: z.boolean(),
    url: z.string().nullable(),
    responseId: z.string().nullable(),
    csat: z.number().nullable(),
    ces: z.number().nullable(),
    resolved: z.boolean().nullable(),
    respondedAt: z.string().nullable(),
  }),
  customerContext: z.object({
    sourceResponse: ContextResponseSchema.nullable(),
    otherResponses: z.array(ContextResponseSchema),
    pastComplaints: z.array(PastComplaintSchema),
  }),
  version: z.number(),
}).openapi("Complaint");

export const CreatedComplaintSchema = ComplaintDetailSchema.extend({
  statusUrl: z.string().openapi({ description: "The customer's secret status link; give it to the customer (it is not shown again in lists)" }),
}).openapi("CreatedComplaint");

export const ListQuery = z.object({
  status: z.string().max(200).optional().openapi({ description: "State or comma-separated states, e.g. received,acknowledged" }),
  priority: z.string().max(100).optional().openapi({ description: "Priority or comma-separated priorities" }),
  team: z.string().max(64).optional().openapi({ description: "Team id, or none" }),
  owner: z.string().max(64).optional().openapi({ description: "Assignee user id, me, or none" }),
  category: ComplaintCategorySchema.optional(),
  source: z.string().max(40).optional(),
  overdue: z.enum(["true", "false"]).optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: "Search in reference, subject, description and contact" }),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

export const TransitionBodySchema = z
  .object({ to: z.enum(COMPLAINT_STATES) })
  .catchall(z.unknown())
  .openapi("ComplaintTransition", {
    description:
      "`to` is the target state; the other fields are the transition's payload: assess {priority, category, severity?, note?}, respond {publicReply, proposedRemedy}, request_information {publicReply}, close {resolution: {outcome: accepted} | {outcome: closed_with_disagreement, customerDisagreement, alternativesOffered?}, publicReply?}, reopen {reason}, revise_response {reason}, acknowledge {message?}, start_investigation {note?}, resume_from_waiting {note?}.",
    example: { to: "assessed", priority: "high", category: "billing" },
  });

export const TextBody = z.object({ text: z.string().trim().min(1).max(10_000) }).strict();
export const AssignmentBody = z
  .object({
    auto: z.boolean().optional().openapi({ description: "true: route by the rules and the team's strategy" }),
    teamId: z.string().min(1).max(64).nullable().optional(),
    assigneeId: z.string().min(1).max(64).nullable().optional(),
  })
  .strict()
  .refine((v) => v.auto === true || v.teamId !== undefined || v.assigneeId !== undefined, { message: "give teamId and/or assigneeId, or auto: true" });
export const ClassificationBody = z
  .object({
    priority: z.enum(COMPLAINT_PRIORITIES).optional(),
    severity: SeverityInput.optional(),
    category: ComplaintCategorySchema.optional(),
    reason: z.string().trim().min(1).max(2000).optional(),
  })
  .strict();
export const HandoffBody = z
  .object({
    rootCause: z.string().trim().min(1).max(10_000),
    correctiveAction: z.string().trim().min(1).max(10_000),
    preventiveAction: z.string().trim().min(1).max(10_000).optional(),
    ownerId: z.string().min(1).max(64),
    ownerTeamId: z.string().min(1).max(64).nullable().optional(),
    dueDate: z.iso.date(),
  })
  .strict();

export const ActionResultSchema = z.object({ complaint: ComplaintDetailSchema });

export const BulkBodySchema = z
  .object({
    ids: z.array(z.string().min(1).max(64)).min(1).max(BULK_COMPLAINT_LIMIT),
    // The domain's schema as it is (a schema built with plain zod carries no .openapi in every bundle):
    // assign {assigneeId | null}, set_priority {priority}, or close_as_duplicate {duplicateOf: id or reference}.
    action: ComplaintBulkActionSchema,
  })
  .strict()
  .openapi("ComplaintBulkAction");

export const BulkResultSchema = z
  .object({
    bulkId: z.string(),
    changed: z.number(),
    unchanged: z.number(),
    failed: z.number(),
    results: z.array(
      z.object({
        id: z.string(),
        reference: z.string().nullable(),
        ok: z.boolean(),
        changed: z.boolean().optional(),
        state: z.string().optional(),
        reason: z.string().optional().openapi({ description: "not_found, illegal_transition, invalid_payload, forbidden_actor, is_duplicate_target or conflict" }),
        message: z.string().optional(),
      }),
    ),
  })
  .openapi("ComplaintBulkResult");
export type ComplaintBulkResult = z.infer<typeof BulkResultSchema>;
/** What a complaint action (transition, note, reply, assignment, classification, hand-off) answers. */
export type ComplaintActionResult = z.infer<typeof ActionResultSchema>;

export const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,100}$/)
    .optional()
    .openapi({ description: "Send the same key again to get the same complaint instead of a second one" }),
});

/** GET /api/complaint-config: the organisation's complaint configuration. */
export const ConfigSchema = z
  .object({
    routing: ComplaintRoutingConfigSchema.nullable(),
    slaPolicies: SlaPolicySetSchema,
    slaPoliciesConfigured: z.boolean(),
    escalation: EscalationPolicySchema,
    categories: z.array(z.string()),
    calendar: BusinessCalendarSchema,
  })
  .openapi("ComplaintConfig");

export const TeamSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    leadUserId: z.string().nullable(),
    strategy: z.enum(ASSIGNMENT_STRATEGIES),
    members: z.array(z.object({ userId: z.string(), name: z.string(), email: z.string(), openComplaints: z.number() })),
  })
  .openapi("ComplaintTeam");

/** A complaint's status-page link for the customer (POST /api/complaints/{id}/status-link). */
export const StatusLinkSchema = z.object({ reference: z.string(), statusUrl: z.string() });

/** A canned reply in both languages (/api/reply-templates). */
export const ReplyTemplateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    body: z.object({ en: z.string(), "zh-CN": z.string() }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ReplyTemplate");

export const ReplyTemplateListSchema = z.object({ items: z.array(ReplyTemplateSchema), placeholders: z.record(z.string(), z.string()) });

/** A canned reply filled from one complaint, in the complaint's language. */
export const RenderedReplySchema = z.object({ language: z.enum(["en", "zh-CN"]), text: z.string() });

export type ComplaintListItem = z.infer<typeof ComplaintListItemSchema>;
export type ComplaintList = z.infer<typeof ComplaintListSchema>;
export type ComplaintDetail = z.infer<typeof ComplaintDetailSchema>;
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
export type SlaMilestone = z.infer<typeof SlaMilestoneSchema>;
export type Handoff = z.infer<typeof HandoffSchema>;
export type ContextResponse = z.infer<typeof ContextResponseSchema>;
export type PastComplaint = z.infer<typeof PastComplaintSchema>;
export type TransitionOption = z.infer<typeof TransitionOptionSchema>;
export type ComplaintConfig = z.infer<typeof ConfigSchema>;
export type Team = z.infer<typeof TeamSchema>;
export type StatusLink = z.infer<typeof StatusLinkSchema>;
export type ReplyTemplate = z.infer<typeof ReplyTemplateSchema>;
export type ReplyTemplateList = z.infer<typeof ReplyTemplateListSchema>;
export type RenderedReply = z.infer<typeof RenderedReplySchema>;
