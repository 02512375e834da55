/**
 * Business calendar arithmetic in the organisation's IANA time zone.
 *
 * Workers have no tz database API beyond `Intl`, so offsets come from `Intl.DateTimeFormat`
 * (formatToParts): format the instant in the zone, read the wall clock back as if it were UTC, and
 * the difference is the offset at that instant. That is DST-correct for every zone the runtime
 * knows, with no bundled tz data.
 *
 * Converting a wall time back to an instant follows Temporal's "compatible" disambiguation: a wall
 * time that does not exist (spring-forward gap, e.g. 02:30 in Europe/Berlin on the last Sunday of
 * March) moves forward by the gap; an ambiguous one (autumn overlap) takes the earlier instant.
 *
 * Working windows are wall-clock intervals applied to every working day, so a 09:00–18:00 day is
 * still 9 real hours on a DST-change day (the change happens at night), while a window spanning
 * the change (e.g. 00:00–24:00) is 23 or 25 real hours — business minutes are real elapsed minutes.
 */
import { z } from "zod";
import { LocalDateSchema } from "./primitives";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

function isSupportedTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .min(1)
  .refine(isSupportedTimeZone, { message: 'must be an IANA time zone such as "Asia/Shanghai" or "Europe/Berlin"' });
export type TimeZone = z.infer<typeof TimeZoneSchema>;

/** "HH:MM" on a 24-hour clock; "24:00" is allowed as an end meaning midnight at the end of the day. */
export const WallClockTimeSchema = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: 'must be a time such as "09:00" or "24:00"' });
export type WallClockTime = z.infer<typeof WallClockTimeSchema>;

export function wallClockMinutes(time: WallClockTime): number {
  const [hours, minutes] = time.split(":").map(Number);
  return hours * 60 + minutes;
}

export const WorkingWindowSchema = z
  .object({ start: WallClockTimeSchema, end: WallClockTimeSchema })
  .refine((window) => wallClockMinutes(window.start) < wallClockMinutes(window.end), {
    message: "a working window must end after it starts (windows cannot cross midnight; use 00:00–24:00 for all day)",
  });
export type WorkingWindow = z.infer<typeof WorkingWindowSchema>;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export const IsoWeekdaySchema = z.number().int().min(1).max(7);
export type IsoWeekday = z.infer<typeof IsoWeekdaySchema>;

export const BusinessCalendarSchema = z
  .object({
    timeZone: TimeZoneSchema,
    workingDays: z.array(IsoWeekdaySchema).min(1).default([1, 2, 3, 4, 5]),
    /** Same windows on every working day; several windows model a lunch break (09:00–12:00, 13:00–18:00). */
    workingHours: z.array(WorkingWindowSchema).min(1).default([{ start: "09:00", end: "18:00" }]),
    /** Public holidays / closure days, local dates. */
    holidays: z.array(LocalDateSchema).default([]),
    /**
     * Weekend dates that are working days — the make-up working days (调休) around Chinese public
     * holidays; without them an Asia/Shanghai calendar would be wrong several weekends a year.
     */
    additionalWorkingDates: z.array(LocalDateSchema).default([]),
  })
  .superRefine((calendar, context) => {
    const windows = [...calendar.workingHours].sort((a, b) => wallClockMinutes(a.start) - wallClockMinutes(b.start));
    for (let index = 1; index < windows.length; index++) {
      if (wallClockMinutes(windows[index].start) < wallClockMinutes(windows[index - 1].end)) {
        context.addIssue({ code: "custom", path: ["workingHours"], message: "working windows must not overlap" });
      }
    }
    const holidays = new Set(calendar.holidays);
    if (calendar.additionalWorkingDates.some((date) => holidays.has(date))) {
      context.addIssue({ code: "custom", path: ["additionalWorkingDates"], message: "a date cannot be both a holiday and a working day" });
    }
  });
export type BusinessCalendar = z.output<typeof BusinessCalendarSchema>;
export type BusinessCalendarInput = z.input<typeof BusinessCalendarSchema>;

/** Mon–Fri 09:00–18:00 in the given zone, no holidays: the default until an org configures its own. */
export function defaultBusinessCalendar(timeZone: TimeZone): BusinessCalendar {
  return BusinessCalendarSchema.parse({ timeZone });
}

/** Nominal working minutes in one working day (9 h → 540), used to express "business days". */
export function workingMinutesPerDay(calendar: BusinessCalendar): number {
  return calendar.workingHours.reduce((sum, window) => sum + wallClockMinutes(window.end) - wallClockMinutes(window.start), 0);
}

// ---------------------------------------------------------------------------------------------
// Time-zone primitives
// ---------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export type ZonedDateTimeParts = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: IsoWeekday;
};

export function zonedDateTimeParts(instant: Date, timeZone: string): ZonedDateTimeParts {
  const values: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") values[part.type] = Number(part.value);
  }
  const { year, month, day, hour, minute, second } = values;
  return { year, month, day, hour, minute, second, weekday: isoWeekdayOfDayNumber(Date.UTC(year, month - 1, day) / DAY_MS) };
}

