/**
 * Hand-off to an improvement owner — the interface between complaint handling and improvement
 * (seed 001: attend to the communication between the department handling complaints and the one
 * using them to improve; ISO 10002 "analysis and evaluation … root cause … continual improvement";
 * Medallia's "outer loop").
 *
 * Deliberately a separate record from the customer reply: the reply fixes this customer's problem
 * (inner loop), the hand-off fixes the cause for every customer (outer loop), has its own owner and
 * due date, and usually outlives the complaint.
 */
import { z } from "zod";
import type { Complaint, ComplaintActor } from "./complaint";
import type { ComplaintTimelineEvent } from "./events";
import { ComplaintTextSchema, EntityIdSchema, InstantSchema, LocalDateSchema } from "./primitives";
import { monotonicEventTime } from "./state-machine";

export const IMPROVEMENT_HANDOFF_STATUSES = ["open", "in_progress", "done", "rejected"] as const;
export const ImprovementHandoffStatusSchema = z.enum(IMPROVEMENT_HANDOFF_STATUSES);
export type ImprovementHandoffStatus = z.infer<typeof ImprovementHandoffStatusSchema>;

export const ImprovementHandoffInputSchema = z.object({
  /** Minted by the caller so the domain stays deterministic. */
  id: EntityIdSchema,
  rootCause: ComplaintTextSchema,
  correctiveAction: ComplaintTextSchema,
  /** Action that stops the cause recurring elsewhere (ISO 10002 "prevent recurrence"). */
  preventiveAction: ComplaintTextSchema.optional(),
  ownerId: EntityIdSchema,
  ownerTeamId: EntityIdSchema.nullable().default(null),
  /** Civil date in the organisation's time zone. */
  dueDate: LocalDateSchema,
});
export type ImprovementHandoffInput = z.input<typeof ImprovementHandoffInputSchema>;

export const ImprovementHandoffSchema = ImprovementHandoffInputSchema.extend({
  organizationId: EntityIdSchema,
  complaintId: EntityIdSchema,
  status: ImprovementHandoffStatusSchema,
  createdAt: InstantSchema,
  createdBy: EntityIdSchema,
});
export type ImprovementHandoff = z.infer<typeof ImprovementHandoffSchema>;

export type ImprovementHandoffResult =
  | { ok: true; handoff: ImprovementHandoff; event: ComplaintTimelineEvent }
  | { ok: false; reason: "invalid_payload" | "forbidden_actor"; message: string; issues?: z.core.$ZodIssue[] };

/**
 * Create a hand-off for a complaint (any state: root-cause work often starts after closing).
 * Whether the due date is acceptable (e.g. not in the past in the org's zone) is a policy the
 * route checks with the organisation's calendar.
 */
export function createImprovementHandoff(
  complaint: Pick<Complaint, "id" | "organizationId" | "stateHistory">,
  input: ImprovementHandoffInput,
  actor: ComplaintActor,
  now: Date,
): ImprovementHandoffResult {
  if (actor.kind !== "staff") return { ok: false, reason: "forbidden_actor", message: "only staff hand complaints off to improvement owners" };
  const parsed = ImprovementHandoffInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid_payload", message: z.prettifyError(parsed.error), issues: parsed.error.issues };
  const at = monotonicEventTime(complaint, now);
  const handoff: ImprovementHandoff = {
    ...parsed.data,
    organizationId: complaint.organizationId,
    complaintId: complaint.id,
    status: "open",
    createdAt: at,
    createdBy: actor.id,
  };
  const event: ComplaintTimelineEvent = {
    type: "handed_off",
    at,
    actor,
    data: {
      handoffId: handoff.id,
      ownerId: handoff.ownerId,
      ownerTeamId: handoff.ownerTeamId,
      dueDate: handoff.dueDate,
      rootCause: handoff.rootCause,
      correctiveAction: handoff.correctiveAction,
    },
  };
  return { ok: true, handoff, event };
}
