/**
 * Retention purge (daily cron, `17 3 * * *`): for every survey with `retention_days`, personal
 * data older than that many days is removed.
 *
 *   - completed responses (by completion time) are ANONYMISED, not deleted: e-mail, invitation
 *     link, IP, free-text answers, non-segment hidden fields and notes go; ratings, choices, the
 *     segment and the day stay. What remains is no longer personal data, the statistics keep it
 *     (year-over-year ACSI trends survive the purge) and still equal a recomputation from the
 *     stored rows. A survey that must lose the numbers too is closed and its respondents deleted
 *     through DELETE /api/respondents, or the survey itself deleted.
 *   - partial responses (by last change) are DELETED: they never entered the statistics.
 *   - invitations created before the cutoff are DELETED (they hold the e-mail; an old personal
 *     link stops working).
 *
 * `now` is a parameter so tests drive the clock. Work per run is bounded (`maxPerSurvey`); what is
 * left is picked up the next day. Each survey's purge is one audit entry (actor "system").
 */
import { and, eq, isNotNull, lt } from "drizzle-orm";
import type { Db } from "../env";
import { responses, surveys } from "../db/schema";
import { anonymiseResponses, auditStatement, deleteResponses } from "../db/queries/response-admin";

const DAY_MS = 86_400_000;

export type RetentionReport = { surveyId: string; organizationId: string; cutoff: string; anonymised: number; deleted: number; invitations: number }[];

export async function purgeExpiredResponses(db: Db, now: Date, options: { maxPerSurvey?: number; surveyId?: string } = {}): Promise<RetentionReport> {
  const max = options.maxPerSurvey ?? 2000;
  const targets = await db
    .select({ id: surveys.id, organizationId: surveys.organizationId, retentionDays: surveys.retentionDays })
    .from(surveys)
    .where(and(isNotNull(surveys.retentionDays), options.surveyId ? eq(surveys.id, options.surveyId) : undefined));
  const report: RetentionReport = [];
  for (const survey of targets) {
    const cutoff = new Date(now.getTime() - survey.retentionDays! * DAY_MS);
    const scope = and(eq(responses.organizationId, survey.organizationId), eq(responses.surveyId, survey.id));
    const completed = await db
      .select()
      .from(responses)
      .where(and(scope, eq(responses.status, "completed"), eq(responses.anonymised, false), lt(responses.completedAt, cutoff)))
      .limit(max);
    const partial = await db
      .select()
      .from(responses)
      .where(and(scope, eq(responses.status, "partial"), lt(responses.updatedAt, cutoff)))
      .limit(max);
    const anonymised = await anonymiseResponses(db, survey.organizationId, completed, now);
    const deleted = await deleteResponses(db, survey.organizationId, partial);
    const d1 = db.$client;
    const [invitations] = await d1.batch([
      d1
        .prepare(`DELETE FROM survey_invitations WHERE organization_id = ?1 AND survey_id = ?2 AND created_at < ?3`)
        .bind(survey.organizationId, survey.id, cutoff.getTime()),
    ]);
    const entry = {
      surveyId: survey.id,
      organizationId: survey.organizationId,
      cutoff: cutoff.toISOString(),
      anonymised: anonymised.responses,
      deleted: deleted.responses,
      invitations: invitations?.meta.changes ?? 0,
    };
    if (entry.anonymised + entry.deleted + entry.invitations > 0) {
      await auditStatement(
        d1,
        { kind: "system", id: "retention", organizationId: survey.organizationId },
        { action: "retention.purged", targetType: "survey", targetId: survey.id, data: { ...entry, retentionDays: survey.retentionDays } },
        now,
      ).run();
    }
    report.push(entry);
  }
  return report;
}

