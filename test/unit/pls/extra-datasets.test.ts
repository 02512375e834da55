import { describe, expect, it } from "vitest";
import { computeAcsiIndices, estimatePlsFromMoments, estimatePlsPath, type PlsModelSpec } from "../../../src/domain/pls";
import { momentsFromMatrix, type ResponseMatrix } from "../../../src/domain/stats";
import { loadCsvMatrix, maxNumericDifference, readFixture, type Keyed } from "./fixtures";

interface PublishedPlspm {
  model: { constructs: Record<string, string[]>; paths: [string, string][] };
  centroid_mode_a: {
    r_squared: Keyed;
    goodness_of_fit: number;
    effects: Array<{ from: string; to: string; direct: number; total: number }>;
    outer_model: Record<string, { weight: number; loading: number }>;
  };
  path_mode_a_loadings: Keyed;
  centroid_mode_b_r_squared: Keyed;
}

describe("satisfaction.csv (plspm's 6-construct bank model)", () => {
  const published = JSON.parse(readFixture("satisfaction_plspm_published.json")) as PublishedPlspm;
  const model: PlsModelSpec = published.model;
  // The CSV also has a text column (gender); only model columns are read.
  const data = loadCsvMatrix("satisfaction.csv", { columns: Object.values(model.constructs).flat() });
  const n = data.rows.length;
  // plspm stops at Σ(|w_old| − |w_new|)² < 1e-6, so its printed figures carry ~1e-7 of
  // convergence error in mode A; 1e-6 still pins every digit that matters.
  const TOLERANCE = 1e-6;

  describe("reproduces plspm's published centroid results under its settings (scaled = FALSE)", () => {
    const estimate = estimatePlsPath(model, data, { scheme: "centroid", itemScaling: "centered" });
    const published_ = published.centroid_mode_a;

    it("R², GoF and converged", () => {
      expect(estimate.converged).toBe(true);
      for (const [construct, value] of Object.entries(published_.r_squared)) {
        expect(Math.abs(estimate.rSquared[construct] - value), construct).toBeLessThanOrEqual(TOLERANCE);
      }
      expect(Math.abs(estimate.goodnessOfFit! - published_.goodness_of_fit)).toBeLessThanOrEqual(TOLERANCE);
    });

    it("direct and total effects", () => {
      for (const effect of published_.effects) {
        const total = estimate.totalEffects.find((e) => e.from === effect.from && e.to === effect.to)!;
        expect(Math.abs(total.value - effect.total), `${effect.from} → ${effect.to}`).toBeLessThanOrEqual(TOLERANCE);
        const direct = estimate.pathCoefficients.find((e) => e.from === effect.from && e.to === effect.to);
        expect(Math.abs((direct?.value ?? 0) - effect.direct)).toBeLessThanOrEqual(TOLERANCE);
      }
    });

    it("loadings, and weights up to plspm's divisor-n normalization", () => {
      // plspm scales scores to variance 1 with divisor n, ours with n − 1: weights differ by √(n/(n−1)).
      const factor = Math.sqrt(n / (n - 1));
      for (const [construct, items] of Object.entries(model.constructs)) {
        for (const item of items) {
          const expected = published_.outer_model[item];
          expect(Math.abs(estimate.outerLoadings[construct][item] - expected.loading), item).toBeLessThanOrEqual(TOLERANCE);
          expect(Math.abs(estimate.outerWeights[construct][item] * factor - expected.weight), item).toBeLessThanOrEqual(TOLERANCE);
        }
      }
    });

    it("path-scheme loadings", () => {
      const path = estimatePlsPath(model, data, { scheme: "path", itemScaling: "centered" });
      for (const [construct, items] of Object.entries(model.constructs)) {
        for (const item of items) {
          expect(Math.abs(path.outerLoadings[construct][item] - published.path_mode_a_loadings[item]), item).toBeLessThanOrEqual(TOLERANCE);
        }
      }
    });

    it("mode B (formative) everywhere: R²", () => {
      const formative = { ...model, modes: Object.fromEntries(Object.keys(model.constructs).map((c) => [c, "B" as const])) };
      const estimateB = estimatePlsPath(formative, data, { scheme: "centroid", itemScaling: "centered" });
      expect(estimateB.converged).toBe(true);
      // Mode B converges more slowly, so plspm's loose stop leaves up to ~7e-6 here.
      for (const [construct, value] of Object.entries(published.centroid_mode_b_r_squared)) {
        expect(Math.abs(estimateB.rSquared[construct] - value), construct).toBeLessThanOrEqual(1e-5);
      }
    });
  });

  it("estimates the standardized (default) model sensibly", () => {
    for (const scheme of ["path", "centroid", "factorial"] as const) {
      const estimate = estimatePlsPath(model, data, { scheme });
      expect(estimate.converged).toBe(true);
      expect(estimate.iterations).toBeLessThan(50);
      for (const value of Object.values(estimate.rSquared)) {
        expect(value).toBeGreaterThan(0.2);
        expect(value).toBeLessThan(0.9);
      }
      for (const loadings of Object.values(estimate.outerLoadings)) {
        for (const loading of Object.values(loadings)) expect(loading).toBeGreaterThan(0.5);
      }
      // Standardizing the 0..10 items changes the weighting only mildly: R² stay near plspm's.
      for (const [construct, value] of Object.entries(published.centroid_mode_a.r_squared)) {
        expect(Math.abs(estimate.rSquared[construct] - value)).toBeLessThan(0.03);
      }
      const indices = computeAcsiIndices(estimate, { scale: { min: 0, max: 10 } });
      for (const entry of Object.values(indices.indices)) {
        expect(entry.index).toBeGreaterThan(50);
        expect(entry.index).toBeLessThan(90);
      }
    }
  });
});

