import { describe, expect, it } from "vitest";
import {
  StatsInputError,
  addRowToMoments,
  computeItemStatistics,
  createEmptyMoments,
  createSeededRandom,
  mergeMoments,
  momentsFromMatrix,
  netPromoterScore,
  parseMoments,
  serializeMoments,
  summarizeItem,
  topBoxShare,
  meanFromCounts,
  type ResponseMatrix,
} from "../../../src/domain/stats";
import { pairIndex } from "../../../src/domain/stats/item-moments";

const rowsWithGaps: ResponseMatrix = {
  itemIds: ["a", "b", "c"],
  rows: [
    [1, 2, null],
    [3, null, 5],
    [4, 4, 4],
    [null, 1, 2],
    [5, 3, 1],
    [2, 2, 3],
  ],
};

/** Complete-data statistics after explicitly imputing item means: the definition of mean replacement. */
function explicitMeanReplacement(matrix: ResponseMatrix) {
  const p = matrix.itemIds.length;
  const means = matrix.itemIds.map((_, c) => {
    const present = matrix.rows.map((row) => row[c]).filter((v): v is number => v !== null);
    return present.reduce((a, b) => a + b, 0) / present.length;
  });
  const filled = matrix.rows.map((row) => Array.from({ length: p }, (_, c) => row[c] ?? means[c]));
  const n = filled.length;
  const cov = (i: number, j: number) => filled.reduce((sum, row) => sum + (row[i] - means[i]) * (row[j] - means[j]), 0) / (n - 1);
  const sds = means.map((_, i) => Math.sqrt(cov(i, i)));
  const correlation = means.flatMap((_, i) => means.map((__, j) => (i === j ? 1 : cov(i, j) / (sds[i] * sds[j]))));
  return { means, sds, correlation };
}

/** Available-case covariance over rows answering both items, divided by the item SDs. */
function explicitPairwise(matrix: ResponseMatrix) {
  const p = matrix.itemIds.length;
  const column = (c: number) => matrix.rows.map((row) => row[c]).filter((v): v is number => v !== null);
  const means = Array.from({ length: p }, (_, c) => column(c).reduce((a, b) => a + b, 0) / column(c).length);
  const sds = Array.from({ length: p }, (_, c) =>
    Math.sqrt(column(c).reduce((s, v) => s + (v - means[c]) ** 2, 0) / (column(c).length - 1)),
  );
  const correlation: number[] = [];
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const both = matrix.rows.filter((row) => row[i] !== null && row[j] !== null);
      const mi = both.reduce((s, row) => s + (row[i] as number), 0) / both.length;
      const mj = both.reduce((s, row) => s + (row[j] as number), 0) / both.length;
      const cov = both.reduce((s, row) => s + ((row[i] as number) - mi) * ((row[j] as number) - mj), 0) / (both.length - 1);
      correlation.push(i === j ? 1 : cov / (sds[i] * sds[j]));
    }
  }
  return { means, sds, correlation };
}

describe("ItemMoments accumulation", () => {
  it("stores per-pair counts and sums over rows answering both items", () => {
    const moments = momentsFromMatrix(rowsWithGaps);
    expect(moments.rowCount).toBe(6);
    const ab = pairIndex(0, 1);
    expect(moments.pairCount[ab]).toBe(4); // rows 1, 3, 5, 6
    expect(moments.pairSumFirst[ab]).toBe(1 + 4 + 5 + 2);
    expect(moments.pairSumSecond[ab]).toBe(2 + 4 + 3 + 2);
    expect(moments.pairCrossProduct[ab]).toBe(1 * 2 + 4 * 4 + 5 * 3 + 2 * 2);
    expect(summarizeItem(moments, "c")).toEqual({
      itemId: "c",
      count: 5,
      sum: 15,
      sumOfSquares: 25 + 16 + 4 + 1 + 9,
      valueCounts: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 },
    });
  });

  it("derives exactly the statistics of explicit mean imputation (the default)", () => {
    const statistics = computeItemStatistics(momentsFromMatrix(rowsWithGaps));
    const expected = explicitMeanReplacement(rowsWithGaps);
    expect(statistics.missing).toBe("mean-replacement");
    statistics.means.forEach((m, i) => expect(m).toBeCloseTo(expected.means[i], 13));
    statistics.sds.forEach((s, i) => expect(s).toBeCloseTo(expected.sds[i], 13));
    Array.from(statistics.correlation).forEach((r, k) => expect(r).toBeCloseTo(expected.correlation[k], 13));
  });

  it("derives available-case (pairwise) statistics on request", () => {
    const statistics = computeItemStatistics(momentsFromMatrix(rowsWithGaps), { missing: "pairwise" });
    const expected = explicitPairwise(rowsWithGaps);
    statistics.sds.forEach((s, i) => expect(s).toBeCloseTo(expected.sds[i], 13));
    Array.from(statistics.correlation).forEach((r, k) => expect(r).toBeCloseTo(expected.correlation[k], 13));
  });

  it("treats null, undefined, absent keys and NaN as missing, and rejects other non-numbers", () => {
    const moments = createEmptyMoments(["a", "b"]);
    addRowToMoments(moments, { a: 1, b: null });
    addRowToMoments(moments, { a: undefined, b: 2 });
    addRowToMoments(moments, { a: Number.NaN });
    addRowToMoments(moments, { b: 3, c: 7 });
    expect(moments.itemIds).toEqual(["a", "b", "c"]);
    expect(moments.rowCount).toBe(4);
    expect(summarizeItem(moments, "a").count).toBe(1);
    expect(summarizeItem(moments, "b").count).toBe(2);
    expect(summarizeItem(moments, "c").count).toBe(1);
    expect(() => addRowToMoments(moments, { a: Number.POSITIVE_INFINITY })).toThrow(StatsInputError);
    expect(() => addRowToMoments(moments, { a: "7" as unknown as number })).toThrow(/not a finite number/);
  });
});

