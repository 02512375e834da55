/**
 * Who may answer which survey, and the merge-validate-save step shared by the JSON API and the
 * server-rendered form.
 */
import { and, eq } from "drizzle-orm";
import type { Db } from "../../env";
import { responses, surveyInvitations, surveys } from "../schema";
import type { SurveyDefinition } from "../../domain/survey/definition";
import { validateResponseAnswers, type AnswerError, type Answers } from "../../domain/survey/answers";
import { answersNeedFollowUp, type ComplaintTriggerRule } from "../../domain/complaints";
import { responseHasOpenText } from "./text-scores";
import { ProblemError, notFound } from "../../lib/problem";
import { randomSecret, sha256Hex } from "../../lib/ids";
import { loadVersionDefinition, type SurveyRow } from "./surveys";
import { statsLayoutFor } from "../stats-vector";
import { surveyTriggerRules } from "./complaints-triggers";
import { invitationRefusal, SurveyAccessError } from "./invitation-access";
import { cachedOpenSurvey, forgetOpenSurvey, rememberOpenSurvey } from "./open-survey-cache";
import {
  findResponseBySubmission,
  PartialResponseExistsError,
  saveSubmission,
  SurveyChangedError,
  type InvitationRow,
  type ResponseRow,
  type SubmissionOutcome,
  type SubmitSurvey,
} from "./responses";

export { SurveyAccessError, type SurveyUnavailableReason, type TokenProblem } from "./invitation-access";

/** The survey columns answering needs: not the draft definition nor anything else the public path never reads. */
export type OpenSurveyRow = SubmitSurvey & Pick<SurveyRow, "accessMode" | "completedCount" | "complaintTriggers">;

const OPEN_SURVEY_COLUMNS = {
  id: true,
  organizationId: true,
  slug: true,
  status: true,
  accessMode: true,
  publishedVersion: true,
  opensAt: true,
  closesAt: true,
  responseQuota: true,
  completedCount: true,
  anonymous: true,
  storeIp: true,
  complaintTriggers: true,
  updatedAt: true,
} as const;

export type OpenSurvey = {
  survey: OpenSurveyRow;
  definition: SurveyDefinition;
  version: number;
  /** The survey's complaint trigger rules for the published version (configured or default). */
  triggerRules: ComplaintTriggerRule[];
};

/**
 * The survey at `slug` if it accepts answers now. `fromCache` serves it from the isolate's cache
 * (seconds old; only for a write whose SQL gate re-checks it: see `withCachedOpenSurvey`); every
 * read from D1 refreshes the cache.
 */
export async function openSurveyBySlug(db: Db, slug: string, now: Date, options: { fromCache?: boolean } = {}): Promise<OpenSurvey> {
  let open = options.fromCache ? cachedOpenSurvey(slug, now.getTime()) : undefined;
  if (!open) {
    const survey = await db.query.surveys.findFirst({ where: eq(surveys.slug, slug), columns: OPEN_SURVEY_COLUMNS });
    if (!survey || survey.publishedVersion === null) {
      forgetOpenSurvey(slug);
      throw new SurveyAccessError("unknown", "not-found", `There is no published survey at "${slug}". Check the link you were given.`);
    }
    const definition = await loadVersionDefinition(db, survey.id, survey.publishedVersion);
    open = { survey, definition, version: survey.publishedVersion, triggerRules: surveyTriggerRules(survey, definition) };
    rememberOpenSurvey(slug, open, now.getTime());
  }
  const { survey } = open;
  try {
    if (survey.status === "closed" || (survey.closesAt && survey.closesAt.getTime() <= now.getTime())) {
      throw new SurveyAccessError("closed", "survey-unavailable", "This survey is closed and no longer accepts answers.");
    }
    if (survey.opensAt && survey.opensAt.getTime() > now.getTime()) {
      throw new SurveyAccessError("not_yet_open", "survey-unavailable", `This survey opens on ${survey.opensAt.toISOString()}.`);
    }
    if (survey.responseQuota !== null && survey.completedCount >= survey.responseQuota) {
      throw new SurveyAccessError("quota_reached", "survey-unavailable", "This survey has received all the responses it needs. Thank you!");
    }
  } catch (error) {
    // A refusal is not cached: a survey re-opened a moment later accepts again at once.
    forgetOpenSurvey(slug);
    throw error;
  }
  return open;
}

/**
 * Runs a submission against the cached open survey. The write's SQL gate re-checks what the cache
 * may have missed; when it finds the survey changed (closed, re-published, settings edited) the
 * entry is dropped and the submission runs once more against a fresh read — which refuses a survey
 * closed a moment ago with its usual problem, and applies new settings (access mode, anonymity).
 * A refusal for the quota drops the entry too, so later requests fail fast on a fresh count.
 */
