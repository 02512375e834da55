import { describe, expect, it } from "vitest";
import { computeCes, computeCsat, computeNps, npsMarginOfError, wilsonInterval } from "../../../src/domain/metrics";

describe("computeNps", () => {
  it("returns nulls, not NaN, for zero responses", () => {
    expect(computeNps({})).toEqual({
      n: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
      promoterShare: null,
      passiveShare: null,
      detractorShare: null,
      score: null,
      marginOfError95: null,
      excluded: 0,
    });
    expect(computeNps({ 9: 0, 3: 0 }).score).toBeNull();
  });

  it.each([
    [0, "detractors"],
    [6, "detractors"],
    [7, "passives"],
    [8, "passives"],
    [9, "promoters"],
    [10, "promoters"],
  ] as const)("boundary: a %i is counted among %s", (value, group) => {
    const summary = computeNps({ [value]: 1 });
    expect(summary[group]).toBe(1);
    expect(summary.score).toBe(group === "promoters" ? 100 : group === "detractors" ? -100 : 0);
  });

  it.each([
    ["all promoters", { 9: 3, 10: 2 }, 100],
    ["all detractors", { 0: 1, 6: 4 }, -100],
    ["tie between promoters and detractors", { 10: 5, 0: 5, 7: 10 }, 0],
    ["only passives", { 7: 4, 8: 4 }, 0],
    ["mixed", { 10: 50, 9: 10, 8: 20, 5: 15, 0: 5 }, 40],
  ])("%s → %d", (_name, histogram, score) => {
    expect(computeNps(histogram).score).toBeCloseTo(score, 10);
  });

  it("reports counts, shares, excluded values and a margin of error", () => {
    const summary = computeNps({ "10": 50, "9": 10, "8": 20, "5": 15, "0": 5, "11": 3, "-1": 1, "7.5": 2, abc: 1 });
    expect(summary).toMatchObject({ n: 100, promoters: 60, passives: 20, detractors: 20, promoterShare: 0.6, passiveShare: 0.2, detractorShare: 0.2, excluded: 7 });
    // Var = 0.6 + 0.2 − 0.4² = 0.64 → MoE = 1.96 × 0.08 × 100 ≈ 15.68
    expect(summary.marginOfError95).toBeCloseTo(15.68, 1);
  });

  it("rejects corrupt counts instead of bending the KPI", () => {
    expect(() => computeNps({ 9: -1 })).toThrow(RangeError);
    expect(() => computeNps({ 9: Number.NaN })).toThrow(RangeError);
  });
});

describe("computeCsat", () => {
  it("zero responses", () => {
    expect(computeCsat({})).toEqual({ n: 0, satisfied: 0, topTwoBoxShare: null, topTwoBoxInterval95: null, mean: null, excluded: 0 });
  });

  it.each([
    [{ 3: 1 }, 0],
    [{ 4: 1 }, 1],
    [{ 5: 1 }, 1],
    [{ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 }, 0.4],
    [{ 3: 2, 4: 2 }, 0.5],
  ])("top-2 share of %j is %d", (histogram, share) => {
    expect(computeCsat(histogram).topTwoBoxShare).toBeCloseTo(share, 10);
  });

  it("computes the mean and excludes off-scale values", () => {
    const summary = computeCsat({ 1: 1, 5: 3, 0: 4, 6: 1 });
    expect(summary).toMatchObject({ n: 4, satisfied: 3, mean: 4, excluded: 5 });
    expect(summary.topTwoBoxInterval95?.lower).toBeGreaterThan(0);
    expect(summary.topTwoBoxInterval95?.upper).toBeLessThanOrEqual(1);
  });
});

describe("computeCes", () => {
  it("zero responses", () => {
    expect(computeCes({})).toMatchObject({ n: 0, mean: null, agree: 0, agreeShare: null, agreeInterval95: null });
  });

  it.each([
    [{ 4: 1 }, 0],
    [{ 5: 1 }, 1],
    [{ 7: 1 }, 1],
    [{ 1: 1, 4: 1, 5: 1, 7: 1 }, 0.5],
  ])("agree share (5-7) of %j is %d", (histogram, share) => {
    expect(computeCes(histogram).agreeShare).toBe(share);
  });

  it("mean on 1-7 ignores 0 and 8", () => {
    expect(computeCes({ 2: 1, 6: 1, 0: 5, 8: 5 })).toMatchObject({ n: 2, mean: 4, excluded: 10 });
  });
});

describe("intervals", () => {
  it("wilsonInterval", () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(5, 3)).toBeNull();
    const allYes = wilsonInterval(10, 10);
    expect(allYes?.upper).toBe(1);
    expect(allYes?.lower).toBeCloseTo(0.7225, 3);
    const half = wilsonInterval(50, 100);
    expect(half?.lower).toBeCloseTo(0.4038, 3);
    expect(half?.upper).toBeCloseTo(0.5962, 3);
    const none = wilsonInterval(0, 20);
    expect(none?.lower).toBe(0);
    expect(none?.upper).toBeCloseTo(0.1611, 3);
  });

  it("npsMarginOfError", () => {
    expect(npsMarginOfError(0, 0, 0)).toBeNull();
    expect(npsMarginOfError(10, 0, 10)).toBe(0);
    expect(npsMarginOfError(50, 50, 100)).toBeCloseTo(19.6, 1);
  });
});
