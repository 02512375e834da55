import { describe, expect, it } from "vitest";
import {
  applyComplaintActivity,
  COMPLAINT_ACTIVITY_RULES,
  type ComplaintActivityInput,
  createImprovementHandoff,
  isCustomerVisibleEvent,
} from "../../../src/domain/complaints";
import { complaintIn, CUSTOMER, minutesAfter, STAFF, SYSTEM, T0 } from "./fixtures";

const at = minutesAfter(T0, 90);

describe("activities", () => {
  it("an internal note is allowed even on a closed complaint and is never customer-visible", () => {
    const result = applyComplaintActivity(complaintIn("closed"), { actor: STAFF, activity: { kind: "note", text: "Root cause: billing batch job" } }, at);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events).toEqual([{ type: "note", at, actor: STAFF, data: { text: "Root cause: billing batch job" } }]);
    expect(isCustomerVisibleEvent(result.events[0])).toBe(false);
  });

  it("a staff public reply counts as a response and meets first response", () => {
    const result = applyComplaintActivity(complaintIn("investigating"), { actor: STAFF, activity: { kind: "public_reply", text: "We are on it." } }, at);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.complaint).toMatchObject({ staffPublicReplyCount: 1, firstRespondedAt: at, state: "investigating" });
    expect(isCustomerVisibleEvent(result.events[0])).toBe(true);
  });

  it.each<[string, ComplaintActivityInput, typeof CUSTOMER]>([
    ["customer public reply (customers use the customer_reply transition)", { kind: "public_reply", text: "hi" }, CUSTOMER],
    ["system public reply", { kind: "public_reply", text: "hi" }, SYSTEM],
    ["customer note", { kind: "note", text: "hi" }, CUSTOMER],
    ["customer assignment", { kind: "assign", teamId: "t", assigneeId: null }, CUSTOMER],
  ])("forbids %s", (_label, activity, actor) => {
    expect(applyComplaintActivity(complaintIn("investigating"), { actor, activity }, at)).toMatchObject({ ok: false, reason: "forbidden_actor" });
  });

  it("refuses replies and assignment on a closed complaint (reopen first)", () => {
    const closed = complaintIn("closed");
    expect(applyComplaintActivity(closed, { actor: STAFF, activity: { kind: "public_reply", text: "x" } }, at)).toMatchObject({ ok: false, reason: "illegal_transition" });
    expect(applyComplaintActivity(closed, { actor: STAFF, activity: { kind: "assign", teamId: "t", assigneeId: "u" } }, at)).toMatchObject({ ok: false, reason: "illegal_transition" });
  });

  it("assignment records previous and new owner", () => {
    const first = applyComplaintActivity(complaintIn("received"), { actor: SYSTEM, activity: { kind: "assign", teamId: "billing", assigneeId: null, reason: "routing_rule", ruleId: "r1" } }, at);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const second = applyComplaintActivity(first.complaint, { actor: STAFF, activity: { kind: "assign", teamId: "billing", assigneeId: "u7" } }, at);
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.complaint).toMatchObject({ teamId: "billing", assigneeId: "u7" });
    expect(second.events[0].data).toEqual({ teamId: "billing", assigneeId: "u7", previousTeamId: "billing", previousAssigneeId: null, reason: "manual" });
  });

  it("re-classification records from → to, and is a no-op when nothing changes", () => {
    const complaint = complaintIn("investigating"); // assessed as high / billing / medium(2)
    const changed = applyComplaintActivity(complaint, { actor: SYSTEM, activity: { kind: "change_classification", priority: "urgent", reason: "SLA escalation" } }, at);
    expect(changed.ok && changed.events[0].data).toEqual({ priority: { from: "high", to: "urgent" }, reason: "SLA escalation" });
    const same = applyComplaintActivity(complaint, { actor: STAFF, activity: { kind: "change_classification", priority: "high", severity: "medium" } }, at);
    expect(same).toEqual({ ok: true, complaint, events: [] });
  });

  it("validates activity payloads", () => {
    expect(applyComplaintActivity(complaintIn("investigating"), { actor: STAFF, activity: { kind: "change_classification" } }, at)).toMatchObject({ ok: false, reason: "invalid_payload" });
    expect(applyComplaintActivity(complaintIn("investigating"), { actor: STAFF, activity: { kind: "note", text: "  " } }, at)).toMatchObject({ ok: false, reason: "invalid_payload" });
  });

  it("declares a rule for every activity kind", () => {
    expect(Object.keys(COMPLAINT_ACTIVITY_RULES).sort()).toEqual(["assign", "change_classification", "note", "public_reply"]);
  });
});

describe("improvement hand-off", () => {
  const input = {
    id: "ho_1",
    rootCause: "Payment retries are not idempotent",
    correctiveAction: "Add idempotency keys to the payment client",
    ownerId: "user_dev_lead",
    dueDate: "2026-04-15",
  };

  it("creates a separate record and an internal timeline event", () => {
    const complaint = complaintIn("closed");
    const result = applyHandoff(complaint);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.handoff).toMatchObject({ ...input, ownerTeamId: null, status: "open", complaintId: complaint.id, organizationId: "org_1", createdBy: STAFF.id, createdAt: at });
    expect(result.event).toMatchObject({ type: "handed_off", data: { handoffId: "ho_1", ownerId: "user_dev_lead", dueDate: "2026-04-15" } });
    expect(isCustomerVisibleEvent(result.event)).toBe(false);
  });

  function applyHandoff(complaint: ReturnType<typeof complaintIn>, actor = STAFF, override: Partial<typeof input> = {}) {
    return createImprovementHandoff(complaint, { ...input, ...override }, actor, at);
  }

  it("only staff hand off, and a due date must be a real date", () => {
    expect(applyHandoff(complaintIn("investigating"), CUSTOMER)).toMatchObject({ ok: false, reason: "forbidden_actor" });
    expect(applyHandoff(complaintIn("investigating"), STAFF, { dueDate: "2026-02-30" })).toMatchObject({ ok: false, reason: "invalid_payload" });
    expect(applyHandoff(complaintIn("investigating"), STAFF, { rootCause: "" })).toMatchObject({ ok: false, reason: "invalid_payload" });
  });
});
