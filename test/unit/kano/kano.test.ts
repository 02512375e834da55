import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  addKanoPair,
  analyzeKanoFeature,
  classifyKanoPair,
  createKanoHistogram,
  fongTest,
  kanoCategoryCounts,
  mergeKanoHistograms,
  type KanoCategory,
} from "../../../src/domain/kano";

/** One answer pair that the evaluation table maps to each category. */
const PAIR: Record<KanoCategory, [number, number]> = { A: [1, 3], O: [1, 5], M: [2, 5], I: [3, 3], R: [5, 1], Q: [1, 1] };

function histogramFrom(counts: Partial<Record<KanoCategory, number>>) {
  const histogram = createKanoHistogram();
  for (const [category, count] of Object.entries(counts) as Array<[KanoCategory, number]>) {
    for (let k = 0; k < count; k++) addKanoPair(histogram, ...PAIR[category]);
  }
  return histogram;
}

describe("Kano evaluation table (Berger et al. 1993; Sauerwein et al. 1996)", () => {
  it("maps every functional × dysfunctional pair", () => {
    // Rows: like, must-be, neutral, live-with, dislike (functional); columns the same (dysfunctional).
    const expected = ["QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ"];
    for (let f = 1; f <= 5; f++) {
      for (let d = 1; d <= 5; d++) expect(classifyKanoPair(f, d)).toBe(expected[f - 1][d - 1]);
    }
  });

  it("rejects answers outside 1..5", () => {
    expect(() => classifyKanoPair(0, 3)).toThrow(RangeError);
    expect(() => addKanoPair(createKanoHistogram(), 3, 6)).toThrow(RangeError);
  });

  it("counts categories per respondent from the 5 × 5 histogram and merges periods by addition", () => {
    const first = createKanoHistogram();
    addKanoPair(first, 1, 5);
    addKanoPair(first, 2, 5);
    addKanoPair(first, 1, 1);
    const second = createKanoHistogram();
    addKanoPair(second, 4, 5);
    addKanoPair(second, 5, 2);
    expect(kanoCategoryCounts(mergeKanoHistograms([first, second]))).toEqual({ A: 0, O: 1, M: 2, I: 0, R: 1, Q: 1 });
  });
});

describe("hand-computed worked cases (Better/Worse as defined by Berger et al. 1993, after Timko)", () => {
  // Three invented features of 1,000 respondents each; the expected category and coefficients are
  // computed by hand from the counts: Better = (A + O)/(A + O + M + I), Worse = −(O + M)/(A + O + M + I).
  // An earlier version labelled these counts as Sauerwein et al.'s (1996) ski example, typed from
  // memory; that table could not be checked against the paper (a search of the stored pages found
  // no copy of it), so the counts are NOT presented as the paper's figures.
  it.each([
    ["edge grip", { A: 70, O: 323, M: 493, I: 95, R: 13, Q: 6 }, "M", 393 / 981, -816 / 981],
    ["ease of turning", { A: 104, O: 451, M: 305, I: 115, R: 12, Q: 13 }, "O", 555 / 975, -756 / 975],
    ["service", { A: 638, O: 216, M: 29, I: 85, R: 16, Q: 16 }, "A", 854 / 968, -245 / 968],
  ] as const)("%s", (_, counts, category, better, worse) => {
    const result = analyzeKanoFeature(histogramFrom(counts));
    expect(result.n).toBe(1000);
    expect(result.category).toBe(category);
    expect(result.fong!.significant).toBe(true);
    expect(result.better).toBeCloseTo(better, 12);
    expect(result.worse).toBeCloseTo(worse, 12);
  });
});

describe("Fong's test and ties (hand-computed)", () => {
  it("A 40 vs O 36 of 100 is not a significant lead: the M > O > A > I rule gives O", () => {
    const result = analyzeKanoFeature(histogramFrom({ A: 40, O: 36, I: 24 }));
    // 1.65 · √(76 · 124 / 200) = 11.3263…
    expect(result.fong!.threshold).toBeCloseTo(1.65 * Math.sqrt((76 * 124) / 200), 12);
    expect(result.fong).toMatchObject({ first: "A", second: "O", difference: 4, significant: false });
    expect(result.mode).toBe("A");
    expect(result.category).toBe("O");
    expect(result.better).toBeCloseTo(76 / 100, 12);
    expect(result.worse).toBeCloseTo(-36 / 100, 12);
  });

  it("an exact tie of I and M goes to M", () => {
    expect(analyzeKanoFeature(histogramFrom({ I: 30, M: 30 })).category).toBe("M");
  });

  it("M 50 vs I 20 of 100 is significant", () => {
    expect(fongTest(50, 20, 100)).toEqual({ threshold: 1.65 * Math.sqrt((70 * 130) / 200), significant: true });
    expect(analyzeKanoFeature(histogramFrom({ M: 50, I: 20, A: 30 })).category).toBe("M");
  });

  it("reverse and questionable answers: mode R, no Better/Worse without A, O, M or I", () => {
    const result = analyzeKanoFeature(histogramFrom({ R: 8, Q: 3 }));
    expect(result.category).toBe("R");
    expect(result.counts).toMatchObject({ R: 8, Q: 3 });
    expect(result.better).toBeNull();
    expect(result.worse).toBeNull();
  });

  it("questionable answers count towards n but not towards Better/Worse", () => {
    const result = analyzeKanoFeature(histogramFrom({ Q: 10, A: 5, I: 5 }));
    expect(result.n).toBe(20);
    expect(result.category).toBe("Q");
    expect(result.better).toBe(0.5);
    expect(result.worse).toBeCloseTo(0, 12);
  });

  it("an empty histogram has no category", () => {
    expect(analyzeKanoFeature(createKanoHistogram())).toMatchObject({ n: 0, category: null, better: null, worse: null });
  });
});

interface PrintedFeature {
  feature: string;
  total: number;
  counts: Record<KanoCategory, number>;
  printed: { maxCategory: KanoCategory; ruleMOAI: KanoCategory; csPlus: number; csMinus: number; fongDifference: number; fongThreshold: number; fongSignificant: boolean };
}
const independent = JSON.parse(readFileSync(new URL("../../fixtures/kano/stp25kano_example.json", import.meta.url), "utf8")) as {
  evaluationTable: { cells: string[] };
  features: PrintedFeature[];
};

describe("against an independent implementation's printed results (R package stp25kano; test/fixtures/kano/README.md)", () => {
  it("has the same evaluation table", () => {
    for (let f = 1; f <= 5; f++) {
      for (let d = 1; d <= 5; d++) expect(classifyKanoPair(f, d)).toBe(independent.evaluationTable.cells[f - 1][d - 1]);
    }
  });

  it.each(independent.features.map((entry) => [entry.feature, entry] as const))("%s: mode, category, Better/Worse and Fong's test", (_, entry) => {
    const result = analyzeKanoFeature(histogramFrom(entry.counts));
    expect(result.n).toBe(entry.total);
    expect(result.counts).toEqual(entry.counts);
    expect(result.mode).toBe(entry.printed.maxCategory);
    expect(result.category).toBe(entry.printed.ruleMOAI);
    expect(Number(result.better!.toFixed(3))).toBe(entry.printed.csPlus);
    expect(Number(result.worse!.toFixed(3))).toBe(entry.printed.csMinus);
    expect(result.fong!.difference).toBe(entry.printed.fongDifference);
    expect(Number(result.fong!.threshold.toFixed(1))).toBe(entry.printed.fongThreshold);
    expect(result.fong!.significant).toBe(entry.printed.fongSignificant);
  });
});
