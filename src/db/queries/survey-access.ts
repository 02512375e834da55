/**
 * Who may answer which survey, and the merge-validate-save step shared by the JSON API and the
 * server-rendered form.
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../../env";
import { responses, surveyInvitations } from "../schema";
import type { SurveyDefinition } from "../../domain/survey/definition";
import { validateResponseAnswers, type AnswerError, type Answers } from "../../domain/survey/answers";
import { ProblemError, notFound } from "../../lib/problem";
import { sha256Hex } from "../../lib/ids";
import { findSurveyBySlug, loadVersionDefinition, type SurveyRow } from "./surveys";
import { findResponseBySubmission, saveSubmission, type InvitationRow, type ResponseRow, type SubmissionOutcome } from "./responses";

export type SurveyUnavailableReason = "unknown" | "closed" | "not_yet_open" | "quota_reached" | "invitation_only";
export type TokenProblem = "invalid" | "expired" | "not_yet_valid" | "spent";

export class SurveyAccessError extends ProblemError {
  readonly reason: SurveyUnavailableReason | TokenProblem;
  constructor(reason: SurveyUnavailableReason | TokenProblem, problem: ConstructorParameters<typeof ProblemError>[0], detail: string) {
    super(problem, detail, { extensions: { reason } });
    this.reason = reason;
  }
}

export type OpenSurvey = { survey: SurveyRow; definition: SurveyDefinition; version: number };

export async function openSurveyBySlug(db: Db, slug: string, now: Date): Promise<OpenSurvey> {
  const survey = await findSurveyBySlug(db, slug);
  if (!survey || survey.publishedVersion === null) {
    throw new SurveyAccessError("unknown", "not-found", `There is no published survey at "${slug}". Check the link you were given.`);
  }
  if (survey.status === "closed" || (survey.closesAt && survey.closesAt.getTime() <= now.getTime())) {
    throw new SurveyAccessError("closed", "survey-unavailable", "This survey is closed and no longer accepts answers.");
  }
  if (survey.opensAt && survey.opensAt.getTime() > now.getTime()) {
    throw new SurveyAccessError("not_yet_open", "survey-unavailable", `This survey opens on ${survey.opensAt.toISOString()}.`);
  }
  if (survey.responseQuota !== null && survey.completedCount >= survey.responseQuota) {
    throw new SurveyAccessError("quota_reached", "survey-unavailable", "This survey has received all the responses it needs. Thank you!");
  }
  const definition = await loadVersionDefinition(db, survey.id, survey.publishedVersion);
  return { survey, definition, version: survey.publishedVersion };
}

/** Resolves a personal invitation token; the token itself is never stored, only its hash. */
export async function resolveInvitation(db: Db, survey: SurveyRow, token: string | undefined, now: Date): Promise<InvitationRow | null> {
  if (!token) {
    if (survey.accessMode === "invitation") {
      throw new SurveyAccessError("invitation_only", "forbidden", "This survey is by personal invitation only. Use the link from your invitation.");
    }
    return null;
  }
  const invitation = await db.query.surveyInvitations.findFirst({
    where: and(eq(surveyInvitations.tokenHash, await sha256Hex(token)), eq(surveyInvitations.surveyId, survey.id)),
  });
  if (!invitation) throw new SurveyAccessError("invalid", "not-found", "This invitation link is not valid. Check that you copied the whole link.");
  if (invitation.validFrom && invitation.validFrom.getTime() > now.getTime()) {
    throw new SurveyAccessError("not_yet_valid", "survey-unavailable", `This invitation becomes valid on ${invitation.validFrom.toISOString()}.`);
  }
  if (invitation.validUntil && invitation.validUntil.getTime() <= now.getTime()) {
    throw new SurveyAccessError("expired", "gone", "This invitation link has expired.");
  }
  return invitation;
}

/** The unfinished response a returning respondent continues: by invitation, or by resume secret. */
export async function findResumableResponse(
  db: Db,
  survey: SurveyRow,
  invitation: InvitationRow | null,
  resumeSecret: string | undefined,
): Promise<ResponseRow | undefined> {
  if (invitation) {
    return db.query.responses.findFirst({
      where: and(eq(responses.surveyId, survey.id), eq(responses.invitationId, invitation.id), eq(responses.status, "partial")),
    });
  }
  if (resumeSecret) {
    return db.query.responses.findFirst({
      where: and(eq(responses.surveyId, survey.id), eq(responses.resumeHash, await sha256Hex(resumeSecret))),
    });
  }
  return undefined;
}

export type SubmitRequest = {
  open: OpenSurvey;
  submissionId: string;
  invitation: InvitationRow | null;
  answers: unknown;
  hidden: Record<string, string>;
  language: string;
  complete: boolean;
  currentPage?: number;
  resumeSecret?: string;
  ip: string | null;
  now: Date;
  /** Answers already merged and validated by the form flow. */
  prevalidated?: Answers;
};

export type SubmitResult =
  | { kind: "saved"; outcome: SubmissionOutcome; answers: Answers }
  | { kind: "invalid"; errors: AnswerError[] };

/**
 * Merges the new answers into any saved partial response, validates the result (all required
 * items only when completing) and saves it. A completed response is never changed again: the same
 * submissionId returns its id unchanged.
 */
export async function submitAnswers(db: Db, request: SubmitRequest): Promise<SubmitResult> {
  const { open } = request;
  const existing = (await findResponseBySubmission(db, open.survey.id, request.submissionId)) ?? null;
  if (existing?.status === "completed") {
    return { kind: "saved", outcome: { id: existing.id, status: "completed", created: false, completedNow: false }, answers: existing.answers as Answers };
  }
  if (existing && request.invitation && existing.invitationId && existing.invitationId !== request.invitation.id) {
    throw new ProblemError("conflict", "This submissionId belongs to a different invitation.");
  }
  // A response started before a re-publish stays on the version it began with.
  const definition =
    existing && existing.version !== open.version ? await loadVersionDefinition(db, open.survey.id, existing.version) : open.definition;
  let answers: Answers;
  if (request.prevalidated) {
    answers = request.prevalidated;
  } else {
    const given = request.answers as Record<string, unknown>;
    const merged = { ...((existing?.answers as Answers | undefined) ?? {}), ...(typeof given === "object" && given ? given : {}) };
    const result = validateResponseAnswers(definition, typeof given === "object" && given && !Array.isArray(given) ? merged : given, {
      complete: request.complete,
    });
    if (!result.ok) return { kind: "invalid", errors: result.errors };
    answers = result.normalized;
  }
  const hidden = existing ? (existing.hidden as Record<string, string>) : { ...request.hidden, ...((request.invitation?.hidden as Record<string, string> | null) ?? {}) };
  const outcome = await saveSubmission(db, {
    survey: open.survey,
    definition,
    version: existing?.version ?? open.version,
    submissionId: request.submissionId,
    invitation: request.invitation,
    answers,
    hidden,
    language: request.language,
    complete: request.complete,
    currentPage: request.currentPage ?? existing?.currentPage ?? 0,
    resumeHash: existing?.resumeHash ?? (request.resumeSecret ? await sha256Hex(request.resumeSecret) : null),
    respondentEmail: request.invitation?.email ?? null,
    ip: request.ip,
    existing,
    now: request.now,
  });
  return { kind: "saved", outcome, answers };
}

export function notFoundSurvey(slug: string): ProblemError {
  return notFound(`Survey "${slug}"`);
}
