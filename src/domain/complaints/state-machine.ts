/**
 * The complaint workflow as a declared transition table (ISO 10002 clause 8).
 *
 *   received → acknowledged → assessed → investigating → responded → closed
 *                                 └──────────(proportionate)────────┘     │
 *   acknowledged/assessed/investigating/responded ⇄ waiting_on_customer  │
 *   responded → investigating (customer rejects / staff revises)          │
 *   closed → reopened → assessed | investigating  ◄──────────────────────┘
 *
 * Each row says who may take it (actor kind), what payload it needs (zod), where it goes, and which
 * SLA milestone it satisfies. The engine (`applyComplaintTransition`) is generic: it never
 * branches on a transition name, so reading the table is reading the workflow.
 *
 * Lookup is by `(current state, requested target state, actor kind)`; the table keeps that triple
 * unique (a unit test enforces it), which is why a request only needs `to`. Non-state activities
 * (internal notes, staff replies without a state change, assignment) live in activities.ts.
 */
import { z } from "zod";
import { ComplaintCategorySchema, ComplaintPrioritySchema, ComplaintSeverityInputSchema } from "./classification";
import {
  type Complaint,
  type ComplaintActor,
  type ComplaintActorKind,
  ComplaintActorSchema,
  ComplaintResolutionSchema,
  ComplaintSchema,
  ComplaintSegmentSchema,
  ComplaintSourceSchema,
  type ComplaintState,
  ComplaintStateSchema,
  type ComplaintTransitionName,
  ComplaintTransitionNameSchema,
  OPEN_COMPLAINT_STATES,
  type SlaMilestone,
  WAITING_RETURN_STATES,
  type WaitingReturnState,
} from "./complaint";
import type { ComplaintEventOfType, ComplaintTimelineEvent } from "./events";
import { ComplaintReferenceSchema } from "./reference";
import { ComplaintTextSchema, EntityIdSchema } from "./primitives";

// ---------------------------------------------------------------------------------------------
// Table types
// ---------------------------------------------------------------------------------------------

/** `same`: a self-transition (customer message); `previous`: back to where waiting started. */
export type ComplaintTransitionTarget =
  | { kind: "state"; state: ComplaintState }
  | { kind: "same" }
  | { kind: "previous"; allowed: readonly WaitingReturnState[] };

type StateChangedData = ComplaintEventOfType<"state_changed">["data"];

/** What a transition decides beyond the generic bookkeeping the engine does for every row. */
type TransitionEffects = {
  patch?: Partial<Pick<Complaint, "priority" | "severity" | "category" | "proposedRemedy" | "resolution" | "reopenCount" | "closedAt">>;
  /** Extra fields for the `state_changed` event. */
  change?: Omit<StateChangedData, "transition" | "from" | "to">;
  /** Text the customer sees, recorded as a `public_reply` event by the actor. */
  publicReply?: string;
  /** Internal text, recorded as a `note` event. */
  note?: string;
};

type TransitionSpec<S extends z.ZodType> = {
  name: ComplaintTransitionName;
  description: string;
  from: readonly ComplaintState[];
  to: ComplaintTransitionTarget;
  actors: readonly ComplaintActorKind[];
  payload: S;
  /**
   * Taken only when the request names it: a second way between the same states (closing a duplicate
   * beside the ordinary close) keeps `to` alone unambiguous for every other request.
   */
  namedOnly?: boolean;
  /** SLA milestones this transition meets (acknowledge/first response: first time only). */
  satisfies: readonly SlaMilestone[];
  /**
   * Whether a staff public reply sent with this transition counts as a substantive response
   * (staffPublicReplyCount, used by first-contact resolution). An acknowledgement is a receipt,
   * not a response (ISO 10002 separates the two), so it does not count.
   */
  staffReplyCounts: boolean;
  effects: (payload: z.output<S>, complaint: Complaint) => TransitionEffects;
};

type InterpretResult = { ok: true; effects: TransitionEffects } | { ok: false; message: string; issues: z.core.$ZodIssue[] };

