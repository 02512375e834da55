/**
 * Kano analysis (Kano, Seraku, Takahashi & Tsuji 1984) from the functional/dysfunctional question
 * pair of a feature. Evaluation table and classification follow Berger et al. (1993), "Kano's
 * methods for understanding customer-defined quality", Center for Quality Management Journal 2(4),
 * and Sauerwein, Bailom, Matzler & Hinterhuber (1996), "The Kano model: how to delight your
 * customers", Preprints of the IX International Working Seminar on Production Economics, 313–327.
 *
 * Answers (both questions): 1 like, 2 must-be (expect it), 3 neutral, 4 live with, 5 dislike.
 * Results come from a 5 × 5 histogram of answer pairs, so merging periods or segments is an
 * element-wise sum and a dashboard read never touches individual responses.
 *   category = the most frequent of A, O, M, I, R, Q (mode);
 *   Fong (1996) test between the two most frequent categories a ≥ b out of n:
 *     |a − b| < 1.65 · √((a + b)(2n − a − b) / (2n))  ⇒ no significant difference, and the
 *     category is settled by Berger et al.'s rule M > O > A > I ("the one with the most impact");
 *   Better (CS+) = (A + O) / (A + O + M + I),  Worse (CS−) = −(O + M) / (A + O + M + I)
 *   (Berger et al. 1993, after Timko).
 */

export const KANO_ANSWERS = [1, 2, 3, 4, 5] as const;
export type KanoAnswer = (typeof KANO_ANSWERS)[number];

/** A attractive, O one-dimensional, M must-be, I indifferent, R reverse, Q questionable. */
export type KanoCategory = "A" | "O" | "M" | "I" | "R" | "Q";
export const KANO_CATEGORIES: readonly KanoCategory[] = ["A", "O", "M", "I", "R", "Q"];

/** Rows: functional answer 1..5; columns: dysfunctional answer 1..5. */
export const KANO_EVALUATION_TABLE: ReadonlyArray<readonly KanoCategory[]> = [
  ["Q", "A", "A", "A", "O"],
  ["R", "I", "I", "I", "M"],
  ["R", "I", "I", "I", "M"],
  ["R", "I", "I", "I", "M"],
  ["R", "R", "R", "R", "Q"],
];

/** 25 counts, index (functional − 1) · 5 + (dysfunctional − 1). */
export type KanoHistogram = number[];

export function createKanoHistogram(): KanoHistogram {
  return new Array<number>(25).fill(0);
}

function checkAnswer(value: number, which: string): KanoAnswer {
  if (!KANO_ANSWERS.includes(value as KanoAnswer)) throw new RangeError(`${which} Kano answer must be 1..5, got ${value}`);
  return value as KanoAnswer;
}

export function classifyKanoPair(functional: number, dysfunctional: number): KanoCategory {
  return KANO_EVALUATION_TABLE[checkAnswer(functional, "functional") - 1][checkAnswer(dysfunctional, "dysfunctional") - 1];
}

/** Adds one respondent's pair (mutates and returns the histogram: the submit path). */
export function addKanoPair(histogram: KanoHistogram, functional: number, dysfunctional: number): KanoHistogram {
  histogram[(checkAnswer(functional, "functional") - 1) * 5 + checkAnswer(dysfunctional, "dysfunctional") - 1] += 1;
  return histogram;
}

export function mergeKanoHistograms(histograms: readonly KanoHistogram[]): KanoHistogram {
  const out = createKanoHistogram();
  for (const histogram of histograms) {
    if (histogram.length !== 25) throw new RangeError("a Kano histogram has 25 cells");
    histogram.forEach((count, k) => (out[k] += count));
  }
  return out;
}

export type KanoCounts = Record<KanoCategory, number>;

export function kanoCategoryCounts(histogram: KanoHistogram): KanoCounts {
  const counts: KanoCounts = { A: 0, O: 0, M: 0, I: 0, R: 0, Q: 0 };
  histogram.forEach((count, k) => (counts[KANO_EVALUATION_TABLE[Math.floor(k / 5)][k % 5]] += count));
  return counts;
}

export interface FongTest {
  /** The two most frequent categories, most frequent first. */
  first: KanoCategory;
  second: KanoCategory;
  difference: number;
  /** 1.65 · √((a + b)(2n − a − b) / (2n)). */
  threshold: number;
  significant: boolean;
}

export interface KanoFeatureResult {
  n: number;
  counts: KanoCounts;
  /** Mode, with Fong's test and the M > O > A > I rule deciding a non-significant lead. */
  category: KanoCategory | null;
  /** The plain mode before the tie rule (first in A, O, M, I, R, Q order on exact ties). */
  mode: KanoCategory | null;
  fong: FongTest | null;
  /** Better / CS+ in [0, 1]; null without A, O, M or I answers. */
  better: number | null;
  /** Worse / CS− in [−1, 0]. */
  worse: number | null;
}

const TIE_PRIORITY: readonly KanoCategory[] = ["M", "O", "A", "I"];

export function fongTest(a: number, b: number, n: number): { threshold: number; significant: boolean } {
  const threshold = 1.65 * Math.sqrt(((a + b) * (2 * n - a - b)) / (2 * n));
  return { threshold, significant: Math.abs(a - b) >= threshold };
}

export function analyzeKanoFeature(histogram: KanoHistogram): KanoFeatureResult {
  const counts = kanoCategoryCounts(histogram);
  const n = KANO_CATEGORIES.reduce((sum, c) => sum + counts[c], 0);
  const core = counts.A + counts.O + counts.M + counts.I;
  const better = core > 0 ? (counts.A + counts.O) / core : null;
  const worse = core > 0 ? -(counts.O + counts.M) / core : null;
  if (n === 0) return { n, counts, category: null, mode: null, fong: null, better, worse };
  const ranked = [...KANO_CATEGORIES].sort((x, y) => counts[y] - counts[x]);
  const [first, second] = ranked;
  const { threshold, significant } = fongTest(counts[first], counts[second], n);
  let category = first;
  if (!significant) {
    // A lead within Fong's threshold is no evidence; Berger et al. take the category with the larger impact.
    const contenders = [first, second].filter((c) => TIE_PRIORITY.includes(c));
    if (contenders.length === 2) category = TIE_PRIORITY.find((c) => contenders.includes(c))!;
  }
  return {
    n,
    counts,
    category,
    mode: first,
    fong: { first, second, difference: counts[first] - counts[second], threshold, significant },
    better,
    worse,
  };
}
