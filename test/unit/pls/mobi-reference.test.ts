import { describe, expect, it } from "vitest";
import { estimatePlsFromMoments, estimatePlsPath, type PlsEstimate } from "../../../src/domain/pls";
import {
  addRowToMoments,
  createEmptyMoments,
  createSeededRandom,
  mergeAllMoments,
  mergeMoments,
  momentsFromMatrix,
  parseCsv,
  parseMoments,
  serializeMoments,
  type ItemMoments,
} from "../../../src/domain/stats";
import {
  SCHEMES,
  loadMobi,
  loadMobiReference,
  maxNumericDifference,
  mobiModel,
  readFixture,
  shuffled,
  type Keyed,
} from "./fixtures";

// The reference README asks for agreement to 1e-6; at tol 1e-7 (sum_abs) the weights sit
// ~1e-10 from the fully converged values, so 1e-6 has ample headroom and still catches any
// formula or convention error (those show up at 1e-3 or worse).
const TOLERANCE = 1e-6;

function expectKeyedClose(actual: Record<string, number>, expected: Keyed, label: string, tolerance = TOLERANCE) {
  for (const [key, value] of Object.entries(expected)) {
    expect(actual[key], `${label} ${key}`).toBeTypeOf("number");
    expect(Math.abs(actual[key] - value), `${label} ${key}: ${actual[key]} vs ${value}`).toBeLessThanOrEqual(tolerance);
  }
}

function effectsByKey(effects: ReadonlyArray<{ from: string; to: string; value: number }>): Keyed {
  return Object.fromEntries(effects.map((effect) => [`${effect.from}->${effect.to}`, effect.value]));
}

const data = loadMobi();
const model = mobiModel();

describe.each(SCHEMES)("mobi ECSI model, %s scheme, against the reference results", (scheme) => {
  const reference = loadMobiReference(scheme);
  const fromRows = estimatePlsPath(model, data, { scheme });
  const fromMoments = estimatePlsFromMoments(model, momentsFromMatrix(data), { scheme });
  const routes: Array<[string, PlsEstimate]> = [
    ["raw rows", fromRows],
    ["sufficient statistics", fromMoments],
  ];

  describe.each(routes)("estimated from %s", (_route, estimate) => {
    it("converges at tol 1e-7 (sum_abs) in the reference's iteration count", () => {
      expect(estimate.converged).toBe(true);
      expect(estimate.n).toBe(reference.n);
      expect(estimate.iterations).toBe(reference.iterations.at_tol.sum_abs);
    });

    it("reproduces outer weights and loadings", () => {
      for (const construct of Object.keys(reference.outer_weights)) {
        expectKeyedClose(estimate.outerWeights[construct], reference.outer_weights[construct], `weight ${construct}`);
        expectKeyedClose(estimate.standardizedOuterWeights[construct], reference.outer_weights[construct], `std weight ${construct}`);
        expectKeyedClose(estimate.outerLoadings[construct], reference.outer_loadings[construct], `loading ${construct}`);
      }
    });

    it("reproduces every cross-loading", () => {
      for (const { item, ...byConstruct } of reference.cross_loadings) {
        expectKeyedClose(estimate.crossLoadings[item], byConstruct, `cross-loading ${item}`);
      }
    });

    it("reproduces path coefficients, total effects, R² and adjusted R²", () => {
      expect(estimate.pathCoefficients).toHaveLength(reference.path_coefficients.length);
      expectKeyedClose(effectsByKey(estimate.pathCoefficients), effectsByKey(reference.path_coefficients), "path");
      expect(estimate.totalEffects).toHaveLength(reference.total_effects.length);
      expectKeyedClose(effectsByKey(estimate.totalEffects), effectsByKey(reference.total_effects), "total effect");
      expectKeyedClose(estimate.rSquared, reference.r_squared, "R²");
      expectKeyedClose(estimate.rSquaredAdjusted, reference.r_squared_adj, "adj R²");
      expect(Object.keys(estimate.rSquared).sort()).toEqual(Object.keys(reference.r_squared).sort());
    });

    it("reproduces AVE, rho_c, both Cronbach alphas and rho_A", () => {
      for (const [construct, expected] of Object.entries(reference.reliability)) {
        const actual = estimate.reliability[construct];
        expectKeyedClose(
          { AVE: actual.ave, rho_c: actual.rhoC, alpha_std: actual.alpha, alpha_raw: actual.alphaRaw ?? NaN, rho_A: actual.rhoA },
          { AVE: expected.AVE, rho_c: expected.rho_c, alpha_std: expected.alpha_std, alpha_raw: expected.alpha_raw, rho_A: expected.rho_A },
          `reliability ${construct}`,
        );
      }
    });

    it("reproduces construct correlations, item means and item SDs", () => {
      for (const { construct, ...row } of reference.construct_correlations) {
        expectKeyedClose(estimate.constructCorrelations[construct], row, `construct correlation ${construct}`);
      }
      expectKeyedClose(estimate.itemMeans!, reference.item_means, "mean", 1e-12);
      expectKeyedClose(estimate.itemSds!, reference.item_sds, "sd", 1e-12);
    });
  });

  it("reproduces the first five construct scores (sample SD 1)", () => {
    reference.scores_first5.sd_n_minus_1.forEach((expected, row) => {
      const actual = Object.fromEntries(fromRows.constructs.map((c, j) => [c, fromRows.constructScores[row][j]]));
      expectKeyedClose(actual, expected, `score row ${row + 1}`);
    });
  });

  it.each(["sum_abs", "max_abs", "sumsq_absdiff", "max_rel"] as const)(
    "stops after the reference's number of updates under the %s criterion at 1e-7",
    (criterion) => {
      const estimate = estimatePlsFromMoments(model, momentsFromMatrix(data), {
        scheme,
        convergenceCriterion: criterion,
        tolerance: reference.iterations.tol,
      });
      expect(estimate.iterations).toBe(reference.iterations.at_tol[criterion]);
    },
  );
});