describe("mergeMoments", () => {
  const random = createSeededRandom(99);
  const randomRow = () => ({
    a: random() < 0.1 ? null : 1 + Math.floor(random() * 10),
    b: random() < 0.2 ? null : 1 + Math.floor(random() * 10),
    c: 1 + Math.floor(random() * 5),
  });
  const rows = Array.from({ length: 200 }, randomRow);

  it("is exact, commutative and associative for integer answers", () => {
    const [x, y, z] = [0, 1, 2].map((k) => {
      const moments = createEmptyMoments();
      rows.filter((_, r) => r % 3 === k).forEach((row) => addRowToMoments(moments, row));
      return moments;
    });
    const all = createEmptyMoments();
    rows.forEach((row) => addRowToMoments(all, row));
    const left = mergeMoments(mergeMoments(x, y), z);
    const right = mergeMoments(z, mergeMoments(y, x));
    expect(computeItemStatistics(left)).toEqual(computeItemStatistics(all));
    expect(computeItemStatistics(right, { itemIds: all.itemIds })).toEqual(computeItemStatistics(all));
  });

  it("aligns buckets with different items by id (union), each row missing the items its bucket lacked", () => {
    const first = createEmptyMoments(["a", "b"]);
    const second = createEmptyMoments(["c", "b"]);
    const matrixRows: Array<Array<number | null>> = [];
    rows.forEach((row, r) => {
      if (r < 100) {
        addRowToMoments(first, { a: row.a, b: row.b });
        matrixRows.push([row.a, row.b, null]);
      } else {
        addRowToMoments(second, { c: row.c, b: row.b });
        matrixRows.push([null, row.b, row.c]);
      }
    });
    const merged = mergeMoments(first, second);
    expect(merged.itemIds).toEqual(["a", "b", "c"]);
    const direct = momentsFromMatrix({ itemIds: ["a", "b", "c"], rows: matrixRows });
    expect(merged).toEqual(direct);
    expect(summarizeItem(merged, "b").valueCounts).toEqual(summarizeItem(direct, "b").valueCounts);
  });

  it("leaves its inputs untouched", () => {
    const a = momentsFromMatrix(rowsWithGaps);
    const snapshot = JSON.stringify(a);
    mergeMoments(a, a);
    expect(JSON.stringify(a)).toBe(snapshot);
  });
});

describe("serialization", () => {
  it("writes the compact form for complete data and round-trips exactly", () => {
    const moments = momentsFromMatrix({ itemIds: ["x", "y"], rows: [[1, 2], [3, 5], [4, 4]] });
    const text = serializeMoments(moments);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed.pairCount).toBeUndefined();
    expect(parsed.itemSums).toEqual([8, 11]);
    expect(parseMoments(text)).toEqual(moments);
  });

  it("writes the full triangle when answers are missing and round-trips exactly", () => {
    const moments = momentsFromMatrix(rowsWithGaps);
    const text = serializeMoments(moments);
    expect((JSON.parse(text) as Record<string, unknown>).pairCount).toBeDefined();
    expect(parseMoments(text)).toEqual(moments);
    expect(parseMoments(JSON.parse(JSON.stringify(moments)))).toEqual(moments);
  });

  it("stays compact for a 15-item bucket", () => {
    const random = createSeededRandom(5);
    const itemIds = Array.from({ length: 15 }, (_, k) => `item_${k + 1}`);
    const moments = createEmptyMoments(itemIds);
    for (let r = 0; r < 3000; r++) {
      addRowToMoments(moments, Object.fromEntries(itemIds.map((id) => [id, 1 + Math.floor(random() * 10)])));
    }
    // 120 cross-products + 15 sums + 15 ten-bin histograms; the size docs/statistics.md quotes.
    expect(serializeMoments(moments).length).toBeLessThan(3000);
  });

  it.each([
    ["not JSON", "{"],
    ["wrong format tag", JSON.stringify({ format: "other" })],
    ["wrong triangle length", JSON.stringify({ ...momentsFromMatrix(rowsWithGaps), pairCrossProduct: [1, 2] })],
    ["pair count above rowCount", JSON.stringify({ ...momentsFromMatrix(rowsWithGaps), rowCount: 1 })],
  ])("rejects %s", (_label, text) => {
    expect(() => parseMoments(text)).toThrow(expect.objectContaining({ code: "INVALID_MOMENTS" }));
  });
});

describe("metrics from value histograms", () => {
  const moments = createEmptyMoments(["nps", "csat"]);
  const answers: Array<[number, number]> = [
    [10, 5],
    [9, 4],
    [8, 4],
    [7, 3],
    [6, 2],
    [0, 1],
    [10, 5],
    [3, 5],
  ];
  answers.forEach(([nps, csat]) => addRowToMoments(moments, { nps, csat }));

  it("computes NPS, top-2-box CSAT and means without raw rows", () => {
    const nps = summarizeItem(moments, "nps").valueCounts;
    const csat = summarizeItem(moments, "csat").valueCounts;
    expect(netPromoterScore(nps)).toBe((100 * (3 - 3)) / 8);
    expect(topBoxShare(csat, 4)).toBe((100 * 5) / 8);
    expect(meanFromCounts(csat)).toBe(29 / 8);
    expect(netPromoterScore({})).toBeNull();
  });
});
