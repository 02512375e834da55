/**
 * The seed's loyalty model computed from stored loyalty statistics (./stats.ts), never from rows:
 *
 * - loyalty composite L = A × S × P (seeds digest C3, 001 L35–36; the operators are lost in the
 *   seed, which shows only spaces between 吸引力 滿意度 參與度 — digest §4 gap 5 — and are read as
 *   multiplication), each component on 0–1;
 * - delight = perception ≥ expectation + 1 (C3 "欣喜 = 期望 + 1") beside C = b/a (A5);
 * - the satisfaction–loyalty chart (A7, 001 L35) with the seed's zones 敵視 hostility /
 *   無所謂 indifference / 忠誠 loyalty;
 * - the three-group comparison and the coverage check for former and potential customers
 *   (A13 pitfall 5 "未能測量潛在的和曾經的顧客"; C5 loyalty "also analyses the reasons for defection").
 */
import { safeRatio, type MeanAccumulator } from "../metrics/histogram";
import { wilsonInterval, type Interval } from "../metrics/intervals";
import { computeSatisfactionRatios, type RatioVerdict } from "../metrics/satisfaction";
import {
  RESPONDENT_STATUSES,
  SATISFACTION_LEVEL_COUNT,
  type ItemSum,
  type LoyaltyStats,
  type RespondentStatus,
  type ScaledItem,
  type StatusGroupStats,
} from "./stats";

// ---------------------------------------------------------------------------------------------
// Loyalty composite

/** Answer mean of an item rescaled to 0–1: (mean − min)/(max − min). Null when nobody answered. */
export function scaledMean(sums: ItemSum | undefined, item: ScaledItem): number | null {
  if (!sums || sums.count <= 0 || item.max <= item.min) return null;
  return (sums.sum / sums.count - item.min) / (item.max - item.min);
}

export type ScaledItemResult = { itemId: string; n: number; mean: number | null; scaled: number | null };

function averageOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : present.reduce((sum, value) => sum + value, 0) / present.length;
}

function scaledItems(group: StatusGroupStats, items: readonly ScaledItem[]): ScaledItemResult[] {
  return items.map((item) => {
    const sums = group.items[item.id];
    const n = sums?.count ?? 0;
    return { itemId: item.id, n, mean: n > 0 ? sums!.sum / n : null, scaled: scaledMean(sums, item) };
  });
}

/** Which items of a survey play which part of the composite (see ./spec.ts). */
export type LoyaltyModelItems = {
  /** Used only when no satisfaction index is given: equal-weight rescaled mean of these. */
  satisfactionItems: ScaledItem[];
  /** "Would choose us again", "interested in what we do" (C3: attraction = genuine interest). */
  attractionItems: ScaledItem[];
  /** Stated willingness to take part: give feedback, test new products, join discussions. */
  willingnessItems: ScaledItem[];
  /** Yes/no "join our customer panel" items (0/1). */
  panelOptInItems: ScaledItem[];
};

/** What customers did with the organisation's channels, counted outside the survey answers. */
export type ParticipationBehaviour = {
  /** Personal invitations sent in the selection, and how many of them were completed. */
  invitations?: { sent: number; completed: number } | null;
  /** Complaints customers raised in the selection, and how many they followed through to closure. */
  complaints?: { raised: number; followedThrough: number } | null;
};

export type RateIndicator = { value: number | null; numerator: number; denominator: number };

export type ParticipationIndicators = {
  /** Completed / sent personal invitations. */
  responseRate: RateIndicator | null;
  /** Respondents who wrote an answer to an open question / respondents shown one. */
  openAnswers: RateIndicator | null;
  /** Share answering yes to the panel opt-in item(s). */
  panelOptIn: RateIndicator | null;
  /** Complaints followed through to closure / complaints raised. */
  complaintFollowThrough: RateIndicator | null;
  /** Rescaled mean (0–1) of the stated-willingness items. */
  statedWillingness: { value: number | null; items: ScaledItemResult[] } | null;
};

export type LoyaltyComponentName = "attraction" | "satisfaction" | "participation";

export type SatisfactionSource = "acsi_index" | "item_means";

