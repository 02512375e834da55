/**
 * The submit path: one D1 batch per submission that, atomically,
 *   1. consumes a use of the personal invitation (when completing with a token),
 *   2. inserts or completes the response (idempotent on survey × submissionId),
 *   3. bumps the survey's completed count (the quota gate reads it) and
 *   4. adds the response to its day × segment sufficient statistics.
 * Steps 2-4 only take effect when the step before did: each is gated on a per-request nonce
 * written by the step it depends on, so a duplicate, a spent token or a full quota changes nothing.
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../../env";
import { responses, surveyInvitations, surveys } from "../schema";
import type { SurveyDefinition } from "../../domain/survey/definition";
import type { Answers } from "../../domain/survey/answers";
import { segmentValues } from "../../domain/survey/hidden-fields";
import { invitationEventTime } from "../../domain/survey/anonymity";
import { newId, randomSecret } from "../../lib/ids";
import { ProblemError } from "../../lib/problem";
import { statsLogValues } from "../stats-vector";
import { noteSessionWrite, sessionBookmarkOf } from "../client";
import { shardOf } from "../shards";
import { batchInGroup, type PlainStatement } from "../write-groups";
import { invitationRefusal } from "./invitation-access";
import type { SurveyRow } from "./surveys";

export type ResponseRow = typeof responses.$inferSelect;
export type InvitationRow = typeof surveyInvitations.$inferSelect;

/** The survey columns the submit path needs; a full SurveyRow fits too. */
export type SubmitSurvey = Pick<
  SurveyRow,
  "id" | "organizationId" | "slug" | "status" | "publishedVersion" | "opensAt" | "closesAt" | "responseQuota" | "anonymous" | "storeIp" | "updatedAt"
>;

export type SubmissionInput = {
  /** The survey as read when the request started (perhaps from the per-isolate cache): the write re-checks it. */
  survey: SubmitSurvey;
  definition: SurveyDefinition;
  version: number;
  submissionId: string;
  /**
   * The personal invitation: read beforehand (`InvitationRow`), or — for a fresh completion — only the
   * SHA-256 of its token, resolved inside the write batch (no read before it). Then the invitation's
   * id, e-mail, hidden fields and segments are taken from its row by the batch's own SQL.
   */
  invitation: InvitationRow | { tokenHash: string } | null;
  /** Validated, complete answer set after merging with what was saved before. */
  answers: Answers;
  hidden: Record<string, string>;
  language: string;
  complete: boolean;
  currentPage: number;
  resumeHash: string | null;
  respondentEmail: string | null;
  ip: string | null;
  /** The response with this submissionId when the caller looked it up; null also for "not looked up" (optimistic insert). */
  existing: ResponseRow | null;
  now: Date;
  /**
   * false: the answers match no complaint trigger and carry no case_id, so the write itself marks the
   * response evaluated — unless the organisation has a response.completed webhook subscriber, which the
   * same statement checks. Absent or true: left for the queue consumer (triggers_evaluated_at NULL).
   */
  answersNeedFollowUp?: boolean;
};

export type SubmissionOutcome = {
  id: string;
  status: "partial" | "completed";
  /** This request inserted the response (201 rather than 200). */
  created: boolean;
  /** This request is the one that completed it: follow-up work (complaint triggers) runs once. */
  completedNow: boolean;
  /** Completed now and left with triggers_evaluated_at NULL: the queue consumer has work for it. */
  followUpPending: boolean;
};

/**
 * The write changed nothing because a partial response with this submissionId exists, and the
 * caller had not looked it up (optimistic insert): continue that response instead.
 */
export class PartialResponseExistsError extends ProblemError {
  constructor() {
    super("conflict", "This response was changed by another request at the same time; send it again.");
  }
}

/**
 * The write changed nothing because the survey is no longer what the caller read (closed, window
 * passed, re-published or its settings changed). Callers that read the survey from a cache read it
 * again and retry; others answer 409.
 */
export class SurveyChangedError extends ProblemError {
  constructor() {
    super("conflict", "The survey changed while this response was being saved; send it again.");
  }
}

