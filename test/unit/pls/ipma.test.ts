import { describe, expect, it } from "vitest";
import { computeAcsiIndices, computeIpma, estimatePlsFromMoments, estimatePlsPath } from "../../../src/domain/pls";
import { momentsFromMatrix } from "../../../src/domain/stats";
import { loadMobi, mobiModel, readFixture } from "./fixtures";

interface ReferenceTarget {
  target_performance: number;
  constructs: Array<{ construct: string; importance: number; performance: number }>;
  indicators: Array<{ indicator: string; construct: string; importance: number; performance: number }>;
}
const reference = JSON.parse(readFixture("mobi_ipma_path.json")) as {
  scale: { min: number; max: number };
  targets: Record<string, ReferenceTarget>;
};

const data = loadMobi();
const model = mobiModel();
const estimate = estimatePlsPath(model, data, { scheme: "path" });

describe.each(Object.keys(reference.targets))("IPMA on mobi (ECSI, path scheme), target %s", (target) => {
  const expected = reference.targets[target];
  const result = computeIpma(estimate, { target, scale: reference.scale });

  it("construct importance and performance equal the independent numpy computation to 1e-6", () => {
    expect(result.constructs.map((entry) => entry.construct)).toEqual(expected.constructs.map((entry) => entry.construct));
    result.constructs.forEach((entry, k) => {
      expect(entry.importance).toBeCloseTo(expected.constructs[k].importance, 6);
      expect(Math.abs(entry.performance - expected.constructs[k].performance)).toBeLessThan(1e-6);
    });
    expect(Math.abs(result.targetPerformance - expected.target_performance)).toBeLessThan(1e-6);
  });

  it("indicator importance and performance equal the reference", () => {
    expect(result.indicators.map((entry) => entry.indicator)).toEqual(expected.indicators.map((entry) => entry.indicator));
    result.indicators.forEach((entry, k) => {
      expect(Math.abs(entry.importance - expected.indicators[k].importance)).toBeLessThan(1e-6);
      expect(Math.abs(entry.performance - expected.indicators[k].performance)).toBeLessThan(1e-6);
    });
  });

  it("is the same from stored moments as from rows", () => {
    const fromMoments = computeIpma(estimatePlsFromMoments(model, momentsFromMatrix(data)), { target, scale: reference.scale });
    fromMoments.constructs.forEach((entry, k) => {
      expect(Math.abs(entry.importance - result.constructs[k].importance)).toBeLessThan(1e-9);
      expect(Math.abs(entry.performance - result.constructs[k].performance)).toBeLessThan(1e-9);
    });
  });
});

describe("IPMA preconditions", () => {
  it("performance equals the ACSI index when every weight is positive, and mobi raises no warnings", () => {
    const result = computeIpma(estimate, { target: "Loyalty", scale: reference.scale });
    const indices = computeAcsiIndices(estimate, { scale: reference.scale });
    for (const entry of result.constructs) expect(entry.performance).toBeCloseTo(indices.indices[entry.construct].index, 9);
    expect(result.warnings).toEqual([]);
  });

  it("warns about a reverse-coded indicator (negative loading) and its negative weight", () => {
    const reversed = { itemIds: data.itemIds, rows: data.rows.map((row) => Array.from(row, (value, c) => (data.itemIds[c] === "PERQ2" ? 11 - (value as number) : value))) };
    const result = computeIpma(estimatePlsPath(model, reversed), { target: "Satisfaction", scale: reference.scale });
    const codes = result.warnings.filter((warning) => warning.related === "PERQ2").map((warning) => warning.code);
    expect(codes).toContain("IPMA_CODING_DIRECTION");
    expect(codes).toContain("IPMA_NEGATIVE_OUTER_WEIGHT");
  });

  it("rejects an unknown target", () => {
    expect(() => computeIpma(estimate, { target: "Nope", scale: reference.scale })).toThrow(/unknown IPMA target/);
  });
});
