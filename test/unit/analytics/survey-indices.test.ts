import { describe, expect, it } from "vitest";
import { computeSurveyIndices } from "../../../src/domain/analytics/survey-indices";
import { getTemplate } from "../../../src/domain/survey/templates";
import { addRowToMoments, createEmptyMoments, type ItemMoments } from "../../../src/domain/stats/item-moments";
import { createSeededRandom } from "../../../src/domain/stats/random";

const RATED_ITEMS = [
  "ce_overall", "ce_custom", "ce_reliability", "pq_overall", "pq_custom", "pq_reliability",
  "pv_price_given_quality", "pv_quality_given_price", "sat_overall", "sat_expectations", "sat_ideal",
  "loy_repurchase", "loy_price_increase", "loy_price_decrease",
];

/** Answers with no structure at all: uniform 1–10 on every item, a complaint three times in ten. */
function noiseMoments(seed: number, rows: number): ItemMoments {
  const random = createSeededRandom(seed);
  let moments = createEmptyMoments();
  for (let r = 0; r < rows; r++) {
    const row: Record<string, number> = { complained: random() < 0.3 ? 1 : 0 };
    for (const item of RATED_ITEMS) row[item] = 1 + Math.floor(random() * 10);
    moments = addRowToMoments(moments, row);
  }
  return moments;
}

describe("computeSurveyIndices on answers without structure", () => {
  it("answers with indices and a warning, never an exception, when IPMA cannot rescale a driver", () => {
    // Seeded noise in which loyalty's outer weights sum to a negative value: IPMA has no scale for it
    // (it threw here and the dashboard answered 500).
    const result = computeSurveyIndices(getTemplate("acsi"), noiseMoments(1, 30));
    expect(result.n).toBe(30);
    expect(result.estimate).not.toBeNull();
    expect(result.indices).not.toBeNull();
    expect(result.drivers).toBeNull();
    const warning = result.warnings.find((w) => w.code === "DRIVERS_NOT_COMPUTABLE");
    expect(warning?.message ?? "").toContain("do not sum to a positive value");
    expect(result.metrics).toBeDefined();
  });
});
