import { describe, expect, it } from "vitest";
import { estimatePlsPath, judgePredictivePower, plsPredict } from "../../../src/domain/pls";
import { loadMobi, mobiModel } from "./fixtures";

const mobi = loadMobi();
const model = mobiModel();
const column = (item: string) => mobi.itemIds.indexOf(item);

/** Gaussian elimination with partial pivoting: the test's own solver, not the engine's. */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    for (let r = c + 1; r < n; r++) {
      const factor = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= factor * a[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = a[r][n];
    for (let k = r + 1; k < n; k++) sum -= a[r][k] * x[k];
    x[r] = sum / a[r][r];
  }
  return x;
}

/** Direct k-fold PLSpredict on rows: estimate on the training rows, predict the held-out rows. */
function directKFold(assignment: number[], target: string) {
  const folds = Math.max(...assignment) + 1;
  const exogenous = Object.entries(model.constructs)
    .filter(([construct]) => !model.paths.some(([, to]) => to === construct))
    .flatMap(([, items]) => items);
  const targetItems = model.constructs[target];
  const sums = targetItems.map(() => ({ pls2: 0, pls1: 0, lm2: 0, lm1: 0, naive2: 0 }));
  for (let f = 0; f < folds; f++) {
    const trainRows = mobi.rows.filter((_, r) => assignment[r] !== f);
    const estimate = estimatePlsPath(model, { itemIds: mobi.itemIds, rows: trainRows });
    const means = estimate.itemMeans!;
    const sds = estimate.itemSds!;
    const design = trainRows.map((row) => [1, ...exogenous.map((item) => row[column(item)] as number)]);
    const gram = design[0].map((_, i) => design[0].map((__, k) => design.reduce((sum, d) => sum + d[i] * d[k], 0)));
    const lm = targetItems.map((item) => solve(gram, design[0].map((_, i) => design.reduce((sum, d, r) => sum + d[i] * (trainRows[r][column(item)] as number), 0))));
    const order = ["Image", "Expectation", "Quality", "Value", "Satisfaction", "Complaints", "Loyalty"];
    mobi.rows.forEach((row, r) => {
      if (assignment[r] !== f) return;
      const scores: Record<string, number> = {};
      for (const construct of order) {
        const incoming = estimate.pathCoefficients.filter((path) => path.to === construct);
        scores[construct] =
          incoming.length === 0
            ? model.constructs[construct].reduce(
                (sum, item) => sum + (estimate.standardizedOuterWeights[construct][item] * ((row[column(item)] as number) - means[item])) / sds[item],
                0,
              )
            : incoming.reduce((sum, path) => sum + path.value * scores[path.from], 0);
      }
      targetItems.forEach((item, t) => {
        const actual = row[column(item)] as number;
        const pls = means[item] + sds[item] * estimate.outerLoadings[target][item] * scores[target];
        const linear = lm[t].reduce((sum, b, i) => sum + b * (i === 0 ? 1 : (row[column(exogenous[i - 1])] as number)), 0);
        sums[t].pls2 += (actual - pls) ** 2;
        sums[t].pls1 += Math.abs(actual - pls);
        sums[t].lm2 += (actual - linear) ** 2;
        sums[t].lm1 += Math.abs(actual - linear);
        sums[t].naive2 += (actual - means[item]) ** 2;
      });
    });
  }
  const n = mobi.rows.length;
  return targetItems.map((indicator, t) => ({
    indicator,
    pls: { rmse: Math.sqrt(sums[t].pls2 / n), mae: sums[t].pls1 / n },
    lm: { rmse: Math.sqrt(sums[t].lm2 / n), mae: sums[t].lm1 / n },
    q2predict: 1 - sums[t].pls2 / sums[t].naive2,
  }));
}

const roundRobin = mobi.rows.map((_, r) => r % 10);
const blocks = mobi.rows.map((_, r) => Math.floor(r / 25));

describe("PLSpredict on mobi with fixed folds", () => {
  it.each(["Loyalty", "Satisfaction"])("equals a direct 10-fold computation, target %s", (target) => {
    const result = plsPredict(model, mobi, { target, seed: 0, foldAssignments: [roundRobin] });
    const expected = directKFold(roundRobin, target);
    expect(result.indicators.map((entry) => entry.indicator)).toEqual(expected.map((entry) => entry.indicator));
    result.indicators.forEach((entry, t) => {
      for (const key of ["rmse", "mae"] as const) {
        expect(Math.abs(entry.pls[key] - expected[t].pls[key])).toBeLessThan(1e-9);
        expect(Math.abs(entry.lm[key] - expected[t].lm[key])).toBeLessThan(1e-9);
      }
      expect(Math.abs(entry.q2predict - expected[t].q2predict)).toBeLessThan(1e-9);
    });
  });

  it("averages repetitions", () => {
    const both = plsPredict(model, mobi, { target: "Loyalty", seed: 0, foldAssignments: [roundRobin, blocks] });
    const first = directKFold(roundRobin, "Loyalty");
    const second = directKFold(blocks, "Loyalty");
    both.indicators.forEach((entry, t) => {
      expect(entry.pls.rmse).toBeCloseTo((first[t].pls.rmse + second[t].pls.rmse) / 2, 9);
      expect(entry.q2predict).toBeCloseTo((first[t].q2predict + second[t].q2predict) / 2, 9);
    });
    expect(both.repetitions).toBe(2);
  });

  it("runs seeded 10 × 10 and gives a verdict", () => {
    const result = plsPredict(model, mobi, { target: "Loyalty", seed: 5 });
    expect(result).toMatchObject({ folds: 10, repetitions: 10, n: 250 });
    expect(plsPredict(model, mobi, { target: "Loyalty", seed: 5 })).toEqual(result);
    expect(["none", "low", "medium", "high", "lacking"]).toContain(result.power);
    expect(result.verdict.length).toBeGreaterThan(20);
  });

  it("rejects an exogenous target", () => {
    expect(() => plsPredict(model, mobi, { target: "Image", seed: 1 })).toThrow(/endogenous/);
  });
});

describe("predictive-power verdict (Shmueli et al. 2019)", () => {
  const entry = (pls: number, lm: number, q2 = 0.2) => ({ indicator: "x", pls: { rmse: pls, mae: pls }, lm: { rmse: lm, mae: lm }, q2predict: q2 });
  it("grades by the share of indicators where PLS beats LM", () => {
    expect(judgePredictivePower([entry(1, 2), entry(1, 2)]).power).toBe("high");
    expect(judgePredictivePower([entry(1, 2), entry(1, 2), entry(3, 2)]).power).toBe("medium");
    expect(judgePredictivePower([entry(1, 2), entry(3, 2), entry(3, 2)]).power).toBe("low");
    expect(judgePredictivePower([entry(3, 2), entry(3, 2)]).power).toBe("lacking");
    expect(judgePredictivePower([entry(1, 2), entry(1, 2, -0.1)]).power).toBe("none");
  });
});
