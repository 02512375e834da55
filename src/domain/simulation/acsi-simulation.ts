/**
 * Demo data from a known ACSI structural model (Fornell et al. 1996): customer expectations,
 * perceived quality, perceived value, satisfaction, complaints, loyalty.
 *
 * Generation: standardized latent variables in causal order, η_j = Σ β_ij η_i + ζ_j with
 * Var(ζ_j) = 1 − Var(Σ β_ij η_i), so every construct has variance 1 and the β are the
 * standardized path coefficients. Each item x = λ·η + √(1 − λ²)·ε is standard normal; rating
 * items are then mapped to mean + sd·x, rounded and clipped to their scale, and a binary item is 1
 * when x exceeds the quantile that leaves `positiveShare` of respondents above it.
 */
import { compilePlsModel, type PlsModelSpec } from "../pls/model";
import { createNormalSampler, createSeededRandom, inverseStandardNormal } from "../stats/random";

export type SimulatedItemScale =
  | { kind: "rating"; min: number; max: number; mean: number; sd: number }
  | { kind: "binary"; positiveShare: number };

export interface SimulatedItem {
  id: string;
  /** Standardized loading λ in (0, 1]. */
  loading: number;
  scale: SimulatedItemScale;
}

export interface SimulatedConstruct {
  id: string;
  items: SimulatedItem[];
}

export interface GeneratingPath {
  from: string;
  to: string;
  /** Standardized path coefficient used to generate the latent variables. */
  coefficient: number;
}

export interface AcsiSimulationModel {
  constructs: SimulatedConstruct[];
  paths: GeneratingPath[];
}

const rating = (mean: number, sd = 1.8): SimulatedItemScale => ({ kind: "rating", min: 1, max: 10, mean, sd });

/**
 * The ACSI template: item ids are those of the app's ACSI survey template. Complaints is a
 * yes/no item (1 = complained), so Satisfaction → Complaints is negative.
 */
export const DEFAULT_ACSI_MODEL: AcsiSimulationModel = {
  constructs: [
    {
      id: "expectations",
      items: [
        { id: "ce_overall", loading: 0.86, scale: rating(7.9) },
        { id: "ce_custom", loading: 0.82, scale: rating(7.7) },
        { id: "ce_reliability", loading: 0.8, scale: rating(7.6) },
      ],
    },
    {
      id: "perceived_quality",
      items: [
        { id: "pq_overall", loading: 0.9, scale: rating(8.0) },
        { id: "pq_custom", loading: 0.85, scale: rating(7.8) },
        { id: "pq_reliability", loading: 0.84, scale: rating(7.7) },
      ],
    },
    {
      id: "perceived_value",
      items: [
        { id: "pv_price_given_quality", loading: 0.88, scale: rating(7.0, 2.0) },
        { id: "pv_quality_given_price", loading: 0.86, scale: rating(7.3, 1.9) },
      ],
    },
    {
      id: "satisfaction",
      items: [
        { id: "sat_overall", loading: 0.9, scale: rating(7.8) },
        { id: "sat_expectations", loading: 0.84, scale: rating(7.2) },
        { id: "sat_ideal", loading: 0.85, scale: rating(7.0) },
      ],
    },
    {
      id: "complaints",
      items: [{ id: "complained", loading: 0.9, scale: { kind: "binary", positiveShare: 0.15 } }],
    },
    {
      id: "loyalty",
      items: [
        { id: "loy_repurchase", loading: 0.88, scale: rating(7.6, 2.0) },
        { id: "loy_price_increase", loading: 0.8, scale: rating(6.2, 2.2) },
        { id: "loy_price_decrease", loading: 0.82, scale: rating(6.8, 2.1) },
      ],
    },
  ],
  paths: [
    { from: "expectations", to: "perceived_quality", coefficient: 0.55 },
    { from: "expectations", to: "perceived_value", coefficient: 0.15 },
    { from: "expectations", to: "satisfaction", coefficient: 0.1 },
    { from: "perceived_quality", to: "perceived_value", coefficient: 0.55 },
    { from: "perceived_quality", to: "satisfaction", coefficient: 0.5 },
    { from: "perceived_value", to: "satisfaction", coefficient: 0.3 },
    { from: "satisfaction", to: "complaints", coefficient: -0.4 },
    { from: "satisfaction", to: "loyalty", coefficient: 0.6 },
    { from: "complaints", to: "loyalty", coefficient: -0.15 },
  ],
};

/** The estimation spec (constructs → items, paths, all mode A) of a simulation model. */
export function toPlsModelSpec(model: AcsiSimulationModel): PlsModelSpec {
  return {
    constructs: Object.fromEntries(model.constructs.map((c) => [c.id, c.items.map((item) => item.id)])),
    paths: model.paths.map((path) => [path.from, path.to] as const),
    modes: Object.fromEntries(model.constructs.map((c) => [c.id, "A" as const])),
  };
}

