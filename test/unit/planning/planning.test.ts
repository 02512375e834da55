import { describe, expect, it } from "vitest";
import { computeAcsiIndices, computeRespondentIndices, estimatePlsPath } from "../../../src/domain/pls";
import {
  ACSI_CONVENTIONAL_SAMPLE_SIZE,
  compareWithBenchmark,
  evaluateImprovement,
  indexMarginOfError,
  indexSampleProgress,
  indexSampleSize,
  npsAdjustedWaldInterval,
  npsSampleSize,
  periodIndexFromMoments,
} from "../../../src/domain/planning";
import { ACSI_MODEL_SPEC, DEFAULT_ACSI_MODEL, simulateAcsiResponses } from "../../../src/domain/simulation";
import { createSeededRandom, momentsFromMatrix } from "../../../src/domain/stats";
import { loadMobi, mobiModel } from "../pls/fixtures";

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sd = (values: number[]) => {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
};
/** Monte-Carlo tolerance for a 95 % share over `runs` runs: 3 standard errors. */
const tolerance = (runs: number) => 3 * Math.sqrt((0.95 * 0.05) / runs);

describe("index sample size", () => {
  it("n = ⌈(z·σ/E)²⌉", () => {
    expect(indexSampleSize(20, 2)).toBe(385);
    expect(indexSampleSize(15, 3)).toBe(97);
    expect(indexMarginOfError(20, 385)).toBeCloseTo((1.959963984540054 * 20) / Math.sqrt(385), 12);
    expect(ACSI_CONVENTIONAL_SAMPLE_SIZE).toBe(250);
  });

  it("a pilot's SD planned to ±2 points holds ±2 in 95 % of simulated surveys of that size", () => {
    const population = simulateAcsiResponses({ n: 50_000, seed: 8 });
    const pilot = { itemIds: population.itemIds, rows: population.rows.slice(0, 300) };
    const indices = computeAcsiIndices(estimatePlsPath(ACSI_MODEL_SPEC, pilot), { scale: { min: 1, max: 10 }, itemScales: { complained: { min: 0, max: 1 } }, constructs: ["satisfaction"] });
    const perRespondent = computeRespondentIndices(indices, population).satisfaction;
    const pilotSd = sd(perRespondent.slice(0, 300));
    const n = indexSampleSize(pilotSd, 2);
    const truth = mean(perRespondent);
    const random = createSeededRandom(3);
    const runs = 2000;
    let within = 0;
    for (let run = 0; run < runs; run++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += perRespondent[Math.floor(random() * perRespondent.length)];
      if (Math.abs(sum / n - truth) <= 2) within++;
    }
    // The pilot SD is itself estimated, so allow its sampling error on top of the Monte-Carlo error.
    expect(Math.abs(within / runs - 0.95)).toBeLessThan(tolerance(runs) + 0.015);
  });

  it("reports n so far, the margin now, n still needed and hides the index below the minimum", () => {
    expect(indexSampleProgress(100, 20, 250, 30)).toEqual({ n: 100, target: 250, marginNow: indexMarginOfError(20, 100), stillNeeded: 150, showIndex: true });
    expect(indexSampleProgress(12, 20, 250, 30)).toMatchObject({ stillNeeded: 238, showIndex: false });
    expect(indexSampleProgress(0, 20, 250, 30).marginNow).toBeNull();
  });
});

describe("NPS sample size and adjusted-Wald interval", () => {
  it("n = ⌈z²(p_P + p_D − (p_P − p_D)²)/E² − 3⌉", () => {
    expect(npsSampleSize(5, { promoters: 0.4, detractors: 0.2 })).toBe(Math.ceil((1.959963984540054 ** 2 * 0.56) / 0.0025 - 3));
    expect(npsSampleSize(10)).toBe(Math.ceil(1.959963984540054 ** 2 / 0.01 - 3));
  });

  it("adjusted-Wald: hand-computed example (P = 40, D = 20 of n = 100)", () => {
    const p = 40.75 / 103;
    const d = 20.75 / 103;
    const centre = p - d;
    const margin = 1.959963984540054 * Math.sqrt((p + d - centre ** 2) / 103);
    expect(npsAdjustedWaldInterval(40, 20, 100)).toEqual({
      centre: centre * 100,
      lower: (centre - margin) * 100,
      upper: (centre + margin) * 100,
      margin: margin * 100,
    });
  });

  it("the planned n holds the margin and the interval covers the true NPS in ≈ 95 % of simulated surveys", () => {
    const shares = { promoters: 0.4, detractors: 0.2 };
    const n = npsSampleSize(5, shares);
    const random = createSeededRandom(21);
    const runs = 2000;
    let within = 0;
    let covered = 0;
    for (let run = 0; run < runs; run++) {
      let promoters = 0;
      let detractors = 0;
      for (let k = 0; k < n; k++) {
        const u = random();
        if (u < shares.promoters) promoters++;
        else if (u < shares.promoters + shares.detractors) detractors++;
      }
      if (Math.abs(((promoters - detractors) / n) * 100 - 20) <= 5) within++;
      const interval = npsAdjustedWaldInterval(promoters, detractors, n)!;
      if (interval.lower <= 20 && 20 <= interval.upper) covered++;
    }
    expect(Math.abs(within / runs - 0.95)).toBeLessThan(tolerance(runs));
    expect(Math.abs(covered / runs - 0.95)).toBeLessThan(tolerance(runs));
  });
});

