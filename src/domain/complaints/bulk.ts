/**
 * Bulk actions on the queue: one action (assign, change priority, close as a duplicate of another
 * complaint) applied to several complaints. Each complaint goes through the same rules as a single
 * change (activities.ts, state-machine.ts) and gets its own result: a batch never skips an illegal
 * change silently, and one refused complaint does not stop the others.
 */
import { z } from "zod";
import { applyComplaintActivity, type ComplaintActivityInput } from "./activities";
import { ComplaintPrioritySchema } from "./classification";
import type { Complaint, ComplaintActor } from "./complaint";
import type { ComplaintTimelineEvent } from "./events";
import { EntityIdSchema } from "./primitives";
import { applyComplaintTransition, type ComplaintTransitionFailureReason } from "./state-machine";

/** At most this many complaints per request: a queue page (25) with room, far inside one D1 batch. */
export const BULK_COMPLAINT_LIMIT = 50;

export const ComplaintBulkActionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("assign"), assigneeId: EntityIdSchema.nullable() }).strict(),
  z.object({ kind: z.literal("set_priority"), priority: ComplaintPrioritySchema }).strict(),
  z
    .object({
      kind: z.literal("close_as_duplicate"),
      /** The complaint kept: its id or its reference (FL-…). */
      duplicateOf: z.string().trim().min(1).max(64),
    })
    .strict(),
]);
export type ComplaintBulkAction = z.infer<typeof ComplaintBulkActionSchema>;

/** The bulk action with the kept complaint looked up (its id and reference). */
export type ResolvedBulkAction =
  | { kind: "assign"; assigneeId: string | null }
  | { kind: "set_priority"; priority: Complaint["priority"] }
  | { kind: "close_as_duplicate"; duplicateOf: { id: string; reference: string } };

/** Why one complaint of a batch was not changed. */
export type BulkItemFailure = ComplaintTransitionFailureReason | "not_found" | "is_duplicate_target" | "conflict";

export type BulkItemPlan =
  /** `events` empty: already as asked (nothing written, reported as unchanged). */
  | { ok: true; complaint: Complaint; events: ComplaintTimelineEvent[]; auditAction: string }
  | { ok: false; reason: BulkItemFailure; message: string };

/** What one complaint of the batch would become, decided by the workflow rules alone. */
export function planBulkItem(complaint: Complaint, action: ResolvedBulkAction, actor: ComplaintActor, now: Date): BulkItemPlan {
  if (action.kind === "close_as_duplicate") {
    if (complaint.id === action.duplicateOf.id) {
      return { ok: false, reason: "is_duplicate_target", message: `${complaint.reference} is the complaint the others are duplicates of; it stays open` };
    }
    const result = applyComplaintTransition(
      complaint,
      { to: "closed", transition: "close_as_duplicate", actor, payload: { duplicateOf: action.duplicateOf } },
      now,
    );
    if (!result.ok) return { ok: false, reason: result.reason, message: result.message };
    return { ok: true, complaint: result.complaint, events: result.events, auditAction: "complaint.close_as_duplicate" };
  }
  const activity: ComplaintActivityInput =
    action.kind === "assign"
      ? { kind: "assign", teamId: complaint.teamId, assigneeId: action.assigneeId, reason: "manual" }
      : { kind: "change_classification", priority: action.priority };
  if (action.kind === "assign" && complaint.assigneeId === action.assigneeId && complaint.state !== "closed") {
    return { ok: true, complaint, events: [], auditAction: "complaint.assigned" };
  }
  const result = applyComplaintActivity(complaint, { actor, activity }, now);
  if (!result.ok) return { ok: false, reason: result.reason, message: result.message };
  return { ok: true, complaint: result.complaint, events: result.events, auditAction: action.kind === "assign" ? "complaint.assigned" : "complaint.reclassified" };
}