export async function findResponseBySubmission(db: Db, surveyId: string, submissionId: string): Promise<ResponseRow | undefined> {
  return db.query.responses.findFirst({
    where: and(eq(responses.surveyId, surveyId), eq(responses.submissionId, submissionId)),
  });
}

/** Marks a statistics row that sums over one segment dimension (never a real segment value). */
export const ALL_SEGMENTS = "*";

/** The exact statistics cell of a response: UTC day × touchpoint × region × tier. */
export function statsBucketOf(definition: SurveyDefinition, hidden: Record<string, string>, completedAt: Date) {
  const segments = segmentValues(definition, hidden);
  // A literal "*" from a link must not be mistaken for a roll-up row.
  const cell = (value: string | undefined) => (value === ALL_SEGMENTS ? "(*)" : (value ?? ""));
  return {
    day: completedAt.toISOString().slice(0, 10),
    touchpoint: cell(segments.touchpoint),
    region: cell(segments.region),
    tier: cell(segments.tier),
  };
}

/**
 * Each completed response adds its delta to five rows of its day: the exact cell, the roll-up over
 * all segments, and one roll-up per segment dimension. Reads for "all", "by touchpoint", "by
 * region" or "by tier" then touch one row per day instead of every segment combination.
 */
export function statsRollupKeys(bucket: { touchpoint: string; region: string; tier: string }): [string, string, string][] {
  const all = ALL_SEGMENTS;
  return [
    [bucket.touchpoint, bucket.region, bucket.tier],
    [all, all, all],
    [bucket.touchpoint, all, all],
    [all, bucket.region, all],
    [all, all, bucket.tier],
  ];
}

/** SQL for a statistics cell from a stored segment column: the same mapping as `statsBucketOf`. */
const statsCell = (column: string) => `CASE WHEN ${column} IS NULL THEN '' WHEN ${column} = '${ALL_SEGMENTS}' THEN '(*)' ELSE ${column} END`;

/**
 * SQL for the next log id of the survey whose id is the SQL expression `surveyIdSql`: above both the
 * survey's largest logged id and the largest it has folded (rows are deleted when folded), so ids
 * only grow and compaction's `id > through_id` never skips or repeats one. D1 runs one statement
 * at a time, so two appends never read the same maximum. `offsetSql` separates several rows
 * appended by one INSERT … SELECT (their maximum may be read once, before any of them is written).
 */
export function nextStatsLogIdSql(surveyIdSql: string, offsetSql = "0"): string {
  return `(max(coalesce((SELECT max(id) FROM survey_stats_pending WHERE survey_id = ${surveyIdSql}), 0),
    coalesce((SELECT through_id FROM survey_stats_compaction WHERE survey_id = ${surveyIdSql}), 0)) + 1 + ${offsetSql})`;
}

/**
 * Appends the response's numeric answers to the statistics log, gated on this batch's write. The
 * segment cell is read from the response row just written (its segments may come from an invitation
 * the batch resolved itself).
 */
function statsAppend(input: SubmissionInput, responseId: string, nonce: string): PlainStatement {
  const row = JSON.stringify(statsLogValues(input.definition, input.answers, input.hidden));
  const day = statsBucketOf(input.definition, {}, input.now).day;
  return {
    sql: `INSERT INTO survey_stats_pending (id, organization_id, survey_id, version, day, touchpoint, region, tier, response_id, row)
       SELECT ${nextStatsLogIdSql("?2")}, ?1, ?2, ?3, ?4, ${statsCell("r.touchpoint")}, ${statsCell("r.region")}, ${statsCell("r.tier")}, ?5, ?6
       FROM responses AS r WHERE r.id = ?5 AND r.write_nonce = ?7`,
    params: [input.survey.organizationId, input.survey.id, input.version, day, responseId, row, nonce],
  };
}

/**
 * SQL for one segment of a response whose invitation the batch resolves by token hash: the value
 * `segmentValues` would give for the link's hidden fields overridden by the invitation's (the row
 * joined as `inv`). Parameters (JSON paths and link values) are appended to `params`, numbered from
 * `firstParam`.
 */