export type ComplaintTransitionDefinition = Omit<TransitionSpec<z.ZodType>, "effects" | "payload"> & {
  /** The payload schema, for UIs (e.g. `z.toJSONSchema`) and docs. */
  payload: z.ZodType;
  /** Validate the raw payload and compute the effects; the only place the payload type is known. */
  interpret: (rawPayload: unknown, complaint: Complaint) => InterpretResult;
};

function defineTransition<S extends z.ZodType>(spec: TransitionSpec<S>): ComplaintTransitionDefinition {
  const { effects, ...rest } = spec;
  return {
    ...rest,
    interpret: (rawPayload, complaint) => {
      const parsed = spec.payload.safeParse(rawPayload ?? {});
      if (!parsed.success) return { ok: false, message: z.prettifyError(parsed.error), issues: parsed.error.issues };
      return { ok: true, effects: effects(parsed.data, complaint) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Payload schemas (exported so routes can reuse them for OpenAPI documentation)
// ---------------------------------------------------------------------------------------------

export const AcknowledgePayloadSchema = z.object({
  /** Optional personal acknowledgement; the automatic one is sent by the notification layer. */
  message: ComplaintTextSchema.optional(),
});
export const AssessPayloadSchema = z.object({
  priority: ComplaintPrioritySchema,
  category: ComplaintCategorySchema,
  severity: ComplaintSeverityInputSchema.optional(),
  note: ComplaintTextSchema.optional(),
});
export const StartInvestigationPayloadSchema = z.object({ note: ComplaintTextSchema.optional() });
export const RespondPayloadSchema = z.object({
  publicReply: ComplaintTextSchema,
  proposedRemedy: ComplaintTextSchema,
});
export const RequestInformationPayloadSchema = z.object({ publicReply: ComplaintTextSchema });
export const CustomerMessagePayloadSchema = z.object({ message: ComplaintTextSchema });
export const ResumeFromWaitingPayloadSchema = z.object({ note: ComplaintTextSchema.optional() });
export const AcceptRemedyPayloadSchema = z.object({ comment: ComplaintTextSchema.optional() });
export const RejectRemedyPayloadSchema = z.object({ reason: ComplaintTextSchema });
export const ReviseResponsePayloadSchema = z.object({ reason: ComplaintTextSchema });
export const ClosePayloadSchema = z.object({
  resolution: ComplaintResolutionSchema,
  /** Closing message to the customer, e.g. the decision and remaining options. */
  publicReply: ComplaintTextSchema.optional(),
});
export const ReopenPayloadSchema = z.object({ reason: ComplaintTextSchema });
export const CloseAsDuplicatePayloadSchema = z.object({
  duplicateOf: z.object({ id: EntityIdSchema, reference: ComplaintReferenceSchema }),
  /** Told to the customer, e.g. which reference their matter continues under. */
  publicReply: ComplaintTextSchema.optional(),
});

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const openStatesExceptWaiting = OPEN_COMPLAINT_STATES.filter((state) => state !== "waiting_on_customer");

export const COMPLAINT_TRANSITIONS: readonly ComplaintTransitionDefinition[] = [
  defineTransition({
    name: "acknowledge",
    description: "Confirm receipt to the customer and start handling (automatically by the system or by staff).",
    from: ["received"],
    to: { kind: "state", state: "acknowledged" },
    actors: ["staff", "system"],
    payload: AcknowledgePayloadSchema,
    satisfies: ["acknowledge"],
    staffReplyCounts: false,
    effects: (payload) => ({ publicReply: payload.message }),
  }),
  defineTransition({
    name: "assess",
    description: "Initial assessment: set priority and category (and severity); a reopened complaint is re-assessed.",
    from: ["acknowledged", "reopened"],
    to: { kind: "state", state: "assessed" },
    actors: ["staff"],
    payload: AssessPayloadSchema,
    satisfies: [],
    staffReplyCounts: false,
    effects: (payload) => ({
      patch: { priority: payload.priority, category: payload.category, ...(payload.severity ? { severity: payload.severity } : {}) },
      change: { priority: payload.priority, category: payload.category, severity: payload.severity },
      note: payload.note,
    }),
  }),
  defineTransition({
    name: "start_investigation",
    description: "Start (or, after a reopen, resume) the investigation.",
    from: ["assessed", "reopened"],
    to: { kind: "state", state: "investigating" },
    actors: ["staff"],
    payload: StartInvestigationPayloadSchema,
    satisfies: [],
    staffReplyCounts: false,
    effects: (payload) => ({ note: payload.note }),
  }),
  defineTransition({
    name: "respond",
    description:
      "Send the decision and the proposed remedy. Allowed straight from assessed because ISO 10002 asks for a proportionate investigation.",
    from: ["assessed", "investigating"],
    to: { kind: "state", state: "responded" },
    actors: ["staff"],
    payload: RespondPayloadSchema,
    satisfies: ["first_response"],
    staffReplyCounts: true,
    effects: (payload) => ({
      patch: { proposedRemedy: payload.proposedRemedy },
      change: { proposedRemedy: payload.proposedRemedy },
      publicReply: payload.publicReply,
    }),
  }),
  defineTransition({
    name: "request_information",
    description: "Ask the customer for information; SLA clocks pause until they reply or staff resume.",
    from: WAITING_RETURN_STATES,
    to: { kind: "state", state: "waiting_on_customer" },
    actors: ["staff"],
    payload: RequestInformationPayloadSchema,
    satisfies: ["first_response"],
    staffReplyCounts: true,
    effects: (payload) => ({ publicReply: payload.publicReply }),
  }),
  defineTransition({
    name: "customer_reply_while_waiting",
    description: "The customer answers our question; the complaint returns to the state it was in.",
    from: ["waiting_on_customer"],
    to: { kind: "previous", allowed: WAITING_RETURN_STATES },
    actors: ["customer"],
    payload: CustomerMessagePayloadSchema,
    satisfies: [],
    staffReplyCounts: false,
    effects: (payload) => ({ publicReply: payload.message }),
  }),
  defineTransition({
    name: "resume_from_waiting",
    description: "Staff resume without a written reply (e.g. the customer phoned); returns to the previous state.",
    from: ["waiting_on_customer"],
    to: { kind: "previous", allowed: WAITING_RETURN_STATES },
    actors: ["staff"],
    payload: ResumeFromWaitingPayloadSchema,
    satisfies: [],
    staffReplyCounts: false,
    effects: (payload) => ({ note: payload.note }),
  }),
  defineTransition({
    name: "customer_reply",
    description: "The customer adds a message in any open state; the state does not change.",
    from: openStatesExceptWaiting,
    to: { kind: "same" },
    actors: ["customer"],
    payload: CustomerMessagePayloadSchema,
    satisfies: [],
    staffReplyCounts: false,
    effects: (payload) => ({ publicReply: payload.message }),
  }),
  defineTransition({
    name: "accept_remedy",
    description: "The customer accepts the proposed remedy; the complaint closes as accepted.",
    from: ["responded"],
    to: { kind: "state", state: "closed" },
    actors: ["customer"],
    payload: AcceptRemedyPayloadSchema,
    satisfies: ["resolution"],
    staffReplyCounts: false,
    effects: (payload) => {
      const resolution = { outcome: "accepted" as const };
      return { patch: { resolution }, change: { resolution }, publicReply: payload.comment };
    },
  }),
  defineTransition({
    name: "reject_remedy",
    description:
      "The customer rejects the remedy; the disagreement is recorded and the investigation reopens (staff may later close with disagreement).",
    from: ["responded"],
    to: { kind: "state", state: "investigating" },
    actors: ["customer"],
    payload: RejectRemedyPayloadSchema,
    satisfies: [],
    staffReplyCounts: false,
    effects: (payload) => ({ change: { reason: payload.reason } }),
  }),
  defineTransition({
    name: "revise_response",
    description: "Staff withdraw the proposed remedy to investigate further.",
    from: ["responded"],
    to: { kind: "state", state: "investigating" },
    actors: ["staff"],
    payload: ReviseResponsePayloadSchema,
    satisfies: [],
    staffReplyCounts: false,
    // The reason is an internal judgement about our own answer, so it goes to a note, not the
    // customer-visible state change.
    effects: (payload) => ({ note: payload.reason }),
  }),
  defineTransition({
    name: "close",
    description:
      "Staff close after a response: accepted (customer agreed outside the portal) or closed_with_disagreement with the customer's position recorded.",
    from: ["responded"],
    to: { kind: "state", state: "closed" },
    actors: ["staff"],
    payload: ClosePayloadSchema,
    satisfies: ["resolution"],
    staffReplyCounts: true,
    effects: (payload) => ({
      patch: { resolution: payload.resolution },
      change: { resolution: payload.resolution },
      publicReply: payload.publicReply,
    }),
  }),
  defineTransition({
    name: "close_as_duplicate",
    description:
      "Close an open complaint that repeats another one (the same customer's matter raised twice); handling, the answer and the handling survey continue on the complaint kept.",
    from: OPEN_COMPLAINT_STATES,
    to: { kind: "state", state: "closed" },
    actors: ["staff"],
    payload: CloseAsDuplicatePayloadSchema,
    namedOnly: true,
    satisfies: ["resolution"],
    staffReplyCounts: false,
    effects: (payload) => {
      const resolution = { outcome: "duplicate" as const, duplicateOfId: payload.duplicateOf.id, duplicateOfReference: payload.duplicateOf.reference };
      return { patch: { resolution }, change: { resolution }, publicReply: payload.publicReply };
    },
  }),
  defineTransition({
    name: "reopen",
    description: "Reopen a closed complaint (the customer says it is not resolved, or staff find more).",
    from: ["closed"],
    to: { kind: "state", state: "reopened" },
    actors: ["customer", "staff"],
    payload: ReopenPayloadSchema,
    satisfies: [],
    staffReplyCounts: false,
    effects: (payload, complaint) => ({
      // Clearing closedAt reopens the resolution milestone; the closed interval counts as a pause,
      // so the original promise resumes where it stopped instead of restarting.
      patch: { closedAt: null, resolution: null, reopenCount: complaint.reopenCount + 1 },
      change: { reason: payload.reason },
    }),
  }),
];

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

function resolveTarget(
  definition: ComplaintTransitionDefinition,
  currentState: ComplaintState,
  stateBeforeWaiting: WaitingReturnState | null,
): ComplaintState | null {
  switch (definition.to.kind) {
    case "state":
      return definition.to.state;
    case "same":
      return currentState;
    case "previous":
      return stateBeforeWaiting !== null && definition.to.allowed.includes(stateBeforeWaiting) ? stateBeforeWaiting : null;
  }
}

export type ComplaintTransitionOption = {
  name: ComplaintTransitionName;
  description: string;
  /** Concrete target; null only for "back to previous state" when the previous state is not given. */
  to: ComplaintState | null;
  payload: z.ZodType;
  satisfies: readonly SlaMilestone[];
  /** Taken only when named (close_as_duplicate: the bulk action on the queue). */
  namedOnly: boolean;
};

/**
 * Transitions `actorKind` may take from `state`, for UIs to show only legal actions. Pass
 * `stateBeforeWaiting` (from the record) to resolve where leaving `waiting_on_customer` goes.
 */
export function legalTransitions(
  state: ComplaintState,
  actorKind: ComplaintActorKind,
  stateBeforeWaiting: WaitingReturnState | null = null,
): ComplaintTransitionOption[] {
  return COMPLAINT_TRANSITIONS.filter((definition) => definition.from.includes(state) && definition.actors.includes(actorKind)).map(
    (definition) => ({
      name: definition.name,
      description: definition.description,
      to: resolveTarget(definition, state, stateBeforeWaiting),
      payload: definition.payload,
      satisfies: definition.satisfies,
      namedOnly: definition.namedOnly === true,
    }),
  );
}

export function findComplaintTransition(name: ComplaintTransitionName): ComplaintTransitionDefinition {
  const definition = COMPLAINT_TRANSITIONS.find((candidate) => candidate.name === name);
  if (!definition) throw new Error(`unknown complaint transition ${name}`);
  return definition;
}

// ---------------------------------------------------------------------------------------------
// Engine
// ---------------------------------------------------------------------------------------------

export const ComplaintTransitionRequestSchema = z.object({
  to: ComplaintStateSchema,
  /** Needed only for a `namedOnly` transition; when given, only that transition is considered. */
  transition: ComplaintTransitionNameSchema.optional(),
  actor: ComplaintActorSchema,
  /** Validated against the matching row's payload schema. */
  payload: z.unknown().optional(),
});
export type ComplaintTransitionRequest = z.infer<typeof ComplaintTransitionRequestSchema>;

/** `illegal_transition` → HTTP 409, `forbidden_actor` → 403, `invalid_payload` → 422 (with issues). */
export type ComplaintTransitionFailureReason = "illegal_transition" | "invalid_payload" | "forbidden_actor";

export type ComplaintTransitionResult =
  | { ok: true; complaint: Complaint; events: ComplaintTimelineEvent[]; transition: ComplaintTransitionName }
  | { ok: false; reason: ComplaintTransitionFailureReason; message: string; issues?: z.core.$ZodIssue[] };

function isWaitingReturnState(state: ComplaintState): state is WaitingReturnState {
  return (WAITING_RETURN_STATES as readonly ComplaintState[]).includes(state);
}

/**
 * Event times never precede the last recorded state change: a slightly skewed clock on another
 * Worker must not produce a history that runs backwards (the SLA pause maths assumes order).
 */
export function monotonicEventTime(complaint: Pick<Complaint, "stateHistory">, now: Date): Date {
  const last = complaint.stateHistory[complaint.stateHistory.length - 1];
  return last && last.at.getTime() > now.getTime() ? new Date(last.at.getTime()) : new Date(now.getTime());
}

export function applyComplaintTransition(
  complaint: Complaint,
  request: ComplaintTransitionRequest,
  now: Date,
): ComplaintTransitionResult {
  const fromState = complaint.state;
  const candidates = COMPLAINT_TRANSITIONS.filter(
    (definition) =>
      definition.from.includes(fromState) &&
      resolveTarget(definition, fromState, complaint.stateBeforeWaiting) === request.to &&
      (request.transition === undefined ? definition.namedOnly !== true : definition.name === request.transition),
  );
  if (candidates.length === 0) {
    const legalTargets = [
      ...new Set(
        COMPLAINT_TRANSITIONS.filter((definition) => definition.from.includes(fromState))
          .map((definition) => resolveTarget(definition, fromState, complaint.stateBeforeWaiting))
          .filter((target): target is ComplaintState => target !== null),
      ),
    ];
    return {
      ok: false,
      reason: "illegal_transition",
      message: `${request.transition ? `${request.transition}: ` : ""}cannot go from ${fromState} to ${request.to}; possible targets: ${legalTargets.join(", ") || "none"}`,
    };
  }
  const definition = candidates.find((candidate) => candidate.actors.includes(request.actor.kind));
  if (!definition) {
    const allowed = [...new Set(candidates.flatMap((candidate) => candidate.actors))];
    return {
      ok: false,
      reason: "forbidden_actor",
      message: `${request.actor.kind} may not move a complaint from ${fromState} to ${request.to} (allowed: ${allowed.join(", ")})`,
    };
  }

  const interpreted = definition.interpret(request.payload, complaint);
  if (!interpreted.ok) {
    return { ok: false, reason: "invalid_payload", message: `${definition.name}: ${interpreted.message}`, issues: interpreted.issues };
  }
  const { effects } = interpreted;
  const at = monotonicEventTime(complaint, now);
  const toState = request.to;
  const stateChanges = toState !== fromState;

  let next: Complaint = { ...complaint, ...effects.patch, state: toState };
  if (stateChanges) {
    next.stateHistory = [...complaint.stateHistory, { state: toState, at }];
    next.stateBeforeWaiting = toState === "waiting_on_customer" && isWaitingReturnState(fromState) ? fromState : null;
  }
  for (const milestone of definition.satisfies) next = markMilestoneMet(next, milestone, at);
  const staffReply = effects.publicReply !== undefined && request.actor.kind === "staff";
  if (staffReply && definition.staffReplyCounts) next = countStaffReply(next, at);

  const events: ComplaintTimelineEvent[] = [];
  if (stateChanges) {
    events.push({
      type: "state_changed",
      at,
      actor: request.actor,
      data: { transition: definition.name, from: fromState, to: toState, ...stripUndefined(effects.change ?? {}) },
    });
  }
  if (effects.publicReply !== undefined) events.push({ type: "public_reply", at, actor: request.actor, data: { text: effects.publicReply } });
  if (effects.note !== undefined) events.push({ type: "note", at, actor: request.actor, data: { text: effects.note } });
  return { ok: true, complaint: next, events, transition: definition.name };
}

function markMilestoneMet(complaint: Complaint, milestone: SlaMilestone, at: Date): Complaint {
  switch (milestone) {
    case "acknowledge":
      return complaint.acknowledgedAt ? complaint : { ...complaint, acknowledgedAt: at };
    case "first_response":
      return complaint.firstRespondedAt ? complaint : { ...complaint, firstRespondedAt: at };
    case "resolution":
      // Always the latest close: after a reopen the promise is met only by the final close.
      return { ...complaint, closedAt: at };
  }
}

/** A substantive staff reply: counts toward first-contact resolution and meets first response. */
export function countStaffReply(complaint: Complaint, at: Date): Complaint {
  return {
    ...complaint,
    staffPublicReplyCount: complaint.staffPublicReplyCount + 1,
    firstRespondedAt: complaint.firstRespondedAt ?? at,
  };
}

function stripUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------------
// Intake
// ---------------------------------------------------------------------------------------------

export const NewComplaintInputSchema = z.object({
  id: EntityIdSchema,
  organizationId: EntityIdSchema,
  reference: ComplaintReferenceSchema,
  subject: z.string().trim().min(1).max(300),
  description: z.string().trim().max(20_000).default(""),
  /** Intake default; assessment confirms or changes it. Survey triggers may suggest higher. */
  priority: ComplaintPrioritySchema.default("normal"),
  severity: ComplaintSeverityInputSchema.nullable().default(null),
  category: ComplaintCategorySchema.nullable().default(null),
  touchpoint: z.string().trim().min(1).max(100).nullable().default(null),
  source: ComplaintSourceSchema,
  sourceResponseId: EntityIdSchema.nullable().default(null),
  complainantId: EntityIdSchema.nullable().default(null),
  segment: ComplaintSegmentSchema.default({}),
  triggerRuleIds: z.array(EntityIdSchema).default([]),
});
export type NewComplaintInput = z.input<typeof NewComplaintInputSchema>;

/**
 * Record a new complaint in `received` (ISO 10002 receipt: record, unique id, what is sought).
 * Throws on invalid input because callers build the input from already-validated data; API
 * bodies should be parsed with `NewComplaintInputSchema` first to get field errors.
 */
export function openComplaint(
  input: NewComplaintInput,
  actor: ComplaintActor,
  now: Date,
): { complaint: Complaint; events: ComplaintTimelineEvent[] } {
  const parsed = NewComplaintInputSchema.parse(input);
  const at = new Date(now.getTime());
  const complaint = ComplaintSchema.parse({
    id: parsed.id,
    organizationId: parsed.organizationId,
    reference: parsed.reference,
    state: "received",
    stateBeforeWaiting: null,
    priority: parsed.priority,
    severity: parsed.severity,
    category: parsed.category,
    touchpoint: parsed.touchpoint,
    source: parsed.source,
    sourceResponseId: parsed.sourceResponseId,
    complainantId: parsed.complainantId,
    segment: parsed.segment,
    subject: parsed.subject,
    description: parsed.description,
    teamId: null,
    assigneeId: null,
    receivedAt: at,
    acknowledgedAt: null,
    firstRespondedAt: null,
    closedAt: null,
    proposedRemedy: null,
    resolution: null,
    reopenCount: 0,
    staffPublicReplyCount: 0,
    stateHistory: [{ state: "received", at }],
  } satisfies z.input<typeof ComplaintSchema>);
  const events: ComplaintTimelineEvent[] = [
    { type: "received", at, actor, data: { source: parsed.source, triggerRuleIds: parsed.triggerRuleIds } },
  ];
  return { complaint, events };
}
