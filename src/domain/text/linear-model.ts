/**
 * A sparse linear classifier over hashed features: logistic regression for two labels (one
 * weight per feature, probability of labels[1]), softmax regression for more. Weights are stored
 * for the buckets training kept, quantised to signed bytes with one scale per model, and looked
 * up through an open-addressing table, so memory is a few bytes per kept feature.
 */
import { checkLengthThresholds, type FeatureVector } from "./features";
import type { TextLanguage } from "./language";

export const LINEAR_MODEL_FORMAT = "feedloop-text-linear/1";

export interface LinearModel {
  labels: string[];
  /** Which language's features the model reads; "mixed" extracts per text. */
  language: TextLanguage | "mixed";
  hashBits: number;
  /** The model also reads the text's length features at these thresholds (addLengthFeatures). */
  lengthThresholds?: number[];
  /** One output for two labels (logit of labels[1]), else one per label. */
  outputs: number;
  bias: Float64Array;
  weights: Float32Array;
  table: BucketTable;
}

/**
 * Bucket → weight row, one Int32 per bucket of the hash space (4 MiB at 2²⁰ buckets): a single
 * memory access per feature, which is what scoring speed is made of. -1 where training kept none.
 */
export interface BucketTable {
  rowOf: Int32Array;
  buckets: Uint32Array;
}

const EMPTY = -1;

export function buildBucketTable(buckets: ArrayLike<number>, hashBits: number): BucketTable {
  const rowOf = new Int32Array(2 ** hashBits).fill(EMPTY);
  for (let row = 0; row < buckets.length; row++) {
    if (buckets[row] >= rowOf.length) throw new ModelFormatError(`bucket ${buckets[row]} outside a ${hashBits}-bit hash space`);
    rowOf[buckets[row]] = row;
  }
  return { rowOf, buckets: Uint32Array.from(buckets) };
}

/** The weight row of a bucket, or -1 when training did not keep it. */
export function rowOfBucket(table: BucketTable, bucket: number): number {
  return bucket < table.rowOf.length ? table.rowOf[bucket] : EMPTY;
}