/** The ACSI model as the app estimates it. */
export const ACSI_MODEL_SPEC: PlsModelSpec = toPlsModelSpec(DEFAULT_ACSI_MODEL);

/**
 * Latent correlation matrix Φ implied by the generating paths (construct order of the model),
 * plus each construct's residual variance. Throws if a construct's predictors would explain more
 * than all of its variance.
 */
export function impliedLatentCorrelations(model: AcsiSimulationModel): { correlation: number[][]; residualVariance: number[] } {
  const compiled = compilePlsModel(toPlsModelSpec(model));
  const J = compiled.constructs.length;
  const beta = compiled.constructs.map(() => new Array<number>(J).fill(0));
  for (const path of model.paths) {
    beta[compiled.constructs.indexOf(path.from)][compiled.constructs.indexOf(path.to)] = path.coefficient;
  }
  const phi = compiled.constructs.map(() => new Array<number>(J).fill(0));
  const residualVariance = new Array<number>(J).fill(1);
  const done: number[] = [];
  for (const j of compiled.topologicalOrder) {
    const predecessors = compiled.predecessors[j];
    for (const m of done) {
      const value = predecessors.reduce((sum, i) => sum + beta[i][j] * phi[i][m], 0);
      phi[j][m] = value;
      phi[m][j] = value;
    }
    let explained = 0;
    for (const i of predecessors) for (const k of predecessors) explained += beta[i][j] * beta[k][j] * phi[i][k];
    if (!(explained < 1)) {
      throw new RangeError(`construct ${compiled.constructs[j]}: paths explain ${explained.toFixed(3)} ≥ 1 of its variance`);
    }
    residualVariance[j] = 1 - explained;
    phi[j][j] = 1;
    done.push(j);
  }
  return { correlation: phi, residualVariance };
}

export interface SimulationOptions {
  n: number;
  seed: number;
  model?: AcsiSimulationModel;
  /** Default true. False returns the continuous item values (before rounding/dichotomizing). */
  discretize?: boolean;
}

export interface SimulatedResponses {
  /** Item ids in model order (construct by construct). */
  itemIds: string[];
  /** rows × items. */
  rows: number[][];
  constructs: string[];
  /** rows × constructs: the true standardized latent values. */
  latentScores: number[][];
}

export function simulateAcsiResponses(options: SimulationOptions): SimulatedResponses {
  const model = options.model ?? DEFAULT_ACSI_MODEL;
  const discretize = options.discretize ?? true;
  if (!Number.isInteger(options.n) || options.n < 0) throw new RangeError("n must be a non-negative integer");
  const compiled = compilePlsModel(toPlsModelSpec(model));
  const { residualVariance } = impliedLatentCorrelations(model);
  const J = compiled.constructs.length;
  const coefficients = compiled.predecessors.map((predecessors, j) =>
    predecessors.map((i) => model.paths.find((p) => p.from === compiled.constructs[i] && p.to === compiled.constructs[j])!.coefficient),
  );
  const residualSd = residualVariance.map(Math.sqrt);
  const items = model.constructs.flatMap((construct, j) => construct.items.map((item) => ({ ...item, construct: j })));
  for (const item of items) {
    if (!(item.loading > 0 && item.loading <= 1)) throw new RangeError(`item ${item.id}: loading must be in (0, 1]`);
  }
  const noiseSd = items.map((item) => Math.sqrt(1 - item.loading * item.loading));
  const thresholds = items.map((item) => (item.scale.kind === "binary" ? inverseStandardNormal(1 - item.scale.positiveShare) : 0));

  const normal = createNormalSampler(createSeededRandom(options.seed));
  const rows: number[][] = new Array(options.n);
  const latentScores: number[][] = new Array(options.n);
  for (let r = 0; r < options.n; r++) {
    const latent = new Array<number>(J).fill(0);
    for (const j of compiled.topologicalOrder) {
      let value = residualSd[j] * normal();
      compiled.predecessors[j].forEach((i, k) => (value += coefficients[j][k] * latent[i]));
      latent[j] = value;
    }
    const row = new Array<number>(items.length);
    for (let k = 0; k < items.length; k++) {
      const item = items[k];
      const x = item.loading * latent[item.construct] + noiseSd[k] * normal();
      const scale = item.scale;
      if (scale.kind === "binary") row[k] = discretize ? (x > thresholds[k] ? 1 : 0) : x;
      else {
        const continuous = scale.mean + scale.sd * x;
        row[k] = discretize ? Math.min(scale.max, Math.max(scale.min, Math.round(continuous))) : continuous;
      }
    }
    rows[r] = row;
    latentScores[r] = latent;
  }
  return { itemIds: items.map((item) => item.id), rows, constructs: [...compiled.constructs], latentScores };
}
