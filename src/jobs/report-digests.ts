/**
 * The cron's scheduled-report run (issue 17): every report schedule whose next due time has come
 * gets its digest for the period just ended (src/domain/reports), one e-mail per recipient through
 * the outbox. The sent-log's (schedule, period) key and the batch in recordReportDigest make a
 * digest go out at most once per period, however often or concurrently the cron runs. Called only
 * when e-mail can leave (src/jobs/scheduled.ts): a digest is never marked sent without a way out.
 */
import type { AppBindings, Db } from "../env";
import {
  complaintPeriodKpis,
  dueReportSchedules,
  recordReportDigest,
  reportRecipients,
  reportSurveys,
  surveyPeriodKpis,
  type ReportScheduleRow,
} from "../db/queries/report-schedules";
import { organisationForMail } from "../db/queries/email-sending";
import { emailOutboxRow, enqueueOutbox, type OutboxInsert } from "../db/queries/outbox";
import { publicOrigin } from "../db/queries/complaints";
import { nextReportDue, periodInstants, previousReportPeriod, reportPeriod, type ReportPeriod } from "../domain/reports/report-schedule";
import { buildReportDigest, type DigestContent, type DigestFigures } from "../domain/reports/report-digest";

/** Schedules handled per cron run; the rest are due still and go next run. */
const SCHEDULES_PER_RUN = 20;

/** The figures of a schedule's period and the one before, from the dashboard's analytics. */
export async function reportFigures(db: Db, schedule: ReportScheduleRow, period: ReportPeriod, now: Date): Promise<DigestFigures> {
  const previous = previousReportPeriod(schedule.cadence.kind, period);
  const surveys = await reportSurveys(db, schedule.organizationId, schedule.surveyId);
  const surveyFigures = await Promise.all(
    surveys.map(async (survey) => {
      const published = { id: survey.id, publishedVersion: survey.publishedVersion! };
      const [current, before] = await Promise.all([surveyPeriodKpis(db, schedule.organizationId, published, period), surveyPeriodKpis(db, schedule.organizationId, published, previous)]);
      return { title: survey.title, current, previous: before };
    }),
  );
  const [current, before] = await Promise.all([
    complaintPeriodKpis(db, schedule.organizationId, periodInstants(period, schedule.timeZone), now),
    complaintPeriodKpis(db, schedule.organizationId, periodInstants(previous, schedule.timeZone), now),
  ]);
  return { surveys: surveyFigures, complaints: { current, previous: before } };
}

/** The digest of a schedule for a period, or null when its organisation is gone. */
export async function reportDigest(db: Db, env: AppBindings, schedule: ReportScheduleRow, period: ReportPeriod, now: Date): Promise<DigestContent | null> {
  const organisation = await organisationForMail(db, schedule.organizationId);
  if (!organisation) return null;
  return buildReportDigest({
    language: schedule.language,
    organisationName: organisation.name,
    scheduleName: schedule.name,
    period,
    figures: await reportFigures(db, schedule, period, now),
    dashboardUrl: `${publicOrigin(env)}/app/dashboard`,
  });
}

export function digestOutboxRow(schedule: Pick<ReportScheduleRow, "id" | "organizationId" | "language">, to: string, digest: DigestContent, dedupeKey: string | null, now: Date): OutboxInsert {
  return emailOutboxRow({
    organizationId: schedule.organizationId,
    eventType: "report.digest",
    to,
    content: { subject: digest.subject, text: digest.text },
    language: schedule.language,
    now,
    dedupeKey,
    options: { html: digest.html },
  });
}

export async function runReportDigests(db: Db, env: AppBindings, now: Date): Promise<{ scheduleId: string; period: string; queued: number }[]> {
  const report: { scheduleId: string; period: string; queued: number }[] = [];
  for (const schedule of await dueReportSchedules(db, now, SCHEDULES_PER_RUN)) {
    try {
      // The period is that of the due time, so a cron run that comes late still reports the right period.
      const period = reportPeriod(schedule.cadence.kind, schedule.timeZone, schedule.nextDueAt);
      const recipients = await reportRecipients(db, schedule.organizationId, schedule.recipients);
      const digest = recipients.length > 0 ? await reportDigest(db, env, schedule, period, now) : null;
      const rows = digest ? recipients.map((recipient) => digestOutboxRow(schedule, recipient.email, digest, `report:${schedule.id}:${period.key}:${recipient.memberId}`, now)) : [];
      const ids = await recordReportDigest(db, {
        scheduleId: schedule.id,
        organizationId: schedule.organizationId,
        period,
        outboxRows: rows,
        nextDueAt: nextReportDue(schedule.cadence, schedule.timeZone, now),
        now,
      });
      await enqueueOutbox(env, ids);
      report.push({ scheduleId: schedule.id, period: period.key, queued: ids.length });
    } catch (error) {
      // One schedule's failure does not stop the others; it stays due and the next cron run tries again.
      console.error(JSON.stringify({ level: "error", message: "scheduled report failed", scheduleId: schedule.id, error: String(error) }));
    }
  }
  return report;
}
