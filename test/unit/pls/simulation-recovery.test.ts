import { describe, expect, it } from "vitest";
import { compilePlsModel, estimatePlsPath } from "../../../src/domain/pls";
import {
  ACSI_MODEL_SPEC,
  DEFAULT_ACSI_MODEL,
  impliedLatentCorrelations,
  simulateAcsiResponses,
  toPlsModelSpec,
  type AcsiSimulationModel,
} from "../../../src/domain/simulation";
import { matrixFromRows, solveLinearSystem } from "../../../src/domain/stats/linear-algebra";

const TEMPLATE_ITEMS = {
  expectations: ["ce_overall", "ce_custom", "ce_reliability"],
  perceived_quality: ["pq_overall", "pq_custom", "pq_reliability"],
  perceived_value: ["pv_price_given_quality", "pv_quality_given_price"],
  satisfaction: ["sat_overall", "sat_expectations", "sat_ideal"],
  complaints: ["complained"],
  loyalty: ["loy_repurchase", "loy_price_increase", "loy_price_decrease"],
};

const ACSI_PATHS = [
  ["expectations", "perceived_quality"],
  ["expectations", "perceived_value"],
  ["expectations", "satisfaction"],
  ["perceived_quality", "perceived_value"],
  ["perceived_quality", "satisfaction"],
  ["perceived_value", "satisfaction"],
  ["satisfaction", "complaints"],
  ["satisfaction", "loyalty"],
  ["complaints", "loyalty"],
];

const N = 5000;

/** OLS of `target` on `predictors` from a correlation matrix, with the usual standard errors. */
function regressOnCorrelations(correlation: number[][], predictors: number[], target: number, n: number) {
  const sub = matrixFromRows(predictors.map((a) => predictors.map((b) => correlation[a][b])));
  const beta = Array.from(solveLinearSystem(sub, predictors.map((a) => correlation[a][target])));
  const rSquared = beta.reduce((sum, b, k) => sum + b * correlation[predictors[k]][target], 0);
  const standardErrors = predictors.map((_, k) => {
    const unit = predictors.map((__, m) => (m === k ? 1 : 0));
    const inverseDiagonal = solveLinearSystem(sub, unit)[k];
    return Math.sqrt(((1 - rSquared) / (n - predictors.length - 1)) * inverseDiagonal);
  });
  return { beta, standardErrors };
}

function sampleCorrelation(rows: number[][]): number[][] {
  const p = rows[0].length;
  const n = rows.length;
  const means = Array.from({ length: p }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const cov = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (__, j) => rows.reduce((s, r) => s + (r[i] - means[i]) * (r[j] - means[j]), 0)),
  );
  return cov.map((row, i) => row.map((value, j) => value / Math.sqrt(cov[i][i] * cov[j][j])));
}

describe("ACSI demo-data simulator", () => {
  it("uses exactly the ACSI template item ids, structure and modes", () => {
    expect(ACSI_MODEL_SPEC.constructs).toEqual(TEMPLATE_ITEMS);
    expect(ACSI_MODEL_SPEC.paths.map((path) => [...path])).toEqual(ACSI_PATHS);
    expect(Object.values(ACSI_MODEL_SPEC.modes ?? {})).toEqual(Array(6).fill("A"));
    expect(DEFAULT_ACSI_MODEL.paths.find((p) => p.to === "complaints")!.coefficient).toBeLessThan(0);
    for (const construct of DEFAULT_ACSI_MODEL.constructs) {
      for (const item of construct.items) expect(item.loading).toBeGreaterThanOrEqual(0.8);
    }
  });

  const sample = simulateAcsiResponses({ n: N, seed: 2024 });

  it("answers on the item scales: integers 1..10 with means around 7-8, complaints 0/1", () => {
    expect(sample.itemIds).toEqual(Object.values(TEMPLATE_ITEMS).flat());
    sample.itemIds.forEach((item, c) => {
      const values = sample.rows.map((row) => row[c]);
      const mean = values.reduce((a, b) => a + b, 0) / N;
      if (item === "complained") {
        expect(new Set(values)).toEqual(new Set([0, 1]));
        // 15 % by construction; binomial SE at n = 5000 is 0.005.
        expect(Math.abs(mean - 0.15)).toBeLessThan(0.02);
      } else {
        expect(values.every((v) => Number.isInteger(v) && v >= 1 && v <= 10)).toBe(true);
        expect(mean).toBeGreaterThan(6);
        expect(mean).toBeLessThan(8.5);
      }
    });
  });

  it("is reproducible from its seed", () => {
    expect(simulateAcsiResponses({ n: 20, seed: 3 })).toEqual(simulateAcsiResponses({ n: 20, seed: 3 }));
    expect(simulateAcsiResponses({ n: 20, seed: 3 }).rows).not.toEqual(simulateAcsiResponses({ n: 20, seed: 4 }).rows);
  });

  it("generates latent variables whose OLS paths are the generating coefficients (within 4 SE)", () => {
    const compiled = compilePlsModel(ACSI_MODEL_SPEC);
    const correlation = sampleCorrelation(sample.latentScores);
    for (const [j, predecessors] of compiled.predecessors.entries()) {
      if (predecessors.length === 0) continue;
      const { beta, standardErrors } = regressOnCorrelations(correlation, [...predecessors], j, N);
      predecessors.forEach((i, k) => {
        const truth = DEFAULT_ACSI_MODEL.paths.find((p) => p.from === compiled.constructs[i] && p.to === compiled.constructs[j])!;
        expect(Math.abs(beta[k] - truth.coefficient), `${truth.from} → ${truth.to}`).toBeLessThan(4 * standardErrors[k]);
      });
    }
  });
});

