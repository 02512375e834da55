/**
 * The follow-up of a completed response (complaint triggers, response.completed webhooks, handling
 * results): which responses still wait for it, and the `triggers_evaluated_at` mark that makes it
 * happen exactly once (src/jobs/response-completed.ts runs it).
 */
import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { complaints, responses, surveys, surveyVersions, user, webhookEndpoints } from "../schema";
import type { SurveyDefinition } from "../../domain/survey/definition";
import { type ComplaintOrgContext, complaintContextFrom, complaintContextReads, type OrganizationCondition } from "./complaints";
import { type AssigneeLoads, assigneeLoadReads, assigneeLoadsFrom, type TeamRouting, teamRoutingFrom, teamRoutingReads } from "./complaints-config";
import type { HandlingTarget } from "./complaints-handling";
import type { ResponseRow } from "./responses";
import { type SurveyRow, versionDefinitionFrom } from "./surveys";

/** Completed responses whose queue message never arrived are picked up after this long. */
export const REDELIVERY_GRACE_MS = 5 * 60_000;

/**
 * Completed responses whose follow-up was not evaluated within the grace period, oldest first. The
 * status and NULL tests are literals, as in the partial index responses_follow_up_pending_idx (a
 * bound 'completed' would not match its WHERE and the sweep would scan every completed response).
 */
export function followUpPendingQuery(db: Db, now: Date) {
  return db
    .select({ id: responses.id })
    .from(responses)
    .where(and(sql`${responses.status} = 'completed'`, isNull(responses.triggersEvaluatedAt), lt(responses.completedAt, new Date(now.getTime() - REDELIVERY_GRACE_MS))))
    .orderBy(asc(responses.completedAt))
    .limit(200);
}

/** The survey columns the follow-up uses. */
export type FollowUpSurvey = Pick<SurveyRow, "id" | "organizationId" | "slug" | "anonymous" | "complaintTriggers">;

/** What one organisation's complaint intakes need, read once for the whole set. */
export type FollowUpOrganization = {
  ctx: ComplaintOrgContext;
  teams: TeamRouting[];
  contacts: Map<string, { name: string; email: string }>;
  /** Active webhook endpoints with the events they subscribe to. */
  endpoints: { id: string; url: string; events: string[] }[];
};

/** Everything the follow-up of a set of responses reads, from one D1 batch. */
export type FollowUpSet = {
  /** The responses of the set still waiting for their follow-up (completed, not yet evaluated). */
  responses: ResponseRow[];
  surveys: Map<string, FollowUpSurvey>;
  definitions: Map<string, SurveyDefinition>;
  organizations: Map<string, FollowUpOrganization>;
  /** Responses that already raised a complaint (a redelivered message). */
  complained: Set<string>;
  /** Complaints named by the responses' hidden case_id (handling surveys). */
  handlingTargets: Map<string, HandlingTarget>;
  /**
   * Open loads of an organisation's least-open-load team members. Read on first use, for every
   * organisation of the set at once (one more D1 call, only when a complaint is routed to such a
   * team: the last-assignment read walks the organisation's assignment events).
   */
  assigneeLoads: (organizationId: string) => Promise<AssigneeLoads>;
};

export const definitionKey = (surveyId: string, version: number) => `${surveyId}@${version}`;

/**
 * Reads the follow-up needs for a set of responses in one D1 call, whatever the set's size (plus
 * one for assignee loads when a complaint is routed to a least-open-load team): every
 * statement selects through the response ids, bound once each as a JSON array (`json_each`), so
 * the number of bound parameters stays within D1's 100 and nothing is read twice.
 */
