/**
 * Complaint analytics (ISO 10002 monitoring KPIs: volume by category, response/resolution time vs
 * target, share resolved at first contact, reopened, satisfaction with handling; seed 001:
 * "abnormal changes in complaint volume"). Pure functions over records the storage layer loads.
 *
 * Definitions (also in docs/complaint-workflow.md):
 * - Periods are civil days / ISO weeks (Monday start) / months in the organisation's time zone,
 *   labelled by their first day ("YYYY-MM-DD").
 * - Handling times are elapsed minutes from `receivedAt` (the customer's experience, pauses
 *   included); pass a business calendar to get business minutes instead. SLA compliance is the
 *   pause-adjusted view.
 * - Quantiles: linear interpolation between closest ranks (Hyndman & Fan type 7 — the default of
 *   R, NumPy and Excel PERCENTILE.INC): h = (n − 1)·p, q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 * - SLA compliance per milestone = met on time / (met + breached); milestones still running and
 *   not yet due are not counted.
 * - Reopen rate = complaints reopened at least once / complaints closed at least once.
 * - First-contact resolution = closed complaints never reopened whose handling took exactly one
 *   substantive staff public reply / closed complaints.
 * - Handling satisfaction (post-complaint survey, latest result per complaint): CSAT mean and
 *   top-2 share (4–5 of 5); CES 2.0 mean and agree share (5–7 of 7).
 * - Recovery rate = complainants (one per complaint) reporting resolved = yes or a later
 *   satisfaction ≥ 4 / complainants who answered either question.
 * - Volume anomaly: see `detectComplaintVolumeAnomalies`.
 */
import { type BusinessCalendar, addDaysToLocalDate, businessMinutesBetween, isoWeekdayOfLocalDate, zonedLocalDate } from "./business-calendar";
import type { Complaint, SlaMilestone } from "./complaint";
import { SLA_MILESTONES } from "./complaint";
import type { SlaMilestoneStatus } from "./sla";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Key used when a record has no value for the dimension. */
export const UNSPECIFIED_DIMENSION_KEY = "(none)";

export type ComplaintAnalyticsRecord = Pick<
  Complaint,
  | "id"
  | "state"
  | "category"
  | "touchpoint"
  | "segment"
  | "receivedAt"
  | "acknowledgedAt"
  | "firstRespondedAt"
  | "closedAt"
  | "reopenCount"
  | "staffPublicReplyCount"
> & {
  /** `slaStatus(...).milestones` at read time; records without it are left out of compliance. */
  sla?: Partial<Record<SlaMilestone, Pick<SlaMilestoneStatus, "metAt" | "breached">>>;
};

export type RateSummary = { numerator: number; denominator: number; rate: number | null };

export function rateSummary(numerator: number, denominator: number): RateSummary {
  return { numerator, denominator, rate: denominator === 0 ? null : numerator / denominator };
}

// ---------------------------------------------------------------------------------------------
// Quantiles
// ---------------------------------------------------------------------------------------------

/** Type-7 quantile of `values` at `p` ∈ [0, 1]; null for no values. */
export function quantile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be within [0, 1]: ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

// ---------------------------------------------------------------------------------------------
// Volume by period
// ---------------------------------------------------------------------------------------------

export const ANALYTICS_GRANULARITIES = ["day", "week", "month"] as const;
export type AnalyticsGranularity = (typeof ANALYTICS_GRANULARITIES)[number];

/** First civil day of the period containing `instant` in `timeZone`. */
export function periodStartLocalDate(instant: Date, granularity: AnalyticsGranularity, timeZone: string): string {
  return periodStartOfLocalDate(zonedLocalDate(instant, timeZone), granularity);
}

/** First civil day of the period containing the civil day `localDate` ("YYYY-MM-DD"). */
export function periodStartOfLocalDate(localDate: string, granularity: AnalyticsGranularity): string {
  switch (granularity) {
    case "day":
      return localDate;
    case "week":
      return addDaysToLocalDate(localDate, 1 - isoWeekdayOfLocalDate(localDate));
    case "month":
      return `${localDate.slice(0, 7)}-01`;
  }
}

/** `category`, `touchpoint`, or `segment.<attribute>` (region, tier, any hidden field). */
export type ComplaintVolumeDimension = "category" | "touchpoint" | `segment.${string}`;

export type ComplaintVolumeRow = { period: string; key: string; count: number };

function dimensionKey(record: ComplaintAnalyticsRecord, dimension: ComplaintVolumeDimension): string {
  return dimensionValueKey(
    dimension === "category" ? record.category : dimension === "touchpoint" ? record.touchpoint : record.segment[dimension.slice("segment.".length)],
  );
}

