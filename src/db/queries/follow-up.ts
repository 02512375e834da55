/**
 * The follow-up of a completed response (complaint triggers, response.completed webhooks, handling
 * results): which responses still wait for it, and the `triggers_evaluated_at` mark that makes it
 * happen exactly once (src/jobs/response-completed.ts runs it).
 */
import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { responses } from "../schema";

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

/** The response and its survey, as the follow-up needs them. */
export async function loadFollowUpSubject(db: Db, responseId: string) {
  const response = await db.query.responses.findFirst({ where: eq(responses.id, responseId) });
  if (!response) return { response: undefined, survey: undefined };
  const survey = await db.query.surveys.findFirst({ where: (s, { eq: equals }) => equals(s.id, response.surveyId) });
  return { response, survey };
}

/** The exactly-once mark, as a statement for the follow-up's own batch. */
export function followUpEvaluatedStatement(d1: D1Database, responseId: string, now: Date): D1PreparedStatement {
  return d1.prepare("UPDATE responses SET triggers_evaluated_at = ? WHERE id = ? AND triggers_evaluated_at IS NULL").bind(now.getTime(), responseId);
}

/** The mark alone, for a response there is nothing to follow up on. */
export async function markFollowUpEvaluated(db: Db, responseId: string, now: Date): Promise<void> {
  await db.update(responses).set({ triggersEvaluatedAt: now }).where(and(eq(responses.id, responseId), isNull(responses.triggersEvaluatedAt)));
}
