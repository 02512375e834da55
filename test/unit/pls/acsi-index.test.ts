import { describe, expect, it } from "vitest";
import {
  computeAcsiIndices,
  computeRespondentIndices,
  estimatePlsFromMoments,
  estimatePlsPath,
  type PlsModelSpec,
} from "../../../src/domain/pls";
import { momentsFromMatrix, type ResponseMatrix } from "../../../src/domain/stats";
import { SCHEMES, loadMobi, mobiModel, readFixture, type Keyed } from "./fixtures";

interface ReferenceConstructIndex {
  items: string | string[];
  unstandardized_weights_u: Keyed;
  normalized_weights_w: Keyed;
  index: number;
  index_check_mean_of_respondent_indices: number;
  respondent_index_first5: number[];
  respondent_index_sd_n_minus_1: number;
}

const reference = JSON.parse(readFixture("mobi_acsi_index.json")) as {
  scale: { min: number; max: number };
} & Record<string, Record<string, ReferenceConstructIndex>>;

const data = loadMobi();
const model = mobiModel();
const TOLERANCE = 1e-6;

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sampleSd = (values: number[]) => {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1));
};

describe.each(SCHEMES)("ACSI indices on mobi, %s scheme", (scheme) => {
  const expected = reference[`scheme_${scheme}`];
  const estimate = estimatePlsPath(model, data, { scheme });
  const indices = computeAcsiIndices(estimate, { scale: reference.scale });
  const fromMoments = computeAcsiIndices(estimatePlsFromMoments(model, momentsFromMatrix(data), { scheme }), { scale: reference.scale });
  const respondents = computeRespondentIndices(indices, data);

  it.each(Object.keys(expected))("%s: index, u and w weights match the reference", (construct) => {
    const want = expected[construct];
    const got = indices.indices[construct];
    expect(Math.abs(got.index - want.index)).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(fromMoments.indices[construct].index - want.index)).toBeLessThanOrEqual(TOLERANCE);
    expect(got.equalWeightsFallback).toBe(false);
    for (const [item, value] of Object.entries(want.unstandardized_weights_u)) {
      expect(Math.abs(got.unstandardizedWeights[item] - value), `u ${item}`).toBeLessThanOrEqual(TOLERANCE);
    }
    for (const [item, value] of Object.entries(want.normalized_weights_w)) {
      expect(Math.abs(got.normalizedWeights[item] - value), `w ${item}`).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it.each(Object.keys(expected))("%s: respondent indices match and average to the index", (construct) => {
    const want = expected[construct];
    const values = respondents[construct];
    expect(values).toHaveLength(data.rows.length);
    want.respondent_index_first5.forEach((value, r) => {
      expect(Math.abs(values[r] - value), `respondent ${r + 1}`).toBeLessThanOrEqual(TOLERANCE);
    });
    expect(Math.abs(mean(values) - want.index_check_mean_of_respondent_indices)).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(sampleSd(values) - want.respondent_index_sd_n_minus_1)).toBeLessThanOrEqual(TOLERANCE);
  });

  it("reports no warnings when every weight is positive", () => {
    expect(indices.warnings).toEqual([]);
  });
});

describe("ACSI index options and fallbacks", () => {
  const estimate = estimatePlsPath(model, data);

  it("uses per-item theoretical bounds: Σw·min and Σw·max", () => {
    const base = computeAcsiIndices(estimate, { scale: { min: 1, max: 10 } }).indices.Satisfaction;
    const mixed = computeAcsiIndices(estimate, {
      scale: { min: 1, max: 10 },
      itemScales: { CUSA1: { min: 0, max: 10 } },
      constructs: ["Satisfaction"],
    }).indices.Satisfaction;
    const w = base.normalizedWeights;
    const means = base.itemMeans;
    const expected =
      ((w.CUSA1 * means.CUSA1 + w.CUSA2 * means.CUSA2 + w.CUSA3 * means.CUSA3 - (w.CUSA1 * 0 + w.CUSA2 * 1 + w.CUSA3 * 1)) /
        (w.CUSA1 * 10 + w.CUSA2 * 9 + w.CUSA3 * 9)) *
      100;
    expect(mixed.index).toBeCloseTo(expected, 12);
    expect(mixed.index).not.toBeCloseTo(base.index, 3);
  });

  it("rejects missing or inverted bounds", () => {
    expect(() => computeAcsiIndices(estimate, {})).toThrow(/no scale bounds/);
    expect(() => computeAcsiIndices(estimate, { scale: { min: 10, max: 1 } })).toThrow(/min < max/);
  });

  it("falls back to equal weights, with warnings, when a weight is negative", () => {
    // Reverse-code CUEX3 (11 − x): its loading turns negative while the block's majority stays
    // positive, so the sign fix keeps it negative and the index must not use it as a weight.
    const position = data.itemIds.indexOf("CUEX3");
    const reversed: ResponseMatrix = {
      itemIds: data.itemIds,
      rows: data.rows.map((row) => Array.from(row, (value, c) => (c === position ? 11 - (value as number) : value))),
    };
    const estimateReversed = estimatePlsPath(model as PlsModelSpec, reversed);
    expect(estimateReversed.standardizedOuterWeights.Expectation.CUEX3).toBeLessThan(0);
    expect(estimateReversed.warnings.map((w) => w.code)).toContain("NEGATIVE_OUTER_WEIGHT");
    const result = computeAcsiIndices(estimateReversed, { scale: { min: 1, max: 10 } });
    const expectation = result.indices.Expectation;
    expect(expectation.equalWeightsFallback).toBe(true);
    expect(Object.values(expectation.normalizedWeights)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const equalWeightIndex = ((mean(Object.values(expectation.itemMeans)) - 1) / 9) * 100;
    expect(expectation.index).toBeCloseTo(equalWeightIndex, 12);
    expect(result.warnings).toEqual([expect.objectContaining({ code: "INDEX_EQUAL_WEIGHTS_FALLBACK", construct: "Expectation" })]);
    expect(result.indices.Image.equalWeightsFallback).toBe(false);
  });

  it("replaces a missing answer by the item mean in respondent indices", () => {
    const indices = computeAcsiIndices(estimate, { scale: { min: 1, max: 10 }, constructs: ["Value"] });
    const partial: ResponseMatrix = { itemIds: ["PERV1", "PERV2"], rows: [[null, 10]] };
    const { PERV1: w1, PERV2: w2 } = indices.indices.Value.normalizedWeights;
    const expected = ((w1 * indices.indices.Value.itemMeans.PERV1 + w2 * 10 - 1) / 9) * 100;
    expect(computeRespondentIndices(indices, partial).Value[0]).toBeCloseTo(expected, 12);
  });
});