export async function withCachedOpenSurvey<T>(db: Db, slug: string, now: Date, submit: (open: OpenSurvey) => Promise<T>): Promise<T> {
  const open = await openSurveyBySlug(db, slug, now, { fromCache: true });
  try {
    return await submit(open);
  } catch (error) {
    if (error instanceof ProblemError && error.problemType === "survey-unavailable") forgetOpenSurvey(slug);
    if (!(error instanceof SurveyChangedError)) throw error;
    forgetOpenSurvey(slug);
    return submit(await openSurveyBySlug(db, slug, now));
  }
}

/** Resolves a personal invitation token; the token itself is never stored, only its hash. */
export async function resolveInvitation(db: Db, survey: Pick<SurveyRow, "id" | "accessMode">, token: string | undefined, now: Date): Promise<InvitationRow | null> {
  if (!token) {
    if (survey.accessMode === "invitation") {
      throw new SurveyAccessError("invitation_only", "forbidden", "This survey is by personal invitation only. Use the link from your invitation.");
    }
    return null;
  }
  const invitation = await db.query.surveyInvitations.findFirst({
    where: and(eq(surveyInvitations.tokenHash, await sha256Hex(token)), eq(surveyInvitations.surveyId, survey.id)),
  });
  const refusal = invitationRefusal(invitation, now, { completing: false });
  if (refusal) throw refusal;
  return invitation!;
}

/** The unfinished response a returning respondent continues: by invitation, or by resume secret. */
export async function findResumableResponse(
  db: Db,
  survey: Pick<SurveyRow, "id">,
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
  /**
   * A personal invitation token not read yet (with `invitation` null): a fresh completion resolves it
   * inside its write batch; any other submission reads it first.
   */
  token?: string;
  answers: unknown;
  hidden: Record<string, string>;
  language: string;
  complete: boolean;
  currentPage?: number;
  /** The secret the server issued when this partial response was first saved; never chosen by the client. */
  resumeSecret?: string;
  ip: string | null;
  now: Date;
  /** Answers already merged and validated by the form flow. */
  prevalidated?: Answers;
};

export type SubmitResult =
  /** `resumeSecret`: issued by this request (a first partial save without an invitation); the client continues with it. */
  | { kind: "saved"; outcome: SubmissionOutcome; answers: Answers; resumeSecret?: string }
  | { kind: "invalid"; errors: AnswerError[] };

/** The resume hash of a partial response started with a personal link on an anonymous survey (no invitation id is kept). */
const invitationResumeHash = (token: string) => sha256Hex(`invitation-resume:${token}`);

/**
 * Why `request` may not continue the saved partial response `existing` (null when it may): only
 * with the invitation it was started with, or the resume secret the server issued for it. The
 * submissionId is no secret (it is in the page's HTML and the client's storage). A resume secret
 * for a response that does not exist was chosen by the client, and is refused too.
 */
export async function continuationRefusal(
  existing: Pick<ResponseRow, "invitationId" | "resumeHash" | "status"> | null,
  request: { invitation: Pick<InvitationRow, "id"> | null; token?: string; resumeSecret?: string },
): Promise<ProblemError | null> {
  if (!existing) {
    return request.resumeSecret
      ? new ProblemError("bad-request", "Unknown resume secret: the server issues it with the first partial save (resumeToken in the answer). Start without one, or reload the survey page.")
      : null;
  }
  if (existing.status === "completed") return null;
  if (existing.invitationId) {
    return request.invitation?.id === existing.invitationId
      ? null
      : new ProblemError("forbidden", "This response was started with a personal invitation link; continue it with that link.");
  }
  if (existing.resumeHash) {
    if (request.resumeSecret && (await sha256Hex(request.resumeSecret)) === existing.resumeHash) return null;
    if (request.token && (await invitationResumeHash(request.token)) === existing.resumeHash) return null;
  }
  return new ProblemError("forbidden", "Continuing a saved response needs the resumeToken issued when it was first saved (or the invitation link it was started with).");
}

/**
 * Merges the new answers into any saved partial response, validates the result (all required
 * items only when completing) and saves it. A completed response is never changed again: the same
 * submissionId returns its id unchanged.
 */