/** Offset of the zone from UTC at `instantMs`, in milliseconds (Berlin summer: +7 200 000). */
function offsetMsAt(instantMs: number, timeZone: string): number {
  const parts = zonedDateTimeParts(new Date(instantMs), timeZone);
  const wallAsUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wallAsUtc - Math.floor(instantMs / 1000) * 1000;
}

export function timeZoneOffsetMinutes(instant: Date, timeZone: string): number {
  return offsetMsAt(instant.getTime(), timeZone) / MINUTE_MS;
}

/** Days since 1970-01-01 of a civil date; civil-date arithmetic without time zones. */
type DayNumber = number;

function isoWeekdayOfDayNumber(dayNumber: DayNumber): IsoWeekday {
  const sundayBased = new Date(dayNumber * DAY_MS).getUTCDay();
  return (sundayBased === 0 ? 7 : sundayBased) as IsoWeekday;
}

// SLA maths and complaint analytics ask for the civil day of the same instants over and over
// (received-at times, "now", due times) and formatToParts is what costs: remember recent answers
// per zone (an exact memo of a pure function; cleared when it grows large).
const dayNumberMemo = new Map<string, Map<number, DayNumber>>();
const DAY_NUMBER_MEMO_LIMIT = 50_000;

function localDayNumber(instantMs: number, timeZone: string): DayNumber {
  let memo = dayNumberMemo.get(timeZone);
  if (!memo) {
    memo = new Map();
    dayNumberMemo.set(timeZone, memo);
  }
  const known = memo.get(instantMs);
  if (known !== undefined) return known;
  const parts = zonedDateTimeParts(new Date(instantMs), timeZone);
  const dayNumber = Date.UTC(parts.year, parts.month - 1, parts.day) / DAY_MS;
  if (memo.size >= DAY_NUMBER_MEMO_LIMIT) memo.clear();
  memo.set(instantMs, dayNumber);
  return dayNumber;
}

const localDateMemo = new Map<DayNumber, string>();

function dayNumberToLocalDate(dayNumber: DayNumber): string {
  let localDate = localDateMemo.get(dayNumber);
  if (localDate === undefined) {
    localDate = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    if (localDateMemo.size >= DAY_NUMBER_MEMO_LIMIT) localDateMemo.clear();
    localDateMemo.set(dayNumber, localDate);
  }
  return localDate;
}

