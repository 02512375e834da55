/**
 * The loyalty view of a selection (period × segment), assembled from merged statistics only: the
 * composite with its components, delight beside C = b/a, the satisfaction–loyalty chart, the ACSI
 * loyalty construct beside the composite, and the same per respondent status. Pure: the route
 * reads and merges the stored rows and the behaviour counts, this turns them into the answer.
 */
import { listAnswerSlots, type SurveyDefinition } from "../survey/definition";
import type { LocalizedText } from "../survey/localization";
import type { ItemMoments } from "../stats/item-moments";
import { computeSurveyIndices, type AnalyticsWarning } from "../analytics/survey-indices";
import { indexFromWeights } from "../pls/acsi-index";
import type { AcsiIndexResult } from "../pls";
import {
  computeCodedAnswers,
  computeDelight,
  computeLoyaltyComposite,
  computeSatisfactionLoyaltyChart,
  MINIMUM_GROUP_RESPONSES,
  statusCoverage,
  type CodedAnswerResult,
  type DelightResult,
  type LoyaltyComposite,
  type ParticipationBehaviour,
  type SatisfactionLoyaltyChart,
  type StatusCoverage,
} from "./formulas";
import { loyaltyModelFor } from "./spec";
import { STATUS_GROUP_KEYS, sumGroups, type LoyaltyStats, type StatusGroupKey, type StatusGroupStats } from "./stats";

export type LoyaltyGroupReport = {
  n: number;
  /** Fewer than MINIMUM_GROUP_RESPONSES responses: figures are shown but flagged as anecdotal. */
  belowMinimum: boolean;
  composite: LoyaltyComposite;
  /** The ACSI satisfaction and loyalty construct indices (0-100), weights of the whole selection. */
  satisfactionIndex: number | null;
  acsiLoyaltyIndex: number | null;
  delight: DelightResult;
  chart: SatisfactionLoyaltyChart;
  /** Option counts of the coded questions (e.g. why former customers left). */
  codedAnswers: CodedAnswerResult[];
};

/** Wording of a coded question and its options, for showing the counts. */
export type CodedQuestion = { itemId: string; label: LocalizedText; options: { optionId: string; label: LocalizedText }[] };

export type LoyaltyReport = {
  /** False when the survey has no loyalty-model tags (then everything else is empty). */
  available: boolean;
  statusFieldId: string | null;
  overall: LoyaltyGroupReport | null;
  groups: (LoyaltyGroupReport & { status: StatusGroupKey })[];
  codedQuestions: CodedQuestion[];
  coverage: StatusCoverage | null;
  warnings: AnalyticsWarning[];
};

export type BehaviourByStatus = Partial<Record<StatusGroupKey | "all", ParticipationBehaviour>>;

/** A construct's index for one group: the selection's weights applied to the group's item means. */
function fixedWeightIndex(indices: AcsiIndexResult | null, construct: string, group: StatusGroupStats): number | null {
  const entry = indices?.indices[construct];
  if (!entry) return null;
  const means = entry.items.map((item) => {
    const sums = group.items[item];
    return sums && sums.count > 0 ? sums.sum / sums.count : null;
  });
  if (means.some((mean) => mean === null)) return null;
  return indexFromWeights(
    entry.items.map((item) => entry.normalizedWeights[item]!),
    means as number[],
    entry.items.map((item) => entry.itemScales[item]!),
  );
}

export function computeLoyaltyReport(
  definition: SurveyDefinition,
  moments: ItemMoments,
  stats: LoyaltyStats,
  behaviour: BehaviourByStatus = {},
): LoyaltyReport {
  const model = loyaltyModelFor(definition);
  if (!model) {
    return {
      available: false,
      statusFieldId: null,
      overall: null,
      groups: [],
      codedQuestions: [],
      coverage: null,
      warnings: [{ code: "NO_LOYALTY_MODEL", severity: "notice", message: "This survey asks no attraction or participation items and names no expectation/perception pairs or respondent status, so the loyalty model is not computed. Start from the “ACSI + loyalty model” template or add its block." }],
    };
  }
  // One estimate for the whole selection; groups use its weights (fixed-weight practice, §4).
  const base = computeSurveyIndices(definition, moments);
  const indices = base.indices;
  const report = (group: StatusGroupStats, behaviourOf: ParticipationBehaviour | undefined): LoyaltyGroupReport => {
    const satisfactionIndex = fixedWeightIndex(indices, "satisfaction", group);
    return {
      n: group.rows,
      belowMinimum: group.rows < MINIMUM_GROUP_RESPONSES,
      composite: computeLoyaltyComposite(group, model.items, { satisfactionIndex, behaviour: behaviourOf }),
      satisfactionIndex,
      acsiLoyaltyIndex: fixedWeightIndex(indices, "loyalty", group),
      delight: computeDelight(group, model.stats.pairs),
      chart: computeSatisfactionLoyaltyChart(group),
      codedAnswers: computeCodedAnswers(group, model.stats.choices),
    };
  };
  const coded = new Set(model.stats.choices.map((choice) => choice.id));
  const codedQuestions: CodedQuestion[] = listAnswerSlots(definition).flatMap((slot) =>
    coded.has(slot.id) && (slot.item.type === "single_choice" || slot.item.type === "multiple_choice")
      ? [{ itemId: slot.id, label: slot.item.label, options: slot.item.options.map((option) => ({ optionId: option.id, label: option.label })) }]
      : [],
  );
  const coverage = statusCoverage(stats);
  const warnings: AnalyticsWarning[] = [];
  if (coverage.warning) warnings.push({ code: coverage.warning.code, severity: coverage.warning.severity, message: coverage.warning.message });
  if (!model.statusFieldId) {
    warnings.push({ code: "NO_RESPONDENT_STATUS", severity: "notice", message: "The survey has no respondent-status hidden field (segment custom:respondent_status), so current, former and potential customers cannot be told apart." });
  }
  return {
    available: true,
    statusFieldId: model.statusFieldId,
    overall: report(sumGroups(stats), behaviour.all),
    groups: STATUS_GROUP_KEYS.map((status) => ({ status, ...report(stats.groups[status], behaviour[status]) })),
    codedQuestions,
    coverage,
    warnings,
  };
}
