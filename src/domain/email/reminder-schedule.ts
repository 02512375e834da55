/**
 * A survey's automatic e-mail reminders (stored with its distribution settings, run by the cron):
 * the first reminder `firstAfterDays` after the invitation, then at least `minGapDays` apart, at
 * most `maxReminders` in all — only to invitations with an address that are not completed, not
 * expired, not on the suppression list (the query in src/db/queries/invitation-import.ts). Each
 * reminder number is sent at most once per invitation (its outbox dedupe key).
 */
import { z } from "zod";

export const ReminderScheduleSchema = z
  .object({
    firstAfterDays: z.number().int().min(1).max(365),
    maxReminders: z.number().int().min(1).max(10),
    /** Days between reminders; defaults to firstAfterDays. */
    minGapDays: z.number().int().min(1).max(365).optional(),
  })
  .strict();

export type ReminderSchedule = z.infer<typeof ReminderScheduleSchema>;

const DAY_MS = 86_400_000;

/** Which invitations are due at `now`: created before `invitedBefore`, last reminded before `remindedBefore`, fewer than `maxReminders` so far. */
export function reminderCutoffs(schedule: ReminderSchedule, now: Date): { invitedBefore: Date; remindedBefore: Date; maxReminders: number } {
  return {
    invitedBefore: new Date(now.getTime() - schedule.firstAfterDays * DAY_MS),
    remindedBefore: new Date(now.getTime() - (schedule.minGapDays ?? schedule.firstAfterDays) * DAY_MS),
    maxReminders: schedule.maxReminders,
  };
}

/** The same rule for one invitation (what the query selects). */
export function isReminderDue(
  schedule: ReminderSchedule,
  invitation: { createdAt: Date; remindedAt: Date | null; reminderCount: number },
  now: Date,
): boolean {
  const cut = reminderCutoffs(schedule, now);
  return (
    invitation.reminderCount < cut.maxReminders &&
    invitation.createdAt.getTime() <= cut.invitedBefore.getTime() &&
    (invitation.remindedAt === null || invitation.remindedAt.getTime() <= cut.remindedBefore.getTime())
  );
}
