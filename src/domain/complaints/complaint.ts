/**
 * The complaint record: states, actors, SLA milestones and the stored shape.
 *
 * The record keeps both the current state and an append-only `stateHistory` because SLA clocks
 * need to know *when* the complaint sat in a paused state (waiting on the customer, awaiting the
 * customer's decision, closed-then-reopened); the timeline events hold the full story, the
 * history holds just what the calculators need, so they never have to replay events.
 */
import { z } from "zod";
import { ComplaintCategorySchema, ComplaintPrioritySchema, ComplaintSeveritySchema } from "./classification";
import { ComplaintReferenceSchema } from "./reference";
import { ComplaintTextSchema, EntityIdSchema, InstantSchema } from "./primitives";

// ---------------------------------------------------------------------------------------------
// States (ISO 10002 clause 8: receipt → acknowledgement → assessment → investigation → response
// → closing, with reopening and a pause while the customer owes us information).
// ---------------------------------------------------------------------------------------------

export const COMPLAINT_STATES = [
  "received",
  "acknowledged",
  "assessed",
  "investigating",
  "waiting_on_customer",
  "responded",
  "closed",
  "reopened",
] as const;
export const ComplaintStateSchema = z.enum(COMPLAINT_STATES);
export type ComplaintState = z.infer<typeof ComplaintStateSchema>;

/** Every state except `closed`: the customer can still write, staff still owe something. */
export const OPEN_COMPLAINT_STATES = COMPLAINT_STATES.filter(
  (state): state is Exclude<ComplaintState, "closed"> => state !== "closed",
);

/**
 * States from which staff may ask the customer for information, and therefore the only states
 * `waiting_on_customer` can return to. `received` is excluded because a complaint must be
 * acknowledged before we ask anything (ISO 10002: acknowledge immediately); `reopened` is excluded
 * because a reopened complaint is first re-assessed or re-investigated.
 */
export const WAITING_RETURN_STATES = ["acknowledged", "assessed", "investigating", "responded"] as const;
export const WaitingReturnStateSchema = z.enum(WAITING_RETURN_STATES);
export type WaitingReturnState = z.infer<typeof WaitingReturnStateSchema>;

export function isOpenComplaintState(state: ComplaintState): boolean {
  return state !== "closed";
}

/**
 * Names of the workflow transitions (the table itself is in state-machine.ts). Kept here, next to
 * the states, so timeline events can name a transition without importing the state machine.
 */
export const COMPLAINT_TRANSITION_NAMES = [
  "acknowledge",
  "assess",
  "start_investigation",
  "respond",
  "request_information",
  "customer_reply",
  "customer_reply_while_waiting",
  "resume_from_waiting",
  "accept_remedy",
  "reject_remedy",
  "revise_response",
  "close",
  "close_as_duplicate",
  "reopen",
] as const;
export const ComplaintTransitionNameSchema = z.enum(COMPLAINT_TRANSITION_NAMES);
export type ComplaintTransitionName = z.infer<typeof ComplaintTransitionNameSchema>;

// ---------------------------------------------------------------------------------------------
// Actors
// ---------------------------------------------------------------------------------------------

/**
 * Who acted. Finer staff roles (team lead, admin) are checked by the route layer through
 * src/domain/permissions.ts; the workflow only distinguishes the three kinds that change what is
 * legal: staff handle the complaint, the customer owns it, the system runs automations.
 */
export const COMPLAINT_ACTOR_KINDS = ["staff", "customer", "system"] as const;
export const ComplaintActorKindSchema = z.enum(COMPLAINT_ACTOR_KINDS);
export type ComplaintActorKind = z.infer<typeof ComplaintActorKindSchema>;

export const ComplaintActorSchema = z.object({
  kind: ComplaintActorKindSchema,
  id: EntityIdSchema,
  name: z.string().trim().min(1).max(200).optional(),
});
export type ComplaintActor = z.infer<typeof ComplaintActorSchema>;

// ---------------------------------------------------------------------------------------------
// SLA milestones recorded on the complaint
// ---------------------------------------------------------------------------------------------

/**
 * The three promises tracked per complaint. The resolution milestone is the deadline shown to the
 * customer ("we will resolve this by …", seed 001: promise a handling time limit and keep it).
 */
export const SLA_MILESTONES = ["acknowledge", "first_response", "resolution"] as const;
export const SlaMilestoneSchema = z.enum(SLA_MILESTONES);
export type SlaMilestone = z.infer<typeof SlaMilestoneSchema>;

