/** Shapes of the complaint API (src/routes/complaints.ts) as the desk reads them. */
export const STATES = ["received", "acknowledged", "assessed", "investigating", "waiting_on_customer", "responded", "closed", "reopened"] as const;
export type ComplaintState = (typeof STATES)[number];
export const OPEN_STATES = STATES.filter((s) => s !== "closed");
export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

export type ComplaintListItem = {
  id: string;
  reference: string;
  subject: string;
  state: ComplaintState;
  priority: Priority;
  severity: number | null;
  category: string | null;
  touchpoint: string | null;
  source: string;
  teamId: string | null;
  assigneeId: string | null;
  contactName: string | null;
  anonymous: boolean;
  receivedAt: string;
  nextDueAt: string | null;
  resolutionDueAt: string | null;
  overdue: boolean;
  slaPaused: boolean;
  reopenCount: number;
  updatedAt: string;
};

export type ComplaintList = { total: number; page: number; pageSize: number; counts: Record<string, number>; items: ComplaintListItem[] };

export type TimelineEntry = {
  id: string;
  type: string;
  visibility: "internal" | "public";
  actor: { kind: string; id: string; name: string | null };
  data: Record<string, unknown>;
  at: string;
};

export type SlaMilestone = {
  milestone: "acknowledge" | "first_response" | "resolution";
  targetMinutes: number;
  dueAt: string;
  metAt: string | null;
  breached: boolean;
  approaching: boolean;
  remainingMinutes: number;
  overdueMinutes: number;
};

export type ContextResponse = { id: string; surveyId: string; surveyTitle: string; answers: Record<string, unknown>; hidden: Record<string, string>; completedAt: string | null };
export type PastComplaint = { id: string; reference: string; subject: string; state: ComplaintState; category: string | null; receivedAt: string; closedAt: string | null };

export type Handoff = {
  id: string;
  rootCause: string;
  correctiveAction: string;
  preventiveAction: string | null;
  ownerId: string;
  ownerTeamId: string | null;
  dueDate: string;
  status: "open" | "in_progress" | "done" | "rejected";
  createdAt: string;
};

export type TransitionOption = { name: string; to: string | null; description: string; satisfies: string[] };

export type ComplaintDetail = ComplaintListItem & {
  description: string;
  region: string | null;
  tier: string | null;
  segment: Record<string, unknown>;
  desiredRemedy: string | null;
  proposedRemedy: string | null;
  resolution: Record<string, unknown> | null;
  contact: { name: string | null; email: string | null; phone: string | null; anonymous: boolean };
  language: string;
  sourceResponseId: string | null;
  sourceSurveyId: string | null;
  waitingFrom: string | null;
  acknowledgedAt: string | null;
  firstRespondedAt: string | null;
  closedAt: string | null;
  staffPublicReplyCount: number;
  escalations: { milestone: string; level: number; at: string }[];
  assignee: { id: string; name: string; email: string } | null;
  team: { id: string; name: string } | null;
  sla: { priority: string; hoursMode: string; paused: boolean; promisedResolutionAt: string; milestones: SlaMilestone[] };
  legalTransitions: TransitionOption[];
  timeline: TimelineEntry[];
  handoffs: Handoff[];
  /** Files the customer e-mailed with the complaint or a reply. */
  attachments: { id: string; filename: string; contentType: string; size: number; createdAt: string }[];
  handlingSurvey: { invitationIssued: boolean; url: string | null; responseId: string | null; csat: number | null; ces: number | null; resolved: boolean | null; respondedAt: string | null };
  customerContext: { sourceResponse: ContextResponse | null; otherResponses: ContextResponse[]; pastComplaints: PastComplaint[] };
  version: number;
};

export type Team = { id: string; name: string; leadUserId: string | null; strategy: string; members: { userId: string; name: string; email: string; openComplaints: number }[] };
export type Member = { id: string; userId: string; name: string; email: string; role: string };
export type ComplaintConfig = { categories: string[] };

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
