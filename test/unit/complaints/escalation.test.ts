import { describe, expect, it } from "vitest";
import {
  applyComplaintActivity,
  applyComplaintTransition,
  type Complaint,
  type ComplaintTimelineEvent,
  defaultBusinessCalendar,
  defaultComplaintSlaPolicies,
  type EscalationCandidate,
  type EscalationPolicyInput,
  planEscalations,
  type RecordedEscalation,
  recordedEscalationsFromTimeline,
  resolveComplaintSlaPolicy,
  slaStatus,
} from "../../../src/domain/complaints";
import { CUSTOMER, newComplaint, STAFF, SYSTEM, VALID_PAYLOADS } from "./fixtures";

const BERLIN = defaultBusinessCalendar("Europe/Berlin");
const POLICIES = defaultComplaintSlaPolicies(BERLIN);
const MON_0900 = new Date("2026-03-02T08:00:00Z");
const utc = (iso: string) => new Date(iso);

function candidate(complaint: Complaint, now: Date, recordedEscalations: RecordedEscalation[] = []): EscalationCandidate {
  const policy = resolveComplaintSlaPolicy(POLICIES, complaint.priority, complaint.category);
  return {
    complaintId: complaint.id,
    state: complaint.state,
    priority: complaint.priority,
    teamId: complaint.teamId,
    assigneeId: complaint.assigneeId,
    sla: slaStatus(complaint, policy, BERLIN, now),
    recordedEscalations,
  };
}

const summary = (plan: ReturnType<typeof planEscalations>) =>
  plan.map((item) => ({ milestone: item.milestone, level: item.level, actions: item.actions }));

const fresh = newComplaint(MON_0900); // normal priority: ack due Mon 13:00, first response Tue 18:00, resolution Fri 18:00

describe("planEscalations levels", () => {
  it("level 1 notifies the owner when a milestone is approaching", () => {
    const now = utc("2026-03-02T11:20:00Z");
    expect(summary(planEscalations([candidate(fresh, now)], {}, now))).toEqual([
      { milestone: "acknowledge", level: 1, actions: [{ kind: "notify", recipient: "owner" }] },
    ]);
  });

  it("level 2 notifies the team lead on breach and records the breach", () => {
    const now = utc("2026-03-02T12:30:00Z");
    const plan = planEscalations([candidate(fresh, now, [{ milestone: "acknowledge", level: 1 }])], {}, now);
    expect(summary(plan)).toEqual([{ milestone: "acknowledge", level: 2, actions: [{ kind: "notify", recipient: "team_lead" }] }]);
    expect(plan[0].events).toEqual([
      { type: "sla_breached", at: now, actor: expect.objectContaining({ kind: "system" }), data: { milestone: "acknowledge", dueAt: utc("2026-03-02T12:00:00Z") } },
      { type: "escalated", at: now, actor: expect.objectContaining({ kind: "system" }), data: { milestone: "acknowledge", level: 2, actions: [{ kind: "notify", recipient: "team_lead" }] } },
    ]);
  });

  it("level 3 raises priority when overdue by more than half the target", () => {
    const now = utc("2026-03-02T14:01:00Z"); // 121 business minutes over a 240-minute target
    expect(summary(planEscalations([candidate(fresh, now, [{ milestone: "acknowledge", level: 2 }])], {}, now))).toEqual([
      {
        milestone: "acknowledge",
        level: 3,
        actions: [
          { kind: "raise_priority", from: "normal", to: "high" },
          { kind: "notify", recipient: "escalation_manager" },
        ],
      },
    ]);
    const exactlyHalf = utc("2026-03-02T14:00:00Z");
    expect(planEscalations([candidate(fresh, exactlyHalf, [{ milestone: "acknowledge", level: 2 }])], {}, exactlyHalf)).toEqual([]);
  });

  it("a missed run catches up with every level that applies, except a stale 'approaching'", () => {
    const now = utc("2026-03-02T17:00:00Z");
    expect(summary(planEscalations([candidate(fresh, now)], {}, now)).map((item) => item.level)).toEqual([2, 3]);
  });

  it("level 3 reassigns when a senior team is configured, and cannot raise urgent further", () => {
    const urgent = { ...fresh, priority: "urgent" as const, teamId: "frontline" };
    const now = utc("2026-03-02T10:00:00Z"); // urgent ack target 60 → 60 min over
    const policy: EscalationPolicyInput = { level3ReassignTeamId: "senior_desk" };
    expect(summary(planEscalations([candidate(urgent, now, [{ milestone: "acknowledge", level: 2 }])], policy, now))).toEqual([
      {
        milestone: "acknowledge",
        level: 3,
        actions: [
          { kind: "reassign", toTeamId: "senior_desk" },
          { kind: "notify", recipient: "escalation_manager" },
        ],
      },
    ]);
  });

  it("a second breached milestone triggers level 3 even when only slightly overdue", () => {
    const lateAck = applyComplaintTransition(fresh, { to: "acknowledged", actor: STAFF }, utc("2026-03-02T13:00:00Z"));
    if (!lateAck.ok) throw new Error(lateAck.message);
    const now = utc("2026-03-03T17:30:00Z"); // first response was due Tue 18:00 local (17:00Z)
    expect(summary(planEscalations([candidate(lateAck.complaint, now)], {}, now))).toEqual([
      { milestone: "first_response", level: 2, actions: [{ kind: "notify", recipient: "team_lead" }] },
      {
        milestone: "first_response",
        level: 3,
        actions: [
          { kind: "raise_priority", from: "normal", to: "high" },
          { kind: "notify", recipient: "escalation_manager" },
        ],
      },
    ]);
  });

  it("raises priority once per complaint even if two milestones reach level 3 together", () => {
    const now = utc("2026-03-05T17:00:00Z"); // Thu 18:00: ack and first response both far overdue
    const recorded: RecordedEscalation[] = [
      { milestone: "acknowledge", level: 2 },
      { milestone: "first_response", level: 2 },
      { milestone: "resolution", level: 1 },
    ];
    const plan = summary(planEscalations([candidate(fresh, now, recorded)], { level3ReassignTeamId: "senior_desk" }, now));
    expect(plan.map((item) => [item.milestone, item.level])).toEqual([
      ["acknowledge", 3],
      ["first_response", 3],
    ]);
    expect(plan[0].actions.map((action) => action.kind)).toEqual(["raise_priority", "reassign", "notify"]);
    expect(plan[1].actions.map((action) => action.kind)).toEqual(["notify"]);
  });

  it("does not warn about an approaching deadline while the clock is paused, but escalates a breach", () => {
    const acked = applyComplaintTransition(fresh, { to: "acknowledged", actor: SYSTEM }, utc("2026-03-02T08:01:00Z"));
    if (!acked.ok) throw new Error(acked.message);
    const waiting = { ...acked.complaint, state: "waiting_on_customer" as const, stateBeforeWaiting: "acknowledged" as const };
    waiting.stateHistory = [...waiting.stateHistory, { state: "waiting_on_customer", at: utc("2026-03-03T14:00:00Z") }];
    const approachingNow = utc("2026-03-03T15:00:00Z");
    const status = candidate(waiting, approachingNow);
    expect(status.sla.paused).toBe(true);
    expect(status.sla.milestones.first_response.approaching).toBe(true);
    expect(planEscalations([status], {}, approachingNow)).toEqual([]);

    const breachedBeforePause = { ...waiting, stateHistory: [...acked.complaint.stateHistory, { state: "waiting_on_customer" as const, at: utc("2026-03-03T17:30:00Z") }] };
    const later = utc("2026-03-04T10:00:00Z");
    expect(summary(planEscalations([candidate(breachedBeforePause, later)], {}, later)).map((item) => [item.milestone, item.level])).toEqual([["first_response", 2]]);
  });

  it("never escalates met milestones or closed complaints", () => {
    let complaint = fresh;
    for (const [to, actor, payload, at] of [
      ["acknowledged", SYSTEM, {}, "2026-03-02T08:01:00Z"],
      ["assessed", STAFF, { priority: "normal", category: "billing" }, "2026-03-02T08:02:00Z"],
      ["responded", STAFF, VALID_PAYLOADS.respond, "2026-03-02T08:03:00Z"],
      ["closed", CUSTOMER, {}, "2026-03-02T08:04:00Z"],
    ] as const) {
      const result = applyComplaintTransition(complaint, { to, actor, payload }, utc(at));
      if (!result.ok) throw new Error(result.message);
      complaint = result.complaint;
    }
    const muchLater = utc("2026-04-01T00:00:00Z");
    expect(planEscalations([candidate(complaint, muchLater)], {}, muchLater)).toEqual([]);
    expect(planEscalations([{ ...candidate(fresh, muchLater), state: "closed" }], {}, muchLater)).toEqual([]);
  });
});