function segmentFromInvitationSql(
  definition: SurveyDefinition,
  segment: "touchpoint" | "region" | "tier",
  linkHidden: Record<string, string>,
  params: unknown[],
  firstParam: number,
): string {
  // segmentValues: the last field of this segment that has a value wins; the invitation's value over the link's.
  const terms = definition.hiddenFields
    .filter((field) => field.segment === segment)
    .reverse()
    .map((field) => {
      const path = firstParam + params.length;
      params.push(`$."${field.id}"`, linkHidden[field.id] ?? null);
      return `json_extract(inv.hidden, ?${path}), ?${path + 1}`;
    });
  return terms.length === 0 ? "NULL" : `coalesce(${terms.join(", ")}, NULL)`;
}

/**
 * SQL that is NULL when the organisation (bound at ?orgParam) has an active response.completed
 * webhook subscriber and the evaluation time (?nowParam) otherwise: a response nothing follows up on
 * is marked evaluated by its own write, and one a subscriber waits for is left to the consumer.
 */
function evaluatedUnlessSubscribed(orgParam: number, nowParam: number): string {
  return `CASE WHEN EXISTS (SELECT 1 FROM webhook_endpoints AS w, json_each(w.events) AS e
      WHERE w.organization_id = ?${orgParam} AND w.active = 1 AND e.value = 'response.completed') THEN NULL ELSE ?${nowParam} END`;
}

