/**
 * Closing the loop (ISO 10002 "satisfaction with the complaints-handling process"; Medallia: trigger
 * a survey when a case is closed): after a complaint closes, one personal invitation to the
 * organisation's short `complaint_handling` survey (CSAT + CES + "was it resolved?"), created on
 * demand with the slug `<org-slug>-complaint-handling`. The invitation carries the hidden field
 * case_id = complaint id; when that response completes, its result is attached to the complaint.
 */
import type { AppBindings, Db, Principal } from "../../env";
import type { ComplaintActor, ComplaintTimelineEvent } from "../../domain/complaints";
import { listAnswerSlots, metricRoleOf, type SurveyDefinition } from "../../domain/survey/definition";
import { getTemplate } from "../../domain/survey/templates";
import { randomSecret } from "../../lib/ids";
import { ProblemError } from "../../lib/problem";
import { asComplaintLanguage } from "../../domain/complaints/texts";
import { handlingSurveyEmail } from "../../domain/complaints/emails";
import { createInvitations } from "./invitations";
import { createSurvey, findSurveyBySlug, publishSurvey, type SurveyRow } from "./surveys";
import { type ComplaintRow, eventInsertRow, publicOrigin } from "./complaints";
import { complaintNonceGate, gatedInsert, updateStatement } from "./complaints-sql";
import { emailOutboxRow } from "./outbox";
import { LINK_PLACEHOLDERS } from "../../domain/email/placeholders";
import { invitationLinkToken } from "../../lib/email-config";
import type { ResponseRow } from "./responses";

export const HANDLING_SURVEY_SUFFIX = "-complaint-handling";
const INVITATION_VALID_DAYS = 30;

export const HANDLING_ACTOR: ComplaintActor = { kind: "system", id: "handling-survey", name: "Handling survey" };

export function handlingSurveySlug(organizationSlug: string): string {
  const base = organizationSlug.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^-+/, "").slice(0, 63 - HANDLING_SURVEY_SUFFIX.length) || "org";
  return `${base}${HANDLING_SURVEY_SUFFIX}`;
}

/** A principal for work the system does on the organisation's behalf (audit actor_kind "system"). */
export function systemPrincipal(organizationId: string): Principal {
  return { kind: "system", id: "complaint-handling", name: "Complaint handling", organizationId, role: "owner" } as unknown as Principal;
}

/** The organisation's handling survey, created and published from the template on first use. */
export async function ensureHandlingSurvey(db: Db, principal: Principal, organizationSlug: string): Promise<SurveyRow> {
  const candidates = [handlingSurveySlug(organizationSlug), `${handlingSurveySlug(organizationSlug).slice(0, 55)}-${principal.organizationId.toLowerCase().replace(/[^a-z0-9]/g, "").slice(-6)}`];
  for (const slug of candidates) {
    let survey = await findSurveyBySlug(db, slug);
    if (survey && survey.organizationId !== principal.organizationId) continue;
    if (!survey) {
      try {
        survey = await createSurvey(db, principal, { slug, definition: getTemplate("complaint_handling"), accessMode: "invitation" });
      } catch (error) {
        // A concurrent close created it first: use theirs.
        if (!(error instanceof ProblemError && error.problemType === "conflict")) throw error;
        survey = await findSurveyBySlug(db, slug);
        if (!survey || survey.organizationId !== principal.organizationId) continue;
      }
    }
    if (survey.publishedVersion === null) survey = await publishSurvey(db, principal, survey.id);
    return survey;
  }
  throw new ProblemError("conflict", "The complaint-handling survey slug is taken by another organisation.");
}

/** A complaint closed as a duplicate is surveyed through the complaint kept, never itself. */
export function closedAsDuplicate(row: Pick<ComplaintRow, "resolution">): boolean {
  const resolution = row.resolution as { outcome?: unknown } | null;
  return resolution?.outcome === "duplicate";
}

/**
 * Issues the invitation once per complaint (a later close after a reopen does not send another:
 * one survey per case, as Medallia's suppression rule). Returns the outbox ids to enqueue.
 */
