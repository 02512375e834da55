/**
 * Scheduled e-mail reports (issue 17): a digest of the index and KPIs that an organisation sends to
 * chosen roles and members every week or month. This module is the pure calendar part: when a
 * schedule is next due and which period a digest covers, both in the schedule's IANA time zone
 * (wall-clock maths through Intl, so a DST change moves the UTC instant, never the local hour).
 */
import { z } from "zod";
import { addDaysToLocalDate, TimeZoneSchema, isoWeekdayOfLocalDate, zonedLocalDate, zonedWallTimeToInstant } from "../complaints/business-calendar";
import { ROLES } from "../permissions";

export { TimeZoneSchema };

export const REPORT_LANGUAGES = ["en", "zh-CN"] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** Weekly: ISO weekday (1 = Monday … 7 = Sunday) and hour. Monthly: day 1–28 (every month has it) and hour. */
export const ReportCadenceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("weekly"), dayOfWeek: z.number().int().min(1, "1 is Monday").max(7, "7 is Sunday"), hour: z.number().int().min(0).max(23) }).strict(),
  z.object({ kind: z.literal("monthly"), dayOfMonth: z.number().int().min(1).max(28, "choose a day from 1 to 28, which every month has"), hour: z.number().int().min(0).max(23) }).strict(),
]);
export type ReportCadence = z.infer<typeof ReportCadenceSchema>;

/** Who receives a digest: every member holding one of the roles, plus members named by id. */
export const ReportRecipientsSchema = z
  .object({
    roles: z.array(z.enum(ROLES)).max(ROLES.length).default([]),
    memberIds: z.array(z.string().min(1).max(64)).max(100).default([]),
  })
  .strict()
  .refine((value) => value.roles.length + value.memberIds.length > 0, { message: "choose at least one role or member to receive the report", path: ["roles"] });
export type ReportRecipients = z.infer<typeof ReportRecipientsSchema>;

/** A civil period [from, to] (inclusive YYYY-MM-DD dates in the schedule's zone) and its key in the sent-log. */
export type ReportPeriod = { key: string; from: string; to: string };

function hourOf(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}

/** The first instant strictly after `after` at which the schedule is due. */
export function nextReportDue(cadence: ReportCadence, timeZone: string, after: Date): Date {
  const today = zonedLocalDate(after, timeZone);
  // Up to 62 civil days ahead always holds the next weekly or monthly slot.
  for (let offset = 0; offset <= 62; offset++) {
    const date = addDaysToLocalDate(today, offset);
    const matches = cadence.kind === "weekly" ? isoWeekdayOfLocalDate(date) === cadence.dayOfWeek : Number(date.slice(8, 10)) === cadence.dayOfMonth;
    if (!matches) continue;
    const due = zonedWallTimeToInstant(date, hourOf(cadence.hour), timeZone);
    if (due.getTime() > after.getTime()) return due;
  }
  throw new RangeError("no due time within 62 days");
}

/** The last full week (Monday–Sunday) or month before the civil date of `at` in the zone. */
export function reportPeriod(kind: ReportCadence["kind"], timeZone: string, at: Date): ReportPeriod {
  const today = zonedLocalDate(at, timeZone);
  if (kind === "weekly") {
    const thisMonday = addDaysToLocalDate(today, 1 - isoWeekdayOfLocalDate(today));
    const from = addDaysToLocalDate(thisMonday, -7);
    return { key: `week:${from}`, from, to: addDaysToLocalDate(thisMonday, -1) };
  }
  const firstOfMonth = `${today.slice(0, 8)}01`;
  const to = addDaysToLocalDate(firstOfMonth, -1);
  const from = `${to.slice(0, 8)}01`;
  return { key: `month:${from.slice(0, 7)}`, from, to };
}

/** The period before `period` of the same length kind (for the change figures). */
export function previousReportPeriod(kind: ReportCadence["kind"], period: ReportPeriod): ReportPeriod {
  const start = zonedWallTimeToInstant(period.from, hourOf(12), "UTC");
  return reportPeriod(kind, "UTC", start);
}

/** The instants bounding a period in its zone: [start of `from`, start of the day after `to`). */
export function periodInstants(period: ReportPeriod, timeZone: string): { start: Date; end: Date } {
  return { start: zonedWallTimeToInstant(period.from, hourOf(0), timeZone), end: zonedWallTimeToInstant(addDaysToLocalDate(period.to, 1), hourOf(0), timeZone) };
}
