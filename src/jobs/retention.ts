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
import type { Db } from "../env";
import { deleteInvitationsBefore, expiredResponses, retentionTargets } from "../db/queries/retention";
import { anonymiseResponses, auditStatement, deleteResponses } from "../db/queries/response-admin";

const DAY_MS = 86_400_000;

export type RetentionReport = { surveyId: string; organizationId: string; cutoff: string; anonymised: number; deleted: number; invitations: number }[];

export async function purgeExpiredResponses(db: Db, now: Date, options: { maxPerSurvey?: number; surveyId?: string } = {}): Promise<RetentionReport> {
  const max = options.maxPerSurvey ?? 2000;
  const targets = await retentionTargets(db, options.surveyId);
  const report: RetentionReport = [];
  for (const survey of targets) {
    const cutoff = new Date(now.getTime() - survey.retentionDays * DAY_MS);
    const { completed, partial } = await expiredResponses(db, survey, cutoff, max);
    const anonymised = await anonymiseResponses(db, survey.organizationId, completed, now);
    const deleted = await deleteResponses(db, survey.organizationId, partial);
    const invitations = await deleteInvitationsBefore(db, survey, cutoff);
    const entry = {
      surveyId: survey.id,
      organizationId: survey.organizationId,
      cutoff: cutoff.toISOString(),
      anonymised: anonymised.responses,
      deleted: deleted.responses,
      invitations,
    };
    if (entry.anonymised + entry.deleted + entry.invitations > 0) {
      await auditStatement(
        db.$client,
        { kind: "system", id: "retention", organizationId: survey.organizationId },
        { action: "retention.purged", targetType: "survey", targetId: survey.id, data: { ...entry, retentionDays: survey.retentionDays } },
        now,
      ).run();
    }
    report.push(entry);
  }
  return report;
}