/** The volume key of a dimension value: empty values share UNSPECIFIED_DIMENSION_KEY. */
export function dimensionValueKey(value: unknown): string {
  return value === null || value === undefined || value === "" ? UNSPECIFIED_DIMENSION_KEY : String(value);
}

/** Complaints received on one civil day with one dimension value (what a SQL GROUP BY returns). */
export type ComplaintDayCount = { localDate: string; value: unknown; count: number };

/**
 * `complaintVolumeByPeriod` from counts per civil day and raw value: the same rows (periods from
 * the days, empty values merged into one key, same order) without a record per complaint.
 */
export function complaintVolumeFromDayCounts(counts: readonly ComplaintDayCount[], granularity: AnalyticsGranularity): ComplaintVolumeRow[] {
  const rows = new Map<string, ComplaintVolumeRow>();
  const periodOfDay = new Map<string, string>();
  for (const { localDate, value, count } of counts) {
    let period = periodOfDay.get(localDate);
    if (period === undefined) {
      period = periodStartOfLocalDate(localDate, granularity);
      periodOfDay.set(localDate, period);
    }
    const key = dimensionValueKey(value);
    const mapKey = `${period}\u0000${key}`;
    const row = rows.get(mapKey);
    if (row) row.count += count;
    else rows.set(mapKey, { period, key, count });
  }
  return [...rows.values()].sort(byPeriodThenKey);
}

function byPeriodThenKey(a: ComplaintVolumeRow, b: ComplaintVolumeRow): number {
  return a.period === b.period ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.period < b.period ? -1 : 1;
}

/** Counts by period × dimension value, sorted by period then key; empty cells are omitted. */
export function complaintVolumeByPeriod(
  records: readonly ComplaintAnalyticsRecord[],
  options: { dimension: ComplaintVolumeDimension; granularity: AnalyticsGranularity; timeZone: string },
): ComplaintVolumeRow[] {
  return complaintVolumesByPeriod(records, [options.dimension], options)[options.dimension];
}

/**
 * `complaintVolumeByPeriod` for several dimensions in one pass: each record's period (a time-zone
 * conversion, the costly part) is computed once instead of once per dimension.
 */
export function complaintVolumesByPeriod<Dimension extends ComplaintVolumeDimension>(
  records: readonly ComplaintAnalyticsRecord[],
  dimensions: readonly Dimension[],
  options: { granularity: AnalyticsGranularity; timeZone: string },
): Record<Dimension, ComplaintVolumeRow[]> {
  const counts = dimensions.map(() => new Map<string, ComplaintVolumeRow>());
  // Many records share a civil day, and a day's period is fixed: map each day once.
  const periodOfDay = new Map<string, string>();
  for (const record of records) {
    const localDate = zonedLocalDate(record.receivedAt, options.timeZone);
    let period = periodOfDay.get(localDate);
    if (period === undefined) {
      period = periodStartLocalDate(record.receivedAt, options.granularity, options.timeZone);
      periodOfDay.set(localDate, period);
    }
    dimensions.forEach((dimension, d) => {
      const key = dimensionKey(record, dimension);
      const mapKey = `${period}\u0000${key}`;
      const row = counts[d]!.get(mapKey);
      if (row) row.count++;
      else counts[d]!.set(mapKey, { period, key, count: 1 });
    });
  }
  return Object.fromEntries(dimensions.map((dimension, d) => [dimension, [...counts[d]!.values()].sort(byPeriodThenKey)])) as Record<Dimension, ComplaintVolumeRow[]>;
}

// ---------------------------------------------------------------------------------------------
// Handling times and SLA compliance
// ---------------------------------------------------------------------------------------------

export type DurationSummary = {
  count: number;
  meanMinutes: number | null;
  medianMinutes: number | null;
  p90Minutes: number | null;
};

/** When a milestone was reached: first acknowledged, first responded, last closed. */
export function milestoneReachedAt(record: Pick<ComplaintAnalyticsRecord, "acknowledgedAt" | "firstRespondedAt" | "closedAt">, milestone: SlaMilestone): Date | null {
  switch (milestone) {
    case "acknowledge":
      return record.acknowledgedAt;
    case "first_response":
      return record.firstRespondedAt;
    case "resolution":
      return record.closedAt;
  }
}

/**
 * Time to acknowledge, first response and resolution (currently closed complaints; a reopened
 * one counts again when it closes again). Minutes are elapsed wall-clock minutes unless a business
 * calendar is given.
 */
