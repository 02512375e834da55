import type { AppBindings, Db } from "../env";
import { definitionKey, followUpEvaluatedStatement, type FollowUpOrganization, type FollowUpSet, loadFollowUpSet } from "../db/queries/follow-up";
import { type IntakeSources, prepareComplaintIntake } from "../db/queries/complaints-intake";
import { complaintRequestFromResponse } from "../db/queries/complaints-triggers";
import { handlingResultStatements } from "../db/queries/complaints-handling";
import { chooseAssigneeFrom } from "../db/queries/complaints-config";
import { enqueueOutbox, webhookOutboxRows } from "../db/queries/outbox";
import { endpointsSubscribedTo } from "../db/queries/webhooks";
import { ComplaintRows, gatedInsert, liveResponseGate } from "../db/queries/complaints-sql";
import type { ResponseRow } from "../db/queries/responses";
import { notFound } from "../lib/problem";
import { loadTaxonomy, requestComplaintScoring, responseHasOpenText, responseTextScoreRows, textScoreRowsInsert, type ResponseTextScore } from "../db/queries/text-scores";
import { compileTaxonomy, type CompiledTaxonomy } from "../domain/text/taxonomy";
import type { Answers } from "../domain/survey/answers";

/**
 * Follow-up work for completed responses: the complaint trigger rules (a matching response becomes
 * a complaint), the response.completed webhooks, the scores of its open answers
 * (docs/text-analytics.md), and — for a complaint-handling survey — attaching the result to its
 * complaint.
 *
 * Works in sets: however many responses a queue batch carries, their follow-up costs two D1 calls —
 * one batch of reads (`loadFollowUpSet`), then one batch of writes built response by response
 * (`responseFollowUp`, no D1 call of its own) — plus one read when a complaint is routed to a
 * least-open-load team, one read of the topic taxonomy per organisation with open answers in the
 * set, and one queue send for the outbox rows it wrote (and one per new complaint, to score it).
 *
 * Exactly once: `triggers_evaluated_at` is set in the same D1 batch as all of that work, and a
 * response already marked is not read again (the submit marks one nothing follows up on:
 * `answersNeedFollowUp` in the complaints domain). A redelivered message that races the first one
 * is stopped by the complaint's `NOT EXISTS` gate and unique source_response_id, the handling
 * result's `handling_response_id` test and the outbox dedupe keys; only outbox rows this batch
 * actually wrote are handed to the queue.
 */
export async function handleResponsesCompleted(db: Db, env: AppBindings, responseIds: string[], now: Date): Promise<void> {
  if (responseIds.length === 0) return;
  await writeFollowUpSet(db, env, await loadFollowUpSet(db, responseIds), now);
}

/**
 * The write half: everything the set's responses lead to, in one batch. Anything derived from a
 * response is gated on it being unerased when the batch runs (`liveResponseGate`): the respondent may
 * have been erased between the read and this write.
 */
export async function writeFollowUpSet(db: Db, env: AppBindings, set: FollowUpSet, now: Date): Promise<void> {
  if (set.responses.length === 0) return;
  const d1 = db.$client;
  const statements: D1PreparedStatement[] = [];
  const outbox: OutboxWhenWritten[] = [];
  const complaintsCreated: OutboxWhenWritten[] = [];
  const taxonomies = new Map<string, Promise<CompiledTaxonomy>>();
  const taxonomyOf = (organizationId: string) => {
    let taxonomy = taxonomies.get(organizationId);
    if (!taxonomy) taxonomies.set(organizationId, (taxonomy = loadTaxonomy(db, organizationId, now).then(compileTaxonomy)));
    return taxonomy;
  };
  const textScores: ResponseTextScore[] = [];
  const complaintRows = new ComplaintRows();
  for (const response of set.responses) {
    const followUp = await responseFollowUp(d1, env, response, set, now, taxonomyOf, complaintRows);
    for (const entry of followUp.outbox) outbox.push({ whenWritten: statements.length + entry.whenWritten, ids: entry.ids });
    for (const entry of followUp.complaints) complaintsCreated.push({ whenWritten: statements.length + entry.whenWritten, ids: entry.ids });
    statements.push(...followUp.statements);
    textScores.push(...followUp.textScores);
  }
  // The set's open answers, scored, in one statement (not one per response).
  statements.push(...textScoreRowsInsert(d1, textScores));
  // The new complaints' audit, notification and pending-score rows, one statement per table, after every complaint INSERT.
  statements.push(...complaintRows.statements(d1));
  statements.push(followUpEvaluatedStatement(d1, set.responses.map((response) => response.id), now));
  const results = await d1.batch(statements);
  const written = (entry: OutboxWhenWritten) => (results[entry.whenWritten]?.meta.changes ?? 0) > 0;
  await enqueueOutbox(env, outbox.filter(written).flatMap((entry) => entry.ids));
  for (const id of complaintsCreated.filter(written).flatMap((entry) => entry.ids)) await requestComplaintScoring(env, id);
}