describe("corp_rep_data.csv (-99 = missing) with mean replacement", () => {
  const model: PlsModelSpec = {
    constructs: {
      COMP: ["comp_1", "comp_2", "comp_3"],
      LIKE: ["like_1", "like_2", "like_3"],
      CUSA: ["cusa"],
      CUSL: ["cusl_1", "cusl_2", "cusl_3"],
    },
    paths: [
      ["COMP", "CUSA"],
      ["COMP", "CUSL"],
      ["LIKE", "CUSA"],
      ["LIKE", "CUSL"],
      ["CUSA", "CUSL"],
    ],
  };
  const data = loadCsvMatrix("corp_rep_data.csv", { missingTokens: ["-99"] });

  it("reads -99 as a number unless it is declared missing", () => {
    // -99 is valid numeric text, which is why the marker must be declared explicitly.
    const naive = loadCsvMatrix("corp_rep_data.csv");
    const cusl2 = naive.itemIds.indexOf("cusl_2");
    expect(naive.rows.filter((row) => row[cusl2] === -99)).toHaveLength(4);
    expect(data.rows.filter((row) => row[cusl2] === null)).toHaveLength(4);
  });

  it("equals the complete-data estimate after explicit mean imputation", () => {
    const estimate = estimatePlsPath(model, data);
    expect(estimate.missing).toBe("mean-replacement");
    expect(estimate.converged).toBe(true);
    const means = data.itemIds.map((_, c) => {
      const present = data.rows.map((row) => row[c]).filter((v): v is number => v !== null);
      return present.reduce((a, b) => a + b, 0) / present.length;
    });
    const imputed: ResponseMatrix = { itemIds: data.itemIds, rows: data.rows.map((row) => Array.from(row, (v, c) => v ?? means[c])) };
    const complete = estimatePlsPath(model, imputed);
    const { warnings: _a, missing: _b, ...left } = estimate;
    const { warnings: _c, missing: _d, ...right } = complete;
    expect(maxNumericDifference(left, right)).toBeLessThan(1e-10);
    // And the sufficient-statistics route agrees with both.
    const { constructScores: _e, ...leftWithoutScores } = left;
    const fromMoments = estimatePlsFromMoments(model, momentsFromMatrix(data));
    const { warnings: _f, missing: _g, ...momentsRest } = fromMoments;
    expect(maxNumericDifference(leftWithoutScores, momentsRest)).toBeLessThan(1e-10);
  });

  it("gives sane results and a different (documented) answer under pairwise deletion", () => {
    const meanReplacement = estimatePlsPath(model, data);
    const pairwise = estimatePlsPath(model, data, { missing: "pairwise" });
    expect(pairwise.missing).toBe("pairwise");
    expect(pairwise.converged).toBe(true);
    for (const estimate of [meanReplacement, pairwise]) {
      for (const path of estimate.pathCoefficients) expect(Math.abs(path.value)).toBeLessThan(1);
      expect(estimate.rSquared.CUSL).toBeGreaterThan(0.3);
      expect(estimate.rSquared.CUSA).toBeGreaterThan(0.1);
    }
    const difference = maxNumericDifference(meanReplacement.rSquared, pairwise.rSquared);
    expect(difference).toBeGreaterThan(0);
    expect(difference).toBeLessThan(0.02);
  });
});