export type LoyaltyComposite = {
  /** A × S × P on 0–1; null when a component has no data (`missing` says which). */
  value: number | null;
  components: {
    attraction: { value: number | null; items: ScaledItemResult[] };
    satisfaction: { value: number | null; source: SatisfactionSource | null; items: ScaledItemResult[] };
    participation: { value: number | null; indicators: ParticipationIndicators };
  };
  /** The lowest component: where a low composite comes from. Null unless all three are known. */
  weakest: LoyaltyComponentName | null;
  missing: LoyaltyComponentName[];
  n: number;
};

function rate(numerator: number, denominator: number): RateIndicator | null {
  if (!(denominator > 0)) return null;
  return { value: safeRatio(numerator, denominator), numerator, denominator };
}

function participationIndicators(group: StatusGroupStats, items: LoyaltyModelItems, behaviour: ParticipationBehaviour): ParticipationIndicators {
  let yes = 0;
  let answeredOptIn = 0;
  for (const item of items.panelOptInItems) {
    const sums = group.items[item.id];
    if (!sums) continue;
    yes += sums.sum;
    answeredOptIn += sums.count;
  }
  const willingness = scaledItems(group, items.willingnessItems);
  const invitations = behaviour.invitations ?? null;
  const complaints = behaviour.complaints ?? null;
  return {
    responseRate: invitations ? rate(invitations.completed, invitations.sent) : null,
    openAnswers: rate(group.openAnswered, group.openOffered),
    panelOptIn: rate(yes, answeredOptIn),
    complaintFollowThrough: complaints ? rate(complaints.followedThrough, complaints.raised) : null,
    statedWillingness: items.willingnessItems.length > 0 ? { value: averageOf(willingness.map((w) => w.scaled)), items: willingness } : null,
  };
}

/**
 * Loyalty = attraction × satisfaction × participation (C3), each on 0–1:
 * - A = mean over attraction items of (item mean − min)/(max − min);
 * - S = the satisfaction index / 100 when given (the ACSI construct index, PLS weights), else the
 *   same rescaled mean over the satisfaction items (`source` says which);
 * - P = mean of the participation indicators that have data: invitation response rate, share of
 *   open questions answered, panel opt-in share, complaint follow-through, stated willingness.
 * It is a product of the group's component levels (a read of aggregates), not a mean of
 * per-respondent products: behaviour such as the response rate exists only for the group. A
 * component without data leaves the composite null rather than silently dropping a factor.
 */
export function computeLoyaltyComposite(
  group: StatusGroupStats,
  items: LoyaltyModelItems,
  options: { satisfactionIndex?: number | null; behaviour?: ParticipationBehaviour } = {},
): LoyaltyComposite {
  const attractionItems = scaledItems(group, items.attractionItems);
  const attraction = averageOf(attractionItems.map((item) => item.scaled));
  const satisfactionItems = scaledItems(group, items.satisfactionItems);
  const index = options.satisfactionIndex;
  const fromIndex = typeof index === "number" && Number.isFinite(index);
  const satisfaction = fromIndex ? Math.min(1, Math.max(0, index / 100)) : averageOf(satisfactionItems.map((item) => item.scaled));
  const indicators = participationIndicators(group, items, options.behaviour ?? {});
  const participation = averageOf([
    indicators.responseRate?.value ?? null,
    indicators.openAnswers?.value ?? null,
    indicators.panelOptIn?.value ?? null,
    indicators.complaintFollowThrough?.value ?? null,
    indicators.statedWillingness?.value ?? null,
  ]);
  const values: Record<LoyaltyComponentName, number | null> = { attraction, satisfaction, participation };
  const missing = (Object.keys(values) as LoyaltyComponentName[]).filter((name) => values[name] === null);
  let weakest: LoyaltyComponentName | null = null;
  if (missing.length === 0) {
    for (const name of ["attraction", "satisfaction", "participation"] as const) {
      if (weakest === null || values[name]! < values[weakest]!) weakest = name;
    }
  }
  return {
    value: missing.length === 0 ? attraction! * satisfaction! * participation! : null,
    components: {
      attraction: { value: attraction, items: attractionItems },
      satisfaction: { value: satisfaction, source: fromIndex ? "acsi_index" : satisfaction === null ? null : "item_means", items: satisfactionItems },
      participation: { value: participation, indicators },
    },
    weakest,
    missing,
    n: group.rows,
  };
}

// ---------------------------------------------------------------------------------------------
// Delight

