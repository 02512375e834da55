/**
 * A linear SVM over the engine's hashed features, for model selection only (eighth pass, issue
 * 14): L2-regularised squared-hinge loss, one-vs-rest, fitted by dual coordinate descent as in
 * LIBLINEAR (Hsieh, Chang, Lin, Keerthi & Sundararajan 2008, "A dual coordinate descent method for
 * large-scale linear SVM", algorithm 1 with the L2-loss D_ii = 1/(2C), without shrinking). The
 * features are read as the engine scores them (binary, divided by √(number of the text's
 * features)) plus a bias feature of value 1, so the result is a LinearModel that scores unchanged:
 * the label of the largest margin is the one-vs-rest decision.
 */
import { createSeededRandom } from "../../src/domain/stats/random";
import type { FeatureVector } from "../../src/domain/text/features";
import type { TextLanguage } from "../../src/domain/text/language";
import { createLinearModel, type LinearModel } from "../../src/domain/text/linear-model";

export interface LinearSvmOptions {
  /** The cost C of the primal (½‖w‖² + C Σ max(0, 1 − y w·x)²). */
  cost: number;
  /** Passes over the texts per label (the dual is solved to this many coordinate sweeps). */
  passes: number;
  seed: number;
}

export function trainLinearSvm(
  examples: ReadonlyArray<{ features: FeatureVector; label: string }>,
  labels: readonly string[],
  language: TextLanguage | "mixed",
  hashBits: number,
  options: LinearSvmOptions,
): LinearModel {
  const buckets = [...new Set(examples.flatMap((example) => Array.from(example.features.buckets)))].sort((a, b) => a - b);
  const rowOf = new Map(buckets.map((bucket, row) => [bucket, row]));
  const data = examples.map((example) => ({
    rows: Int32Array.from(example.features.buckets, (bucket) => rowOf.get(bucket)!),
    value: example.features.buckets.length > 0 ? 1 / Math.sqrt(example.features.buckets.length) : 0,
    label: labels.indexOf(example.label),
  }));
  if (data.some((example) => example.label < 0)) throw new Error("an example's label is not among the labels");
  const outputs = labels.length === 2 ? 1 : labels.length;
  const weights = new Float32Array(buckets.length * outputs);
  const bias = new Float64Array(outputs);
  const diagonal = 1 / (2 * options.cost);
  for (let k = 0; k < outputs; k++) {
    const positive = outputs === 1 ? 1 : k;
    const w = new Float64Array(buckets.length);
    let b = 0;
    const alpha = new Float64Array(data.length);
    // Q̄_ii = x_i·x_i (the features plus the bias feature 1) + D_ii.
    const qii = data.map(({ rows, value }) => rows.length * value * value + 1 + diagonal);
    const random = createSeededRandom(options.seed + k);
    const order = data.map((_, index) => index);
    for (let pass = 0; pass < options.passes; pass++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const i of order) {
        const { rows, value, label } = data[i];
        const y = label === positive ? 1 : -1;
        let margin = b;
        for (const row of rows) margin += w[row] * value;
        const gradient = y * margin - 1 + diagonal * alpha[i];
        // Projected gradient: at the bound α = 0 only a negative gradient moves.
        if (alpha[i] === 0 && gradient >= 0) continue;
        if (gradient === 0) continue;
        const previous = alpha[i];
        alpha[i] = Math.max(previous - gradient / qii[i], 0);
        const step = (alpha[i] - previous) * y;
        for (const row of rows) w[row] += step * value;
        b += step;
      }
    }
    for (let row = 0; row < buckets.length; row++) weights[row * outputs + k] = w[row];
    bias[k] = b;
  }
  return createLinearModel({ labels: [...labels], language, hashBits, bias, buckets, weights });
}
