/**
 * SLA escalation planning (Freshdesk-style reminder + escalation levels, Qualtrics ticket
 * workflows; peers §A4/§A6). Levels, per complaint and milestone:
 *
 *   1  approaching  → notify the owner (assignee, or the team queue when unassigned)
 *   2  breached     → notify the team lead; record the SLA breach
 *   3  breached by more than `level3OverdueShare` of the target, or the complaint's second
 *      breached milestone → raise priority one step and/or reassign, and notify the escalation
 *      manager
 *
 * The planner is a pure function of the current SLA status and the escalations already recorded
 * on the timeline, so running the cron job twice plans nothing new (each level at most once per
 * complaint per milestone). Met milestones never escalate; closed complaints are skipped; a
 * paused complaint gets no "approaching" notice (its clock is not running) but a breach that
 * already happened is still escalated.
 */
import { z } from "zod";
import { type ComplaintPriority, ComplaintPrioritySchema, raisedComplaintPriority } from "./classification";
import { type ComplaintActor, type ComplaintState, SLA_MILESTONES, type SlaMilestone } from "./complaint";
import type { ComplaintTimelineEvent } from "./events";
import { EntityIdSchema } from "./primitives";
import type { ComplaintSlaStatus } from "./sla";

export const ESCALATION_LEVELS = [1, 2, 3] as const;
export const EscalationLevelSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type EscalationLevel = z.infer<typeof EscalationLevelSchema>;

export const ESCALATION_RECIPIENTS = ["owner", "team_lead", "escalation_manager"] as const;
export const EscalationRecipientSchema = z.enum(ESCALATION_RECIPIENTS);
export type EscalationRecipient = z.infer<typeof EscalationRecipientSchema>;

export const EscalationActionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("notify"), recipient: EscalationRecipientSchema }),
  z.object({ kind: z.literal("raise_priority"), from: ComplaintPrioritySchema, to: ComplaintPrioritySchema }),
  z.object({ kind: z.literal("reassign"), toTeamId: EntityIdSchema }),
]);
export type EscalationAction = z.infer<typeof EscalationActionSchema>;

export const EscalationPolicySchema = z.object({
  /** Level 3 once overdue by more than this share of the target (0.5 → 50 % over). */
  level3OverdueShare: z.number().positive().default(0.5),
  level3RaisePriority: z.boolean().default(true),
  /** Team that takes over at level 3 (e.g. a senior complaints desk); null = keep the team. */
  level3ReassignTeamId: EntityIdSchema.nullable().default(null),
});
export type EscalationPolicy = z.output<typeof EscalationPolicySchema>;
export type EscalationPolicyInput = z.input<typeof EscalationPolicySchema>;

export type RecordedEscalation = { milestone: SlaMilestone; level: EscalationLevel };

export type EscalationCandidate = {
  complaintId: string;
  state: ComplaintState;
  priority: ComplaintPriority;
  teamId: string | null;
  assigneeId: string | null;
  sla: ComplaintSlaStatus;
  /** From the timeline: `recordedEscalationsFromTimeline(events)`. */
  recordedEscalations: readonly RecordedEscalation[];
};

export type EscalationPlanItem = {
  complaintId: string;
  milestone: SlaMilestone;
  level: EscalationLevel;
  actions: EscalationAction[];
  /** Append these to the complaint's timeline; they are what makes the next run idempotent. */
  events: ComplaintTimelineEvent[];
};

/** The actor recorded on escalation events. */
export const ESCALATION_ACTOR: ComplaintActor = { kind: "system", id: "sla-escalation", name: "SLA escalation" };

export function recordedEscalationsFromTimeline(events: readonly ComplaintTimelineEvent[]): RecordedEscalation[] {
  return events.flatMap((event) => (event.type === "escalated" ? [{ milestone: event.data.milestone, level: event.data.level }] : []));
}

export function planEscalations(
  candidates: readonly EscalationCandidate[],
  policy: EscalationPolicyInput,
  now: Date,
): EscalationPlanItem[] {
  const settings = EscalationPolicySchema.parse(policy);
  const at = new Date(now.getTime());
  const plan: EscalationPlanItem[] = [];

  for (const candidate of candidates) {
    if (candidate.state === "closed") continue;
    const recorded = new Set(candidate.recordedEscalations.map((entry) => `${entry.milestone}/${entry.level}`));
    // Raising priority is a per-complaint step: two milestones reaching level 3 raise it once.
    let priorityAlreadyRaised = candidate.recordedEscalations.some((entry) => entry.level === 3);
    let currentTeamId = candidate.teamId;
    const breachedCount = SLA_MILESTONES.filter((milestone) => candidate.sla.milestones[milestone].breached).length;

    const push = (milestone: SlaMilestone, level: EscalationLevel, actions: EscalationAction[], extraEvents: ComplaintTimelineEvent[] = []) => {
      plan.push({
        complaintId: candidate.complaintId,
        milestone,
        level,
        actions,
        events: [...extraEvents, { type: "escalated", at, actor: ESCALATION_ACTOR, data: { milestone, level, actions } }],
      });
    };

    for (const milestone of SLA_MILESTONES) {
      const status = candidate.sla.milestones[milestone];
      if (status.metAt !== null) continue;
      const due = (level: EscalationLevel) => !recorded.has(`${milestone}/${level}`);

      if (!status.breached) {
        if (status.approaching && !candidate.sla.paused && due(1)) push(milestone, 1, [{ kind: "notify", recipient: "owner" }]);
        continue;
      }
      if (due(2)) {
        push(milestone, 2, [{ kind: "notify", recipient: "team_lead" }], [
          { type: "sla_breached", at, actor: ESCALATION_ACTOR, data: { milestone, dueAt: status.dueAt } },
        ]);
      }
      const farOverdue = status.overdueMinutes > settings.level3OverdueShare * status.targetMinutes;
      if ((farOverdue || breachedCount >= 2) && due(3)) {
        const actions: EscalationAction[] = [];
        const raised = raisedComplaintPriority(candidate.priority);
        if (settings.level3RaisePriority && !priorityAlreadyRaised && raised) {
          actions.push({ kind: "raise_priority", from: candidate.priority, to: raised });
          priorityAlreadyRaised = true;
        }
        if (settings.level3ReassignTeamId && settings.level3ReassignTeamId !== currentTeamId) {
          actions.push({ kind: "reassign", toTeamId: settings.level3ReassignTeamId });
          currentTeamId = settings.level3ReassignTeamId;
        }
        actions.push({ kind: "notify", recipient: "escalation_manager" });
        push(milestone, 3, actions);
      }
    }
  }
  return plan;
}
