/**
 * Which stored statistics rows cover a day range: every calendar month lying wholly inside the
 * range is read as one month row, and only the partial months at its edges as day rows. Month
 * rows are exact sums of their day rows, so both reads give the same totals; the split only
 * changes how many rows are read and parsed (a year: 12 instead of 365). Pure date arithmetic on
 * YYYY-MM-DD / YYYY-MM strings (UTC days, as the statistics are bucketed).
 */

/** Inclusive bounds; an absent bound is open. */
export type DayRange = { from?: string; to?: string };
export type MonthRange = { from?: string; to?: string };

export type StatsReadPlan = {
  /** Month rows to read (inclusive YYYY-MM bounds), or null for none. */
  months: MonthRange | null;
  /** Day ranges (inclusive) to read from the day rows; empty for none. */
  days: DayRange[];
};

/** YYYY-MM of a YYYY-MM-DD day. */
export const monthOfDay = (day: string): string => day.slice(0, 7);

/** The month `delta` months after (or before, if negative) a YYYY-MM month. */
export function shiftMonth(month: string, delta: number): string {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + (monthNumber - 1) + delta;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Last day (YYYY-MM-DD) of a YYYY-MM month. */
export function lastDayOfMonth(month: string): string {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  // Day 0 of the next month is the last day of this one.
  const days = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return `${month}-${String(days).padStart(2, "0")}`;
}

/**
 * Splits a day range into whole months and edge days. With `useMonths` false (a week grouping,
 * whose periods cross month boundaries, or month rows not yet built) everything is read as days.
 */
export function planStatsRead(range: DayRange, useMonths: boolean): StatsReadPlan {
  if (!useMonths) return { months: null, days: [range] };
  const firstMonth = range.from === undefined ? undefined : range.from.endsWith("-01") ? monthOfDay(range.from) : shiftMonth(monthOfDay(range.from), 1);
  const lastMonth =
    range.to === undefined ? undefined : range.to === lastDayOfMonth(monthOfDay(range.to)) ? monthOfDay(range.to) : shiftMonth(monthOfDay(range.to), -1);
  if (firstMonth !== undefined && lastMonth !== undefined && firstMonth > lastMonth) return { months: null, days: [range] };
  const days: DayRange[] = [];
  if (range.from !== undefined && firstMonth !== monthOfDay(range.from)) days.push({ from: range.from, to: lastDayOfMonth(monthOfDay(range.from)) });
  if (range.to !== undefined && lastMonth !== monthOfDay(range.to)) days.push({ from: `${monthOfDay(range.to)}-01`, to: range.to });
  return { months: { from: firstMonth, to: lastMonth }, days };
}
