import { and, asc, eq, isNull, lt } from "drizzle-orm";
import type { AppBindings } from "../env";
import { createDb } from "../db/client";
import { responses } from "../db/schema";
import { handleResponseCompleted } from "./response-completed";
import { compactSurveyStats, surveysWithPendingStats } from "../db/queries/stats-compaction";

/** Completed responses whose queue message never arrived are picked up after this long. */
const REDELIVERY_GRACE_MS = 5 * 60_000;

/** Cron entry point: every 5 minutes the sweeps; daily the retention purge. */
export async function runScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: AppBindings): Promise<void> {
  const now = new Date(controller.scheduledTime);
  const db = createDb(env.DB);
  const stale = await db
    .select({ id: responses.id })
    .from(responses)
    .where(and(eq(responses.status, "completed"), isNull(responses.triggersEvaluatedAt), lt(responses.completedAt, new Date(now.getTime() - REDELIVERY_GRACE_MS))))
    .orderBy(asc(responses.completedAt))
    .limit(200);
  for (const { id } of stale) await handleResponseCompleted(db, env, id, now);
  // Statistics logged by submissions whose compaction message never arrived.
  for (const surveyId of await surveysWithPendingStats(db)) await compactSurveyStats(db, surveyId);
}
