import { describe, expect, it } from "vitest";
import {
  accumulatorFromHistogram,
  computeComplaintRate,
  computeLoyalty,
  computeYesShare,
  meanOf,
  rescaleTo100,
  retentionRate,
  safeRatio,
  summarizeRating,
} from "../../../src/domain/metrics";

describe("computeComplaintRate", () => {
  it("zero responses", () => {
    expect(computeComplaintRate({})).toEqual({ n: 0, yes: 0, share: null, interval95: null, excluded: 0 });
  });

  it.each([
    ["boolean keys", { true: 3, false: 7 }],
    ["numeric keys", { 1: 3, 0: 7 }],
    ["yes/no keys", { yes: 3, NO: 7 }],
  ])("reads %s", (_name, histogram) => {
    expect(computeComplaintRate(histogram)).toMatchObject({ n: 10, yes: 3, share: 0.3 });
  });

  it("excludes unknown keys", () => {
    expect(computeYesShare({ true: 1, maybe: 4 })).toMatchObject({ n: 1, yes: 1, share: 1, excluded: 4 });
    expect(() => computeYesShare({ true: -2 })).toThrow(RangeError);
  });
});

describe("summarizeRating / computeLoyalty", () => {
  it("summarizes a 1-10 item: mean, sd, top-2 box (9-10), 0-100 index", () => {
    const summary = summarizeRating({ 10: 2, 9: 1, 8: 1, 1: 1 }, { min: 1, max: 10 });
    expect(summary.n).toBe(5);
    expect(summary.mean).toBeCloseTo(7.6, 10);
    expect(summary.topTwoBoxShare).toBeCloseTo(0.6, 10);
    expect(summary.index).toBeCloseTo(((7.6 - 1) / 9) * 100, 10);
    expect(summary.standardDeviation).toBeGreaterThan(0);
    expect(summary.meanMarginOfError95).toBeGreaterThan(0);
  });

  it("single response has no spread estimate", () => {
    expect(summarizeRating({ 5: 1 }, { min: 1, max: 10 })).toMatchObject({ n: 1, mean: 5, standardDeviation: null, meanMarginOfError95: null });
  });

  it("computes each loyalty indicator that is present", () => {
    const loyalty = computeLoyalty({ repurchase: { 10: 1, 8: 1 }, priceIncrease: {} });
    expect(loyalty.repurchase).toMatchObject({ n: 2, mean: 9, topTwoBoxShare: 0.5 });
    expect(loyalty.priceToleranceIncrease).toMatchObject({ n: 0, mean: null, topTwoBoxShare: null, index: null });
    expect(loyalty.priceToleranceDecrease).toBeNull();
    expect(loyalty.recommend).toBeNull();
  });
});

describe("retentionRate", () => {
  it.each([
    [80, 100, 0.8],
    [0, 10, 0],
    [0, 0, null],
  ])("%i of %i → %s", (retained, total, expected) => {
    expect(retentionRate(retained, total)).toBe(expected);
  });

  it("rejects impossible inputs", () => {
    expect(() => retentionRate(11, 10)).toThrow(RangeError);
    expect(() => retentionRate(-1, 10)).toThrow(RangeError);
  });
});

describe("histogram helpers", () => {
  it("safeRatio and meanOf never return NaN", () => {
    expect(safeRatio(1, 0)).toBeNull();
    expect(safeRatio(0, 0)).toBeNull();
    expect(safeRatio(Number.NaN, 1)).toBeNull();
    expect(meanOf({ sum: 0, count: 0 })).toBeNull();
    expect(meanOf({ sum: 12, count: 4 })).toBe(3);
  });

  it("accumulatorFromHistogram and rescaleTo100", () => {
    expect(accumulatorFromHistogram({ 1: 2, 7: 1, 9: 3 }, { min: 1, max: 7 })).toEqual({ sum: 9, count: 3 });
    expect(rescaleTo100(1, { min: 1, max: 10 })).toBe(0);
    expect(rescaleTo100(10, { min: 1, max: 10 })).toBe(100);
    expect(rescaleTo100(null, { min: 1, max: 10 })).toBeNull();
    expect(rescaleTo100(3, { min: 3, max: 3 })).toBeNull();
  });
});