// ---------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------

export const COMPLAINT_RESOLUTION_OUTCOMES = ["accepted", "closed_with_disagreement", "duplicate"] as const;
export const ComplaintResolutionOutcomeSchema = z.enum(COMPLAINT_RESOLUTION_OUTCOMES);
export type ComplaintResolutionOutcome = z.infer<typeof ComplaintResolutionOutcomeSchema>;

/**
 * ISO 10002 closing: close when the complainant accepts; when they do not, record their position
 * and tell them which alternatives (internal review, external recourse) remain.
 */
export const ComplaintResolutionSchema = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("accepted"), note: ComplaintTextSchema.optional() }),
  z.object({
    outcome: z.literal("closed_with_disagreement"),
    /** The customer's disagreement in their own words (or faithfully summarised by staff). */
    customerDisagreement: ComplaintTextSchema,
    /** Alternatives communicated to the customer, e.g. ombudsman or consumer association. */
    alternativesOffered: ComplaintTextSchema.optional(),
  }),
  /** The same matter is handled in another complaint (one answer, one survey: the one kept). */
  z.object({ outcome: z.literal("duplicate"), duplicateOfId: EntityIdSchema, duplicateOfReference: ComplaintReferenceSchema }),
]);
export type ComplaintResolution = z.infer<typeof ComplaintResolutionSchema>;

// ---------------------------------------------------------------------------------------------
// The record
// ---------------------------------------------------------------------------------------------

/** How the complaint reached us (ISO 10002 accessibility: many channels, one process). */
export const COMPLAINT_SOURCES = [
  "complaint_form",
  "survey_trigger",
  "staff_entry",
  "email",
  "phone",
  "chat",
  "in_person",
  "social",
  "other",
] as const;
export const ComplaintSourceSchema = z.enum(COMPLAINT_SOURCES);
export type ComplaintSource = z.infer<typeof ComplaintSourceSchema>;

/** Segment attributes (region, tier, any hidden field): flat scalars so rules can compare them. */
export const SegmentValueSchema = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
export type SegmentValue = z.infer<typeof SegmentValueSchema>;
export const ComplaintSegmentSchema = z.record(z.string().min(1).max(100), SegmentValueSchema);
export type ComplaintSegment = z.infer<typeof ComplaintSegmentSchema>;

export const ComplaintStateHistoryEntrySchema = z.object({ state: ComplaintStateSchema, at: InstantSchema });
export type ComplaintStateHistoryEntry = z.infer<typeof ComplaintStateHistoryEntrySchema>;

export const ComplaintSchema = z.object({
  id: EntityIdSchema,
  organizationId: EntityIdSchema,
  reference: ComplaintReferenceSchema,
  state: ComplaintStateSchema,
  /** Where `waiting_on_customer` returns to; null in every other state. */
  stateBeforeWaiting: WaitingReturnStateSchema.nullable(),
  priority: ComplaintPrioritySchema,
  severity: ComplaintSeveritySchema.nullable(),
  /** Null until assessed unless a survey trigger or the intake form already suggested one. */
  category: ComplaintCategorySchema.nullable(),
  touchpoint: z.string().trim().min(1).max(100).nullable(),
  source: ComplaintSourceSchema,
  /** Survey response that raised the complaint (survey triggers); null otherwise. */
  sourceResponseId: EntityIdSchema.nullable(),
  complainantId: EntityIdSchema.nullable(),
  segment: ComplaintSegmentSchema,
  subject: z.string().trim().min(1).max(300),
  description: z.string().trim().max(20_000),
  teamId: EntityIdSchema.nullable(),
  assigneeId: EntityIdSchema.nullable(),
  receivedAt: InstantSchema,
  acknowledgedAt: InstantSchema.nullable(),
  /** First public reply by staff (automatic acknowledgements do not count, as in Zendesk). */
  firstRespondedAt: InstantSchema.nullable(),
  /** Latest close; cleared on reopen so the resolution milestone is open again. */
  closedAt: InstantSchema.nullable(),
  proposedRemedy: ComplaintTextSchema.nullable(),
  resolution: ComplaintResolutionSchema.nullable(),
  reopenCount: z.number().int().min(0),
  /** Count of staff public replies; first-contact resolution needs exactly one. */
  staffPublicReplyCount: z.number().int().min(0),
  stateHistory: z.array(ComplaintStateHistoryEntrySchema).min(1),
});
export type Complaint = z.infer<typeof ComplaintSchema>;
