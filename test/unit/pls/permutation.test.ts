import { describe, expect, it } from "vitest";
import {
  permutationTestPlsPath,
  preparePermutationTest,
  runPermutationChunk,
  startPermutationTest,
  summarizePermutationTest,
  type PermutationTestState,
} from "../../../src/domain/pls";
import { ACSI_MODEL_SPEC, DEFAULT_ACSI_MODEL, simulateAcsiResponses } from "../../../src/domain/simulation";
import { createSeededRandom } from "../../../src/domain/stats";
import { loadMobi, mobiModel, shuffled } from "./fixtures";

const mobi = loadMobi();
const model = mobiModel();
const splitRandom = createSeededRandom(7);
const mobiSegments = mobi.rows.map(() => splitRandom() < 0.5);
const scale = { min: 1, max: 10 };

describe("permutation test on mobi", () => {
  const options = { permutations: 60, seed: 11, index: { scale } };
  const result = permutationTestPlsPath(model, mobi, mobiSegments, options);

  it("gives the same p-values for the same rows in any order", () => {
    const order = shuffled(
      mobi.rows.map((_, r) => r),
      createSeededRandom(99),
    );
    const reordered = { itemIds: mobi.itemIds, rows: order.map((r) => mobi.rows[r]) };
    const again = permutationTestPlsPath(model, reordered, order.map((r) => mobiSegments[r]), options);
    expect(again).toEqual(result);
  });

  it("reports segment estimates, differences and valid p-values", () => {
    expect(result.groupSizes.a + result.groupSizes.b).toBe(250);
    expect(result.valid + result.failed).toBe(60);
    for (const entry of [...result.pathCoefficients, ...result.rSquared, ...result.indices!]) {
      expect(entry.difference).toBeCloseTo(entry.groupA - entry.groupB, 12);
      expect(entry.pValue).toBeGreaterThan(0);
      expect(entry.pValue).toBeLessThanOrEqual(1);
      expect(entry.significant).toBe(entry.pValue <= 0.05);
    }
    expect(result.micom.map((entry) => entry.construct)).toEqual(Object.keys(model.constructs));
    // A random split of one sample: composites are invariant (c close to 1).
    for (const entry of result.micom) expect(entry.compositionalCorrelation).toBeGreaterThan(0.9);
  });

  it("resumes from a JSON state in chunks to exactly the one-shot result", () => {
    const context = preparePermutationTest(model, mobi, mobiSegments, options);
    let state: PermutationTestState = startPermutationTest(context);
    while (state.nextPermutation < options.permutations) {
      state = JSON.parse(JSON.stringify(runPermutationChunk(context, state, 7)));
    }
    expect(summarizePermutationTest(context, state)).toEqual(result);
  });
});

describe("permutation test on simulated ACSI segments", () => {
  const pathIndex = ACSI_MODEL_SPEC.paths.findIndex(([from, to]) => from === "perceived_quality" && to === "satisfaction");

  it("detects a planted path difference (power)", () => {
    const weaker = {
      ...DEFAULT_ACSI_MODEL,
      paths: DEFAULT_ACSI_MODEL.paths.map((path) =>
        path.from === "perceived_quality" && path.to === "satisfaction" ? { ...path, coefficient: 0.1 } : path,
      ),
    };
    const a = simulateAcsiResponses({ n: 300, seed: 1 });
    const b = simulateAcsiResponses({ n: 300, seed: 2, model: weaker });
    const data = { itemIds: a.itemIds, rows: [...a.rows, ...b.rows] };
    const result = permutationTestPlsPath(ACSI_MODEL_SPEC, data, data.rows.map((_, r) => r < 300), { permutations: 199, seed: 3 });
    const planted = result.pathCoefficients[pathIndex];
    expect(planted.difference).toBeGreaterThan(0.2);
    expect(planted.pValue).toBeLessThanOrEqual(0.01);
    expect(planted.significant).toBe(true);
  });

  it("rejects at about 5 % when both segments come from one population (size)", () => {
    const replications = 200;
    let rejectedPath = 0;
    let rejectedRSquared = 0;
    for (let rep = 0; rep < replications; rep++) {
      const sample = simulateAcsiResponses({ n: 160, seed: 1000 + rep });
      const result = permutationTestPlsPath(ACSI_MODEL_SPEC, sample, sample.rows.map((_, r) => r % 2 === 0), { permutations: 99, seed: rep });
      if (result.pathCoefficients[pathIndex].significant) rejectedPath++;
      if (result.rSquared.find((entry) => entry.construct === "satisfaction")!.significant) rejectedRSquared++;
    }
    // Exact size with 99 permutations is 5/100; Monte-Carlo SE over 200 replications ≈ 0.0154.
    const tolerance = 3 * Math.sqrt((0.05 * 0.95) / replications);
    expect(Math.abs(rejectedPath / replications - 0.05)).toBeLessThan(tolerance);
    expect(Math.abs(rejectedRSquared / replications - 0.05)).toBeLessThan(tolerance);
  }, 120_000);
});
