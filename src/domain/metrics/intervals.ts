/**
 * Sampling uncertainty for shares and scores, so dashboards can show "±x" and avoid reading
 * noise as change (the seeds stress that satisfaction is only meaningful in aggregate over
 * enough respondents — seeds digest A4).
 */
import { describeEntries, type HistogramEntry } from "./histogram";

export type Interval = { lower: number; upper: number };

/** Two-sided 95% standard normal quantile. */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion. Preferred over the normal ("Wald") interval
 * because it stays inside [0, 1] and behaves at small n and at shares near 0 or 1.
 */
export function wilsonInterval(successes: number, n: number, z: number = Z_95): Interval | null {
  if (!(n > 0) || successes < 0 || successes > n) return null;
  const share = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (share + z2 / (2 * n)) / denominator;
  const halfWidth = (z * Math.sqrt((share * (1 - share)) / n + z2 / (4 * n * n))) / denominator;
  // At 0 or n successes the exact bound is 0 or 1; pin it so rounding cannot show "99.99…%".
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    upper: successes === n ? 1 : Math.min(1, centre + halfWidth),
  };
}

/**
 * Margin of error of an NPS in points. Each respondent scores +1 (promoter), 0 or −1
 * (detractor), so Var = p_P + p_D − (p_P − p_D)² and MoE = z·√(Var/n)·100.
 */
export function npsMarginOfError(promoters: number, detractors: number, n: number, z: number = Z_95): number | null {
  if (!(n > 0)) return null;
  const promoterShare = promoters / n;
  const detractorShare = detractors / n;
  const variance = promoterShare + detractorShare - (promoterShare - detractorShare) ** 2;
  return z * Math.sqrt(Math.max(0, variance) / n) * 100;
}

/** Normal-approximation margin of error of a mean from its histogram (needs n ≥ 2). */
export function meanMarginOfError(entries: readonly HistogramEntry[], z: number = Z_95): number | null {
  const { n, standardDeviation } = describeEntries(entries);
  if (standardDeviation === null) return null;
  return (z * standardDeviation) / Math.sqrt(n);
}