function localDateToDayNumber(localDate: string): DayNumber {
  const [year, month, day] = localDate.split("-").map(Number);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** The civil date ("YYYY-MM-DD") of an instant in the zone. */
export function zonedLocalDate(instant: Date, timeZone: string): string {
  return dayNumberToLocalDate(localDayNumber(instant.getTime(), timeZone));
}

/** ISO weekday of a civil date. */
export function isoWeekdayOfLocalDate(localDate: string): IsoWeekday {
  return isoWeekdayOfDayNumber(localDateToDayNumber(localDate));
}

/** Add whole days to a civil date. */
export function addDaysToLocalDate(localDate: string, days: number): string {
  return dayNumberToLocalDate(localDateToDayNumber(localDate) + days);
}

function wallTimeToInstantMs(dayNumber: DayNumber, minuteOfDay: number, timeZone: string): number {
  const wallMs = dayNumber * DAY_MS + minuteOfDay * MINUTE_MS;
  // The offsets a day either side bracket any single transition near this wall time.
  const offsetBefore = offsetMsAt(wallMs - DAY_MS, timeZone);
  const offsetAfter = offsetMsAt(wallMs + DAY_MS, timeZone);
  const earlierCandidate = wallMs - offsetBefore;
  const laterCandidate = wallMs - offsetAfter;
  const earlierValid = offsetMsAt(earlierCandidate, timeZone) === offsetBefore;
  const laterValid = offsetMsAt(laterCandidate, timeZone) === offsetAfter;
  if (earlierValid && laterValid) return Math.min(earlierCandidate, laterCandidate);
  if (earlierValid) return earlierCandidate;
  if (laterValid) return laterCandidate;
  // Gap: interpret with the pre-transition offset, which lands after the gap ("compatible").
  return wallMs - offsetBefore;
}

/** The instant at which the wall clock in `timeZone` shows `localDate` `time`. */
export function zonedWallTimeToInstant(localDate: string, time: WallClockTime, timeZone: string): Date {
  return new Date(wallTimeToInstantMs(localDateToDayNumber(localDate), wallClockMinutes(time), timeZone));
}

// ---------------------------------------------------------------------------------------------
// Working windows
// ---------------------------------------------------------------------------------------------

type InstantWindow = { startMs: number; endMs: number };

// Memoised per calendar object: window computation costs several Intl calls per day and SLA jobs
// ask for the same days over and over. Keyed weakly so calendars can be garbage-collected; this is
// why calendars are treated as immutable values (parse a new one instead of editing in place).
const windowCache = new WeakMap<BusinessCalendar, Map<DayNumber, InstantWindow[]>>();

export function isWorkingDate(localDate: string, calendar: BusinessCalendar): boolean {
  if (calendar.additionalWorkingDates.includes(localDate)) return true;
  if (calendar.holidays.includes(localDate)) return false;
  return calendar.workingDays.includes(isoWeekdayOfLocalDate(localDate));
}

function workingWindowsOn(dayNumber: DayNumber, calendar: BusinessCalendar): InstantWindow[] {
  let perCalendar = windowCache.get(calendar);
  if (!perCalendar) {
    perCalendar = new Map();
    windowCache.set(calendar, perCalendar);
  }
  const cached = perCalendar.get(dayNumber);
  if (cached) return cached;
  const windows = isWorkingDate(dayNumberToLocalDate(dayNumber), calendar)
    ? [...calendar.workingHours]
        .sort((a, b) => wallClockMinutes(a.start) - wallClockMinutes(b.start))
        .map((window) => ({
          startMs: wallTimeToInstantMs(dayNumber, wallClockMinutes(window.start), calendar.timeZone),
          endMs: wallTimeToInstantMs(dayNumber, wallClockMinutes(window.end), calendar.timeZone),
        }))
        .filter((window) => window.endMs > window.startMs)
    : [];
  perCalendar.set(dayNumber, windows);
  return windows;
}

/** A calendar that never opens (e.g. every day a holiday) would loop forever; give up after this. */
const MAX_CONSECUTIVE_CLOSED_DAYS = 400;

/**
 * `start` plus `minutes` of working time. Time before opening or after closing does not count;
 * a result that lands exactly on closing time stays there (18:00, not 09:00 the next day).
 * Zero minutes returns `start` unchanged.
 */
export function addBusinessMinutes(start: Date, minutes: number, calendar: BusinessCalendar): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be a non-negative number: ${minutes}`);
  return new Date(addBusinessMilliseconds(start.getTime(), Math.round(minutes * MINUTE_MS), calendar));
}

/** Millisecond core of `addBusinessMinutes`; SLA maths stays in integers to avoid float drift. */
export function addBusinessMilliseconds(startMs: number, durationMs: number, calendar: BusinessCalendar): number {
  if (durationMs <= 0) return startMs;
  let remainingMs = durationMs;
  let cursorMs = startMs;
  let closedDays = 0;
  for (let dayNumber = localDayNumber(cursorMs, calendar.timeZone); ; dayNumber++) {
    // The day's windows still open at the cursor as the day begins (no array per day: this loop
    // runs for every day of every SLA target).
    const dayStartCursorMs = cursorMs;
    let open = false;
    for (const window of workingWindowsOn(dayNumber, calendar)) {
      if (window.endMs <= dayStartCursorMs) continue;
      open = true;
      const fromMs = Math.max(window.startMs, cursorMs);
      const availableMs = window.endMs - fromMs;
      if (remainingMs <= availableMs) return fromMs + remainingMs;
      remainingMs -= availableMs;
      cursorMs = window.endMs;
    }
    if (open) closedDays = 0;
    else if (++closedDays > MAX_CONSECUTIVE_CLOSED_DAYS) throw new Error("business calendar has no working time in over a year");
  }
}

/**
 * Working minutes in [a, b) (fractional: a 30-second span is 0.5). Negative when b is before a,
 * so `businessMinutesBetween(now, dueAt)` is the time left and goes negative once overdue.
 */
export function businessMinutesBetween(a: Date, b: Date, calendar: BusinessCalendar): number {
  return businessMillisecondsBetween(a.getTime(), b.getTime(), calendar) / MINUTE_MS;
}

/** Millisecond core of `businessMinutesBetween`. */
export function businessMillisecondsBetween(aMs: number, bMs: number, calendar: BusinessCalendar): number {
  if (bMs < aMs) return -businessMillisecondsBetween(bMs, aMs, calendar);
  let totalMs = 0;
  const lastDay = localDayNumber(bMs, calendar.timeZone);
  for (let dayNumber = localDayNumber(aMs, calendar.timeZone); dayNumber <= lastDay; dayNumber++) {
    for (const window of workingWindowsOn(dayNumber, calendar)) {
      const overlap = Math.min(window.endMs, bMs) - Math.max(window.startMs, aMs);
      if (overlap > 0) totalMs += overlap;
    }
  }
  return totalMs;
}

/** True when `instant` falls inside a working window (for "we are closed now" hints). */
export function isWithinBusinessHours(instant: Date, calendar: BusinessCalendar): boolean {
  const ms = instant.getTime();
  return workingWindowsOn(localDayNumber(ms, calendar.timeZone), calendar).some((window) => ms >= window.startMs && ms < window.endMs);
}