/** The raw outputs (logits) of a model for one feature vector; binary features, L2-normalised. */
export function linearOutputs(model: LinearModel, features: FeatureVector): Float64Array {
  const scores = Float64Array.from(model.bias);
  const value = features.buckets.length > 0 ? 1 / Math.sqrt(features.buckets.length) : 0;
  const rowOf = model.table.rowOf;
  for (const bucket of features.buckets) {
    const row = rowOf[bucket] ?? EMPTY;
    if (row < 0) continue;
    const offset = row * model.outputs;
    for (let k = 0; k < model.outputs; k++) scores[k] += model.weights[offset + k] * value;
  }
  return scores;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Probabilities per label (softmax, or the logistic pair for two labels). */
export function labelProbabilities(model: LinearModel, features: FeatureVector): number[] {
  const scores = linearOutputs(model, features);
  if (model.outputs === 1) {
    const p = sigmoid(scores[0]);
    return [1 - p, p];
  }
  const max = Math.max(...scores);
  const exps = Array.from(scores, (s) => Math.exp(s - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

// Serialisation -------------------------------------------------------------------------------

/**
 * The JSON form of a model: bucket ids as base64 LEB128 deltas, weights × scale as base64 int8, or
 * — for at most 31 levels — one base64 digit per weight (digit − 32), which gzip compresses to
 * almost the weights' entropy (base64 of bytes hides their boundaries from it: ≈ 30 % more).
 */
export interface SerializedLinearModel {
  format: typeof LINEAR_MODEL_FORMAT;
  labels: string[];
  language: TextLanguage | "mixed";
  hashBits: number;
  /** As LinearModel's: absent for a model that reads no length features. */
  lengthThresholds?: number[];
  bias: number[];
  scale: number;
  buckets: string;
  weights: string;
  /** How `weights` is written (default "base64-int8"). */
  weightEncoding?: "base64-int8" | "base64-digit";
}

const BASE64_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Largest magnitude the one-digit-per-weight encoding holds (digits 1–63 stand for −31…31). */
const DIGIT_LIMIT = 31;
const NOT_A_DIGIT = -128;
const DIGIT_VALUE = new Int8Array(128).fill(NOT_A_DIGIT);
for (let digit = 0; digit < 64; digit++) DIGIT_VALUE[BASE64_DIGITS.charCodeAt(digit)] = digit - 32;

function encodeWeights(quantised: Int8Array, maxQuantum: number): Pick<SerializedLinearModel, "weights" | "weightEncoding"> {
  if (maxQuantum > DIGIT_LIMIT) return { weights: bytesToBase64(new Uint8Array(quantised.buffer, quantised.byteOffset, quantised.length)) };
  let digits = "";
  const chunk = 0x8000;
  for (let i = 0; i < quantised.length; i += chunk) {
    digits += String.fromCharCode(...Array.from(quantised.subarray(i, i + chunk), (q) => BASE64_DIGITS.charCodeAt(q + 32)));
  }
  return { weights: digits, weightEncoding: "base64-digit" };
}

function decodeWeights(serialized: SerializedLinearModel): Int8Array {
  const encoding = serialized.weightEncoding ?? "base64-int8";
  if (encoding === "base64-int8") return new Int8Array(base64ToBytes(serialized.weights).buffer);
  if (encoding !== "base64-digit") throw new ModelFormatError(`unknown weight encoding "${String(encoding)}"`);
  const text = serialized.weights;
  const quantised = new Int8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? DIGIT_VALUE[code] : NOT_A_DIGIT;
    if (value === NOT_A_DIGIT) throw new ModelFormatError(`weights: "${text[i]}" at ${i} is not a base64 digit`);
    quantised[i] = value;
  }
  return quantised;
}

export class ModelFormatError extends Error {
  override name = "ModelFormatError";
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The number of outputs of a model with these labels; throws on a shape no model can have. */
function checkShape(labels: readonly string[], hashBits: number): number {
  if (!Array.isArray(labels) || labels.length < 2) throw new ModelFormatError("a model needs at least two labels");
  if (!Number.isInteger(hashBits) || hashBits < 8 || hashBits > 24) throw new ModelFormatError("hashBits must be 8–24");
  return labels.length === 2 ? 1 : labels.length;
}

function checkModelLengthThresholds(thresholds: unknown): void {
  if (thresholds === undefined) return;
  if (!Array.isArray(thresholds) || !checkLengthThresholds(thresholds)) {
    throw new ModelFormatError("lengthThresholds must be ascending whole numbers from 1 to 65535");
  }
}

/** Bucket ids from their base64 LEB128 deltas. */
function decodeBuckets(base64: string): Uint32Array {
  const varints = base64ToBytes(base64);
  const buckets = new Uint32Array(varints.length);
  let count = 0;
  let previous = 0;
  for (let i = 0; i < varints.length; ) {
    let delta = 0;
    let factor = 1;
    for (;;) {
      const byte = varints[i++];
      delta += (byte & 0x7f) * factor;
      factor *= 128;
      if (byte < 0x80) break;
    }
    previous += delta;
    buckets[count++] = previous;
  }
  return buckets.slice(0, count);
}

/** Sorted bucket ids and their rows of weights (rows × outputs), as a model ready to score. */
export function createLinearModel(input: {
  labels: string[];
  language: TextLanguage | "mixed";
  hashBits: number;
  lengthThresholds?: readonly number[];
  bias: ArrayLike<number>;
  buckets: ArrayLike<number>;
  weights: Float32Array;
}): LinearModel {
  const outputs = checkShape(input.labels, input.hashBits);
  if (input.bias.length !== outputs || input.weights.length !== input.buckets.length * outputs) {
    throw new ModelFormatError("bias or weights do not match the labels and buckets");
  }
  checkModelLengthThresholds(input.lengthThresholds);
  return {
    labels: [...input.labels],
    language: input.language,
    hashBits: input.hashBits,
    ...(input.lengthThresholds ? { lengthThresholds: [...input.lengthThresholds] } : {}),
    outputs,
    bias: Float64Array.from(input.bias),
    weights: input.weights,
    table: buildBucketTable(input.buckets, input.hashBits),
  };
}

/**
 * The model as reading the text's length features at these thresholds too (its training features
 * had them); the model as it is for none (`undefined`).
 */
export function withLengthThresholds(model: LinearModel, lengthThresholds: readonly number[] | undefined): LinearModel {
  if (!lengthThresholds) return model;
  checkModelLengthThresholds(lengthThresholds);
  return { ...model, lengthThresholds: [...lengthThresholds] };
}

/**
 * `maxQuantum` (1–127, default 127) is the largest stored magnitude: fewer levels make the bytes
 * compress further (a coarser step), at some precision.
 */
export function serializeLinearModel(model: LinearModel, maxQuantum = 127): SerializedLinearModel {
  if (!Number.isInteger(maxQuantum) || maxQuantum < 1 || maxQuantum > 127) throw new ModelFormatError("maxQuantum must be 1–127");
  // Rows in bucket order, for the delta encoding.
  const order = Array.from(model.table.buckets, (bucket, row) => ({ bucket, row })).sort((x, y) => x.bucket - y.bucket);
  let maxAbs = 0;
  for (const w of model.weights) maxAbs = Math.max(maxAbs, Math.abs(w));
  const scale = maxAbs > 0 ? maxAbs / maxQuantum : 1;
  const varints: number[] = [];
  const quantised = new Int8Array(order.length * model.outputs);
  let previous = 0;
  order.forEach(({ bucket, row }, index) => {
    let delta = bucket - previous;
    previous = bucket;
    while (delta >= 0x80) {
      varints.push((delta & 0x7f) | 0x80);
      delta = Math.floor(delta / 128);
    }
    varints.push(delta);
    for (let k = 0; k < model.outputs; k++) {
      quantised[index * model.outputs + k] = Math.round(model.weights[row * model.outputs + k] / scale);
    }
  });
  return {
    format: LINEAR_MODEL_FORMAT,
    labels: model.labels,
    language: model.language,
    hashBits: model.hashBits,
    ...(model.lengthThresholds ? { lengthThresholds: [...model.lengthThresholds] } : {}),
    bias: Array.from(model.bias, (b) => Math.round(b * 1e6) / 1e6),
    scale,
    buckets: bytesToBase64(Uint8Array.from(varints)),
    ...encodeWeights(quantised, maxQuantum),
  };
}

export function deserializeLinearModel(serialized: SerializedLinearModel): LinearModel {
  if (serialized?.format !== LINEAR_MODEL_FORMAT) {
    throw new ModelFormatError(`not a ${LINEAR_MODEL_FORMAT} model (format: ${String(serialized?.format)})`);
  }
  const buckets = decodeBuckets(serialized.buckets);
  const quantised = decodeWeights(serialized);
  const weights = new Float32Array(quantised.length);
  for (let i = 0; i < quantised.length; i++) weights[i] = quantised[i] * serialized.scale;
  return createLinearModel({ ...serialized, buckets, weights });
}

/**
 * Keep only the `maxRows` buckets with the largest weights (L1 over outputs): the weights-size
 * budget, at the cost of the features that moved the decision least.
 */
export function pruneLinearModel(model: LinearModel, maxRows: number): LinearModel {
  const entries = Array.from(model.table.buckets, (bucket, row) => {
    let size = 0;
    for (let k = 0; k < model.outputs; k++) size += Math.abs(model.weights[row * model.outputs + k]);
    return { bucket, row, size };
  });
  if (entries.length <= maxRows) return model;
  const keep = entries.sort((a, b) => b.size - a.size || a.bucket - b.bucket).slice(0, maxRows).sort((a, b) => a.bucket - b.bucket);
  const weights = new Float32Array(keep.length * model.outputs);
  keep.forEach((entry, index) => weights.set(model.weights.subarray(entry.row * model.outputs, (entry.row + 1) * model.outputs), index * model.outputs));
  return createLinearModel({ ...model, buckets: keep.map((entry) => entry.bucket), weights });
}

/**
 * Set to zero every weight that quantises (one scale per model, as serialisation does) to at most
 * `maxQuantum` in magnitude, and drop the buckets left with no weight: a sparser model whose stored
 * bytes compress further (the many small weights of rare buckets are mostly rounding noise).
 */
export function zeroSmallWeights(model: LinearModel, maxQuantum: number): LinearModel {
  if (maxQuantum <= 0) return model;
  let maxAbs = 0;
  for (const w of model.weights) maxAbs = Math.max(maxAbs, Math.abs(w));
  const limit = ((maxQuantum + 0.5) * maxAbs) / 127;
  const buckets: number[] = [];
  const weights: number[] = [];
  for (let row = 0; row < model.table.buckets.length; row++) {
    const kept = Array.from(model.weights.subarray(row * model.outputs, (row + 1) * model.outputs), (w) => (Math.abs(w) < limit ? 0 : w));
    if (kept.every((w) => w === 0)) continue;
    buckets.push(model.table.buckets[row]);
    weights.push(...kept);
  }
  // The largest weight is never zeroed, so the scale (and every kept weight's quantum) is unchanged.
  return createLinearModel({ ...model, buckets, weights: Float32Array.from(weights) });
}

// Packed scoring ------------------------------------------------------------------------------

/**
 * Several models over the same hashed features packed for scoring speed: one open-addressing
 * table whose slot holds a bucket and, inline, every model's signed-byte weights for it (a
 * sentiment and a ten-topic model: 16 bytes a slot), so a feature costs one memory access
 * instead of an index and a weight row per model; a bitset over the hash space (128 KiB at 2²⁰,
 * cache-resident) turns away the many features no model kept before they touch the table.
 * Weights are quantised per model as serialisation does, so a deserialised model scores exactly
 * as its stored bytes say.
 */
export interface PackedModels {
  hashBits: number;
  /** Outputs of all models, in order (a two-label model has one). */
  outputs: number;
  /** Where each model's outputs start. */
  offsets: number[];
  bias: Float64Array;
  /** Per output: the weight of one quantum. */
  scale: Float64Array;
  /** Bit b set when some model kept bucket b. */
  present: Uint32Array;
  mask: number;
  /** Slot size in 32-bit words: the key (bucket + 1, 0 when empty), then the weights as bytes. */
  slotWords: number;
  keys: Int32Array;
  bytes: Int8Array;
  /** Written by the prefetching pass of packedOutputs so that the compiler keeps its loads. */
  touched: number;
  /**
   * For a small hash space: every bucket's weights, bucket-major (bucket · outputs + k), zero where
   * no model kept it: one access per feature, no key, no probe, no bitset (set instead of keys).
   */
  dense: Int8Array | null;
}

/**
 * A pack at most this large is dense (the 2¹⁸-bucket ten-topic model: 2.5 MiB; the 2²⁰-bucket
 * sentiment model: 1 MiB): one access per feature beats an open-addressing table of 16-byte slots,
 * which for the same model would be 8 MiB.
 */
const DENSE_LIMIT_BYTES = 4 << 20;

/** One model's part of a pack: its signed-byte weights, row by row in bucket order. */
interface PackSource {
  hashBits: number;
  outputs: number;
  bias: ArrayLike<number>;
  scale: number;
  buckets: ArrayLike<number>;
  quantised: Int8Array;
}

function packSources(sources: readonly PackSource[]): PackedModels {
  const hashBits = sources[0].hashBits;
  if (sources.some((source) => source.hashBits !== hashBits)) throw new ModelFormatError("packed models must share their hash space");
  const offsets: number[] = [];
  let outputs = 0;
  for (const source of sources) {
    offsets.push(outputs);
    outputs += source.outputs;
  }
  const present = new Uint32Array(Math.ceil(2 ** hashBits / 32));
  let distinct = 0;
  for (const source of sources) {
    for (let row = 0; row < source.buckets.length; row++) {
      const bucket = source.buckets[row];
      if (bucket >= 2 ** hashBits) throw new ModelFormatError(`bucket ${bucket} outside a ${hashBits}-bit hash space`);
      if ((present[bucket >>> 5] & (1 << (bucket & 31))) === 0) distinct++;
      present[bucket >>> 5] |= 1 << (bucket & 31);
    }
  }
  const dense = 2 ** hashBits * outputs <= DENSE_LIMIT_BYTES;
  let slots = 1;
  while (!dense && slots < distinct * 1.4) slots *= 2;
  const slotWords = Math.ceil((4 + outputs) / 4);
  const buffer = new ArrayBuffer(slots * slotWords * 4);
  const packed: PackedModels = {
    hashBits,
    outputs,
    offsets,
    bias: new Float64Array(outputs),
    scale: new Float64Array(outputs),
    present,
    mask: slots - 1,
    slotWords,
    keys: new Int32Array(buffer),
    bytes: new Int8Array(buffer),
    touched: 0,
    dense: dense ? new Int8Array(2 ** hashBits * outputs) : null,
  };
  sources.forEach((source, index) => {
    for (let k = 0; k < source.outputs; k++) {
      packed.bias[offsets[index] + k] = source.bias[k];
      packed.scale[offsets[index] + k] = source.scale;
    }
    for (let row = 0; row < source.buckets.length; row++) {
      const bucket = source.buckets[row];
      if (packed.dense) {
        for (let k = 0; k < source.outputs; k++) packed.dense[bucket * outputs + offsets[index] + k] = source.quantised[row * source.outputs + k];
        continue;
      }
      let slot = bucket & packed.mask;
      while (packed.keys[slot * slotWords] !== 0 && packed.keys[slot * slotWords] !== bucket + 1) slot = (slot + 1) & packed.mask;
      packed.keys[slot * slotWords] = bucket + 1;
      const at = slot * slotWords * 4 + 4 + offsets[index];
      for (let k = 0; k < source.outputs; k++) packed.bytes[at + k] = source.quantised[row * source.outputs + k];
    }
  });
  return packed;
}

/** A model's signed-byte weights as serialisation stores them (one scale per model). */
function sourceOfModel(model: LinearModel): PackSource {
  let maxAbs = 0;
  for (const w of model.weights) maxAbs = Math.max(maxAbs, Math.abs(w));
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  return {
    hashBits: model.hashBits,
    outputs: model.outputs,
    bias: model.bias,
    scale,
    buckets: model.table.buckets,
    quantised: Int8Array.from(model.weights, (w) => Math.round(w / scale)),
  };
}

function sourceOfSerialized(serialized: SerializedLinearModel): PackSource {
  if (serialized?.format !== LINEAR_MODEL_FORMAT) {
    throw new ModelFormatError(`not a ${LINEAR_MODEL_FORMAT} model (format: ${String(serialized?.format)})`);
  }
  const outputs = checkShape(serialized.labels, serialized.hashBits);
  checkModelLengthThresholds(serialized.lengthThresholds);
  const buckets = decodeBuckets(serialized.buckets);
  const quantised = decodeWeights(serialized);
  if (serialized.bias.length !== outputs || quantised.length !== buckets.length * outputs) {
    throw new ModelFormatError("bias or weights do not match the labels and buckets");
  }
  return { hashBits: serialized.hashBits, outputs, bias: serialized.bias, scale: serialized.scale, buckets, quantised };
}

export function packModels(models: readonly LinearModel[]): PackedModels {
  return packSources(models.map(sourceOfModel));
}

/**
 * Pack stored models (and models trained in-process) straight from their JSON, without per-model
 * float weights or bucket index: what a Worker pays on its first scoring request. Scores as
 * deserializeLinearModel + packModels.
 */
export function packSerializedModels(models: ReadonlyArray<SerializedLinearModel | LinearModel>): PackedModels {
  return packSources(models.map((model) => ("format" in model ? sourceOfSerialized(model) : sourceOfModel(model))));
}

/**
 * The raw outputs (logits) of the packed models for distinct buckets, written into
 * out[offset, offset + outputs); binary features, L2-normalised, as linearOutputs.
 */
export function packedOutputs(packed: PackedModels, buckets: Uint32Array, out: Float64Array, offset = 0): void {
  const { outputs, present, keys, bytes, mask, slotWords, dense } = packed;
  for (let k = 0; k < outputs; k++) out[offset + k] = 0;
  if (dense) {
    // Output by output with the sum in a register (after the first output the rows are cached):
    // faster than adding each row into `out`, a chain of stores and loads.
    for (let k = 0; k < outputs; k++) {
      let sum = 0;
      for (let i = 0; i < buckets.length; i++) sum += dense[buckets[i] * outputs + k];
      out[offset + k] = sum;
    }
  } else {
    // The table is megabytes: its lines are mostly in memory, not cache. A first pass loads every
    // feature's home slot with no branch on what it reads, so the core has many of those loads in
    // flight at once; the second pass, which branches on them, then finds them cached.
    let touched = 0;
    for (let i = 0; i < buckets.length; i++) touched ^= keys[(buckets[i] & mask) * slotWords];
    packed.touched = touched;
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i];
      if ((present[bucket >>> 5] & (1 << (bucket & 31))) === 0) continue;
      let slot = bucket & mask;
      while (keys[slot * slotWords] !== bucket + 1) slot = (slot + 1) & mask;
      const at = slot * slotWords * 4 + 4;
      for (let k = 0; k < outputs; k++) out[offset + k] += bytes[at + k];
    }
  }
  const value = buckets.length > 0 ? 1 / Math.sqrt(buckets.length) : 0;
  for (let k = 0; k < outputs; k++) out[offset + k] = packed.bias[k] + out[offset + k] * packed.scale[k] * value;
}
