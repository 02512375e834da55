import { describe, expect, it } from "vitest";
import { computeSatisfactionLevels, computeSatisfactionRatios } from "../../../src/domain/metrics";

describe("computeSatisfactionLevels", () => {
  it("zero responses", () => {
    const summary = computeSatisfactionLevels({});
    expect(summary.n).toBe(0);
    expect(summary.mean).toBeNull();
    expect(summary.levels[3]).toEqual({ count: 0, share: null });
    expect(summary.rollUp.satisfied).toEqual({ count: 0, share: null });
  });

  it("distribution and three-level roll-up at the boundaries 2/3 and 3/4", () => {
    const summary = computeSatisfactionLevels({ 1: 1, 2: 2, 3: 3, 4: 2, 5: 2, 9: 4 });
    expect(summary.n).toBe(10);
    expect(summary.excluded).toBe(4);
    expect(summary.levels[1]).toEqual({ count: 1, share: 0.1 });
    expect(summary.levels[5]).toEqual({ count: 2, share: 0.2 });
    expect(summary.rollUp).toEqual({
      dissatisfied: { count: 3, share: 0.3 },
      neutral: { count: 3, share: 0.3 },
      satisfied: { count: 4, share: 0.4 },
    });
    expect(summary.mean).toBeCloseTo(3.2, 10);
  });
});

describe("computeSatisfactionRatios (C = b/a)", () => {
  it("per pair and overall with verdicts", () => {
    const result = computeSatisfactionRatios([
      { pairKey: "speed", expectation: { sum: 60, count: 10 }, perception: { sum: 48, count: 8 } }, // 6 vs 6 → 1
      { pairKey: "price", expectation: { sum: 50, count: 10 }, perception: { sum: 60, count: 10 } }, // 5 vs 6 → 1.2
      { pairKey: "staff", expectation: { sum: 70, count: 10 }, perception: { sum: 35, count: 10 } }, // 7 vs 3.5 → 0.5
    ]);
    expect(result.pairs.map((pair) => [pair.pairKey, pair.ratio, pair.verdict])).toEqual([
      ["speed", 1, "meets"],
      ["price", 1.2, "exceeds"],
      ["staff", 0.5, "falls_short"],
    ]);
    expect(result.overall.pairCount).toBe(3);
    expect(result.overall.expectationMean).toBeCloseTo(6, 10);
    expect(result.overall.perceptionMean).toBeCloseTo(5.1666667, 6);
    expect(result.overall.ratio).toBeCloseTo(5.1666667 / 6, 6);
    expect(result.overall.verdict).toBe("falls_short");
  });

  it("guards empty halves, zero expectations and no pairs", () => {
    const result = computeSatisfactionRatios([
      { pairKey: "empty", expectation: { sum: 0, count: 0 }, perception: { sum: 10, count: 2 } },
      { pairKey: "zero", expectation: { sum: 0, count: 5 }, perception: { sum: 10, count: 5 } },
    ]);
    expect(result.pairs[0]).toMatchObject({ expectationMean: null, ratio: null, verdict: null });
    expect(result.pairs[1]).toMatchObject({ expectationMean: 0, ratio: null, verdict: null });
    expect(result.overall).toMatchObject({ pairCount: 1, ratio: null });
    expect(computeSatisfactionRatios([]).overall).toEqual({ expectationMean: null, perceptionMean: null, ratio: null, verdict: null, pairCount: 0 });
  });

  it("tolerance widens the 'meets' band", () => {
    const pairs = [{ pairKey: "x", expectation: { sum: 100, count: 20 }, perception: { sum: 102, count: 20 } }];
    expect(computeSatisfactionRatios(pairs).pairs[0].verdict).toBe("exceeds");
    expect(computeSatisfactionRatios(pairs, { tolerance: 0.05 }).pairs[0].verdict).toBe("meets");
  });
});
