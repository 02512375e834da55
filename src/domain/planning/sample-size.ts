/**
 * Sample planning for an index and for NPS.
 *
 * Index (0–100, a mean of respondent indices): margin of error E = z·σ/√n, so the complete
 * responses needed are n = ⌈(z·σ / E)²⌉, with σ a prior SD of respondent indices or one measured
 * in a pilot (`respondentIndexSd` from stored moments).
 *
 * NPS, adjusted-Wald (Sauro & Lewis 2016, "Quantifying the User Experience", 2nd ed., ch. 5;
 * Rocks 2016): add 3/4 of a respondent to promoters and to detractors (n̂ = n + 3),
 *   p̂_P = (P + ¾)/n̂, p̂_D = (D + ¾)/n̂, NPŜ = p̂_P − p̂_D, Var = (p̂_P + p̂_D − NPŜ²)/n̂,
 *   interval NPŜ ± z·√Var; planning: n = ⌈z²(p_P + p_D − (p_P − p_D)²)/E² − 3⌉.
 *
 * The ACSI convention is about 250 completed interviews per company (Fornell et al. 1996,
 * "The American Customer Satisfaction Index", Journal of Marketing 60(4)); it is the default
 * target and is stated as a convention, not derived.
 */
import { Z_95 } from "../metrics/intervals";
import { inverseStandardNormal } from "../stats/random";

export const ACSI_CONVENTIONAL_SAMPLE_SIZE = 250;

export function zForConfidence(confidence = 0.95): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError("confidence must be in (0, 1)");
  return confidence === 0.95 ? Z_95 : inverseStandardNormal(1 - (1 - confidence) / 2);
}

export function indexMarginOfError(sd: number, n: number, confidence = 0.95): number | null {
  if (!(n > 0) || !(sd >= 0)) return null;
  return (zForConfidence(confidence) * sd) / Math.sqrt(n);
}

/** Complete responses needed so that the index's margin of error is at most `margin` points. */
export function indexSampleSize(sd: number, margin: number, confidence = 0.95): number {
  if (!(sd > 0)) throw new RangeError("the prior SD must be positive");
  if (!(margin > 0)) throw new RangeError("the target margin must be positive");
  return Math.ceil(((zForConfidence(confidence) * sd) / margin) ** 2 - 1e-9);
}

export interface NpsInterval {
  /** Adjusted NPS in points. */
  centre: number;
  lower: number;
  upper: number;
  margin: number;
}

export function npsAdjustedWaldInterval(promoters: number, detractors: number, n: number, confidence = 0.95): NpsInterval | null {
  if (!(n > 0) || promoters < 0 || detractors < 0 || promoters + detractors > n) return null;
  const adjustedN = n + 3;
  const promoterShare = (promoters + 0.75) / adjustedN;
  const detractorShare = (detractors + 0.75) / adjustedN;
  const centre = promoterShare - detractorShare;
  const margin = zForConfidence(confidence) * Math.sqrt((promoterShare + detractorShare - centre * centre) / adjustedN);
  return { centre: centre * 100, lower: Math.max(-1, centre - margin) * 100, upper: Math.min(1, centre + margin) * 100, margin: margin * 100 };
}

/**
 * Responses needed for an NPS margin of `margin` points. Expected shares (e.g. from a pilot or
 * last period) default to the worst case, half promoters and half detractors.
 */
export function npsSampleSize(margin: number, shares: { promoters: number; detractors: number } = { promoters: 0.5, detractors: 0.5 }, confidence = 0.95): number {
  if (!(margin > 0 && margin <= 200)) throw new RangeError("the target NPS margin must be in (0, 200] points");
  const { promoters, detractors } = shares;
  if (!(promoters >= 0 && detractors >= 0 && promoters + detractors <= 1)) throw new RangeError("shares must be in [0, 1] and sum to at most 1");
  const variance = promoters + detractors - (promoters - detractors) ** 2;
  const z = zForConfidence(confidence);
  return Math.max(1, Math.ceil((z * z * variance) / (margin / 100) ** 2 - 3 - 1e-9));
}

export interface SampleProgress {
  n: number;
  target: number;
  /** Current margin of error (points); null before any response. */
  marginNow: number | null;
  stillNeeded: number;
  /** Below the minimum, the index is hidden rather than shown with a misleading precision. */
  showIndex: boolean;
}

/** After fielding: where a segment stands against its planned n. */
export function indexSampleProgress(n: number, sd: number, target: number, minimumToShow: number, confidence = 0.95): SampleProgress {
  return {
    n,
    target,
    marginNow: indexMarginOfError(sd, n, confidence),
    stillNeeded: Math.max(0, target - n),
    showIndex: n >= minimumToShow,
  };
}
