/**
 * The periods an improvement plan is judged on (docs/statistics.md §11.6). After = from the plan's
 * start to its review date (or today, if earlier); before = a window of the same number of days
 * ending the day before the start, so both periods cover comparable spans of the calendar.
 */
export interface DayWindow {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** Null when the plan has not started yet (no after-period to judge). */
export function planEvaluationWindows(startDate: string, reviewDate: string, today: string): { before: DayWindow; after: DayWindow } | null {
  if (today < startDate) return null;
  const afterTo = reviewDate < today ? reviewDate : today;
  if (afterTo < startDate) return null;
  const days = Math.round((dayMs(afterTo) - dayMs(startDate)) / DAY_MS) + 1;
  const start = dayMs(startDate);
  return {
    before: { from: toDay(start - days * DAY_MS), to: toDay(start - DAY_MS) },
    after: { from: startDate, to: afterTo },
  };
}

/** Whether the after-period index has reached the plan's target value (null without an after index). */
export function targetReached(afterIndex: number | null, targetValue: number): boolean | null {
  return afterIndex === null ? null : afterIndex >= targetValue;
}
