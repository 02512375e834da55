/**
 * The actions a customer takes on the complaint status page, each named by the state-machine
 * transitions it may be (replying is a different transition while we wait for the customer).
 * Which one applies, and where it leads, is the state machine's decision: no page re-encodes it.
 */
import type { ComplaintState, ComplaintTransitionName, WaitingReturnState } from "./complaint";
import { legalTransitions } from "./state-machine";

export const CUSTOMER_STATUS_ACTIONS = {
  reply: ["customer_reply_while_waiting", "customer_reply"],
  accept: ["accept_remedy"],
  reject: ["reject_remedy"],
  reopen: ["reopen"],
} as const satisfies Record<string, readonly ComplaintTransitionName[]>;

export type CustomerStatusAction = keyof typeof CUSTOMER_STATUS_ACTIONS;
export const CUSTOMER_STATUS_ACTION_NAMES = Object.keys(CUSTOMER_STATUS_ACTIONS) as [CustomerStatusAction, ...CustomerStatusAction[]];

export function isCustomerStatusAction(value: string): value is CustomerStatusAction {
  return Object.hasOwn(CUSTOMER_STATUS_ACTIONS, value);
}

/** The state the customer's action leads to from `state`, or null when the state machine does not allow it now. */
export function customerActionTarget(action: CustomerStatusAction, state: ComplaintState, stateBeforeWaiting: WaitingReturnState | null): ComplaintState | null {
  const names: readonly ComplaintTransitionName[] = CUSTOMER_STATUS_ACTIONS[action];
  return legalTransitions(state, "customer", stateBeforeWaiting).find((option) => names.includes(option.name))?.to ?? null;
}

/** What the customer typed on the status page (empty when a field was not sent). */
export type CustomerActionInput = { message: string; reason: string; comment: string };

/**
 * The payload the action's transition receives, or null when the text it needs is missing
 * (a reply needs its message, rejecting and reopening a reason; accepting needs nothing, its
 * comment is optional).
 */
export function customerActionPayload(action: CustomerStatusAction, input: CustomerActionInput): Record<string, string> | null {
  switch (action) {
    case "reply":
      return input.message ? { message: input.message } : null;
    case "accept":
      return input.comment ? { comment: input.comment } : {};
    case "reject":
    case "reopen":
      return input.reason ? { reason: input.reason } : null;
  }
}
