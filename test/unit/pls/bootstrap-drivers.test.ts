import { describe, expect, it } from "vitest";
import { analyzeDrivers, bootstrapPlsPath, computeAcsiIndices, estimatePlsPath } from "../../../src/domain/pls";
import { loadMobi, loadMobiReference, mobiModel, readFixture } from "./fixtures";

const data = loadMobi();
const model = mobiModel();
const scale = { min: 1, max: 10 };

describe("bootstrap percentile intervals", () => {
  const options = { samples: 200, seed: 42, index: { scale } };
  const result = bootstrapPlsPath(model, data, options);

  it("is reproducible from the seed and changes with it", () => {
    expect(bootstrapPlsPath(model, data, options)).toEqual(result);
    const other = bootstrapPlsPath(model, data, { ...options, seed: 43 });
    expect(other.pathCoefficients[0].lower).not.toBe(result.pathCoefficients[0].lower);
  });

  it("accounts for every replicate and reports the full-sample estimates", () => {
    expect(result.succeeded + result.failed).toBe(200);
    expect(result.failed).toBe(0);
    const reference = loadMobiReference("path");
    const key = (e: { from: string; to: string }) => `${e.from}->${e.to}`;
    expect(result.pathCoefficients.map(key).sort()).toEqual(reference.path_coefficients.map(key).sort());
    for (const interval of result.pathCoefficients) {
      const expected = reference.path_coefficients.find((p) => key(p) === key(interval))!.value;
      expect(interval.estimate).toBeCloseTo(expected, 6);
    }
    expect(Object.keys(result.indices!)).toEqual(Object.keys(model.constructs));
    expect(Object.keys(result.rSquared)).toEqual(Object.keys(reference.r_squared));
  });

  it("gives ordered intervals of plausible width around the estimates", () => {
    for (const interval of [...result.pathCoefficients, ...result.totalEffects, ...Object.values(result.indices!)]) {
      expect(interval.lower).toBeLessThan(interval.upper);
      expect(interval.lower).toBeLessThanOrEqual(interval.estimate + 2 * interval.standardError);
      expect(interval.upper).toBeGreaterThanOrEqual(interval.estimate - 2 * interval.standardError);
    }
    // n = 250: path SEs of a few hundredths, index SEs around one index point.
    for (const interval of result.pathCoefficients) {
      expect(interval.standardError).toBeGreaterThan(0.01);
      expect(interval.standardError).toBeLessThan(0.15);
    }
    for (const interval of Object.values(result.indices!)) {
      expect(interval.standardError).toBeGreaterThan(0.3);
      expect(interval.standardError).toBeLessThan(3);
    }
    // Image → Expectation (β ≈ 0.50) is clearly positive; Expectation → Value (β ≈ 0.05) is not.
    const byKey = (from: string, to: string) => result.pathCoefficients.find((p) => p.from === from && p.to === to)!;
    expect(byKey("Image", "Expectation").lower).toBeGreaterThan(0.3);
    expect(byKey("Expectation", "Value").lower).toBeLessThan(0);
  });

  it("rejects nonsensical settings", () => {
    expect(() => bootstrapPlsPath(model, data, { samples: 1, seed: 1 })).toThrow(/samples/);
    expect(() => bootstrapPlsPath(model, data, { samples: 10, seed: 1, confidenceLevel: 1.5 })).toThrow(/confidenceLevel/);
  });
});

describe("driver analysis", () => {
  const estimate = estimatePlsPath(model, data);
  const indices = computeAcsiIndices(estimate, { scale });
  const analysis = analyzeDrivers(estimate, indices, { target: "Satisfaction", loyalty: "Loyalty" });
  const ipma = JSON.parse(readFixture("mobi_ipma_path.json")).targets as Record<string, { constructs: Array<{ construct: string; importance: number; performance: number }> }>;

  it("uses IPMA importance (unstandardized total effect) and performance (independent reference)", () => {
    expect(analysis.drivers.map((d) => d.construct).sort()).toEqual(["Expectation", "Image", "Quality", "Value"]);
    for (const driver of analysis.drivers) {
      const expected = ipma.Satisfaction.constructs.find((e) => e.construct === driver.construct)!;
      const loyalty = ipma.Loyalty.constructs.find((e) => e.construct === driver.construct)!;
      expect(driver.importance).toBeCloseTo(expected.importance, 6);
      expect(driver.loyaltyImportance).toBeCloseTo(loyalty.importance, 6);
      expect(driver.performance).toBeCloseTo(expected.performance, 6);
      expect(driver.priorityScore).toBeCloseTo(driver.importance * (100 - driver.performance), 12);
    }
  });

  it("ranks the drivers' indicators by IPMA priority", () => {
    expect(analysis.indicators.length).toBe(5 + 3 + 7 + 2);
    const scores = analysis.indicators.map((entry) => entry.priorityScore);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(analysis.indicators[0].rank).toBe(1);
    expect(analysis.warnings).toEqual([]);
  });

  it("ranks by priority score and labels IPMA quadrants against the means", () => {
    const scores = analysis.drivers.map((d) => d.priorityScore);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(analysis.drivers.map((d) => d.rank)).toEqual([1, 2, 3, 4]);
    expect(analysis.drivers[0].construct).toBe("Quality");
    for (const driver of analysis.drivers) {
      const important = driver.importance >= analysis.meanImportance;
      const performing = driver.performance >= analysis.meanPerformance;
      const expected = important ? (performing ? "maintain" : "improve") : performing ? "possible-overkill" : "low-priority";
      expect(driver.quadrant).toBe(expected);
    }
  });

  it("accepts an explicit driver list and rejects unknown constructs", () => {
    const subset = analyzeDrivers(estimate, indices, { target: "Loyalty", drivers: ["Satisfaction", "Complaints"] });
    expect(subset.drivers.map((d) => d.construct).sort()).toEqual(["Complaints", "Satisfaction"]);
    expect(subset.loyalty).toBeNull();
    expect(() => analyzeDrivers(estimate, indices, { target: "Nope" })).toThrow(/unknown target/);
  });
});
