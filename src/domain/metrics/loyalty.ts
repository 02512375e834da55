/**
 * Complaint and loyalty summaries. Reported separately from satisfaction on purpose: the seeds
 * warn against confusing the two (seeds digest A13 pitfall 6, C5) and note their correlation can
 * be weak in competitive industries (C1, 000 L61).
 */
import {
  countWhere,
  describeEntries,
  rescaleTo100,
  safeRatio,
  scaleEntries,
  totalCount,
  type ScaleRange,
  type ValueHistogram,
} from "./histogram";
import { meanMarginOfError, wilsonInterval, type Interval } from "./intervals";

const YES_KEYS = new Set(["true", "1", "yes"]);
const NO_KEYS = new Set(["false", "0", "no"]);

export type YesShareSummary = {
  n: number;
  yes: number;
  share: number | null;
  interval95: Interval | null;
  excluded: number;
};

/** Share of "yes" in a yes/no histogram (keys true/false, 1/0 or yes/no). */
export function computeYesShare(histogram: ValueHistogram): YesShareSummary {
  let yes = 0;
  let no = 0;
  let excluded = 0;
  for (const [key, count] of Object.entries(histogram)) {
    if (typeof count !== "number" || !Number.isFinite(count) || count < 0) {
      throw new RangeError(`histogram count for value "${key}" must be a non-negative finite number, got ${String(count)}`);
    }
    const normalized = key.trim().toLowerCase();
    if (YES_KEYS.has(normalized)) yes += count;
    else if (NO_KEYS.has(normalized)) no += count;
    else excluded += count;
  }
  const n = yes + no;
  return { n, yes, share: safeRatio(yes, n), interval95: wilsonInterval(yes, n), excluded };
}

/**
 * Complaint rate: share answering yes to the complaint item (ACSI reports complaints as
 * % complaining; peers-and-methods §B). Note a low rate does not prove satisfaction — "no
 * complaint does not mean satisfied" (seeds digest A4, ISO 9000 note).
 */
export function computeComplaintRate(histogram: ValueHistogram): YesShareSummary {
  return computeYesShare(histogram);
}

export type RatingSummary = {
  n: number;
  mean: number | null;
  standardDeviation: number | null;
  meanMarginOfError95: number | null;
  /** Share in the top two scale points (9-10 on 1-10). */
  topTwoBoxShare: number | null;
  /** Mean rescaled to 0-100. */
  index: number | null;
  excluded: number;
};

/** Generic summary of a rating item's histogram on a known scale. */
export function summarizeRating(histogram: ValueHistogram, range: ScaleRange): RatingSummary {
  const { entries, excluded } = scaleEntries(histogram, range);
  const n = totalCount(entries);
  const { mean, standardDeviation } = describeEntries(entries);
  const topTwo = countWhere(entries, (value) => value >= range.max - 1);
  return {
    n,
    mean,
    standardDeviation,
    meanMarginOfError95: meanMarginOfError(entries),
    topTwoBoxShare: safeRatio(topTwo, n),
    index: rescaleTo100(mean, range),
    excluded,
  };
}

export type LoyaltyInput = {
  repurchase?: ValueHistogram;
  priceIncrease?: ValueHistogram;
  priceDecrease?: ValueHistogram;
  recommend?: ValueHistogram;
};

export type LoyaltySummary = {
  repurchase: RatingSummary | null;
  priceToleranceIncrease: RatingSummary | null;
  priceToleranceDecrease: RatingSummary | null;
  recommend: RatingSummary | null;
};

/**
 * Loyalty indicators as in the ACSI/ECSI loyalty block (repurchase intention, price tolerance,
 * recommendation; peers-and-methods §B). Items absent from the survey come back null.
 */
export function computeLoyalty(input: LoyaltyInput, range: ScaleRange = { min: 1, max: 10 }): LoyaltySummary {
  const summarize = (histogram: ValueHistogram | undefined) => (histogram ? summarizeRating(histogram, range) : null);
  return {
    repurchase: summarize(input.repurchase),
    priceToleranceIncrease: summarize(input.priceIncrease),
    priceToleranceDecrease: summarize(input.priceDecrease),
    recommend: summarize(input.recommend),
  };
}

/**
 * Customer retention rate = retained / customers at risk in the period (seeds digest C7). Only
 * meaningful when the customer base is known (CRM import); null when total is 0.
 */
export function retentionRate(retained: number, total: number): number | null {
  if (!Number.isFinite(retained) || !Number.isFinite(total) || retained < 0 || total < 0) {
    throw new RangeError(`retained (${retained}) and total (${total}) must be non-negative numbers`);
  }
  if (retained > total) throw new RangeError(`retained (${retained}) cannot exceed total (${total})`);
  return safeRatio(retained, total);
}