describe("mobi construct scores, path scheme", () => {
  it("match all 250 rows of the reference scores file", () => {
    const table = parseCsv(readFixture("mobi_ecsi_path_scores.csv"));
    const estimate = estimatePlsPath(model, data, { scheme: "path" });
    expect(table.rows).toHaveLength(estimate.constructScores.length);
    let largest = 0;
    table.rows.forEach((row, r) => {
      table.header.forEach((construct, c) => {
        const j = estimate.constructs.indexOf(construct);
        largest = Math.max(largest, Math.abs(estimate.constructScores[r][j] - Number(row[c])));
      });
    });
    expect(largest).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe("order and aggregation invariance (exact up to 1e-9)", () => {
  const baseline = estimatePlsFromMoments(model, momentsFromMatrix(data));
  const comparable = (estimate: PlsEstimate) => {
    // Scores and row-dependent fields are excluded; every other number must agree.
    const { warnings: _warnings, ...rest } = estimate;
    return rest;
  };

  it("gives the same estimate from raw rows and from the moments", () => {
    const { constructScores: _scores, ...fromRows } = estimatePlsPath(model, data);
    expect(maxNumericDifference(comparable(fromRows), comparable(baseline))).toBeLessThanOrEqual(1e-9);
  });

  it.each([1, 2, 3])("gives the same estimate after shuffling the rows (seed %i)", (seed) => {
    const rows = shuffled(data.rows, createSeededRandom(seed));
    const { constructScores: _scores, ...estimate } = estimatePlsPath(model, { itemIds: data.itemIds, rows });
    expect(maxNumericDifference(comparable(estimate), comparable(baseline))).toBeLessThanOrEqual(1e-9);
  });

  it.each([2, 7, 365])("gives the same estimate from %i random buckets merged in random order", (bucketCount) => {
    const random = createSeededRandom(1000 + bucketCount);
    // Each bucket lists its items in its own random order, receives keyed rows like the submit
    // path, and is stored and re-read as JSON before merging.
    const buckets: ItemMoments[] = Array.from({ length: bucketCount }, () => createEmptyMoments(shuffled(data.itemIds, random)));
    for (const row of shuffled(data.rows, random)) {
      const record = Object.fromEntries(data.itemIds.map((id, c) => [id, row[c]]));
      addRowToMoments(buckets[Math.floor(random() * bucketCount)], record);
    }
    const stored = shuffled(buckets, random).map((bucket) => parseMoments(serializeMoments(bucket)));
    const pairwise = stored.reduce((total, bucket) => mergeMoments(total, bucket), createEmptyMoments());
    const all = mergeAllMoments(stored);
    for (const merged of [pairwise, all]) {
      expect(merged.rowCount).toBe(data.rows.length);
      const estimate = estimatePlsFromMoments(model, merged);
      expect(maxNumericDifference(comparable(estimate), comparable(baseline))).toBeLessThanOrEqual(1e-9);
    }
  });
});
