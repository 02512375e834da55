import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addBusinessMinutes,
  type BusinessCalendar,
  BusinessCalendarSchema,
  type BusinessCalendarInput,
  businessMinutesBetween,
  defaultBusinessCalendar,
  isWithinBusinessHours,
  isWorkingDate,
  timeZoneOffsetMinutes,
  workingMinutesPerDay,
  zonedDateTimeParts,
  zonedLocalDate,
  zonedWallTimeToInstant,
} from "../../../src/domain/complaints";

const calendar = (input: BusinessCalendarInput): BusinessCalendar => BusinessCalendarSchema.parse(input);

const BERLIN = defaultBusinessCalendar("Europe/Berlin");
const SHANGHAI = defaultBusinessCalendar("Asia/Shanghai");
const NEW_YORK = defaultBusinessCalendar("America/New_York");
const BERLIN_TUESDAY_HOLIDAY = calendar({ timeZone: "Europe/Berlin", holidays: ["2026-03-03"] });
const BERLIN_LUNCH = calendar({ timeZone: "Europe/Berlin", workingHours: [{ start: "09:00", end: "12:00" }, { start: "13:00", end: "18:00" }] });
const BERLIN_24_7 = calendar({ timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4, 5, 6, 7], workingHours: [{ start: "00:00", end: "24:00" }] });
// National Day week off, with the Saturday after it a make-up working day (调休).
const SHANGHAI_GOLDEN_WEEK = calendar({
  timeZone: "Asia/Shanghai",
  holidays: ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"],
  additionalWorkingDates: ["2026-10-10"],
});

describe("time-zone primitives (Intl-based, DST-correct)", () => {
  it.each([
    ["Europe/Berlin", "2026-01-15T12:00:00Z", 60],
    ["Europe/Berlin", "2026-07-15T12:00:00Z", 120],
    ["Europe/Berlin", "2026-03-29T00:59:59Z", 60],
    ["Europe/Berlin", "2026-03-29T01:00:00Z", 120],
    ["Europe/Berlin", "2026-10-25T00:59:59Z", 120],
    ["Europe/Berlin", "2026-10-25T01:00:00Z", 60],
    ["Asia/Shanghai", "2026-07-15T12:00:00Z", 480],
    ["America/New_York", "2026-01-15T12:00:00Z", -300],
    ["America/New_York", "2026-07-15T12:00:00Z", -240],
    ["UTC", "2026-07-15T12:00:00Z", 0],
  ])("%s offset at %s is %i minutes", (zone, instant, offset) => {
    expect(timeZoneOffsetMinutes(new Date(instant), zone)).toBe(offset);
  });

  it.each([
    ["2026-03-02", "09:00", "Europe/Berlin", "2026-03-02T08:00:00.000Z"],
    ["2026-07-01", "09:00", "Europe/Berlin", "2026-07-01T07:00:00.000Z"],
    ["2026-03-02", "09:00", "Asia/Shanghai", "2026-03-02T01:00:00.000Z"],
    // Spring-forward gap: 02:30 does not exist and moves forward to 03:30 CEST.
    ["2026-03-29", "02:30", "Europe/Berlin", "2026-03-29T01:30:00.000Z"],
    // Autumn overlap: 02:30 happens twice; the earlier (CEST) instant is used.
    ["2026-10-25", "02:30", "Europe/Berlin", "2026-10-25T00:30:00.000Z"],
    ["2026-03-08", "02:30", "America/New_York", "2026-03-08T07:30:00.000Z"],
    ["2026-03-02", "24:00", "Europe/Berlin", "2026-03-02T23:00:00.000Z"],
  ])("%s %s in %s is %s", (date, time, zone, expected) => {
    expect(zonedWallTimeToInstant(date, time, zone).toISOString()).toBe(expected);
  });

  it("reads local date and weekday in the zone, not in UTC", () => {
    const lateSunday = new Date("2026-03-01T23:30:00Z");
    expect(zonedLocalDate(lateSunday, "UTC")).toBe("2026-03-01");
    expect(zonedLocalDate(lateSunday, "Asia/Shanghai")).toBe("2026-03-02");
    expect(zonedDateTimeParts(lateSunday, "Asia/Shanghai")).toMatchObject({ hour: 7, minute: 30, weekday: 1 });
  });
});

