/**
 * Training of the linear text models: a deterministic hold-out split and regularised logistic /
 * softmax regression fitted by AdaGrad over shuffled passes. Pure and seeded, so the training
 * script, the bench and the CLI's `--train` reproduce the same weights from the same data.
 */
import { createSeededRandom } from "../stats/random";
import type { FeatureVector } from "./features";
import { createLinearModel, sigmoid, type LinearModel } from "./linear-model";
import type { TextLanguage } from "./language";
import { normalizeText } from "./tokens";

export interface LabelledText {
  text: string;
  label: string;
  /** Stratum of the split (e.g. the source data set); the label is always part of it. */
  group?: string;
}

/**
 * Split into training and held-out parts, stratified by group and label, after dropping repeated
 * texts (the review sets contain copies; one copy on each side would inflate held-out accuracy).
 */
export function splitHeldOut<T extends LabelledText>(rows: readonly T[], heldOutShare: number, seed: number): { train: T[]; heldOut: T[] } {
  const seen = new Set<string>();
  const strata = new Map<string, T[]>();
  for (const row of rows) {
    const key = normalizeText(row.text);
    if (key.length === 0 || seen.has(key)) continue;
    seen.add(key);
    const stratum = `${row.group ?? ""}\u0000${row.label}`;
    const list = strata.get(stratum) ?? [];
    list.push(row);
    strata.set(stratum, list);
  }
  const random = createSeededRandom(seed);
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const stratum of [...strata.keys()].sort()) {
    const list = shuffled(strata.get(stratum)!, random);
    const cut = Math.round(list.length * heldOutShare);
    heldOut.push(...list.slice(0, cut));
    train.push(...list.slice(cut));
  }
  return { train, heldOut };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export interface LinearTrainingOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty per example on the weights touched by that example. */
  l2: number;
  /** A bucket is kept when at least this many training texts contain it (smaller weights file). */
  minDocumentFrequency: number;
  seed: number;
  /**
   * Scale each feature by its naive-Bayes log-count ratio before fitting (the NB-SVM of Wang &
   * Manning 2012; with more than two labels, per output: its label against the rest), folded into
   * the stored weights so scoring is unchanged.
   */
  naiveBayesScaling?: boolean;
  /** Smallest |log-count ratio| a feature is scaled by (default 0.1). */
  naiveBayesFloor?: number;
  /**
   * With naiveBayesScaling: interpolate each fitted weight towards the mean weight magnitude,
   * w' = (1 − β)·mean|w|·sign(r) + β·w, before folding in the ratio — the NB-SVM interpolation of Wang &
   * Manning (2012), between naive Bayes (β = 0) and the discriminative model (β = 1).
   */
  naiveBayesInterpolation?: number;
  /**
   * Add α × the centred multinomial naive-Bayes log-likelihoods of each feature (log p(feature |
   * label) minus its mean over labels; for two labels, their difference) to the fitted weights —
   * an ensemble of naive Bayes and the regression that is itself one linear model.
   */
  naiveBayesBlend?: number;
  /**
   * Return the mean of the weights after each of the last `averageLastEpochs` passes instead of
   * the last pass's (Polyak averaging: steadier weights, often better on unseen texts).
   */
  averageLastEpochs?: number;
  /**
   * Scale each feature by its inverse document frequency, log(texts / texts containing it) (tf-idf
   * with binary tf), folded into the stored weights like the naive-Bayes scale: rare, specific
   * features start with more say than ones in most texts.
   */
  idfScaling?: boolean;
  /**
   * Weigh each example's gradient by n / (labels · n_label), so every label carries the same total
   * weight ("balanced" class weights) instead of the large labels dominating the fit.
   */
  balanceLabels?: boolean;
}

export const DEFAULT_TRAINING_OPTIONS: LinearTrainingOptions = {
  epochs: 12,
  learningRate: 0.5,
  l2: 1e-5,
  minDocumentFrequency: 2,
  seed: 20261204,
};

export class TrainingDataError extends Error {
  override name = "TrainingDataError";
}

/**
 * Fit a linear model. `labels` fixes the label order (for two labels the model's probability is
 * that of labels[1]); every example's label must be one of them.
 */
