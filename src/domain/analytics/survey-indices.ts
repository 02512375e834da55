/**
 * Survey-level satisfaction analytics from merged sufficient statistics: the PLS/ACSI estimate,
 * construct indices, driver priorities, single-question KPIs and guard-rail warnings. Pure: the
 * route loads and merges the day buckets, this turns them into what the dashboard shows.
 */
import type { SurveyDefinition } from "../survey/definition";
import { deriveStructuralModel } from "../survey/structural-model";
import { findMetricItems, scaleBounds } from "../survey/numeric";
import { summarizeItem, type ItemMoments } from "../stats/item-moments";
import {
  analyzeDrivers,
  compilePlsModel,
  computeAcsiIndices,
  estimatePlsFromMoments,
  minimumSampleSizeTenTimesRule,
  type AcsiIndexResult,
  type DriverAnalysis,
  type InnerWeightingScheme,
  type PlsEstimate,
  type PlsModelSpec,
  type PlsWarning,
} from "../pls";
import { indexFromWeights } from "../pls/acsi-index";
import { computeCes, computeCsat, computeNps } from "../metrics/scores";
import { computeSatisfactionLevels } from "../metrics/satisfaction";
import { computeComplaintRate } from "../metrics/loyalty";
import type { ValueHistogram } from "../metrics/histogram";

export type AnalyticsWarning = { code: string; severity: "warning" | "notice"; message: string };

/** Below this many completed responses no model is estimated: correlations of 2-3 rows are noise. */
export const MINIMUM_RESPONSES_FOR_ESTIMATION = 10;

export type IndexModel = {
  spec: PlsModelSpec;
  /** The satisfaction construct (ACSI) and the loyalty construct, when present. */
  target: string | null;
  loyalty: string | null;
  drivers: string[];
};

/** The structural model of a survey from its construct tags (ACSI, plus image for ECSI). */
export function indexModelFor(definition: SurveyDefinition): IndexModel {
  const structural = deriveStructuralModel(definition);
  const spec: PlsModelSpec = { constructs: structural.constructs, paths: structural.paths };
  const has = (c: string) => c in structural.constructs;
  const drivers = ["image", "expectations", "perceived_quality", "perceived_value"].filter(has);
  return { spec, target: has("satisfaction") ? "satisfaction" : null, loyalty: has("loyalty") ? "loyalty" : null, drivers };
}

export type SurveyIndices = {
  n: number;
  acsi: number | null;
  estimate: PlsEstimate | null;
  indices: AcsiIndexResult | null;
  drivers: ReturnType<typeof analyzeDrivers> | null;
  metrics: SurveyMetrics;
  warnings: AnalyticsWarning[];
};

export type SurveyMetrics = {
  nps: { score: number; promoters: number; passives: number; detractors: number; n: number } | null;
  csat: { topTwoShare: number; mean: number; n: number } | null;
  ces: { mean: number; agreeShare: number; n: number } | null;
  satisfactionLevels: { counts: number[]; dissatisfied: number; neutral: number; satisfied: number; n: number } | null;
  complaintRate: { rate: number; complained: number; n: number } | null;
  loyalty: { repurchaseMean: number | null; priceToleranceIncreaseMean: number | null; priceToleranceDecreaseMean: number | null } | null;
};

function histogramOf(moments: ItemMoments, itemId: string | undefined): ValueHistogram | null {
  if (!itemId || !moments.itemIds.includes(itemId)) return null;
  return summarizeItem(moments, itemId).valueCounts;
}

function meanOf(moments: ItemMoments, itemId: string | undefined): number | null {
  if (!itemId || !moments.itemIds.includes(itemId)) return null;
  const s = summarizeItem(moments, itemId);
  return s.count > 0 ? s.sum / s.count : null;
}

/** Single-question KPIs from the item histograms (first item of each metric role). */
export function computeSurveyMetrics(definition: SurveyDefinition, moments: ItemMoments): SurveyMetrics {
  const roles = findMetricItems(definition);
  const first = (role: keyof typeof roles) => roles[role]?.[0];

  const npsHistogram = histogramOf(moments, first("nps"));
  const nps = npsHistogram ? computeNps(npsHistogram) : null;
  const csatHistogram = histogramOf(moments, first("csat"));
  const csat = csatHistogram ? computeCsat(csatHistogram) : null;
  const cesHistogram = histogramOf(moments, first("ces"));
  const ces = cesHistogram ? computeCes(cesHistogram) : null;
  const levelsHistogram = histogramOf(moments, first("satisfaction_level"));
  const levels = levelsHistogram ? computeSatisfactionLevels(levelsHistogram) : null;
  const complaintHistogram = histogramOf(moments, first("complaint"));
  const complaint = complaintHistogram ? computeComplaintRate(complaintHistogram) : null;
  const repurchase = meanOf(moments, first("repurchase"));
  const increase = meanOf(moments, first("price_tolerance_increase"));
  const decrease = meanOf(moments, first("price_tolerance_decrease"));

  return {
    nps: nps && nps.score !== null ? { score: nps.score, promoters: nps.promoters, passives: nps.passives, detractors: nps.detractors, n: nps.n } : null,
    csat: csat && csat.topTwoBoxShare !== null && csat.mean !== null ? { topTwoShare: csat.topTwoBoxShare, mean: csat.mean, n: csat.n } : null,
    ces: ces && ces.mean !== null && ces.agreeShare !== null ? { mean: ces.mean, agreeShare: ces.agreeShare, n: ces.n } : null,
    satisfactionLevels:
      levels && levels.n > 0
        ? {
            counts: ([1, 2, 3, 4, 5] as const).map((v) => levels.levels[v].count),
            dissatisfied: levels.rollUp.dissatisfied.count,
            neutral: levels.rollUp.neutral.count,
            satisfied: levels.rollUp.satisfied.count,
            n: levels.n,
          }
        : null,
    complaintRate: complaint && complaint.share !== null ? { rate: complaint.share, complained: complaint.yes, n: complaint.n } : null,
    loyalty: repurchase !== null || increase !== null || decrease !== null ? { repurchaseMean: repurchase, priceToleranceIncreaseMean: increase, priceToleranceDecreaseMean: decrease } : null,
  };
}

