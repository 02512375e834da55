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

/**
 * The thread headers of an e-mail about a complaint. Every such e-mail refers to a stable thread
 * root, `<complaint.<id>@<domain>>` (never sent itself, so mail clients group the thread by it),
 * and, when the complaint came or was answered by e-mail, to the customer's messages: the first
 * (the one that opened the case) and the latest, which is what the e-mail answers (In-Reply-To).
 */
export function complaintThreadHeaders(
  complaintId: string,
  domain: string,
  inboundMessageIds: string[],
): { inReplyTo: string; references: string[] } {
  const root = `<complaint.${complaintId.replace(/[^A-Za-z0-9._-]/g, "")}@${domain}>`;
  // Stored without angle brackets; ids without a real Message-ID (sha256:…) or with odd characters are not quoted.
  const customer = inboundMessageIds.filter((id) => /^[^\s<>@]+@[^\s<>@]+$/.test(id)).map((id) => `<${id}>`);
  const first = customer[0];
  const latest = customer[customer.length - 1];
  const references = [root, ...(first ? [first] : []), ...(latest && latest !== first ? [latest] : [])];
  return { inReplyTo: latest ?? root, references };
}