describe("addBusinessMinutes", () => {
  it.each<[string, BusinessCalendar, string, number, string]>([
    ["within the day", BERLIN, "2026-03-02T09:00:00Z", 60, "2026-03-02T10:00:00.000Z"],
    ["ending exactly at closing stays at closing", BERLIN, "2026-03-02T16:00:00Z", 60, "2026-03-02T17:00:00.000Z"],
    ["overnight: rest carries to next morning", BERLIN, "2026-03-02T16:30:00Z", 60, "2026-03-03T08:30:00.000Z"],
    ["before opening starts at opening", BERLIN, "2026-03-02T06:00:00Z", 30, "2026-03-02T08:30:00.000Z"],
    ["after closing starts next morning", BERLIN, "2026-03-02T19:00:00Z", 30, "2026-03-03T08:30:00.000Z"],
    ["across a weekend", BERLIN, "2026-03-06T16:00:00Z", 120, "2026-03-09T09:00:00.000Z"],
    ["starting on a Saturday", BERLIN, "2026-03-07T11:00:00Z", 30, "2026-03-09T08:30:00.000Z"],
    ["five business days end Friday at closing", BERLIN, "2026-03-02T08:00:00Z", 2700, "2026-03-06T17:00:00.000Z"],
    ["across the spring DST weekend (CET → CEST)", BERLIN, "2026-03-27T16:00:00Z", 120, "2026-03-30T08:00:00.000Z"],
    ["across the autumn DST weekend (CEST → CET)", BERLIN, "2026-10-23T15:00:00Z", 120, "2026-10-26T09:00:00.000Z"],
    ["skipping a holiday", BERLIN_TUESDAY_HOLIDAY, "2026-03-02T16:30:00Z", 60, "2026-03-04T08:30:00.000Z"],
    ["skipping a lunch break", BERLIN_LUNCH, "2026-03-02T10:30:00Z", 60, "2026-03-02T12:30:00.000Z"],
    ["Asia/Shanghai overnight", SHANGHAI, "2026-03-02T09:00:00Z", 120, "2026-03-03T02:00:00.000Z"],
    ["America/New_York across its DST weekend", NEW_YORK, "2026-03-06T22:00:00Z", 120, "2026-03-09T14:00:00.000Z"],
    ["Shanghai golden week into the make-up Saturday", SHANGHAI_GOLDEN_WEEK, "2026-10-09T09:00:00Z", 120, "2026-10-10T02:00:00.000Z"],
    ["Shanghai golden week: holidays skipped", SHANGHAI_GOLDEN_WEEK, "2026-09-30T09:00:00Z", 120, "2026-10-08T02:00:00.000Z"],
    ["24/7 calendar: a DST day has 23 real hours", BERLIN_24_7, "2026-03-28T11:00:00Z", 1440, "2026-03-29T11:00:00.000Z"],
    ["zero minutes is the start itself", BERLIN, "2026-03-07T11:00:00Z", 0, "2026-03-07T11:00:00.000Z"],
  ])("%s", (_label, cal, start, minutes, expected) => {
    expect(addBusinessMinutes(new Date(start), minutes, cal).toISOString()).toBe(expected);
  });

  it("rejects negative durations", () => {
    expect(() => addBusinessMinutes(new Date("2026-03-02T09:00:00Z"), -1, BERLIN)).toThrow(RangeError);
  });

  it("gives up on a calendar that never opens instead of looping forever", () => {
    const everyDayOff = Array.from({ length: 500 }, (_, index) => new Date(Date.UTC(2026, 0, 1 + index)).toISOString().slice(0, 10));
    const closed = calendar({ timeZone: "UTC", holidays: everyDayOff });
    expect(() => addBusinessMinutes(new Date("2026-01-01T00:00:00Z"), 60, closed)).toThrow(/no working time/);
  });
});