export async function loadFollowUpSet(db: Db, responseIds: string[]): Promise<FollowUpSet> {
  const ids = JSON.stringify([...new Set(responseIds)]);
  const ofSet = sql`SELECT value FROM json_each(${ids})`;
  const setResponses = sql`SELECT organization_id FROM responses WHERE id IN (${ofSet})`;
  const organizationsOfSet: OrganizationCondition = (column) => sql`${column} IN (${setResponses})`;
  const [
    pending,
    surveyRows,
    versionRows,
    endpointRows,
    complainedRows,
    targetRows,
    organizationRows,
    settingsRows,
    configRows,
    teamRows,
    teamSettingRows,
    teamMemberRows,
    contactRows,
  ] = await db.batch([
    db
      .select()
      .from(responses)
      .where(and(sql`${responses.id} IN (${ofSet})`, sql`${responses.status} = 'completed'`, isNull(responses.triggersEvaluatedAt))),
    db
      .select({ id: surveys.id, organizationId: surveys.organizationId, slug: surveys.slug, anonymous: surveys.anonymous, complaintTriggers: surveys.complaintTriggers })
      .from(surveys)
      .where(sql`${surveys.id} IN (SELECT survey_id FROM responses WHERE id IN (${ofSet}))`),
    db
      .select({ surveyId: surveyVersions.surveyId, version: surveyVersions.version, definition: surveyVersions.definition })
      .from(surveyVersions)
      .where(sql`(${surveyVersions.surveyId}, ${surveyVersions.version}) IN (SELECT survey_id, version FROM responses WHERE id IN (${ofSet}))`),
    db
      .select({ id: webhookEndpoints.id, url: webhookEndpoints.url, events: webhookEndpoints.events, organizationId: webhookEndpoints.organizationId })
      .from(webhookEndpoints)
      .where(and(organizationsOfSet(webhookEndpoints.organizationId), eq(webhookEndpoints.active, true))),
    db.select({ responseId: complaints.sourceResponseId }).from(complaints).where(sql`${complaints.sourceResponseId} IN (${ofSet})`),
    db
      .select({ id: complaints.id, organizationId: complaints.organizationId, handlingSurveyId: complaints.handlingSurveyId })
      .from(complaints)
      .where(sql`${complaints.id} IN (SELECT json_extract(hidden, '$.case_id') FROM responses WHERE id IN (${ofSet}))`),
    ...complaintContextReads(db, organizationsOfSet),
    ...teamRoutingReads(db, organizationsOfSet),
    db
      .select({ id: user.id, name: user.name, email: user.email })
      .from(user)
      .where(sql`${user.id} IN (SELECT tm.userId FROM teamMember tm JOIN team t ON t.id = tm.teamId WHERE t.organizationId IN (${setResponses}))`),
  ]);

  const leastOpenLoadTeams = sql`SELECT team_id FROM complaint_teams WHERE strategy = 'least_open_load' AND organization_id IN (${setResponses})`;
  let loads: ReturnType<typeof readLoads> | undefined;
  // One AssigneeLoads per organisation for the whole set: each choice updates it for the next.
  const loadsByOrganization = new Map<string, AssigneeLoads>();
  const readLoads = () =>
    db.batch(
      assigneeLoadReads(
        db,
        (column) => sql`${column} IN (SELECT organization_id FROM complaint_teams WHERE strategy = 'least_open_load' AND organization_id IN (${setResponses}))`,
        sql`${complaints.assigneeId} IN (SELECT userId FROM teamMember WHERE teamId IN (${leastOpenLoadTeams}))`,
      ),
    );
  const definitions = new Map<string, SurveyDefinition>();
  for (const row of versionRows) definitions.set(definitionKey(row.surveyId, row.version), versionDefinitionFrom(row.surveyId, row.version, row.definition));
  const contacts = new Map(contactRows.map((row) => [row.id, { name: row.name, email: row.email }]));
  const organizations = new Map<string, FollowUpOrganization>();
  for (const organizationId of new Set(pending.map((response) => response.organizationId))) {
    const org = organizationRows.find((row) => row.id === organizationId);
    if (!org) continue;
    organizations.set(organizationId, {
      ctx: await complaintContextFrom(organizationId, {
        org,
        settings: settingsRows.find((row) => row.organizationId === organizationId),
        config: configRows.find((row) => row.organizationId === organizationId),
      }),
      teams: teamRoutingFrom(organizationId, teamRows, teamSettingRows, teamMemberRows),
      contacts,
      endpoints: endpointRows.filter((row) => row.organizationId === organizationId),
    });
  }
  return {
    responses: pending,
    surveys: new Map(surveyRows.map((row) => [row.id, row])),
    definitions,
    organizations,
    complained: new Set(complainedRows.flatMap((row) => (row.responseId ? [row.responseId] : []))),
    handlingTargets: new Map(targetRows.map((row) => [row.id, row])),
    assigneeLoads: async (organizationId) => {
      const rows = await (loads ??= readLoads());
      let found = loadsByOrganization.get(organizationId);
      if (!found) loadsByOrganization.set(organizationId, (found = assigneeLoadsFrom(organizationId, ...rows)));
      return found;
    },
  };
}

/**
 * The exactly-once mark of a set of responses, for the end of their follow-up's batch (a response
 * already marked, e.g. by a redelivered message that won the race, keeps its mark).
 */
export function followUpEvaluatedStatement(d1: D1Database, responseIds: string[], now: Date): D1PreparedStatement {
  return d1
    .prepare("UPDATE responses SET triggers_evaluated_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND triggers_evaluated_at IS NULL")
    .bind(now.getTime(), JSON.stringify(responseIds));
}