export function trainLinearModel(
  examples: ReadonlyArray<{ features: FeatureVector; label: string }>,
  labels: readonly string[],
  language: TextLanguage | "mixed",
  hashBits: number,
  options: LinearTrainingOptions = DEFAULT_TRAINING_OPTIONS,
): LinearModel {
  if (labels.length < 2) throw new TrainingDataError("training needs at least two distinct labels");
  const labelIndex = new Map(labels.map((label, index) => [label, index]));
  const documentFrequency = new Map<number, number>();
  for (const example of examples) {
    if (!labelIndex.has(example.label)) throw new TrainingDataError(`unknown label "${example.label}"`);
    for (const bucket of example.features.buckets) documentFrequency.set(bucket, (documentFrequency.get(bucket) ?? 0) + 1);
  }
  const kept = [...documentFrequency.entries()]
    .filter(([, count]) => count >= options.minDocumentFrequency)
    .map(([bucket]) => bucket)
    .sort((a, b) => a - b);
  const rowOf = new Map(kept.map((bucket, row) => [bucket, row]));
  const outputs = labels.length === 2 ? 1 : labels.length;
  // One scale per bucket and output (folded into the weights after fitting, so scoring is unchanged).
  const featureScale = new Float64Array(kept.length * outputs).fill(1);
  /** The sign of each scale's log-count ratio (the direction naive Bayes gives the feature). */
  const ratioSign = new Float64Array(kept.length * outputs).fill(1);
  if (options.naiveBayesScaling) {
    // Bucket counts per label (add-one): for two labels the NB-SVM ratio of the positive label; for
    // more, each output's ratio of its label against all the others (one-vs-rest NB-SVM).
    const counts = Array.from(labels, () => new Float64Array(kept.length).fill(1));
    for (const example of examples) {
      const labelCounts = counts[labelIndex.get(example.label)!];
      for (const bucket of example.features.buckets) {
        const row = rowOf.get(bucket);
        if (row !== undefined) labelCounts[row]++;
      }
    }
    const totals = counts.map((labelCounts) => labelCounts.reduce((a, b) => a + b, 0));
    const allTotal = totals.reduce((a, b) => a + b, 0);
    const floor = options.naiveBayesFloor ?? 0.1;
    for (let row = 0; row < kept.length; row++) {
      let all = 0;
      for (const labelCounts of counts) all += labelCounts[row];
      for (let k = 0; k < outputs; k++) {
        const label = outputs === 1 ? 1 : k;
        const rest = all - counts[label][row];
        const ratio = Math.log(counts[label][row] / totals[label] / (rest / (allTotal - totals[label])));
        // |ratio| floored so that neutral features keep a small say rather than none.
        featureScale[row * outputs + k] = Math.max(Math.abs(ratio), floor);
        ratioSign[row * outputs + k] = ratio < 0 ? -1 : 1;
      }
    }
  }
  if (options.idfScaling) {
    for (let row = 0; row < kept.length; row++) {
      const idf = Math.log(examples.length / documentFrequency.get(kept[row])!);
      for (let k = 0; k < outputs; k++) featureScale[row * outputs + k] *= Math.max(idf, 0.1);
    }
  }
  const data = examples.map((example) => {
    const rows = Int32Array.from(example.features.buckets, (bucket) => rowOf.get(bucket) ?? -1).filter((row) => row >= 0);
    // Normalised over all of the text's features, as at scoring time (dropped ones included).
    const value = example.features.buckets.length > 0 ? 1 / Math.sqrt(example.features.buckets.length) : 0;
    return { rows, value, label: labelIndex.get(example.label)! };
  });

  const labelWeight = new Float64Array(labels.length).fill(1);
  if (options.balanceLabels) {
    const perLabel = new Float64Array(labels.length);
    for (const example of data) perLabel[example.label]++;
    for (let k = 0; k < labels.length; k++) labelWeight[k] = perLabel[k] > 0 ? data.length / (labels.length * perLabel[k]) : 1;
  }

  const weights = new Float64Array(kept.length * outputs);
  const squaredGradients = new Float64Array(kept.length * outputs).fill(1e-8);
  const bias = new Float64Array(outputs);
  const biasSquaredGradients = new Float64Array(outputs).fill(1e-8);
  const random = createSeededRandom(options.seed);
  const order = data.map((_, index) => index);
  const scores = new Float64Array(outputs);
  const gradient = new Float64Array(outputs);

  const averaged = options.averageLastEpochs ? { weights: new Float64Array(weights.length), bias: new Float64Array(outputs), passes: 0 } : null;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const permutation = shuffled(order, random);
    for (const index of permutation) {
      const { rows, value, label } = data[index];
      scores.set(bias);
      for (const row of rows) for (let k = 0; k < outputs; k++) scores[k] += weights[row * outputs + k] * value * featureScale[row * outputs + k];
      if (outputs === 1) {
        gradient[0] = sigmoid(scores[0]) - (label === 1 ? 1 : 0);
      } else {
        let max = -Infinity;
        for (let k = 0; k < outputs; k++) max = Math.max(max, scores[k]);
        let total = 0;
        for (let k = 0; k < outputs; k++) total += gradient[k] = Math.exp(scores[k] - max);
        for (let k = 0; k < outputs; k++) gradient[k] = gradient[k] / total - (k === label ? 1 : 0);
      }
      if (options.balanceLabels) for (let k = 0; k < outputs; k++) gradient[k] *= labelWeight[label];
      for (let k = 0; k < outputs; k++) {
        biasSquaredGradients[k] += gradient[k] * gradient[k];
        bias[k] -= (options.learningRate * gradient[k]) / Math.sqrt(biasSquaredGradients[k]);
      }
      for (const row of rows) {
        for (let k = 0; k < outputs; k++) {
          const at = row * outputs + k;
          const g = gradient[k] * value * featureScale[at] + options.l2 * weights[at];
          squaredGradients[at] += g * g;
          weights[at] -= (options.learningRate * g) / Math.sqrt(squaredGradients[at]);
        }
      }
    }
    if (averaged && epoch >= options.epochs - options.averageLastEpochs!) {
      for (let at = 0; at < weights.length; at++) averaged.weights[at] += weights[at];
      for (let k = 0; k < outputs; k++) averaged.bias[k] += bias[k];
      averaged.passes++;
    }
  }
  if (averaged && averaged.passes > 0) {
    for (let at = 0; at < weights.length; at++) weights[at] = averaged.weights[at] / averaged.passes;
    for (let k = 0; k < outputs; k++) bias[k] = averaged.bias[k] / averaged.passes;
  }
  if (options.naiveBayesScaling && options.naiveBayesInterpolation !== undefined) {
    const beta = options.naiveBayesInterpolation;
    let magnitude = 0;
    for (const w of weights) magnitude += Math.abs(w);
    magnitude /= Math.max(1, weights.length);
    for (let at = 0; at < weights.length; at++) weights[at] = (1 - beta) * magnitude * ratioSign[at] + beta * weights[at];
  }
  if (options.naiveBayesBlend) blendNaiveBayes(weights, examples, rowOf, labelIndex, outputs, options.naiveBayesBlend, featureScale);
  const folded = Float32Array.from(weights, (w, at) => w * featureScale[at]);
  return createLinearModel({ labels: [...labels], language, hashBits, bias, buckets: kept, weights: folded });
}