export type DelightPairResult = {
  pairKey: string;
  expectationItemId: string;
  perceptionItemId: string;
  /** Respondents answering both items, and those with perception ≥ expectation + 1. */
  answered: number;
  delighted: number;
  share: number | null;
  interval95: Interval | null;
  expectationMean: number | null;
  perceptionMean: number | null;
  /** C = b/a from the two item means (A5). */
  ratio: number | null;
  verdict: RatioVerdict | null;
};

export type DelightResult = {
  pairs: DelightPairResult[];
  overall: {
    /** Respondents with at least one complete pair; delighted: mean perception ≥ mean expectation + 1 over their pairs. */
    answered: number;
    delighted: number;
    share: number | null;
    interval95: Interval | null;
    /** Overall C = b/a (mean of perception means over mean of expectation means). */
    ratio: number | null;
    verdict: RatioVerdict | null;
  };
};

const accumulator = (sums: ItemSum | undefined): MeanAccumulator => ({ sum: sums?.sum ?? 0, count: sums?.count ?? 0 });

/**
 * Delight (C3 "欣喜 = 期望 + 1"): per expectation/perception pair, the share of respondents whose
 * perception is at least one scale point above their own expectation; overall, the share whose
 * mean perception over their answered pairs is at least one point above their mean expectation.
 * C = b/a (A5) is reported beside it: C is a ratio of group means and can exceed 1 while few
 * individuals are delighted, which is why both are shown.
 */