export async function issueHandlingSurvey(
  db: Db,
  env: AppBindings,
  row: ComplaintRow,
  organizationSlug: string,
  principal: Principal,
  now: Date,
): Promise<string[]> {
  if (row.handlingInvitationId || row.state !== "closed" || closedAsDuplicate(row)) return [];
  const survey = await ensureHandlingSurvey(db, principal, organizationSlug);
  const hidden: Record<string, string> = { case_id: row.id };
  if (row.touchpoint) hidden.touchpoint = row.touchpoint;
  if (row.region) hidden.region = row.region;
  if (row.tier) hidden.tier = row.tier;
  // The token is derived from the invitation (generation 0), so neither the outbox nor the complaint
  // row holds the live link: the e-mail renders it when sent, the status page when shown.
  const [invitation] = await createInvitations(
    db,
    principal,
    { id: survey.id, slug: survey.slug },
    [{ email: row.contactEmail, hidden, validUntil: new Date(now.getTime() + INVITATION_VALID_DAYS * 86_400_000), uses: 1 }],
    publicOrigin(env),
    { contactFatigue: "exempt", now, token: (id) => invitationLinkToken(env, id, 0) },
  );
  const language = asComplaintLanguage(row.language);
  const surveyUrl = `${publicOrigin(env)}/s/${survey.slug}?lang=${encodeURIComponent(language)}`;
  const d1 = db.$client;
  const nonce = randomSecret(16);
  const gate = complaintNonceGate(row.id, nonce);
  const event: ComplaintTimelineEvent = {
    type: "note",
    at: now,
    actor: HANDLING_ACTOR,
    data: { text: `Satisfaction-with-handling survey issued${row.contactEmail ? ` to ${row.contactEmail}` : " (link on the status page)"}.` },
  };
  const email = row.contactEmail
    ? emailOutboxRow({
        organizationId: row.organizationId,
        complaintId: row.id,
        eventType: "complaint.handling_survey",
        to: row.contactEmail,
        language,
        content: handlingSurveyEmail({ language, reference: row.reference, surveyUrl: LINK_PLACEHOLDERS.surveyLink }),
        now,
        options: { survey: true, invitation: { id: invitation.id, generation: 0, url: surveyUrl } },
        dedupeKey: `complaint.handling_survey:${row.id}`,
      })
    : null;
  const results = await d1.batch([
    updateStatement(
      d1,
      "complaints",
      { handling_survey_id: survey.id, handling_invitation_id: invitation.id, handling_survey_url: surveyUrl, write_nonce: nonce },
      { sql: "id = ? AND organization_id = ? AND handling_invitation_id IS NULL", params: [row.id, row.organizationId] },
    ),
    gatedInsert(d1, "complaint_events", eventInsertRow(row.organizationId, row.id, event), gate),
    ...(email ? [gatedInsert(d1, "outbox", email, gate, { onConflictDoNothing: true })] : []),
  ]);
  return (results[0]?.meta.changes ?? 0) > 0 && email ? [email.id] : [];
}

/**
 * The customer's handling-survey link for the status page: the stored URL has no token (see
 * issueHandlingSurvey); links stored before that carry their own and are shown as they are.
 */
export async function handlingSurveyLink(env: AppBindings, row: Pick<ComplaintRow, "handlingInvitationId" | "handlingSurveyUrl">): Promise<string | null> {
  if (!row.handlingInvitationId || !row.handlingSurveyUrl) return null;
  if (/[?&]t=/.test(row.handlingSurveyUrl)) return row.handlingSurveyUrl;
  return `${row.handlingSurveyUrl}&t=${await invitationLinkToken(env, row.handlingInvitationId, 0)}`;
}

type HandlingResult = { csat: number | null; ces: number | null; resolved: boolean | null };

/** CSAT, CES and "resolved" from a handling-survey response, found by the items' metric roles. */
export function handlingResultFromAnswers(definition: SurveyDefinition, answers: Record<string, unknown>): HandlingResult {
  const result: HandlingResult = { csat: null, ces: null, resolved: null };
  for (const slot of listAnswerSlots(definition)) {
    const role = metricRoleOf(slot.metric);
    const value = answers[slot.id];
    if (role === "csat" && typeof value === "number") result.csat = value;
    if (role === "ces" && typeof value === "number") result.ces = value;
    if (role === "resolved" && typeof value === "boolean") result.resolved = value;
  }
  return result;
}

/** The complaint a handling-survey response names (hidden field case_id), as the follow-up reads it. */
export type HandlingTarget = { id: string; organizationId: string; handlingSurveyId: string | null };

/**
 * Statements that attach a completed handling-survey response to its complaint (hidden field
 * case_id), for the response-completed batch. Empty when the response is not one: no case_id, no
 * such complaint in the response's organisation, or a survey other than the one the invitation was
 * issued for (a forged case_id on another survey may not attach a result).
 */
export function handlingResultStatements(
  d1: D1Database,
  response: Pick<ResponseRow, "id" | "organizationId" | "surveyId" | "hidden" | "answers" | "completedAt">,
  surveySlug: string,
  target: HandlingTarget | undefined,
  definition: SurveyDefinition,
  now: Date,
): D1PreparedStatement[] {
  const caseId = response.hidden?.case_id;
  if (!caseId || !target || target.id !== caseId || target.organizationId !== response.organizationId) return [];
  const isHandlingSurvey = target.handlingSurveyId ? target.handlingSurveyId === response.surveyId : surveySlug.endsWith(HANDLING_SURVEY_SUFFIX);
  if (!isHandlingSurvey) return [];
  const row = target;
  const result = handlingResultFromAnswers(definition, response.answers);
  const nonce = randomSecret(16);
  const parts = [
    result.csat !== null ? `CSAT ${result.csat}/5` : null,
    result.ces !== null ? `CES ${result.ces}/7` : null,
    result.resolved !== null ? `resolved: ${result.resolved ? "yes" : "no"}` : null,
  ].filter(Boolean);
  const event: ComplaintTimelineEvent = {
    type: "note",
    at: now,
    actor: HANDLING_ACTOR,
    data: { text: `The customer rated the handling: ${parts.join(", ") || "no scores given"}.` },
  };
  return [
    updateStatement(
      d1,
      "complaints",
      {
        handling_response_id: response.id,
        handling_csat: result.csat,
        handling_ces: result.ces,
        handling_resolved: result.resolved,
        handling_responded_at: response.completedAt ?? now,
        write_nonce: nonce,
      },
      { sql: "id = ? AND organization_id = ? AND (handling_response_id IS NULL OR handling_response_id != ?)", params: [row.id, response.organizationId, response.id] },
    ),
    gatedInsert(d1, "complaint_events", eventInsertRow(response.organizationId, row.id, event), complaintNonceGate(row.id, nonce)),
  ];
}