function toWarnings(warnings: readonly PlsWarning[]): AnalyticsWarning[] {
  return warnings.map((w) => ({ code: w.code, severity: w.severity, message: w.message }));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Estimates the model from merged moments. Too few responses, a construct without answers or a
 * singular correlation matrix give a result without an estimate and a warning saying why, never
 * an exception: the dashboard must still show counts and KPIs.
 */
export function computeSurveyIndices(
  definition: SurveyDefinition,
  moments: ItemMoments,
  options: { scheme?: InnerWeightingScheme } = {},
): SurveyIndices {
  const model = indexModelFor(definition);
  const metrics = computeSurveyMetrics(definition, moments);
  const n = moments.rowCount;
  const warnings: AnalyticsWarning[] = [];
  const empty = { n, acsi: null, estimate: null, indices: null, drivers: null, metrics };
  if (Object.keys(model.spec.constructs).length === 0 || model.spec.paths.length === 0) {
    return { ...empty, warnings: [{ code: "NO_STRUCTURAL_MODEL", severity: "notice", message: "This survey has no construct-tagged items forming a structural model, so no satisfaction index is estimated." }] };
  }
  const compiled = compilePlsModel(model.spec);
  const tenTimes = minimumSampleSizeTenTimesRule(compiled);
  if (n < MINIMUM_RESPONSES_FOR_ESTIMATION) {
    return {
      ...empty,
      warnings: [
        {
          code: "SAMPLE_TOO_SMALL",
          severity: "warning",
          message: `Only ${n} completed responses in this selection; at least ${Math.max(MINIMUM_RESPONSES_FOR_ESTIMATION, tenTimes)} are needed to estimate the model (10-times rule: 10 × the largest number of arrows pointing at a construct = ${tenTimes}).`,
        },
      ],
    };
  }
  let estimate: PlsEstimate;
  try {
    estimate = estimatePlsFromMoments(compiled, moments, { scheme: options.scheme ?? "path" });
  } catch (error) {
    return {
      ...empty,
      warnings: [{ code: "ESTIMATION_FAILED", severity: "warning", message: `The model could not be estimated for this selection: ${messageOf(error)}` }],
    };
  }
  let indices: AcsiIndexResult;
  try {
    indices = computeAcsiIndices(estimate, { itemScales: scaleBounds(definition) });
  } catch (error) {
    return {
      ...empty,
      warnings: [...toWarnings(estimate.warnings), { code: "ESTIMATION_FAILED", severity: "warning", message: `The indices could not be computed for this selection: ${messageOf(error)}` }],
    };
  }
  warnings.push(...toWarnings(estimate.warnings), ...toWarnings(indices.warnings));
  // IPMA rescales a driver's outer weights; a selection where they do not sum to a positive value has
  // no priority map, but its indices and KPIs still stand (the dashboard must never answer 500).
  let drivers: DriverAnalysis | null = null;
  if (model.target && model.drivers.length > 0) {
    try {
      drivers = analyzeDrivers(estimate, indices, { target: model.target, loyalty: model.loyalty ?? undefined, drivers: model.drivers });
      warnings.push(...toWarnings(drivers.warnings));
    } catch (error) {
      warnings.push({ code: "DRIVERS_NOT_COMPUTABLE", severity: "warning", message: `The driver priorities could not be computed for this selection: ${messageOf(error)}` });
    }
  }
  return {
    n,
    acsi: model.target ? (indices.indices[model.target]?.index ?? null) : null,
    estimate,
    indices,
    drivers,
    metrics,
    warnings,
  };
}

/**
 * Indices of a sub-selection (a week, a segment) with the weights of the overall estimate applied
 * to that selection's item means: the ACSI practice of fixed weights keeps small periods from
 * swinging on re-estimated weights and makes periods and segments comparable.
 */
export function indicesWithFixedWeights(indices: AcsiIndexResult, moments: ItemMoments): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [construct, entry] of Object.entries(indices.indices)) {
    const means = entry.items.map((item) => meanOf(moments, item));
    if (means.some((m) => m === null)) {
      out[construct] = null;
      continue;
    }
    out[construct] = indexFromWeights(
      entry.items.map((item) => entry.normalizedWeights[item]!),
      means as number[],
      entry.items.map((item) => entry.itemScales[item]!),
    );
  }
  return out;
}