export async function submitAnswers(db: Db, request: SubmitRequest): Promise<SubmitResult> {
  const withInvitationRead = async (r: SubmitRequest): Promise<SubmitRequest> =>
    !r.invitation && r.token ? { ...r, invitation: await resolveInvitation(db, r.open.survey, r.token, r.now) } : r;
  if (request.complete && !request.prevalidated) {
    // Only the fresh-completion insert resolves a token inside its batch, and not for a survey whose
    // logged loyalty counts need the invitation's hidden fields (the respondent status of a CSV column).
    const fresh = statsLayoutFor(request.open.definition).loyalty ? await withInvitationRead(request) : request;
    const inserted = await insertFreshCompletion(db, fresh);
    if (inserted) return inserted;
    request = fresh;
  }
  request = await withInvitationRead(request);
  const { open } = request;
  const existing = (await findResponseBySubmission(db, open.survey.id, request.submissionId)) ?? null;
  if (existing?.status === "completed") {
    return {
      kind: "saved",
      outcome: { id: existing.id, status: "completed", created: false, completedNow: false, followUpPending: false },
      answers: existing.answers as Answers,
    };
  }
  const refusal = await continuationRefusal(existing, request);
  if (refusal) throw refusal;
  // A first partial save through a public link: the server issues the secret that continues it.
  const issuedResumeSecret = !existing && !request.complete && !request.invitation && !request.token ? randomSecret(32) : undefined;
  if (issuedResumeSecret) request = { ...request, resumeSecret: issuedResumeSecret };
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
  return { kind: "saved", outcome: await saveValidated(db, request, definition, answers, existing), answers, resumeSecret: issuedResumeSecret };
}

/**
 * Saves answers already merged and validated against `definition`, continuing `existing` (its
 * version, hidden fields, page and resume hash) or starting a response with the link's hidden
 * fields overridden by the invitation's.
 */
async function saveValidated(db: Db, request: SubmitRequest, definition: SurveyDefinition, answers: Answers, existing: ResponseRow | null): Promise<SubmissionOutcome> {
  const { open } = request;
  const hidden = existing
    ? (existing.hidden as Record<string, string>)
    : { ...request.hidden, ...((request.invitation?.hidden as Record<string, string> | null) ?? {}) };
  const triggerRules = definition === open.definition ? open.triggerRules : surveyTriggerRules(open.survey, definition);
  // Only a fresh completion reaches here with an unread token (submitAnswers reads it for the rest).
  const unreadToken = !request.invitation && request.token ? { tokenHash: await sha256Hex(request.token) } : null;
  return saveSubmission(db, {
    survey: open.survey,
    definition,
    version: existing?.version ?? open.version,
    submissionId: request.submissionId,
    invitation: request.invitation ?? unreadToken,
    answers,
    hidden,
    language: request.language,
    complete: request.complete,
    currentPage: request.currentPage ?? existing?.currentPage ?? 0,
    resumeHash: existing ? existing.resumeHash : await newResumeHash(request),
    respondentEmail: request.invitation?.email ?? null,
    ip: request.ip,
    existing,
    now: request.now,
    // Open answers are scored by the follow-up (src/jobs/response-completed.ts), so they need it too.
    answersNeedFollowUp: request.complete ? answersNeedFollowUp(triggerRules, answers, hidden) || responseHasOpenText(definition, answers) : undefined,
  });
}

/** A new response's resume binding: the issued secret, or for an anonymous survey's personal link (no invitation id kept) its token. */
async function newResumeHash(request: SubmitRequest): Promise<string | null> {
  if (request.resumeSecret) return sha256Hex(request.resumeSecret);
  if (request.open.survey.anonymous && !request.complete && request.token) return invitationResumeHash(request.token);
  return null;
}

/**
 * Optimistic path for the common case, a complete submission whose answers are valid on their own:
 * insert it without first looking for a response with its submissionId (one D1 call, not two).
 * The insert's unique survey × submissionId decides: a stored completed response answers exactly as
 * a retry (same id, nothing counted twice); a stored partial one, or answers that are only valid
 * merged with saved ones, return undefined so the caller takes the full path that continues it.
 */
async function insertFreshCompletion(db: Db, request: SubmitRequest): Promise<SubmitResult | undefined> {
  const { open } = request;
  const given = request.answers;
  if (typeof given !== "object" || given === null || Array.isArray(given)) return undefined;
  // A resume secret means continuing: the full path checks it against the saved response.
  if (request.resumeSecret) return undefined;
  const validated = validateResponseAnswers(open.definition, given, { complete: true });
  if (!validated.ok) return undefined;
  try {
    const outcome = await saveValidated(db, request, open.definition, validated.normalized, null);
    return { kind: "saved", outcome, answers: validated.normalized };
  } catch (error) {
    if (error instanceof PartialResponseExistsError) return undefined;
    throw error;
  }
}

export function notFoundSurvey(slug: string): ProblemError {
  return notFound(`Survey "${slug}"`);
}
