import type { AppBindings, Db } from "../env";
import { followUpEvaluatedStatement, loadFollowUpSubject, markFollowUpEvaluated } from "../db/queries/follow-up";
import { loadVersionDefinition } from "../db/queries/surveys";
import { createComplaint } from "../db/queries/complaints-intake";
import { complaintRequestFromResponse } from "../db/queries/complaints-triggers";
import { handlingResultStatements } from "../db/queries/complaints-handling";
import { enqueueOutbox, type OutboxInsert, webhookOutboxRows } from "../db/queries/outbox";
import { subscribedEndpoints } from "../db/queries/webhooks";
import { gatedInsert } from "../db/queries/complaints-sql";
import { loadTaxonomy, responseHasOpenText, responseTextScoreStatements } from "../db/queries/text-scores";
import { compileTaxonomy } from "../domain/text/taxonomy";
import type { Answers } from "../domain/survey/answers";

/**
 * Follow-up work for a completed response: the complaint trigger rules (a matching response
 * becomes a complaint), the response.completed webhooks, the scores of its open answers
 * (docs/text-analytics.md), and — for a complaint-handling survey — attaching the result to its
 * complaint.
 *
 * Exactly once: `triggers_evaluated_at` is set in the same D1 batch as all of that work, and a
 * response already marked is skipped (the submit marks one nothing follows up on: `answersNeedFollowUp` in the complaints domain). A redelivered message that races the first one is stopped
 * by the unique source_response_id (the complaint) and the outbox dedupe keys (the webhooks).
 */
export async function handleResponseCompleted(db: Db, env: AppBindings, responseId: string, now: Date): Promise<void> {
  const { response, survey } = await loadFollowUpSubject(db, responseId);
  if (!response || response.status !== "completed" || response.triggersEvaluatedAt) return;
  const d1 = db.$client;
  const mark = followUpEvaluatedStatement(d1, response.id, now);
  if (!survey || survey.organizationId !== response.organizationId) {
    await markFollowUpEvaluated(db, responseId, now);
    return;
  }
  const definition = await loadVersionDefinition(db, survey.id, response.version);

  const webhooks: OutboxInsert[] = webhookOutboxRows({
    organizationId: response.organizationId,
    endpoints: await subscribedEndpoints(db, response.organizationId, "response.completed"),
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
  // Scored here, in the batch that marks the response: a redelivered message finds it marked.
  const textScores = responseHasOpenText(definition, response.answers as Answers)
    ? responseTextScoreStatements(d1, {
        response,
        anonymousSurvey: survey.anonymous,
        definition,
        taxonomy: compileTaxonomy(await loadTaxonomy(db, response.organizationId, now)),
        now,
      })
    : [];
  const always: D1PreparedStatement[] = [
    mark,
    ...textScores,
    ...webhooks.map((row) => gatedInsert(d1, "outbox", row, undefined, { onConflictDoNothing: true })),
    ...(await handlingResultStatements(db, response, definition, now)),
  ];

  const request = complaintRequestFromResponse(survey, definition, response, now);
  let outboxIds = webhooks.map((row) => row.id);
  if (request) {
    const result = await createComplaint(db, env, { ...request, alwaysStatements: always });
    outboxIds = [...outboxIds, ...result.outboxIds];
  } else {
    await d1.batch(always);
  }
  await enqueueOutbox(env, outboxIds);
}