export function complaintHandlingTimes(
  records: readonly ComplaintAnalyticsRecord[],
  options: { calendar?: BusinessCalendar } = {},
): Record<SlaMilestone, DurationSummary> {
  const durations = (milestone: SlaMilestone): number[] => {
    const minutes: number[] = [];
    for (const record of records) {
      const reachedAt = milestoneReachedAt(record, milestone);
      if (!reachedAt) continue;
      minutes.push(
        options.calendar ? businessMinutesBetween(record.receivedAt, reachedAt, options.calendar) : (reachedAt.getTime() - record.receivedAt.getTime()) / MINUTE_MS,
      );
    }
    return minutes;
  };
  return handlingTimesFromDurations({ acknowledge: durations("acknowledge"), first_response: durations("first_response"), resolution: durations("resolution") });
}

/**
 * The handling-time summary of durations already in minutes, per milestone, in record order (the
 * mean sums in that order, so the same order gives the same figure to the last bit).
 */
export function handlingTimesFromDurations(minutes: Record<SlaMilestone, readonly number[]>): Record<SlaMilestone, DurationSummary> {
  const summarize = (durations: readonly number[]): DurationSummary => ({
    count: durations.length,
    meanMinutes: mean(durations),
    medianMinutes: quantile(durations, 0.5),
    p90Minutes: quantile(durations, 0.9),
  });
  return { acknowledge: summarize(minutes.acknowledge), first_response: summarize(minutes.first_response), resolution: summarize(minutes.resolution) };
}

export function slaCompliance(records: readonly ComplaintAnalyticsRecord[]): Record<SlaMilestone, RateSummary> {
  const result = {} as Record<SlaMilestone, RateSummary>;
  for (const milestone of SLA_MILESTONES) {
    let onTime = 0;
    let decided = 0;
    for (const record of records) {
      const status = record.sla?.[milestone];
      if (!status) continue;
      if (status.metAt !== null && !status.breached) {
        onTime++;
        decided++;
      } else if (status.breached) {
        decided++;
      }
    }
    result[milestone] = rateSummary(onTime, decided);
  }
  return result;
}

export function reopenRate(records: readonly ComplaintAnalyticsRecord[]): RateSummary {
  const everClosed = records.filter((record) => record.closedAt !== null || record.reopenCount > 0);
  return rateSummary(everClosed.filter((record) => record.reopenCount > 0).length, everClosed.length);
}

export function firstContactResolutionRate(records: readonly ComplaintAnalyticsRecord[]): RateSummary {
  const closed = records.filter((record) => record.state === "closed");
  return rateSummary(closed.filter((record) => record.reopenCount === 0 && record.staffPublicReplyCount === 1).length, closed.length);
}

// ---------------------------------------------------------------------------------------------
// Satisfaction with complaint handling
// ---------------------------------------------------------------------------------------------

/** One post-complaint survey result, already mapped from the survey's items. */
export type PostComplaintSurveyResult = {
  complaintId: string;
  respondedAt: Date;
  /** "How satisfied are you with how we handled your complaint?" 1–5. */
  csat?: number | null;
  /** CES 2.0 "The company made it easy for me to handle my issue" 1–7. */
  ces?: number | null;
  /** "Is your issue resolved?" */
  resolved?: boolean | null;
  /** A later overall satisfaction score (1–5) from the same customer. */
  laterSatisfaction?: number | null;
};

export type HandlingSatisfactionSummary = {
  csat: { n: number; mean: number | null; top2Share: number | null };
  ces: { n: number; mean: number | null; agreeShare: number | null };
  recovery: RateSummary;
};

const isScore = (value: number | null | undefined, min: number, max: number): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= min && value <= max;

export function handlingSatisfaction(results: readonly PostComplaintSurveyResult[]): HandlingSatisfactionSummary {
  // Latest result per complaint, so a reminder answered twice does not double-count.
  const latest = new Map<string, PostComplaintSurveyResult>();
  for (const result of results) {
    const current = latest.get(result.complaintId);
    if (!current || result.respondedAt.getTime() >= current.respondedAt.getTime()) latest.set(result.complaintId, result);
  }
  const unique = [...latest.values()];
  const csat = unique.map((result) => result.csat).filter((value) => isScore(value, 1, 5));
  const ces = unique.map((result) => result.ces).filter((value) => isScore(value, 1, 7));
  const answeredRecovery = unique.filter((result) => typeof result.resolved === "boolean" || isScore(result.laterSatisfaction, 1, 5));
  const recovered = answeredRecovery.filter((result) => result.resolved === true || (isScore(result.laterSatisfaction, 1, 5) && result.laterSatisfaction >= 4));
  return {
    csat: { n: csat.length, mean: mean(csat), top2Share: csat.length === 0 ? null : csat.filter((score) => score >= 4).length / csat.length },
    ces: { n: ces.length, mean: mean(ces), agreeShare: ces.length === 0 ? null : ces.filter((score) => score >= 5).length / ces.length },
    recovery: rateSummary(recovered.length, answeredRecovery.length),
  };
}

