/**
 * Options and result types of the PLS path-modeling engine (one place for the app to import from).
 */
import type { MissingDataTreatment } from "../stats/item-moments";
import type { MeasurementMode } from "./model";
import type { PlsWarning } from "./warnings";

/** Inner weighting scheme (Lohmöller 1989). seminr/cSEM default to path, plspm to centroid. */
export type InnerWeightingScheme = "path" | "centroid" | "factorial";

/**
 * Stopping rule over all outer weights between two updates:
 * - sum_abs: Σ|w_new − w_old| (seminr)
 * - max_abs: max|w_new − w_old|
 * - sumsq_absdiff: Σ(|w_old| − |w_new|)² (plspm's form)
 * - max_rel: max|w_new − w_old| / |w_new| (semPLS "relative")
 */
export type ConvergenceCriterion = "sum_abs" | "max_abs" | "sumsq_absdiff" | "max_rel";

/**
 * standardized: items are z-scored (SD divisor n − 1), the usual PLS-SEM setting (seminr,
 * SmartPLS, plspm scaled = TRUE). centered: items are only centred, so outer weights work on the
 * raw scale (plspm scaled = FALSE); weights are then unstandardized.
 */
export type ItemScaling = "standardized" | "centered";

export interface PlsEstimationOptions {
  /** Default "path". */
  scheme?: InnerWeightingScheme;
  /** Default 1e-7 (seminr's stopCriterion = 7). */
  tolerance?: number;
  /** Default 300 (seminr's maxIt). */
  maxIterations?: number;
  /** Default "sum_abs". */
  convergenceCriterion?: ConvergenceCriterion;
  /** Default "standardized". */
  itemScaling?: ItemScaling;
  /** How moments with missing answers become correlations. Default "mean-replacement". */
  missing?: MissingDataTreatment;
}

export type ResolvedPlsOptions = Required<PlsEstimationOptions>;

/** One directed effect between constructs. */
export interface ConstructEffect {
  from: string;
  to: string;
  value: number;
}

export interface ConstructReliability {
  /** Average variance extracted: mean squared loading. */
  ave: number;
  /** Composite reliability (Dillon–Goldstein ρ). */
  rhoC: number;
  /** Cronbach's alpha on the item correlation matrix (standardized). */
  alpha: number;
  /** Cronbach's alpha on the item covariance matrix; null when item SDs are unknown. */
  alphaRaw: number | null;
  /** Dijkstra–Henseler ρ_A. */
  rhoA: number;
}

export interface FornellLarckerCheck {
  sqrtAve: number;
  /** Largest absolute correlation with another construct. */
  maxCorrelation: number;
  satisfied: boolean;
}

/** Item → value for one construct; outer maps are keyed by construct. */
export type WeightsByConstruct = Record<string, Record<string, number>>;

/** Results that follow from the item correlation matrix (plus n, and means/SDs when known). */
export interface PlsEstimate {
  n: number;
  scheme: InnerWeightingScheme;
  itemScaling: ItemScaling;
  /** Missing-data treatment behind the correlations; null when a correlation matrix was supplied directly. */
  missing: MissingDataTreatment | null;
  converged: boolean;
  /** Outer-weight updates performed; the update that met the criterion counts (first update = 1). */
  iterations: number;
  tolerance: number;
  convergenceCriterion: ConvergenceCriterion;
  constructs: string[];
  /** Model items in block order. */
  items: string[];
  modes: Record<string, MeasurementMode>;
  /** Outer weights on the estimation scale; construct scores have sample variance 1. */
  outerWeights: WeightsByConstruct;
  /** Outer weights for standardized items (equal to outerWeights unless itemScaling = centered). */
  standardizedOuterWeights: WeightsByConstruct;
  /** Correlation of each item with its own construct. */
  outerLoadings: WeightsByConstruct;
  /** item → construct → correlation of the item with the construct score. */
  crossLoadings: Record<string, Record<string, number>>;
  pathCoefficients: ConstructEffect[];
  /** Direct + indirect effects for every pair joined by a directed route. */
  totalEffects: ConstructEffect[];
  /** Endogenous constructs only. */
  rSquared: Record<string, number>;
  rSquaredAdjusted: Record<string, number>;
  constructCorrelations: Record<string, Record<string, number>>;
  reliability: Record<string, ConstructReliability>;
  /** Heterotrait–monotrait ratio, symmetric, diagonal omitted. */
  htmt: Record<string, Record<string, number>>;
  fornellLarcker: Record<string, FornellLarckerCheck>;
  /** Tenenhaus GoF; null without endogenous constructs or multi-item blocks. */
  goodnessOfFit: number | null;
  /** Item means and SDs (n − 1) when the input carried them (rows or moments). */
  itemMeans: Record<string, number> | null;
  itemSds: Record<string, number> | null;
  warnings: PlsWarning[];
}

/** Estimate from raw rows: adds the construct scores of every respondent. */
export interface PlsPathResult extends PlsEstimate {
  /** rows × constructs (in `constructs` order), standardized; missing answers count as the item mean. */
  constructScores: number[][];
}
