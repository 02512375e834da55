/**
 * The cron's reminder run: for every published, open survey with a reminder schedule (survey
 * settings `reminderSchedule`, src/domain/email/reminder-schedule.ts), the invitations it says are
 * due get their next reminder e-mail, with a fresh personal link (the earlier link stops working;
 * answers saved so far are kept). Completed, expired, suppressed and erased respondents are never
 * reminded, and each reminder number goes out at most once (src/db/queries/invitation-import.ts
 * remindInvitations).
 */
import type { AppBindings, Db } from "../env";
import { remindInvitations, surveysWithReminderSchedule } from "../db/queries/invitation-import";
import { loadVersionDefinition } from "../db/queries/surveys";
import { enqueueOutbox } from "../db/queries/outbox";
import { localize } from "../domain/survey/localization";
import { invitationLinkToken } from "../lib/email-config";

export async function runScheduledReminders(db: Db, env: AppBindings, now: Date): Promise<{ surveyId: string; queued: number }[]> {
  const report: { surveyId: string; queued: number }[] = [];
  for (const survey of await surveysWithReminderSchedule(db, now)) {
    try {
      const definition = await loadVersionDefinition(db, survey.id, survey.publishedVersion);
      const outcome = await remindInvitations(
        db,
        { kind: "system", id: "reminder-schedule", organizationId: survey.organizationId },
        survey,
        { title: localize(definition.title, definition.defaultLanguage, definition.defaultLanguage), language: definition.defaultLanguage },
        {
          now,
          origin: env.PUBLIC_ORIGIN,
          reissueLinks: true,
          linkToken: (invitationId, generation) => invitationLinkToken(env, invitationId, generation),
          schedule: survey.reminderSchedule,
        },
      );
      await enqueueOutbox(env, outcome.outboxIds);
      report.push({ surveyId: survey.id, queued: outcome.queued });
    } catch (error) {
      // One survey's failure does not stop the others; the next cron run tries again.
      console.error(JSON.stringify({ level: "error", message: "scheduled reminders failed", surveyId: survey.id, error: String(error) }));
    }
  }
  return report;
}
