/**
 * Single-question KPIs: NPS, CSAT and CES (definitions in peers-and-methods §B; the cut-offs
 * match Formbricks' surveySummary.ts so numbers agree with what customers see elsewhere).
 */
import { countWhere, describeEntries, safeRatio, scaleEntries, totalCount, type ValueHistogram } from "./histogram";
import { npsMarginOfError, wilsonInterval, type Interval } from "./intervals";

export type NpsSummary = {
  /** Valid 0-10 answers. */
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  promoterShare: number | null;
  passiveShare: number | null;
  detractorShare: number | null;
  /** %promoters − %detractors, in points from −100 to 100; null without answers. */
  score: number | null;
  /** 95% margin of error of the score, in points. */
  marginOfError95: number | null;
  /** Answers outside 0-10 or non-integer, left out of every figure. */
  excluded: number;
};

/** NPS from a 0-10 histogram: promoters 9-10, passives 7-8, detractors 0-6. */
export function computeNps(histogram: ValueHistogram): NpsSummary {
  const { entries, excluded } = scaleEntries(histogram, { min: 0, max: 10 });
  const n = totalCount(entries);
  const promoters = countWhere(entries, (value) => value >= 9);
  const passives = countWhere(entries, (value) => value >= 7 && value <= 8);
  const detractors = countWhere(entries, (value) => value <= 6);
  const promoterShare = safeRatio(promoters, n);
  const detractorShare = safeRatio(detractors, n);
  return {
    n,
    promoters,
    passives,
    detractors,
    promoterShare,
    passiveShare: safeRatio(passives, n),
    detractorShare,
    score: promoterShare === null || detractorShare === null ? null : (promoterShare - detractorShare) * 100,
    marginOfError95: npsMarginOfError(promoters, detractors, n),
    excluded,
  };
}

export type CsatSummary = {
  n: number;
  /** Answers of 4 or 5. */
  satisfied: number;
  /** CSAT proper: share of top-2 boxes (4-5 of 1-5). */
  topTwoBoxShare: number | null;
  topTwoBoxInterval95: Interval | null;
  mean: number | null;
  excluded: number;
};

/** CSAT from a 1-5 histogram (rating or the five-level satisfaction scale). */
export function computeCsat(histogram: ValueHistogram): CsatSummary {
  const { entries, excluded } = scaleEntries(histogram, { min: 1, max: 5 });
  const n = totalCount(entries);
  const satisfied = countWhere(entries, (value) => value >= 4);
  return {
    n,
    satisfied,
    topTwoBoxShare: safeRatio(satisfied, n),
    topTwoBoxInterval95: wilsonInterval(satisfied, n),
    mean: describeEntries(entries).mean,
    excluded,
  };
}

export type CesSummary = {
  n: number;
  mean: number | null;
  /** Answers 5-7 ("agree" that it was easy). */
  agree: number;
  agreeShare: number | null;
  agreeInterval95: Interval | null;
  excluded: number;
};

/** CES 2.0 from a 1-7 agreement histogram: mean and share agreeing (5-7). */
export function computeCes(histogram: ValueHistogram): CesSummary {
  const { entries, excluded } = scaleEntries(histogram, { min: 1, max: 7 });
  const n = totalCount(entries);
  const agree = countWhere(entries, (value) => value >= 5);
  return {
    n,
    mean: describeEntries(entries).mean,
    agree,
    agreeShare: safeRatio(agree, n),
    agreeInterval95: wilsonInterval(agree, n),
    excluded,
  };
}