export async function saveSubmission(db: Db, input: SubmissionInput): Promise<SubmissionOutcome> {
  // Raw D1 statements: each later statement tests what an earlier one of the same batch wrote.
  const d1 = db.$client;
  const { survey, invitation, now, existing } = input;
  const nowMs = now.getTime();
  const nonce = randomSecret(16);
  const id = existing?.id ?? newId("rsp");
  const segments = segmentValues(input.definition, input.hidden);
  const answersJson = JSON.stringify(input.answers);
  const status = input.complete ? "completed" : "partial";
  const tokenGated = input.complete && invitation !== null;
  const markWhenNoFollowUp = input.complete && input.answersNeedFollowUp === false;
  // A token not read beforehand is resolved by the batch: only a fresh completion does that.
  const resolvedInBatch = invitation !== null && !("id" in invitation);
  if (resolvedInBatch && (existing || !input.complete)) throw new Error("an invitation resolved in the batch needs a fresh completion");

  // Gates shared by the token use and the response write, parameters ?20-?26 bound by both:
  //  - the token use this batch consumed (when completing with a token);
  //  - the survey still as the caller read it, perhaps from a cache seconds old: not closed, inside its
  //    window, the same published version and settings (every change to a survey bumps updated_at),
  //    and below its quota. A refused gate is explained (and the survey re-read) afterwards.
  const surveyAsRead = `EXISTS (SELECT 1 FROM surveys WHERE id = ?23 AND status != 'closed' AND published_version = ?24 AND updated_at = ?25
       AND (opens_at IS NULL OR opens_at <= ?26) AND (closes_at IS NULL OR closes_at > ?26)
       AND (?22 = 0 OR response_quota IS NULL OR completed_count < response_quota))`;
  // Without a token use to test, the statements carry no token gate (less SQL to compile per statement).
  const gates = tokenGated ? `EXISTS (SELECT 1 FROM survey_invitations WHERE token_hash = ?20 AND write_nonce = ?21) AND ${surveyAsRead}` : surveyAsRead;
  const gateParams = [invitation?.tokenHash ?? null, nonce, input.complete ? 1 : 0, survey.id, survey.publishedVersion, survey.updatedAt.getTime(), nowMs];
  const gated = (sql: string, own: unknown[], more: unknown[] = []): PlainStatement => ({
    sql,
    params: [...own, ...Array(19 - own.length).fill(null), ...gateParams, ...more],
  });

  // Plain SQL and values, prepared by whichever request sends the group's batch (write-groups.ts).
  const statements: PlainStatement[] = [];
  if (tokenGated) {
    // A use is only taken for a write that can happen: not for a retry of a stored submissionId
    // (the optimistic insert has not looked), nor for a response another request completed.
    const responseWritable = existing
      ? "EXISTS (SELECT 1 FROM responses WHERE id = ?4 AND status = 'partial')"
      : "NOT EXISTS (SELECT 1 FROM responses WHERE survey_id = ?23 AND submission_id = ?4)";
    statements.push(
      gated(
          `UPDATE survey_invitations SET uses_left = uses_left - 1, completed_at = ?5, write_nonce = ?2
           WHERE token_hash = ?20 AND survey_id = ?23 AND uses_left > 0 AND (valid_until IS NULL OR valid_until > ?1) AND (valid_from IS NULL OR valid_from <= ?1)
             AND ${responseWritable} AND ${surveyAsRead}`,
        [nowMs, nonce, null, existing ? existing.id : input.submissionId, invitationEventTime(now, survey.anonymous)],
      ),
    );
  }
  const writeIndex = statements.length;
  if (existing) {
    statements.push(
      gated(
          `UPDATE responses SET answers = ?1, status = ?2, current_page = ?3, updated_at = ?4, completed_at = ?5, write_nonce = ?6,
             triggers_evaluated_at = ${markWhenNoFollowUp ? evaluatedUnlessSubscribed(8, 4) : "NULL"}
           WHERE id = ?7 AND status = 'partial' AND ${gates}
           RETURNING triggers_evaluated_at`,
        [answersJson, status, input.currentPage, nowMs, input.complete ? nowMs : null, nonce, id, survey.organizationId],
      ),
    );
  } else {
    // Columns that come from the invitation: bound values, or read by SQL from the invitation row
    // this batch's token UPDATE just claimed (token_hash = ?20), joined once as `inv` (one index
    // search, not one per column).
    const fromInvitation = (column: string) => `inv.${column}`;
    const invitationJoin = resolvedInBatch
      ? "FROM (SELECT 1) LEFT JOIN survey_invitations AS inv ON inv.token_hash = ?20 AND inv.write_nonce = ?21"
      : "";
    const segmentParams: unknown[] = [];
    const segmentSql = (segment: "touchpoint" | "region" | "tier", param: number) =>
      resolvedInBatch ? segmentFromInvitationSql(input.definition, segment, input.hidden, segmentParams, 27) : `?${param}`;
    const columns = {
      invitationId: resolvedInBatch && !survey.anonymous ? fromInvitation("id") : "?6",
      hidden: resolvedInBatch ? `json_patch(?9, coalesce(${fromInvitation("hidden")}, '{}'))` : "?9",
      touchpoint: segmentSql("touchpoint", 13),
      region: segmentSql("region", 14),
      tier: segmentSql("tier", 15),
      email: resolvedInBatch && !survey.anonymous ? fromInvitation("email") : "?16",
    };
    // The follow-up decision was made on the link's hidden fields: an invitation that adds its own
    // (a case_id, a field a trigger rule tests) leaves the response to the consumer, which sees them all.
    const evaluated = !markWhenNoFollowUp
      ? "NULL"
      : resolvedInBatch
        ? `CASE WHEN coalesce(${fromInvitation("hidden")}, '{}') IN ('{}', 'null') THEN ${evaluatedUnlessSubscribed(2, 18)} ELSE NULL END`
        : evaluatedUnlessSubscribed(2, 18);
    statements.push(
      gated(
          `INSERT INTO responses (id, organization_id, survey_id, version, submission_id, invitation_id, resume_hash, language,
             hidden, answers, status, current_page, touchpoint, region, tier, respondent_email, ip, anonymised, write_nonce,
             created_at, updated_at, completed_at, triggers_evaluated_at)
           SELECT ?1, ?2, ?3, ?4, ?5, ${columns.invitationId}, ?7, ?8, ${columns.hidden}, ?10, ?11, ?12, ${columns.touchpoint}, ${columns.region}, ${columns.tier},
             ${columns.email}, ?17, 0, ?21, ?18, ?18, ?19, ${evaluated}
           ${invitationJoin}
           WHERE ${resolvedInBatch ? `inv.id IS NOT NULL AND ${surveyAsRead}` : gates}
           ON CONFLICT (survey_id, submission_id) DO NOTHING
           RETURNING triggers_evaluated_at`,
        [
          id,
          survey.organizationId,
          survey.id,
          input.version,
          input.submissionId,
          survey.anonymous || resolvedInBatch ? null : (invitation?.id ?? null),
          input.resumeHash,
          input.language,
          JSON.stringify(input.hidden),
          answersJson,
          status,
          input.currentPage,
          segments.touchpoint ?? null,
          segments.region ?? null,
          segments.tier ?? null,
          survey.anonymous ? null : input.respondentEmail,
          survey.storeIp ? input.ip : null,
          nowMs,
          input.complete ? nowMs : null,
        ],
        segmentParams,
      ),
    );
  }
  if (input.complete) {
    statements.push(
      {
        sql: `UPDATE surveys SET completed_count = completed_count + 1
           WHERE id = ?1 AND EXISTS (SELECT 1 FROM responses WHERE id = ?2 AND write_nonce = ?3)`,
        params: [survey.id, id, nonce],
      },
      statsAppend(input, id, nonce),
    );
  } else if (invitation) {
    statements.push({
      sql: `UPDATE survey_invitations SET started_at = coalesce(started_at, ?1) WHERE token_hash = ?2`,
      params: [invitationEventTime(now, survey.anonymous), invitation.tokenHash],
    });
  }

  // Sent with the batches of other submissions to the same database meanwhile (group commit).
  const { results, bookmark } = await batchInGroup<{ triggers_evaluated_at: number | null }>(String(shardOf(db).shard), d1, statements, () => sessionBookmarkOf(d1));
  // This request's session hands the respondent a bookmark that covers the write, whoever sent it.
  noteSessionWrite(d1, bookmark);
  const written = results[writeIndex];
  if ((written?.meta.changes ?? 0) > 0) {
    const followUpPending = input.complete && (written?.results[0]?.triggers_evaluated_at ?? null) === null;
    return { id, status, created: !existing, completedNow: input.complete, followUpPending };
  }
  return explainRefusedWrite(db, input);
}

