import { describe, expect, it } from "vitest";
import { applyComplaintTransition, COMPLAINT_STATES, planBulkItem, type ResolvedBulkAction } from "../../../src/domain/complaints";
import { complaintIn, CUSTOMER, minutesAfter, STAFF, T0 } from "./fixtures";

const at = minutesAfter(T0, 120);
const kept = { id: "cmp_kept", reference: "FL-2026-000009" };
const closeAsDuplicate: ResolvedBulkAction = { kind: "close_as_duplicate", duplicateOf: kept };

describe("closing as a duplicate (a named-only transition)", () => {
  it.each(COMPLAINT_STATES.filter((state) => state !== "closed"))("closes a complaint in %s, recording the complaint kept, and meets the resolution promise", (state) => {
    const plan = planBulkItem(complaintIn(state, state === "waiting_on_customer" ? "investigating" : undefined), closeAsDuplicate, STAFF, at);
    expect(plan.ok, plan.ok ? "" : plan.message).toBe(true);
    if (!plan.ok) return;
    expect(plan.complaint).toMatchObject({ state: "closed", closedAt: at, resolution: { outcome: "duplicate", duplicateOfId: kept.id, duplicateOfReference: kept.reference } });
    expect(plan.events[0]).toMatchObject({ type: "state_changed", data: { transition: "close_as_duplicate", from: state, to: "closed" } });
    expect(plan.auditAction).toBe("complaint.close_as_duplicate");
  });

  it("reports a closed complaint as illegal instead of skipping it", () => {
    const plan = planBulkItem(complaintIn("closed"), closeAsDuplicate, STAFF, at);
    expect(plan).toMatchObject({ ok: false, reason: "illegal_transition" });
  });

  it("keeps the complaint the others are duplicates of open", () => {
    const plan = planBulkItem({ ...complaintIn("assessed"), id: kept.id }, closeAsDuplicate, STAFF, at);
    expect(plan).toMatchObject({ ok: false, reason: "is_duplicate_target" });
  });

  it("is never chosen by `to` alone: a plain close from responded stays the ordinary close", () => {
    const result = applyComplaintTransition(complaintIn("responded"), { to: "closed", actor: STAFF, payload: { resolution: { outcome: "accepted" } } }, at);
    expect(result.ok && result.transition).toBe("close");
    const unnamed = applyComplaintTransition(complaintIn("assessed"), { to: "closed", actor: STAFF, payload: { duplicateOf: kept } }, at);
    expect(unnamed).toMatchObject({ ok: false, reason: "illegal_transition" });
  });

  it("may not be taken by the customer", () => {
    const result = applyComplaintTransition(complaintIn("assessed"), { to: "closed", transition: "close_as_duplicate", actor: CUSTOMER, payload: { duplicateOf: kept } }, at);
    expect(result).toMatchObject({ ok: false, reason: "forbidden_actor" });
  });
});

describe("bulk assign and priority", () => {
  it("assigns an open complaint and keeps its team", () => {
    const complaint = { ...complaintIn("assessed"), teamId: "team_1" };
    const plan = planBulkItem(complaint, { kind: "assign", assigneeId: "usr_2" }, STAFF, at);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.complaint).toMatchObject({ teamId: "team_1", assigneeId: "usr_2" });
    expect(plan.events[0]).toMatchObject({ type: "assigned", data: { assigneeId: "usr_2", previousAssigneeId: null, reason: "manual" } });
  });

  it("reports an assignment that is already so as unchanged (no event), and a closed complaint as illegal", () => {
    const plan = planBulkItem({ ...complaintIn("assessed"), assigneeId: "usr_2" }, { kind: "assign", assigneeId: "usr_2" }, STAFF, at);
    expect(plan).toMatchObject({ ok: true, events: [] });
    expect(planBulkItem(complaintIn("closed"), { kind: "assign", assigneeId: "usr_2" }, STAFF, at)).toMatchObject({ ok: false, reason: "illegal_transition" });
  });

  it("changes the priority of an open complaint, unchanged when equal, illegal when closed", () => {
    const plan = planBulkItem(complaintIn("investigating"), { kind: "set_priority", priority: "urgent" }, STAFF, at);
    expect(plan.ok && plan.complaint.priority).toBe("urgent");
    expect(plan.ok && plan.events[0]?.type).toBe("classification_changed");
    const same = complaintIn("investigating");
    expect(planBulkItem(same, { kind: "set_priority", priority: same.priority }, STAFF, at)).toMatchObject({ ok: true, events: [] });
    expect(planBulkItem(complaintIn("closed"), { kind: "set_priority", priority: "urgent" }, STAFF, at)).toMatchObject({ ok: false, reason: "illegal_transition" });
  });
});