/** One response's follow-up (the cron sweep and tests call it with one id). */
export function handleResponseCompleted(db: Db, env: AppBindings, responseId: string, now: Date): Promise<void> {
  return handleResponsesCompleted(db, env, [responseId], now);
}

/** Outbox rows to hand to the queue if the statement at `whenWritten` wrote a row. */
type OutboxWhenWritten = { whenWritten: number; ids: string[] };

export type ResponseFollowUp = {
  statements: D1PreparedStatement[];
  /** Its open answers' score rows: the set writes every response's in one statement. */
  textScores: ResponseTextScore[];
  outbox: OutboxWhenWritten[];
  complaints: OutboxWhenWritten[];
};

/**
 * One response's follow-up as statements for the set's batch, from what the set read (no D1 call).
 * A further per-response step adds its statements here.
 */
export async function responseFollowUp(
  d1: D1Database,
  env: AppBindings,
  response: ResponseRow,
  set: FollowUpSet,
  now: Date,
  taxonomyOf: (organizationId: string) => Promise<CompiledTaxonomy>,
  complaintRows: ComplaintRows,
): Promise<ResponseFollowUp> {
  const survey = set.surveys.get(response.surveyId);
  const organization = set.organizations.get(response.organizationId);
  // Nothing to follow up on a response whose survey is gone or not its organisation's: the mark alone.
  if (!survey || survey.organizationId !== response.organizationId || !organization) return { statements: [], textScores: [], outbox: [], complaints: [] };
  const definition = set.definitions.get(definitionKey(survey.id, response.version));
  if (!definition) throw notFound(`Version ${response.version} of survey ${survey.id}`);

  const statements: D1PreparedStatement[] = [];
  const outbox: OutboxWhenWritten[] = [];
  const complaints: OutboxWhenWritten[] = [];
  // Scored in the batch that marks the response: a redelivered message finds it marked.
  const textScores = responseHasOpenText(definition, response.answers as Answers)
    ? responseTextScoreRows({ response, anonymousSurvey: survey.anonymous, definition, taxonomy: await taxonomyOf(response.organizationId), now })
    : [];
  const webhooks = webhookOutboxRows({
    organizationId: response.organizationId,
    endpoints: endpointsSubscribedTo(organization.endpoints, "response.completed"),
    eventType: "response.completed",
    data: {
      id: response.id,
      surveyId: survey.id,
      surveySlug: survey.slug,
      version: response.version,
      language: response.language,
      hidden: response.hidden,
      answers: response.answers,
      completedAt: (response.completedAt ?? now).toISOString(),
    },
    now,
    dedupeKeyPrefix: `response.completed:${response.id}`,
  });
  for (const row of webhooks) {
    outbox.push({ whenWritten: statements.length, ids: [row.id] });
    statements.push(gatedInsert(d1, "outbox", row, liveResponseGate(response.id), { onConflictDoNothing: true }));
  }
  const caseId = response.hidden?.case_id;
  statements.push(...handlingResultStatements(d1, response, survey.slug, caseId ? set.handlingTargets.get(caseId) : undefined, definition, now));

  const request = set.complained.has(response.id) ? null : complaintRequestFromResponse(survey, definition, response, now);
  if (request) {
    const intake = await prepareComplaintIntake(d1, env, request, intakeSourcesOf(organization, set, now), complaintRows);
    outbox.push({ whenWritten: statements.length + intake.insertIndex, ids: intake.outboxIds });
    complaints.push({ whenWritten: statements.length + intake.insertIndex, ids: [intake.id] });
    statements.push(...intake.statements);
  }
  return { statements, textScores, outbox, complaints };
}

/**
 * An organisation's intake sources from the set's reads. The routing state a complaint changes
 * (the team's round-robin cursor, the members' open loads) lives in the set, so the next complaint
 * of the same batch sees it.
 */
function intakeSourcesOf(organization: FollowUpOrganization, set: FollowUpSet, now: Date): IntakeSources {
  const organizationId = organization.ctx.organizationId;
  return {
    ctx: organization.ctx,
    teams: async () => organization.teams,
    chooseAssignee: async (team) =>
      chooseAssigneeFrom(organizationId, team, team.strategy === "least_open_load" && team.memberIds.length > 0 ? await set.assigneeLoads(organizationId) : null, now),
    userContact: async (userId) => organization.contacts.get(userId),
    complaintCreatedEndpoints: async () => endpointsSubscribedTo(organization.endpoints, "complaint.created"),
  };
}