describe("idempotence over time", () => {
  it("an hourly job fires each level at most once per milestone, in order", () => {
    let complaint = newComplaint(MON_0900);
    const timeline: ComplaintTimelineEvent[] = [];
    for (let hour = 0; hour <= 24 * 14; hour++) {
      const now = new Date(MON_0900.getTime() + hour * 3_600_000);
      // Run twice per tick: the second run must find nothing new.
      for (let run = 0; run < 2; run++) {
        const plan = planEscalations([candidate(complaint, now, recordedEscalationsFromTimeline(timeline))], { level3ReassignTeamId: "senior_desk" }, now);
        if (run === 1) expect(plan).toEqual([]);
        for (const item of plan) {
          timeline.push(...item.events);
          for (const action of item.actions) {
            if (action.kind === "raise_priority") {
              const raised = applyComplaintActivity(complaint, { actor: SYSTEM, activity: { kind: "change_classification", priority: action.to } }, now);
              if (raised.ok) complaint = raised.complaint;
            }
            if (action.kind === "reassign") {
              const reassigned = applyComplaintActivity(complaint, { actor: SYSTEM, activity: { kind: "assign", teamId: action.toTeamId, assigneeId: null, reason: "escalation" } }, now);
              if (reassigned.ok) complaint = reassigned.complaint;
            }
          }
        }
      }
    }
    const recorded = recordedEscalationsFromTimeline(timeline).map((entry) => `${entry.milestone}/${entry.level}`);
    expect(new Set(recorded).size).toBe(recorded.length);
    expect(recorded.filter((key) => key.startsWith("acknowledge"))).toEqual(["acknowledge/1", "acknowledge/2", "acknowledge/3"]);
    expect(timeline.filter((event) => event.type === "sla_breached")).toHaveLength(3);
    // Raised exactly one step (normal → high) and reassigned once, despite three level-3 escalations.
    expect(complaint.priority).toBe("high");
    expect(complaint.teamId).toBe("senior_desk");
  });
});
