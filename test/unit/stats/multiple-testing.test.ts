import { describe, expect, it } from "vitest";
import { holmAdjust } from "../../../src/domain/stats";

describe("Holm (1979) step-down adjustment", () => {
  it("equals a hand computation", () => {
    // Sorted: 0.01 (×4 = 0.04), 0.02 (×3 = 0.06), 0.03 (×2 = 0.06), 0.04 (×1, but at least 0.06).
    // In input order 0.03, 0.01, 0.04, 0.02:
    const adjusted = holmAdjust([0.03, 0.01, 0.04, 0.02]);
    [0.06, 0.04, 0.06, 0.06].forEach((expected, i) => expect(adjusted[i]).toBeCloseTo(expected, 15));
  });

  it("keeps adjusted values monotone and caps them at 1", () => {
    // Sorted 0.001 (×3 = 0.003), 0.4 (×2 = 0.8), 0.45 (×1 = 0.45 → max with 0.8 = 0.8); 0.6 ×… capped.
    expect(holmAdjust([0.45, 0.001, 0.4])).toEqual([0.8, 0.003, 0.8]);
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
  });

  it("changes nothing for a single test and handles an empty family and ties", () => {
    expect(holmAdjust([0.049])).toEqual([0.049]);
    expect(holmAdjust([])).toEqual([]);
    expect(holmAdjust([0.02, 0.02])).toEqual([0.04, 0.04]);
  });

  it("rejects values outside [0, 1]", () => {
    expect(() => holmAdjust([0.2, 1.5])).toThrow(RangeError);
    expect(() => holmAdjust([Number.NaN])).toThrow(RangeError);
  });
});
