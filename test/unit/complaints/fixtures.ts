/** Builders shared by the complaint tests: complaints in a given state, reached through the real workflow. */
import {
  applyComplaintTransition,
  type Complaint,
  type ComplaintActor,
  type ComplaintState,
  type ComplaintTransitionName,
  openComplaint,
  type WaitingReturnState,
} from "../../../src/domain/complaints";

export const STAFF: ComplaintActor = { kind: "staff", id: "staff_1", name: "Li Wei" };
export const CUSTOMER: ComplaintActor = { kind: "customer", id: "cust_1" };
export const SYSTEM: ComplaintActor = { kind: "system", id: "automation" };

/** A valid payload for every transition, so generated tests can take any legal step. */
export const VALID_PAYLOADS: Record<ComplaintTransitionName, unknown> = {
  acknowledge: {},
  assess: { priority: "high", category: "billing", severity: "medium" },
  start_investigation: {},
  respond: { publicReply: "We refunded the double charge.", proposedRemedy: "Refund of 120 CNY" },
  request_information: { publicReply: "Could you send the order number?" },
  customer_reply: { message: "Any news?" },
  customer_reply_while_waiting: { message: "Order 42" },
  resume_from_waiting: {},
  accept_remedy: {},
  reject_remedy: { reason: "The refund is too small." },
  revise_response: { reason: "Wrong amount" },
  close: { resolution: { outcome: "accepted" } },
  close_as_duplicate: { duplicateOf: { id: "cmp_kept", reference: "FL-2026-000009" } },
  reopen: { reason: "The charge came back." },
};

export function minutesAfter(base: Date, minutes: number): Date {
  return new Date(base.getTime() + minutes * 60_000);
}

export const T0 = new Date("2026-03-02T08:00:00Z"); // Monday 09:00 in Europe/Berlin

export function newComplaint(receivedAt: Date = T0, overrides: Partial<Complaint> = {}): Complaint {
  const { complaint } = openComplaint(
    { id: "cmp_1", organizationId: "org_1", reference: "FL-2026-000001", subject: "Double charge", source: "complaint_form" },
    CUSTOMER,
    receivedAt,
  );
  return { ...complaint, ...overrides };
}

type Step = { to: ComplaintState; actor: ComplaintActor; payload: unknown };

function step(complaint: Complaint, { to, actor, payload }: Step, at: Date): Complaint {
  const result = applyComplaintTransition(complaint, { to, actor, payload }, at);
  if (!result.ok) throw new Error(`fixture step to ${to} failed: ${result.message}`);
  return result.complaint;
}

const PATHS: Record<Exclude<ComplaintState, "waiting_on_customer">, Step[]> = {
  received: [],
  acknowledged: [{ to: "acknowledged", actor: SYSTEM, payload: VALID_PAYLOADS.acknowledge }],
  assessed: [
    { to: "acknowledged", actor: SYSTEM, payload: VALID_PAYLOADS.acknowledge },
    { to: "assessed", actor: STAFF, payload: VALID_PAYLOADS.assess },
  ],
  investigating: [
    { to: "acknowledged", actor: SYSTEM, payload: VALID_PAYLOADS.acknowledge },
    { to: "assessed", actor: STAFF, payload: VALID_PAYLOADS.assess },
    { to: "investigating", actor: STAFF, payload: VALID_PAYLOADS.start_investigation },
  ],
  responded: [
    { to: "acknowledged", actor: SYSTEM, payload: VALID_PAYLOADS.acknowledge },
    { to: "assessed", actor: STAFF, payload: VALID_PAYLOADS.assess },
    { to: "investigating", actor: STAFF, payload: VALID_PAYLOADS.start_investigation },
    { to: "responded", actor: STAFF, payload: VALID_PAYLOADS.respond },
  ],
  closed: [
    { to: "acknowledged", actor: SYSTEM, payload: VALID_PAYLOADS.acknowledge },
    { to: "assessed", actor: STAFF, payload: VALID_PAYLOADS.assess },
    { to: "investigating", actor: STAFF, payload: VALID_PAYLOADS.start_investigation },
    { to: "responded", actor: STAFF, payload: VALID_PAYLOADS.respond },
    { to: "closed", actor: CUSTOMER, payload: VALID_PAYLOADS.accept_remedy },
  ],
  reopened: [
    { to: "acknowledged", actor: SYSTEM, payload: VALID_PAYLOADS.acknowledge },
    { to: "assessed", actor: STAFF, payload: VALID_PAYLOADS.assess },
    { to: "investigating", actor: STAFF, payload: VALID_PAYLOADS.start_investigation },
    { to: "responded", actor: STAFF, payload: VALID_PAYLOADS.respond },
    { to: "closed", actor: CUSTOMER, payload: VALID_PAYLOADS.accept_remedy },
    { to: "reopened", actor: CUSTOMER, payload: VALID_PAYLOADS.reopen },
  ],
};

/**
 * A complaint in `state`, each step one minute after the previous. For `waiting_on_customer`,
 * `waitingFrom` says which state the request for information was made in.
 */
export function complaintIn(state: ComplaintState, waitingFrom: WaitingReturnState = "investigating", start: Date = T0): Complaint {
  let complaint = newComplaint(start);
  const steps =
    state === "waiting_on_customer"
      ? [...PATHS[waitingFrom], { to: "waiting_on_customer" as const, actor: STAFF, payload: VALID_PAYLOADS.request_information }]
      : PATHS[state];
  steps.forEach((s, index) => {
    complaint = step(complaint, s, minutesAfter(start, index + 1));
  });
  return complaint;
}