describe("period index from moments", () => {
  it("equals the mean and SD of respondent indices computed from rows (mobi)", () => {
    const mobi = loadMobi();
    const indices = computeAcsiIndices(estimatePlsPath(mobiModel(), mobi), { scale: { min: 1, max: 10 } });
    const perRespondent = computeRespondentIndices(indices, mobi);
    for (const construct of ["Satisfaction", "Loyalty", "Quality"]) {
      const entry = indices.indices[construct];
      const period = periodIndexFromMoments(momentsFromMatrix(mobi), { weights: entry.normalizedWeights, scales: entry.itemScales });
      expect(period.n).toBe(250);
      expect(period.index).toBeCloseTo(mean(perRespondent[construct]), 9);
      expect(period.sd).toBeCloseTo(sd(perRespondent[construct]), 9);
      expect(period.standardError).toBeCloseTo(sd(perRespondent[construct]) / Math.sqrt(250), 9);
    }
  });
});

describe("improvement plan effect", () => {
  const definition = {
    weights: { sat_overall: 1 / 3, sat_expectations: 1 / 3, sat_ideal: 1 / 3 },
    scales: { sat_overall: { min: 1, max: 10 }, sat_expectations: { min: 1, max: 10 }, sat_ideal: { min: 1, max: 10 } },
  };
  const period = (seed: number, n: number, shift = 0) => {
    const model = {
      ...DEFAULT_ACSI_MODEL,
      constructs: DEFAULT_ACSI_MODEL.constructs.map((construct) => ({
        ...construct,
        items: construct.items.map((item) => (item.scale.kind === "rating" ? { ...item, scale: { ...item.scale, mean: item.scale.mean + shift } } : item)),
      })),
    };
    return periodIndexFromMoments(momentsFromMatrix(simulateAcsiResponses({ n, seed, model })), definition);
  };

  it("detects a planted improvement and reports a worsening", () => {
    const before = period(1, 400);
    const after = period(2, 400, 0.6);
    expect(evaluateImprovement(before, after).verdict).toBe("improved");
    expect(evaluateImprovement(after, before).verdict).toBe("worse");
    const effect = evaluateImprovement(before, after);
    expect(effect.difference).toBeCloseTo(after.index - before.index, 12);
    expect(effect.upper - effect.lower).toBeCloseTo(2 * 1.959963984540054 * Math.sqrt(before.standardError ** 2 + after.standardError ** 2), 12);
  });

  it("without a change, the interval covers 0 in ≈ 95 % of simulated before/after pairs", () => {
    const runs = 400;
    let noChange = 0;
    for (let run = 0; run < runs; run++) {
      if (evaluateImprovement(period(10_000 + run, 150), period(20_000 + run, 150)).verdict === "no-detectable-change") noChange++;
    }
    expect(Math.abs(noChange / runs - 0.95)).toBeLessThan(tolerance(runs));
  });
});

describe("benchmark comparison", () => {
  const own = { n: 400, index: 76, sd: 18, standardError: 0.9 };
  it("gives the interval of the difference when the benchmark has n and SD", () => {
    const result = compareWithBenchmark(own, { source: "ACSI", year: 2025, value: 72, n: 250, sd: 20 });
    const se = Math.sqrt(0.9 ** 2 + 20 ** 2 / 250);
    expect(result.difference).toBe(4);
    expect(result.interval).toMatchObject({ lower: expect.closeTo(4 - 1.959963984540054 * se, 12), upper: expect.closeTo(4 + 1.959963984540054 * se, 12) });
    expect(result.verdict).toBe("above");
    expect(compareWithBenchmark(own, { source: "x", year: 2025, value: 75, n: 250, sd: 20 }).verdict).toBe("no-detectable-difference");
    expect(compareWithBenchmark(own, { source: "x", year: 2025, value: 80, n: 2000, sd: 15 }).verdict).toBe("below");
  });

  it("gives the plain difference without an interval when the benchmark has no n or SD", () => {
    expect(compareWithBenchmark(own, { source: "Industry report", year: 2024, value: 70 })).toMatchObject({ difference: 6, interval: null, verdict: "no-interval" });
  });
});
