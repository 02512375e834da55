import { describe, expect, it } from "vitest";
import { computeServqualGaps, type ServqualPairAggregate } from "../../../src/domain/metrics";

const acc = (mean: number, count = 10) => ({ sum: mean * count, count });

const PAIRS: ServqualPairAggregate[] = [
  { pairKey: "rel_promises", dimension: "reliability", expectation: acc(6.5), perception: acc(5) }, // −1.5
  { pairKey: "rel_first_time", dimension: "reliability", expectation: acc(6), perception: acc(5.5) }, // −0.5
  { pairKey: "tan_equipment", dimension: "tangibles", expectation: acc(5), perception: acc(6) }, // +1
  { pairKey: "emp_attention", dimension: "empathy", expectation: { sum: 0, count: 0 }, perception: acc(4) }, // no data
];

describe("computeServqualGaps", () => {
  it("item gaps P − E, dimension means and overall mean of dimensions", () => {
    const result = computeServqualGaps(PAIRS);
    expect(result.items.map((item) => [item.pairKey, item.gap])).toEqual([
      ["rel_promises", -1.5],
      ["rel_first_time", -0.5],
      ["tan_equipment", 1],
      ["emp_attention", null],
    ]);
    expect(result.dimensions.reliability).toEqual({ gap: -1, itemCount: 2 });
    expect(result.dimensions.tangibles).toEqual({ gap: 1, itemCount: 1 });
    expect(result.dimensions.empathy).toEqual({ gap: null, itemCount: 0 });
    expect(result.dimensions.assurance).toEqual({ gap: null, itemCount: 0 });
    // Overall is the mean of dimension scores (−1 and +1), not of the three item gaps.
    expect(result.overall).toBe(0);
    expect(result.weightedOverall).toBeNull();
  });

  it("importance weights are renormalized over dimensions with data", () => {
    const result = computeServqualGaps(PAIRS, { weights: { reliability: 3, tangibles: 1, empathy: 10 } });
    expect(result.weightedOverall).toBeCloseTo((3 * -1 + 1 * 1) / 4, 10);
    expect(computeServqualGaps(PAIRS, { weights: { empathy: 1 } }).weightedOverall).toBeNull();
  });

  it("no data → null, not NaN", () => {
    const result = computeServqualGaps([]);
    expect(result.overall).toBeNull();
    expect(result.items).toEqual([]);
  });
});