/**
 * The write changed nothing: the survey changed since it was read, a concurrent duplicate, a partial
 * response the optimistic insert did not know of, a spent or expired token, or a full quota.
 */
async function explainRefusedWrite(db: Db, input: SubmissionInput): Promise<SubmissionOutcome> {
  // One round trip for both: the survey as it is now, and the response this submissionId has.
  const [[survey], [current]] = await db.batch([
    db
      .select({
        status: surveys.status,
        publishedVersion: surveys.publishedVersion,
        updatedAt: surveys.updatedAt,
        opensAt: surveys.opensAt,
        closesAt: surveys.closesAt,
        responseQuota: surveys.responseQuota,
        completedCount: surveys.completedCount,
      })
      .from(surveys)
      .where(eq(surveys.id, input.survey.id)),
    db
      .select({ id: responses.id, status: responses.status })
      .from(responses)
      .where(and(eq(responses.surveyId, input.survey.id), eq(responses.submissionId, input.submissionId))),
  ]);
  const nowMs = input.now.getTime();
  const asRead =
    survey !== undefined &&
    survey.status !== "closed" &&
    survey.publishedVersion === input.survey.publishedVersion &&
    survey.updatedAt.getTime() === input.survey.updatedAt.getTime() &&
    (!survey.opensAt || survey.opensAt.getTime() <= nowMs) &&
    (!survey.closesAt || survey.closesAt.getTime() > nowMs);
  if (!asRead) throw new SurveyChangedError();
  if (current && (current.status === "completed" || !input.complete)) {
    // Someone else's identical request won the race, or this is a retry: answer as for the first.
    return { id: current.id, status: current.status, created: false, completedNow: false, followUpPending: false };
  }
  if (current && !input.existing) throw new PartialResponseExistsError();
  if (input.complete && input.invitation) {
    const invitation = await db.query.surveyInvitations.findFirst({
      where: and(eq(surveyInvitations.tokenHash, input.invitation.tokenHash), eq(surveyInvitations.surveyId, input.survey.id)),
    });
    const refusal = invitationRefusal(invitation, input.now, { completing: true });
    if (refusal) throw refusal;
  }
  if (input.complete && survey.responseQuota !== null && survey.completedCount >= survey.responseQuota) {
    throw new ProblemError("survey-unavailable", "This survey has reached its response quota and is no longer accepting answers.");
  }
  throw new ProblemError("conflict", "This response was changed by another request at the same time; send it again.");
}