/**
 * Adds α × the centred multinomial NB log-likelihoods (add-one) of every kept bucket to `weights`
 * (one output for two labels: log p(f | labels[1]) − log p(f | labels[0])). Added after the NB-SVM
 * scale is folded in, so the naive-Bayes part is not scaled again.
 */
function blendNaiveBayes(
  weights: Float64Array,
  examples: ReadonlyArray<{ features: FeatureVector; label: string }>,
  rowOf: ReadonlyMap<number, number>,
  labelIndex: ReadonlyMap<string, number>,
  outputs: number,
  alpha: number,
  featureScale: Float64Array,
): void {
  const labels = Math.max(outputs, 2);
  const rows = weights.length / outputs;
  const counts = new Float64Array(rows * labels).fill(1);
  const totals = new Float64Array(labels).fill(rows);
  for (const example of examples) {
    const k = labelIndex.get(example.label)!;
    for (const bucket of example.features.buckets) {
      const row = rowOf.get(bucket);
      if (row === undefined) continue;
      counts[row * labels + k]++;
      totals[k]++;
    }
  }
  for (let row = 0; row < rows; row++) {
    let mean = 0;
    for (let k = 0; k < labels; k++) mean += (counts[row * labels + k] = Math.log(counts[row * labels + k] / totals[k]));
    mean /= labels;
    if (outputs === 1) {
      // Divided by the scale that is folded in afterwards.
      weights[row] += (alpha * (counts[row * 2 + 1] - counts[row * 2])) / featureScale[row];
    } else {
      for (let k = 0; k < outputs; k++) weights[row * outputs + k] += (alpha * (counts[row * outputs + k] - mean)) / featureScale[row * outputs + k];
    }
  }
}
