/**
 * Per-organisation learning from staff corrections. An organisation's complaint categories are its
 * own, so no shipped model knows them: each accepted or corrected category is one step of online
 * softmax regression on that organisation's small sparse model (kept as JSON in D1). Pure: the
 * caller loads the model, applies `learnFromCorrection`, and stores the result.
 */
import type { FeatureVector } from "./features";
import { ModelFormatError } from "./linear-model";

export const ORGANISATION_MODEL_FORMAT = "feedloop-org-text/1";

export interface OrganisationTextModel {
  format: typeof ORGANISATION_MODEL_FORMAT;
  labels: string[];
  bias: number[];
  /** bucket id (decimal) → one weight per label. */
  weights: Record<string, number[]>;
  /** Corrections learnt so far. */
  examples: number;
}

export interface OnlineLearningOptions {
  learningRate: number;
  l2: number;
  /** Beyond this many buckets the weakest are dropped, so the stored JSON stays small. */
  maxBuckets: number;
  /** Fewer corrections than this and no suggestion is made: a guess from two examples misleads. */
  minExamplesToSuggest: number;
}

export const DEFAULT_ONLINE_OPTIONS: OnlineLearningOptions = { learningRate: 0.8, l2: 1e-4, maxBuckets: 20_000, minExamplesToSuggest: 5 };

export function emptyOrganisationModel(): OrganisationTextModel {
  return { format: ORGANISATION_MODEL_FORMAT, labels: [], bias: [], weights: {}, examples: 0 };
}

function probabilities(model: OrganisationTextModel, features: FeatureVector): number[] {
  const value = features.buckets.length > 0 ? 1 / Math.sqrt(features.buckets.length) : 0;
  const scores = [...model.bias];
  for (const bucket of features.buckets) {
    const row = model.weights[bucket];
    if (row) for (let k = 0; k < scores.length; k++) scores[k] += (row[k] ?? 0) * value;
  }
  const max = Math.max(...scores);
  const exps = scores.map((score) => Math.exp(score - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** One correction ("this text is category `label`") learnt: a new model, the input untouched. */
export function learnFromCorrection(
  model: OrganisationTextModel,
  features: FeatureVector,
  label: string,
  options: OnlineLearningOptions = DEFAULT_ONLINE_OPTIONS,
): OrganisationTextModel {
  const labels = model.labels.includes(label) ? [...model.labels] : [...model.labels, label];
  const width = labels.length;
  const widen = (row: readonly number[]) => Array.from({ length: width }, (_, k) => row[k] ?? 0);
  const next: OrganisationTextModel = {
    format: ORGANISATION_MODEL_FORMAT,
    labels,
    bias: widen(model.bias),
    weights: Object.fromEntries(Object.entries(model.weights).map(([bucket, row]) => [bucket, widen(row)])),
    examples: model.examples + 1,
  };
  if (width < 2) return next; // one label seen: nothing to tell apart yet
  const target = labels.indexOf(label);
  const p = probabilities(next, features);
  const value = features.buckets.length > 0 ? 1 / Math.sqrt(features.buckets.length) : 0;
  for (let k = 0; k < width; k++) next.bias[k] -= options.learningRate * (p[k] - (k === target ? 1 : 0));
  for (const bucket of features.buckets) {
    const row = (next.weights[bucket] ??= new Array<number>(width).fill(0));
    for (let k = 0; k < width; k++) row[k] -= options.learningRate * ((p[k] - (k === target ? 1 : 0)) * value + options.l2 * row[k]);
  }
  const buckets = Object.keys(next.weights);
  if (buckets.length > options.maxBuckets) {
    const size = (bucket: string) => next.weights[bucket].reduce((sum, w) => sum + Math.abs(w), 0);
    const drop = buckets.sort((a, b) => size(a) - size(b) || Number(a) - Number(b)).slice(0, buckets.length - options.maxBuckets);
    for (const bucket of drop) delete next.weights[bucket];
  }
  return next;
}

export interface CategorySuggestion {
  label: string;
  confidence: number;
}

/** The organisation's most probable category for a text, or null while it has too few corrections. */
export function suggestCategory(
  model: OrganisationTextModel,
  features: FeatureVector,
  options: Pick<OnlineLearningOptions, "minExamplesToSuggest"> = DEFAULT_ONLINE_OPTIONS,
): CategorySuggestion | null {
  if (model.examples < options.minExamplesToSuggest || model.labels.length < 2) return null;
  const p = probabilities(model, features);
  const best = p.indexOf(Math.max(...p));
  return { label: model.labels[best], confidence: Math.round(p[best] * 100) / 100 };
}

/** Parse a stored model (null: none yet). A corrupt one is an error, not a silent restart. */
export function parseOrganisationModel(json: string | null | undefined): OrganisationTextModel {
  if (!json) return emptyOrganisationModel();
  const parsed = JSON.parse(json) as OrganisationTextModel;
  if (parsed?.format !== ORGANISATION_MODEL_FORMAT || !Array.isArray(parsed.labels) || parsed.bias.length !== parsed.labels.length) {
    throw new ModelFormatError(`stored organisation text model is not ${ORGANISATION_MODEL_FORMAT}`);
  }
  return parsed;
}
