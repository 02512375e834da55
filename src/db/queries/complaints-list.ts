/** The staff queue (sorted by what is due first) and the complaint page's data. */
import { and, asc, desc, eq, inArray, isNull, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { complaintEvents, complaints, responses, surveys, team, user } from "../schema";
import {
  type ComplaintPriority,
  type ComplaintState,
  COMPLAINT_STATES,
  legalTransitions,
  resolveComplaintSlaPolicy,
  SLA_MILESTONES,
  slaPauseIntervals,
  type WaitingReturnState,
} from "../../domain/complaints";
import {
  type ComplaintOrgContext,
  type ComplaintRow,
  complaintSla,
  findComplaint,
  loadComplaintContext,
  rowToComplaint,
} from "./complaints";
import { listHandoffs, type HandoffView } from "./complaints-actions";
import { listComplaintAttachments } from "./inbound-email";

export type ComplaintFilters = {
  states?: ComplaintState[];
  priorities?: ComplaintPriority[];
  teamId?: string | "none";
  assigneeId?: string | "none";
  category?: string;
  overdue?: boolean;
  q?: string;
  source?: string;
};

export type ComplaintListItem = {
  id: string;
  reference: string;
  subject: string;
  state: ComplaintState;
  priority: ComplaintPriority;
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

function overdueSql(now: Date): SQL {
  return sql`(${complaints.state} != 'closed' AND (${complaints.slaBreached} = 1 OR (${complaints.slaPaused} = 0 AND ${complaints.nextDueAt} < ${now.getTime()})))`;
}

function filterClauses(organizationId: string, filters: ComplaintFilters, now: Date, includeState: boolean): SQL {
  const clauses: (SQL | undefined)[] = [eq(complaints.organizationId, organizationId)];
  if (includeState && filters.states?.length) clauses.push(inArray(complaints.state, filters.states));
  if (filters.priorities?.length) clauses.push(inArray(complaints.priority, filters.priorities));
  if (filters.teamId) clauses.push(filters.teamId === "none" ? isNull(complaints.teamId) : eq(complaints.teamId, filters.teamId));
  if (filters.assigneeId) clauses.push(filters.assigneeId === "none" ? isNull(complaints.assigneeId) : eq(complaints.assigneeId, filters.assigneeId));
  if (filters.category) clauses.push(eq(complaints.category, filters.category));
  if (filters.source) clauses.push(eq(complaints.source, filters.source));
  if (filters.overdue === true) clauses.push(overdueSql(now));
  if (filters.overdue === false) clauses.push(sql`NOT ${overdueSql(now)}`);
  if (filters.q) {
    // LIKE with the user's text bound as a parameter; % and _ in it are escaped.
    const pattern = `%${filters.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    clauses.push(
      or(
        sql`${complaints.reference} LIKE ${pattern} ESCAPE '\\'`,
        sql`${complaints.subject} LIKE ${pattern} ESCAPE '\\'`,
        sql`${complaints.description} LIKE ${pattern} ESCAPE '\\'`,
        sql`${complaints.contactName} LIKE ${pattern} ESCAPE '\\'`,
        sql`${complaints.contactEmail} LIKE ${pattern} ESCAPE '\\'`,
        sql`${complaints.contactPhone} LIKE ${pattern} ESCAPE '\\'`,
        phoneDigitsMatch(filters.q),
      ),
    );
  }
  return and(...clauses)!;
}

/**
 * A phone number typed as digits finds the number however it was written ("138 0013-8000",
 * "+86 (138) 0013 8000"): both sides compared without spaces, dashes, dots, brackets or "+".
 */
function phoneDigitsMatch(q: string): SQL | undefined {
  const digits = q.replace(/[\s().+-]/g, "");
  if (!/^\d{4,}$/.test(digits)) return undefined;
  const stripped = sql`replace(replace(replace(replace(replace(replace(${complaints.contactPhone}, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', '')`;
  return sql`${stripped} LIKE ${`%${digits}%`}`;
}

export function listItem(row: ComplaintRow, now: Date): ComplaintListItem {
  const overdue = row.state !== "closed" && (row.slaBreached || (!row.slaPaused && row.nextDueAt !== null && row.nextDueAt.getTime() < now.getTime()));
  return {
    id: row.id,
    reference: row.reference,
    subject: row.subject,
    state: row.state,
    priority: row.priority,
    severity: row.severity,
    category: row.category,
    touchpoint: row.touchpoint,
    source: row.source,
    teamId: row.teamId,
    assigneeId: row.assigneeId,
    contactName: row.anonymous ? null : row.contactName,
    anonymous: row.anonymous,
    receivedAt: row.receivedAt.toISOString(),
    nextDueAt: row.nextDueAt?.toISOString() ?? null,
    resolutionDueAt: row.resolutionDueAt?.toISOString() ?? null,
    overdue,
    slaPaused: row.slaPaused,
    reopenCount: row.reopenCount,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listComplaints(
  db: Db,
  organizationId: string,
  filters: ComplaintFilters,
  page: { limit: number; offset: number },
  now: Date,
): Promise<{ total: number; counts: Record<string, number> & { overdue: number }; items: ComplaintListItem[] }> {
  const where = filterClauses(organizationId, filters, now, true);
  const countWhere = filterClauses(organizationId, { ...filters, overdue: undefined }, now, false);
  const [rows, [{ total }], byState, [{ overdue }]] = await db.batch([
    db
      .select()
      .from(complaints)
      .where(where)
      // What is due first: open complaints by their earliest unmet deadline, then the newest closed ones.
      .orderBy(sql`${complaints.nextDueAt} IS NULL`, asc(complaints.nextDueAt), desc(complaints.receivedAt), asc(complaints.id))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ total: sql<number>`count(*)` }).from(complaints).where(where),
    db.select({ state: complaints.state, n: sql<number>`count(*)` }).from(complaints).where(countWhere).groupBy(complaints.state),
    db.select({ overdue: sql<number>`count(*)` }).from(complaints).where(and(countWhere, overdueSql(now))),
  ]);
  const counts = Object.fromEntries(COMPLAINT_STATES.map((state) => [state, byState.find((entry) => entry.state === state)?.n ?? 0])) as Record<string, number>;
  return { total, counts: { ...counts, overdue }, items: rows.map((row) => listItem(row, now)) };
}

export type TimelineEntry = {
  id: string;
  type: string;
  visibility: "internal" | "public";
  actor: { kind: string; id: string; name: string | null };
  data: Record<string, unknown>;
  at: string;
};

export async function complaintTimeline(db: Db, organizationId: string, complaintId: string, visibility?: "public"): Promise<TimelineEntry[]> {
  const rows = await db
    .select()
    .from(complaintEvents)
    .where(
      and(
        eq(complaintEvents.organizationId, organizationId),
        eq(complaintEvents.complaintId, complaintId),
        visibility ? eq(complaintEvents.visibility, visibility) : undefined,
      ),
    )
    .orderBy(asc(complaintEvents.at), sql`rowid`);
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    visibility: row.visibility,
    actor: { kind: row.actorKind, id: row.actorId, name: row.actorName },
    data: row.data,
    at: row.at.toISOString(),
  }));
}

export function slaView(row: ComplaintRow, ctx: ComplaintOrgContext, now: Date) {
  const complaint = rowToComplaint(row);
  const status = complaintSla(complaint, ctx, now);
  const policy = resolveComplaintSlaPolicy(ctx.policies, complaint.priority, complaint.category);
  return {
    priority: status.priority,
    hoursMode: status.hoursMode,
    paused: status.paused,
    /** Intervals the clocks stood still (waiting on the customer, remedy with the customer, closed); an open one ends now. */
    pausedIntervals: slaPauseIntervals(complaint, policy, now).map((interval) => ({
      from: new Date(interval.startMs).toISOString(),
      to: new Date(interval.endMs).toISOString(),
    })),
    promisedResolutionAt: status.promisedResolutionAt.toISOString(),
    milestones: SLA_MILESTONES.map((milestone) => {
      const m = status.milestones[milestone];
      return {
        milestone,
        targetMinutes: m.targetMinutes,
        dueAt: m.dueAt.toISOString(),
        metAt: m.metAt?.toISOString() ?? null,
        breached: m.breached,
        approaching: m.approaching,
        remainingMinutes: m.remainingMinutes,
        overdueMinutes: m.overdueMinutes,
      };
    }),
  };
}

export async function complaintDetail(db: Db, organizationId: string, id: string, now: Date) {
  const row = await findComplaint(db, organizationId, id);
  const ctx = await loadComplaintContext(db, organizationId);
  const [timeline, handoffs, attachments, names, teamRow] = await Promise.all([
    complaintTimeline(db, organizationId, id),
    listHandoffs(db, organizationId, id),
    listComplaintAttachments(db, organizationId, id),
    row.assigneeId ? db.select({ id: user.id, name: user.name, email: user.email }).from(user).where(eq(user.id, row.assigneeId)) : Promise.resolve([]),
    row.teamId ? db.select({ id: team.id, name: team.name }).from(team).where(and(eq(team.id, row.teamId), eq(team.organizationId, organizationId))) : Promise.resolve([]),
  ]);

  // Customer context: the response that raised it, their other answers, their past complaints.
  const sourceResponse = row.sourceResponseId
    ? await db
        .select({ id: responses.id, surveyId: responses.surveyId, surveyTitle: surveys.title, answers: responses.answers, hidden: responses.hidden, completedAt: responses.completedAt })
        .from(responses)
        .innerJoin(surveys, eq(surveys.id, responses.surveyId))
        .where(and(eq(responses.id, row.sourceResponseId), eq(responses.organizationId, organizationId)))
    : [];
  const email = row.contactEmail;
  const [otherResponses, pastComplaints] = email
    ? await db.batch([
        db
          .select({ id: responses.id, surveyId: responses.surveyId, surveyTitle: surveys.title, answers: responses.answers, hidden: responses.hidden, completedAt: responses.completedAt })
          .from(responses)
          .innerJoin(surveys, eq(surveys.id, responses.surveyId))
          .where(and(eq(responses.organizationId, organizationId), eq(responses.respondentEmail, email), eq(responses.status, "completed"), row.sourceResponseId ? ne(responses.id, row.sourceResponseId) : undefined))
          .orderBy(desc(responses.completedAt))
          .limit(10),
        db
          .select({ id: complaints.id, reference: complaints.reference, subject: complaints.subject, state: complaints.state, category: complaints.category, receivedAt: complaints.receivedAt, closedAt: complaints.closedAt })
          .from(complaints)
          .where(and(eq(complaints.organizationId, organizationId), eq(complaints.contactEmail, email), ne(complaints.id, row.id)))
          .orderBy(desc(complaints.receivedAt))
          .limit(20),
      ])
    : [[], []];
  const responseView = (r: (typeof sourceResponse)[number]) => ({
    id: r.id,
    surveyId: r.surveyId,
    surveyTitle: r.surveyTitle,
    answers: r.answers,
    hidden: r.hidden,
    completedAt: r.completedAt?.toISOString() ?? null,
  });

  return {
    ...listItem(row, now),
    description: row.description,
    region: row.region,
    tier: row.tier,
    segment: row.segment,
    desiredRemedy: row.desiredRemedy,
    proposedRemedy: row.proposedRemedy,
    resolution: row.resolution as Record<string, unknown> | null,
    contact: { name: row.contactName, email: row.contactEmail, phone: row.contactPhone, anonymous: row.anonymous },
    language: row.language,
    sourceResponseId: row.sourceResponseId,
    sourceSurveyId: row.sourceSurveyId,
    waitingFrom: row.waitingFrom,
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    firstRespondedAt: row.firstRespondedAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
    staffPublicReplyCount: row.staffPublicReplyCount,
    escalations: row.escalations.map((entry) => ({ milestone: entry.milestone, level: entry.level, at: new Date(entry.at).toISOString() })),
    assignee: names[0] ?? null,
    team: teamRow[0] ?? null,
    sla: slaView(row, ctx, now),
    // A named-only transition (closing as a duplicate) is a queue bulk action, not a button here.
    legalTransitions: legalTransitions(row.state as ComplaintState, "staff", (row.waitingFrom as WaitingReturnState | null) ?? null)
      .filter((option) => !option.namedOnly)
      .map((option) => ({
      name: option.name,
      to: option.to,
      description: option.description,
      satisfies: [...option.satisfies],
    })),
    timeline,
    handoffs: handoffs as HandoffView[],
    attachments,
    handlingSurvey: {
      invitationIssued: row.handlingInvitationId !== null,
      url: row.handlingSurveyUrl,
      responseId: row.handlingResponseId,
      csat: row.handlingCsat,
      ces: row.handlingCes,
      resolved: row.handlingResolved,
      respondedAt: row.handlingRespondedAt?.toISOString() ?? null,
    },
    customerContext: {
      sourceResponse: sourceResponse[0] ? responseView(sourceResponse[0]) : null,
      otherResponses: otherResponses.map(responseView),
      pastComplaints: pastComplaints.map((c) => ({
        id: c.id,
        reference: c.reference,
        subject: c.subject,
        state: c.state,
        category: c.category,
        receivedAt: c.receivedAt.toISOString(),
        closedAt: c.closedAt?.toISOString() ?? null,
      })),
    },
    version: row.version,
  };
}

export type ComplaintDetail = Awaited<ReturnType<typeof complaintDetail>>;