/**
 * Recovery test. PLS with mode A estimates paths between composites (weighted sums of items),
 * not between the error-free latent variables, so its probability limit is attenuated. With equal
 * loadings λ inside a block of k continuous items, mode A weights are equal by symmetry, and the
 * composite correlates a = √k·λ / √(1 + (k − 1)λ²) with its latent variable. The population
 * composite correlations are therefore Φ_ij·a_i·a_j, and the population PLS paths follow by OLS.
 * This truth is derived from the generating coefficients alone, independently of the PLS code.
 */
function equalLoadingModel(base: AcsiSimulationModel): AcsiSimulationModel {
  return {
    ...base,
    constructs: base.constructs.map((construct) => ({
      ...construct,
      items: construct.items.map((item) => ({ ...item, loading: construct.items[0].loading })),
    })),
  };
}

function compositeTruth(model: AcsiSimulationModel) {
  const compiled = compilePlsModel(toPlsModelSpec(model));
  const { correlation: phi } = impliedLatentCorrelations(model);
  const reliabilityRoot = model.constructs.map(({ items }) => {
    const k = items.length;
    const lambda = items[0].loading;
    return (Math.sqrt(k) * lambda) / Math.sqrt(1 + (k - 1) * lambda * lambda);
  });
  const composite = phi.map((row, i) => row.map((value, j) => (i === j ? 1 : value * reliabilityRoot[i] * reliabilityRoot[j])));
  const paths = new Map<string, number>();
  compiled.predecessors.forEach((predecessors, j) => {
    if (predecessors.length === 0) return;
    const { beta } = regressOnCorrelations(composite, [...predecessors], j, Number.POSITIVE_INFINITY);
    predecessors.forEach((i, k) => paths.set(`${compiled.constructs[i]}->${compiled.constructs[j]}`, beta[k]));
  });
  return { paths, composite, compiled };
}

describe("the engine recovers the generating structure", () => {
  const model = equalLoadingModel(DEFAULT_ACSI_MODEL);
  const truth = compositeTruth(model);

  it("continuous items: every path within 4 sampling SEs of the population PLS value", () => {
    const sample = simulateAcsiResponses({ n: N, seed: 11, model, discretize: false });
    const estimate = estimatePlsPath(toPlsModelSpec(model), sample);
    expect(estimate.converged).toBe(true);
    const names = truth.compiled.constructs;
    const estimatedCorrelation = names.map((a) => names.map((b) => estimate.constructCorrelations[a][b]));
    truth.compiled.predecessors.forEach((predecessors, j) => {
      if (predecessors.length === 0) return;
      // SEs of OLS on the estimated composites: the sampling error of the final regression step.
      const { standardErrors } = regressOnCorrelations(estimatedCorrelation, [...predecessors], j, N);
      predecessors.forEach((i, k) => {
        const key = `${names[i]}->${names[j]}`;
        const value = estimate.pathCoefficients.find((p) => `${p.from}->${p.to}` === key)!.value;
        expect(Math.abs(value - truth.paths.get(key)!), key).toBeLessThan(4 * standardErrors[k]);
      });
    });
    // Symmetric blocks get (nearly) equal weights, as the closed form assumes.
    for (const weights of Object.values(estimate.standardizedOuterWeights)) {
      const values = Object.values(weights);
      expect(Math.max(...values) - Math.min(...values)).toBeLessThan(0.05);
    }
  });

  it("the population PLS values are the generating coefficients attenuated by measurement error", () => {
    // Sanity of the test design itself: attenuation shrinks but never flips the paths.
    for (const path of model.paths) {
      const value = truth.paths.get(`${path.from}->${path.to}`)!;
      expect(Math.sign(value)).toBe(Math.sign(path.coefficient));
      expect(Math.abs(value)).toBeLessThan(Math.abs(path.coefficient) + 0.05);
    }
  });

  it("discretized answers: rating-scale paths stay close, the yes/no complaint path shrinks by the point-biserial factor", () => {
    const sample = simulateAcsiResponses({ n: N, seed: 12, model });
    const estimate = estimatePlsPath(toPlsModelSpec(model), sample);
    const value = (from: string, to: string) => estimate.pathCoefficients.find((p) => p.from === from && p.to === to)!.value;
    // Rounding to 10 points and clipping at 10 cost a few per cent of each correlation; 0.05 is
    // that bias plus ~3 SEs (SEs here are ≈ 0.012).
    for (const path of model.paths.filter((p) => p.to !== "complaints" && p.from !== "complaints")) {
      expect(Math.abs(value(path.from, path.to) - truth.paths.get(`${path.from}->${path.to}`)!), `${path.from} → ${path.to}`).toBeLessThan(0.05);
    }
    // Dichotomizing a normal variable at quantile τ multiplies its correlations by φ(τ)/√(p(1−p)).
    const share = 0.15;
    const tau = 1.0364333894937898; // Φ⁻¹(0.85)
    const factor = Math.exp((-tau * tau) / 2) / Math.sqrt(2 * Math.PI) / Math.sqrt(share * (1 - share));
    expect(Math.abs(value("satisfaction", "complaints") - factor * truth.paths.get("satisfaction->complaints")!)).toBeLessThan(0.04);
    expect(value("complaints", "loyalty")).toBeLessThan(0);
  });
});
