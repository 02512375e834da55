/** The complaint API's shapes as the desk reads them: inferred from the server's contract (src/contracts). */
import { COMPLAINT_PRIORITIES, COMPLAINT_STATES, OPEN_COMPLAINT_STATES, type ComplaintPriority, type ComplaintState } from "../../../../src/domain/complaints";
export type {
  ComplaintActionResult,
  ComplaintBulkResult,
  ComplaintConfig,
  ComplaintDetail,
  ComplaintList,
  ComplaintListItem,
  ContextResponse,
  Handoff,
  PastComplaint,
  RenderedReply,
  ReplyTemplate,
  ReplyTemplateList,
  SlaMilestone,
  StatusLink,
  Team,
  TimelineEntry,
  TransitionOption,
} from "../../../../src/contracts/complaints";
import type { Member as OrganisationMember } from "../../../../src/contracts/organisation";
/** A person in the desk's pickers: an organisation member, or a team member the member list does not show. */
export type Member = Pick<OrganisationMember, "id" | "userId" | "name" | "email" | "role">;
export type { ComplaintState };
export type Priority = ComplaintPriority;

export const STATES = COMPLAINT_STATES;
export const OPEN_STATES = OPEN_COMPLAINT_STATES;
/** Most urgent first, as the desk lists them. */
export const PRIORITIES = [...COMPLAINT_PRIORITIES].reverse();

/** Remembered queue order so j/k on a complaint page moves through the same list. */
const QUEUE_KEY = "feedloop.queue";
export function rememberQueue(ids: string[], search: string) {
  try {
    sessionStorage.setItem(QUEUE_KEY, JSON.stringify({ ids, search }));
  } catch {
    // ignore
  }
}
export function recallQueue(): { ids: string[]; search: string } {
  try {
    const raw = sessionStorage.getItem(QUEUE_KEY);
    if (raw) return JSON.parse(raw) as { ids: string[]; search: string };
  } catch {
    // ignore
  }
  return { ids: [], search: "" };
}