describe("businessMinutesBetween", () => {
  it.each<[string, BusinessCalendar, string, string, number]>([
    ["Friday 17:00 → Monday 10:00", BERLIN, "2026-03-06T16:00:00Z", "2026-03-09T09:00:00Z", 120],
    ["reversed is negative", BERLIN, "2026-03-09T09:00:00Z", "2026-03-06T16:00:00Z", -120],
    ["a weekend has none", BERLIN, "2026-03-07T00:00:00Z", "2026-03-08T23:00:00Z", 0],
    ["same instant", BERLIN, "2026-03-02T09:00:00Z", "2026-03-02T09:00:00Z", 0],
    ["fractional: 30 seconds", BERLIN, "2026-03-02T09:00:00Z", "2026-03-02T09:00:30Z", 0.5],
    ["a full week", BERLIN, "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z", 2700],
    ["lunch break not counted", BERLIN_LUNCH, "2026-03-02T08:00:00Z", "2026-03-02T17:00:00Z", 480],
    ["spring DST weekend, 24/7: 24 h + 23 h", BERLIN_24_7, "2026-03-27T23:00:00Z", "2026-03-29T22:00:00Z", 2820],
    ["autumn DST Sunday, 24/7: 25 h", BERLIN_24_7, "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", 1500],
  ])("%s", (_label, cal, a, b, expected) => {
    expect(businessMinutesBetween(new Date(a), new Date(b), cal)).toBe(expected);
  });

  it("is the inverse of addBusinessMinutes (property)", () => {
    const calendars = [BERLIN, SHANGHAI, NEW_YORK, BERLIN_LUNCH, SHANGHAI_GOLDEN_WEEK, BERLIN_24_7];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.constantFrom(...calendars),
        (startMs, minutes, cal) => {
          const start = new Date(startMs);
          const end = addBusinessMinutes(start, minutes, cal);
          expect(end.getTime()).toBeGreaterThanOrEqual(startMs);
          expect(Math.round(businessMinutesBetween(start, end, cal) * 60_000)).toBe(minutes * 60_000);
        },
      ),
      { numRuns: 300, seed: 20260329 },
    );
  });
});

describe("calendar helpers and schema", () => {
  it("knows working dates, hours and the nominal day length", () => {
    expect(isWorkingDate("2026-03-03", BERLIN_TUESDAY_HOLIDAY)).toBe(false);
    expect(isWorkingDate("2026-10-10", SHANGHAI_GOLDEN_WEEK)).toBe(true);
    expect(isWorkingDate("2026-10-11", SHANGHAI_GOLDEN_WEEK)).toBe(false);
    expect(isWithinBusinessHours(new Date("2026-03-02T08:00:00Z"), BERLIN)).toBe(true);
    expect(isWithinBusinessHours(new Date("2026-03-02T17:00:00Z"), BERLIN)).toBe(false);
    expect(workingMinutesPerDay(BERLIN)).toBe(540);
    expect(workingMinutesPerDay(BERLIN_LUNCH)).toBe(480);
  });

  it("defaults to Monday–Friday 09:00–18:00 without holidays", () => {
    expect(BERLIN).toEqual({
      timeZone: "Europe/Berlin",
      workingDays: [1, 2, 3, 4, 5],
      workingHours: [{ start: "09:00", end: "18:00" }],
      holidays: [],
      additionalWorkingDates: [],
    });
  });

  it.each<[string, unknown]>([
    ["an unknown time zone", { timeZone: "Mars/Olympus_Mons" }],
    ["an empty time zone", { timeZone: "" }],
    ["weekday 0", { timeZone: "UTC", workingDays: [0, 1] }],
    ["a window ending before it starts", { timeZone: "UTC", workingHours: [{ start: "18:00", end: "09:00" }] }],
    ["a window crossing midnight", { timeZone: "UTC", workingHours: [{ start: "22:00", end: "06:00" }] }],
    ["an impossible time", { timeZone: "UTC", workingHours: [{ start: "09:00", end: "25:00" }] }],
    ["overlapping windows", { timeZone: "UTC", workingHours: [{ start: "09:00", end: "13:00" }, { start: "12:00", end: "18:00" }] }],
    ["a malformed holiday", { timeZone: "UTC", holidays: ["2026/10/01"] }],
    ["a date both holiday and working day", { timeZone: "UTC", holidays: ["2026-10-10"], additionalWorkingDates: ["2026-10-10"] }],
  ])("rejects %s", (_label, input) => {
    expect(BusinessCalendarSchema.safeParse(input).success).toBe(false);
  });
});