// ---------------------------------------------------------------------------------------------
// Volume anomaly
// ---------------------------------------------------------------------------------------------

export type VolumeAnomalyOptions = {
  /** Length of the current and of each baseline window. */
  windowDays: number;
  /** Number of baseline windows immediately before the current one. */
  baselineWindows: number;
  sigmas: number;
  /** Never alert below this many complaints in the current window. */
  minimumCount: number;
};

export const DEFAULT_VOLUME_ANOMALY_OPTIONS: VolumeAnomalyOptions = { windowDays: 7, baselineWindows: 8, sigmas: 3, minimumCount: 5 };

export type ComplaintVolumeAnomaly = {
  category: string;
  currentCount: number;
  /** Oldest first. */
  baselineCounts: number[];
  baselineMean: number;
  /** Sample standard deviation (n − 1). */
  baselineSd: number;
  threshold: number;
  alert: boolean;
};

/**
 * Rule: for each category, count complaints received in the last `windowDays` (the window
 * (now − 7 d, now]) and in each of the `baselineWindows` windows before it (8 weeks). Alert when
 *
 *   current ≥ minimumCount (5)  and  current > mean + sigmas (3) · max(sd, √mean)
 *
 * The √mean floor is the Poisson standard deviation: complaint counts are roughly Poisson, so a
 * flat baseline (sd = 0, e.g. exactly 2 per week) must not make 3 an anomaly; with an empty
 * baseline the minimum count alone decides. Windows are fixed 24-hour multiples back from `now`,
 * independent of time zone (a rolling week, not a calendar week).
 */
export function detectComplaintVolumeAnomalies(
  records: readonly Pick<ComplaintAnalyticsRecord, "category" | "receivedAt">[],
  now: Date,
  options: Partial<VolumeAnomalyOptions> = {},
): ComplaintVolumeAnomaly[] {
  const settings = { ...DEFAULT_VOLUME_ANOMALY_OPTIONS, ...options };
  const windowMs = settings.windowDays * DAY_MS;
  const nowMs = now.getTime();
  const earliestMs = nowMs - windowMs * (settings.baselineWindows + 1);
  // countsByCategory[category][0] = current window, [k] = k windows back.
  const countsByCategory = new Map<string, number[]>();
  for (const record of records) {
    const receivedMs = record.receivedAt.getTime();
    if (receivedMs <= earliestMs || receivedMs > nowMs) continue;
    // Windows are (start, end]: received in (now − W, now] (age in [0, W)) is the current window,
    // (now − 2W, now − W] one back, …
    const index = Math.floor((nowMs - receivedMs) / windowMs);
    const category = record.category ?? UNSPECIFIED_DIMENSION_KEY;
    let counts = countsByCategory.get(category);
    if (!counts) {
      counts = new Array<number>(settings.baselineWindows + 1).fill(0);
      countsByCategory.set(category, counts);
    }
    counts[index]++;
  }
  return volumeAnomaliesFromWindowCounts(countsByCategory, settings);
}

/**
 * The anomaly rule over counts already made: `countsByCategory[category][k]` = complaints received
 * k windows back (0 = the current window), as `detectComplaintVolumeAnomalies` counts them.
 */
export function volumeAnomaliesFromWindowCounts(countsByCategory: ReadonlyMap<string, readonly number[]>, options: Partial<VolumeAnomalyOptions> = {}): ComplaintVolumeAnomaly[] {
  const settings = { ...DEFAULT_VOLUME_ANOMALY_OPTIONS, ...options };
  return [...countsByCategory.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([category, counts]) => {
      const currentCount = counts[0];
      const baselineCounts = counts.slice(1).reverse();
      const baselineMean = baselineCounts.reduce((sum, count) => sum + count, 0) / baselineCounts.length;
      const baselineSd =
        baselineCounts.length < 2
          ? 0
          : Math.sqrt(baselineCounts.reduce((sum, count) => sum + (count - baselineMean) ** 2, 0) / (baselineCounts.length - 1));
      const threshold = baselineMean + settings.sigmas * Math.max(baselineSd, Math.sqrt(baselineMean));
      return {
        category,
        currentCount,
        baselineCounts,
        baselineMean,
        baselineSd,
        threshold,
        alert: currentCount >= settings.minimumCount && currentCount > threshold,
      };
    });
}
