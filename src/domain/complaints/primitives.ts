/**
 * Small value schemas shared by every complaint module.
 *
 * Instants are `Date` objects everywhere in this domain because the database layer stores
 * timestamps as integer milliseconds through drizzle's `timestamp_ms` mode, which already yields
 * `Date`. JSON round trips (timeline event data, API bodies) turn them into ISO strings, so the
 * schema accepts a Date, an ISO-8601 string with offset, or epoch milliseconds and always
 * produces a `Date`.
 */
import { z } from "zod";

export const InstantSchema = z
  .union([z.date(), z.iso.datetime({ offset: true }), z.number().int()])
  .transform((value) => (value instanceof Date ? value : new Date(value)))
  .pipe(z.date());
export type Instant = z.infer<typeof InstantSchema>;

/** Inclusive civil-date check so "2026-02-30" is rejected rather than silently rolled over. */
function isRealCalendarDate(value: string): boolean {
  const [year, month, day] = value.split("-").map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

/** A civil date (no time, no zone) such as a holiday or a hand-off due date: "YYYY-MM-DD". */
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date such as "2026-03-29"' })
  .refine(isRealCalendarDate, { message: "must be a real calendar date" });
export type LocalDate = z.infer<typeof LocalDateSchema>;

/** Identifiers are opaque strings minted elsewhere (src/lib/ids.ts); the domain only bounds them. */
export const EntityIdSchema = z.string().trim().min(1).max(200);

/** Upper bound for free texts (replies, notes, reasons): long enough for a letter, bounded for storage. */
export const MAX_COMPLAINT_TEXT_LENGTH = 10_000;

/** Non-empty, trimmed, bounded text — a whitespace-only reason is no reason. */
export const ComplaintTextSchema = z.string().trim().min(1, { message: "must not be empty" }).max(MAX_COMPLAINT_TEXT_LENGTH);
