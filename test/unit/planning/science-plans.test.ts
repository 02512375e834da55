import { describe, expect, it } from "vitest";
import { planEvaluationWindows, targetReached } from "../../../src/domain/planning";
import { kanoPairCode } from "../../../src/domain/survey/kano-item";
import { permutationsPerStep, ROW_PERMUTATIONS_PER_STEP } from "../../../src/db/queries/segment-tests";

describe("improvement-plan windows", () => {
  it("judges a finished plan on equal windows either side of its start", () => {
    expect(planEvaluationWindows("2026-09-01", "2026-11-20", "2026-12-04")).toEqual({
      before: { from: "2026-06-12", to: "2026-08-31" },
      after: { from: "2026-09-01", to: "2026-11-20" },
    });
  });

  it("stops the after-period at today while the plan runs, and has none before the start", () => {
    expect(planEvaluationWindows("2026-12-01", "2027-03-01", "2026-12-04")).toEqual({
      before: { from: "2026-11-27", to: "2026-11-30" },
      after: { from: "2026-12-01", to: "2026-12-04" },
    });
    expect(planEvaluationWindows("2026-12-01", "2027-03-01", "2026-11-30")).toBeNull();
  });

  it("crosses month and year ends by calendar days", () => {
    expect(planEvaluationWindows("2027-01-01", "2027-01-31", "2027-06-01")?.before).toEqual({ from: "2026-12-01", to: "2026-12-31" });
  });

  it("reports the target as reached only with an after index at or above it", () => {
    expect(targetReached(80, 80)).toBe(true);
    expect(targetReached(79.9, 80)).toBe(false);
    expect(targetReached(null, 80)).toBeNull();
  });
});

describe("stored Kano pair codes", () => {
  it("number the 25 answer pairs 0..24 in the histogram's order", () => {
    const codes = [];
    for (let f = 1; f <= 5; f++) for (let d = 1; d <= 5; d++) codes.push(kanoPairCode(f, d));
    expect(codes).toEqual(Array.from({ length: 25 }, (_, k) => k));
  });
});

describe("permutation job steps", () => {
  it("keep each step at the row-permutation budget: 200 permutations of 10,000 responses, at least one", () => {
    expect(permutationsPerStep(10_000)).toBe(200);
    expect(permutationsPerStep(10_000) * 10_000).toBeLessThanOrEqual(ROW_PERMUTATIONS_PER_STEP);
    expect(permutationsPerStep(5_000_000)).toBe(1);
    expect(Math.ceil(1000 / permutationsPerStep(10_000))).toBe(5);
  });
});