export function computeDelight(group: StatusGroupStats, pairs: readonly { key: string; expectationItemId: string; perceptionItemId: string }[]): DelightResult {
  const ratios = computeSatisfactionRatios(
    pairs.map((pair) => ({ pairKey: pair.key, expectation: accumulator(group.items[pair.expectationItemId]), perception: accumulator(group.items[pair.perceptionItemId]) })),
  );
  return {
    pairs: pairs.map((pair, k) => {
      const counts = group.pairs[pair.key] ?? { answered: 0, delighted: 0 };
      const ratio = ratios.pairs[k]!;
      return {
        pairKey: pair.key,
        expectationItemId: pair.expectationItemId,
        perceptionItemId: pair.perceptionItemId,
        answered: counts.answered,
        delighted: counts.delighted,
        share: safeRatio(counts.delighted, counts.answered),
        interval95: wilsonInterval(counts.delighted, counts.answered),
        expectationMean: ratio.expectationMean,
        perceptionMean: ratio.perceptionMean,
        ratio: ratio.ratio,
        verdict: ratio.verdict,
      };
    }),
    overall: {
      answered: group.delightOverall.answered,
      delighted: group.delightOverall.delighted,
      share: safeRatio(group.delightOverall.delighted, group.delightOverall.answered),
      interval95: wilsonInterval(group.delightOverall.delighted, group.delightOverall.answered),
      ratio: ratios.overall.ratio,
      verdict: ratios.overall.verdict,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Satisfaction–loyalty chart

export type LoyaltyZone = "hostility" | "indifference" | "loyalty";

/**
 * The seed's chart labels the satisfaction axis 不滿意 / 無所謂 / 滿意 and the loyalty zones 敵視 /
 * 忠誠 (A7). Levels 1–2 (dissatisfied) are the hostility zone, 3 (indifferent) the indifference
 * zone, 4–5 (satisfied) the loyalty zone — the same 1–2 / 3 / 4–5 split as the five-level table's
 * emotional boundary (A6: complaint and counter-publicity below, recommendation above).
 */
export const LOYALTY_ZONES: { zone: LoyaltyZone; levels: number[] }[] = [
  { zone: "hostility", levels: [1, 2] },
  { zone: "indifference", levels: [3] },
  { zone: "loyalty", levels: [4, 5] },
];

export function zoneOfLevel(level: number): LoyaltyZone {
  return LOYALTY_ZONES.find((zone) => zone.levels.includes(level))!.zone;
}

export type ShareCell = { n: number; high: number; share: number | null; interval95: Interval | null };

export type SatisfactionLoyaltyChart = {
  /** Per satisfaction level 1..5: respondents who answered an intent item, and those with high intent. */
  levels: (ShareCell & { level: number; zone: LoyaltyZone; unanswered: number })[];
  zones: (ShareCell & { zone: LoyaltyZone; levels: number[] })[];
  /** Respondents on the chart (a satisfaction level and an intent answer). */
  n: number;
};

function shareCell(high: number, n: number): ShareCell {
  return { n, high, share: safeRatio(high, n), interval95: wilsonInterval(high, n) };
}

/**
 * For each of the five satisfaction levels, the share of respondents with high repurchase or
 * recommendation intent (top two points of any intent item; A7's suggestion), and the same per
 * zone. Respondents who answered no intent item are counted (`unanswered`) but not in the shares.
 */
export function computeSatisfactionLoyaltyChart(group: StatusGroupStats): SatisfactionLoyaltyChart {
  const levels = group.satisfactionIntent.slice(0, SATISFACTION_LEVEL_COUNT).map((cell, index) => ({
    level: index + 1,
    zone: zoneOfLevel(index + 1),
    unanswered: cell.unanswered,
    ...shareCell(cell.high, cell.high + cell.notHigh),
  }));
  const zones = LOYALTY_ZONES.map(({ zone, levels: members }) => {
    const cells = members.map((level) => group.satisfactionIntent[level - 1]!);
    const high = cells.reduce((sum, cell) => sum + cell.high, 0);
    const n = cells.reduce((sum, cell) => sum + cell.high + cell.notHigh, 0);
    return { zone, levels: members, ...shareCell(high, n) };
  });
  return { levels, zones, n: levels.reduce((sum, level) => sum + level.n, 0) };
}

// ---------------------------------------------------------------------------------------------
// Coded answers (e.g. the win-back survey's defection reasons)

export type CodedAnswerResult = {
  itemId: string;
  /** Respondents who answered the question. */
  answered: number;
  /** Per option: respondents choosing it and their share of those who answered (multiple choice: shares add up to more than 1). */
  options: { optionId: string; count: number; share: number | null }[];
};

/** Option counts and shares of the coded questions, from the stored counts (C5: reasons for defection). */
export function computeCodedAnswers(group: StatusGroupStats, choices: readonly { id: string; optionIds: readonly string[] }[]): CodedAnswerResult[] {
  return choices.map((choice) => {
    const counts = group.choices[choice.id] ?? { answered: 0, options: {} };
    return {
      itemId: choice.id,
      answered: counts.answered,
      options: choice.optionIds.map((optionId) => {
        const count = counts.options[optionId] ?? 0;
        return { optionId, count, share: safeRatio(count, counts.answered) };
      }),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Customers who left, and those who have not come yet

/**
 * Responses a status group needs before its figures are shown and before the measurement-plan
 * warning clears. With 30 respondents a share's 95 % interval is at most ±18 points (Wilson,
 * share 0.5) — coarse, but enough to tell groups apart when they differ as much as lost and
 * current customers usually do; fewer is anecdote (A4: satisfaction is meaningful only in aggregate).
 */
export const MINIMUM_GROUP_RESPONSES = 30;

export type CoverageWarning = { code: "FORMER_OR_POTENTIAL_NOT_MEASURED"; severity: "warning"; message: string; groups: RespondentStatus[] };

export type StatusCoverage = {
  counts: Record<RespondentStatus, number>;
  unspecified: number;
  minimum: number;
  /** Former and potential customers each with at least `minimum` responses. */
  sufficient: boolean;
  warning: CoverageWarning | null;
};

/**
 * A13 pitfall 5: "未能測量潛在的和曾經的顧客" (failure to measure potential and former customers).
 * The warning stays until former AND potential customers each have `minimum` responses in the
 * selection — a plan that merely says it includes them does not clear it.
 */
export function statusCoverage(stats: LoyaltyStats, minimum: number = MINIMUM_GROUP_RESPONSES): StatusCoverage {
  const counts = Object.fromEntries(RESPONDENT_STATUSES.map((status) => [status, stats.groups[status].rows])) as Record<RespondentStatus, number>;
  const short = (["former", "potential"] as const).filter((status) => counts[status] < minimum);
  return {
    counts,
    unspecified: stats.groups.unspecified.rows,
    minimum,
    sufficient: short.length === 0,
    warning:
      short.length === 0
        ? null
        : {
            code: "FORMER_OR_POTENTIAL_NOT_MEASURED",
            severity: "warning",
            message: `Measurement pitfall 5: ${short.map((s) => `${s} customers (${counts[s]} responses)`).join(" and ")} are below ${minimum} responses; results describe current customers only.`,
            groups: short,
          },
  };
}
