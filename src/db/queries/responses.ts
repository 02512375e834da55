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
import { responses, surveyInvitations } from "../schema";
import type { SurveyDefinition } from "../../domain/survey/definition";
import type { Answers } from "../../domain/survey/answers";
import { segmentValues } from "../../domain/survey/hidden-fields";
import { toNumericRow } from "../../domain/survey/numeric";
import { newId, randomSecret } from "../../lib/ids";
import { ProblemError } from "../../lib/problem";
import { statsLayoutFor } from "../stats-vector";
import type { SurveyRow } from "./surveys";

export type ResponseRow = typeof responses.$inferSelect;
export type InvitationRow = typeof surveyInvitations.$inferSelect;

export type SubmissionInput = {
  survey: SurveyRow;
  definition: SurveyDefinition;
  version: number;
  submissionId: string;
  invitation: InvitationRow | null;
  /** Validated, complete answer set after merging with what was saved before. */
  answers: Answers;
  hidden: Record<string, string>;
  language: string;
  complete: boolean;
  currentPage: number;
  resumeHash: string | null;
  respondentEmail: string | null;
  ip: string | null;
  existing: ResponseRow | null;
  now: Date;
};

export type SubmissionOutcome = {
  id: string;
  status: "partial" | "completed";
  /** This request inserted the response (201 rather than 200). */
  created: boolean;
  /** This request is the one that completed it: follow-up work (complaint triggers) runs once. */
  completedNow: boolean;
};

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

/** Appends the response's numeric answers to the statistics log, gated on this batch's write. */
function statsAppend(d1: D1Database, input: SubmissionInput, responseId: string, nonce: string): D1PreparedStatement {
  const layout = statsLayoutFor(input.definition);
  const numeric = toNumericRow(input.definition, input.answers, { allNumeric: true });
  const row = JSON.stringify(layout.itemIds.map((id) => numeric[id] ?? null));
  const bucket = statsBucketOf(input.definition, input.hidden, input.now);
  return d1
    .prepare(
      `INSERT INTO survey_stats_pending (organization_id, survey_id, version, day, touchpoint, region, tier, response_id, row)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
       WHERE EXISTS (SELECT 1 FROM responses WHERE id = ?8 AND write_nonce = ?10)
       ON CONFLICT (response_id) DO NOTHING`,
    )
    .bind(input.survey.organizationId, input.survey.id, input.version, bucket.day, bucket.touchpoint, bucket.region, bucket.tier, responseId, row, nonce);
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

  // Gates shared by the insert and the update; parameters ?20-?22 are bound by both.
  const gates = `(?20 = 0 OR EXISTS (SELECT 1 FROM survey_invitations WHERE id = ?21 AND write_nonce = ?22))
     AND (?23 = 0 OR (SELECT response_quota IS NULL OR completed_count < response_quota FROM surveys WHERE id = ?24))`;
  const gateParams = [tokenGated ? 1 : 0, invitation?.id ?? null, nonce, input.complete ? 1 : 0, survey.id];

  const statements: D1PreparedStatement[] = [];
  if (tokenGated) {
    statements.push(
      d1
        .prepare(
          `UPDATE survey_invitations SET uses_left = uses_left - 1, completed_at = ?1, write_nonce = ?2
           WHERE id = ?3 AND uses_left > 0 AND (valid_until IS NULL OR valid_until > ?1) AND (valid_from IS NULL OR valid_from <= ?1)`,
        )
        .bind(nowMs, nonce, invitation!.id),
    );
  }
  const writeIndex = statements.length;
  if (existing) {
    statements.push(
      d1
        .prepare(
          `UPDATE responses SET answers = ?1, status = ?2, current_page = ?3, updated_at = ?4, completed_at = ?5, write_nonce = ?6
           WHERE id = ?7 AND status = 'partial' AND ${gates}`,
        )
        .bind(answersJson, status, input.currentPage, nowMs, input.complete ? nowMs : null, nonce, id, ...Array(12).fill(null), ...gateParams),
    );
  } else {
    statements.push(
      d1
        .prepare(
          `INSERT INTO responses (id, organization_id, survey_id, version, submission_id, invitation_id, resume_hash, language,
             hidden, answers, status, current_page, touchpoint, region, tier, respondent_email, ip, anonymised, write_nonce,
             created_at, updated_at, completed_at)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 0, ?22, ?18, ?18, ?19
           WHERE ${gates}
           ON CONFLICT (survey_id, submission_id) DO NOTHING`,
        )
        .bind(
          id,
          survey.organizationId,
          survey.id,
          input.version,
          input.submissionId,
          survey.anonymous ? null : (invitation?.id ?? null),
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
          ...gateParams,
        ),
    );
  }
  if (input.complete) {
    statements.push(
      d1
        .prepare(
          `UPDATE surveys SET completed_count = completed_count + 1
           WHERE id = ?1 AND EXISTS (SELECT 1 FROM responses WHERE id = ?2 AND write_nonce = ?3)`,
        )
        .bind(survey.id, id, nonce),
      statsAppend(d1, input, id, nonce),
    );
  } else if (invitation) {
    statements.push(d1.prepare(`UPDATE survey_invitations SET started_at = coalesce(started_at, ?1) WHERE id = ?2`).bind(nowMs, invitation.id));
  }

  const results = await d1.batch(statements);
  if ((results[writeIndex]?.meta.changes ?? 0) > 0) {
    return { id, status, created: !existing, completedNow: input.complete };
  }
  return explainRefusedWrite(db, input);
}

/** The write changed nothing: a concurrent duplicate, a spent or expired token, or a full quota. */
async function explainRefusedWrite(db: Db, input: SubmissionInput): Promise<SubmissionOutcome> {
  const current = await findResponseBySubmission(db, input.survey.id, input.submissionId);
  if (current && (current.status === "completed" || !input.complete)) {
    // Someone else's identical request won the race: answer exactly as for a retry.
    return { id: current.id, status: current.status, created: false, completedNow: false };
  }
  if (input.complete && input.invitation) {
    const invitation = await db.query.surveyInvitations.findFirst({ where: eq(surveyInvitations.id, input.invitation.id) });
    const nowMs = input.now.getTime();
    if (invitation?.validUntil && invitation.validUntil.getTime() <= nowMs) {
      throw new ProblemError("gone", "This invitation link has expired.");
    }
    if (invitation && invitation.usesLeft <= 0) {
      throw new ProblemError("token-spent", "This personal invitation has already been used to complete the survey.");
    }
  }
  if (input.complete && input.survey.responseQuota !== null) {
    throw new ProblemError("survey-unavailable", "This survey has reached its response quota and is no longer accepting answers.");
  }
  throw new ProblemError("conflict", "This response was changed by another request at the same time; send it again.");
}
