/**
 * What a customer's e-mailed answer to a complaint thread does. The state machine decides every
 * move (src/domain/complaints): while we wait on the customer the answer resumes the clock
 * (`customer_reply_while_waiting`), in any other open state it is a `customer_reply`, and on a
 * closed complaint it reopens it (`reopen`) while the reopen window lasts. Later than that, the
 * answer starts a new complaint that refers to the old one, so no message is lost and an old
 * case is not revived years on.
 */
import type { ComplaintState, ComplaintTransitionName, WaitingReturnState } from "../complaints/complaint";
import { customerActionTarget } from "../complaints/customer-actions";

/** A closed complaint may be reopened by an e-mailed answer for this long after its (latest) close. */
export const EMAIL_REOPEN_WINDOW_DAYS = 30;

export type InboundReplyPlan =
  | { kind: "transition"; to: ComplaintState; payload: { message: string } | { reason: string }; via: ComplaintTransitionName }
  | { kind: "new_complaint"; why: "reopen_window_passed" | "not_accepted" };

export function inboundReplyPlan(
  complaint: { state: ComplaintState; stateBeforeWaiting: WaitingReturnState | null; closedAt: Date | null },
  message: string,
  now: Date,
): InboundReplyPlan {
  if (complaint.state === "closed") {
    const closedAt = complaint.closedAt?.getTime() ?? 0;
    if (now.getTime() - closedAt > EMAIL_REOPEN_WINDOW_DAYS * 86_400_000) return { kind: "new_complaint", why: "reopen_window_passed" };
    const to = customerActionTarget("reopen", complaint.state, complaint.stateBeforeWaiting);
    return to ? { kind: "transition", to, payload: { reason: message }, via: "reopen" } : { kind: "new_complaint", why: "not_accepted" };
  }
  const to = customerActionTarget("reply", complaint.state, complaint.stateBeforeWaiting);
  if (!to) return { kind: "new_complaint", why: "not_accepted" };
  return { kind: "transition", to, payload: { message }, via: complaint.state === "waiting_on_customer" ? "customer_reply_while_waiting" : "customer_reply" };
}
