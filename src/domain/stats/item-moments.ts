/**
 * Mergeable sufficient statistics for survey items ("item moments").
 *
 * PLS path modeling with standardized items depends on the data only through item means,
 * standard deviations and the item correlation matrix, and the ACSI index adds nothing beyond
 * means and SDs. All of these follow from sums, so a bucket (e.g. one survey-day) can be stored
 * as sums and merged with plain addition. Addition of integer answers is exact in doubles up to
 * 2^53, so merged buckets give bit-identical sums whatever the order of rows or the split.
 *
 * Missing answers: for every pair of items (i, j), including i = j, the bucket stores over the
 * rows where BOTH are answered: the count n_ij, Σx_i, Σx_j and Σx_i·x_j. That is exactly what
 * mean replacement and pairwise deletion need (see `computeItemStatistics`).
 *
 * Layout: packed upper triangle, column-major: pair (i, j) with i ≤ j lives at j(j+1)/2 + i.
 * Appending a new item only appends entries, so buckets can gain items without re-layout.
 */
import { StatsInputError } from "./errors";
import type { ResponseMatrix, ResponseRecord } from "./response-matrix";

export const ITEM_MOMENTS_FORMAT = "feedloop.item-moments/1";

export interface ItemMoments {
  format: typeof ITEM_MOMENTS_FORMAT;
  /** Item ids; position i in this list is item index i in the pair arrays. */
  itemIds: string[];
  /** Rows (responses) added, whether or not they answered every item. */
  rowCount: number;
  /** n_ij: rows where both i and j are answered (diagonal: rows answering i). */
  pairCount: number[];
  /** Σ x_i over rows answering both i and j, i being the lower index (diagonal: Σ x_i). */
  pairSumFirst: number[];
  /** Σ x_j over rows answering both i and j, j being the higher index (diagonal: Σ x_i). */
  pairSumSecond: number[];
  /** Σ x_i·x_j over rows answering both (diagonal: Σ x_i²). */
  pairCrossProduct: number[];
  /** Per item, counts of each integer answer (key = the integer as text); non-integers are not counted. */
  valueCounts: Array<Record<string, number>>;
}

/** Per-item aggregates read off the diagonal. */
export interface ItemSummary {
  itemId: string;
  count: number;
  sum: number;
  sumOfSquares: number;
  valueCounts: Readonly<Record<string, number>>;
}

export type MissingDataTreatment = "mean-replacement" | "pairwise";

/** Means, SDs and correlation matrix derived from moments, in `itemIds` order. */
export interface ItemStatistics {
  itemIds: string[];
  /** Rows in the data (the n of the analysis). */
  n: number;
  /** Answered rows per item. */
  itemCounts: number[];
  means: number[];
  /** Sample SDs (divisor n − 1 under mean replacement, n_i − 1 under pairwise deletion). */
  sds: number[];
  /** p×p row-major covariance matrix. */
  covariance: Float64Array;
  /** p×p row-major correlation matrix. */
  correlation: Float64Array;
  missing: MissingDataTreatment;
}

export function pairIndex(i: number, j: number): number {
  return i <= j ? ((j * (j + 1)) >> 1) + i : ((i * (i + 1)) >> 1) + j;
}

function triangleSize(itemCount: number): number {
  return (itemCount * (itemCount + 1)) >> 1;
}

function zeros(size: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < size; k++) out.push(0);
  return out;
}

export function createEmptyMoments(itemIds: readonly string[] = []): ItemMoments {
  const unique = new Set(itemIds);
  if (unique.size !== itemIds.length) {
    throw new StatsInputError("INVALID_MOMENTS", "createEmptyMoments: duplicate item ids");
  }
  const size = triangleSize(itemIds.length);
  return {
    format: ITEM_MOMENTS_FORMAT,
    itemIds: [...itemIds],
    rowCount: 0,
    // Packed (not holey) arrays keep the accumulation loop on V8's fast element path.
    pairCount: zeros(size),
    pairSumFirst: zeros(size),
    pairSumSecond: zeros(size),
    pairCrossProduct: zeros(size),
    valueCounts: itemIds.map(() => ({})),
  };
}

// Item-id → position lookup cached per moments object: addRow runs on every submitted response.
const positionCache = new WeakMap<ItemMoments, Map<string, number>>();

function itemPositions(moments: ItemMoments): Map<string, number> {
  let positions = positionCache.get(moments);
  if (!positions || positions.size !== moments.itemIds.length) {
    positions = new Map();
    moments.itemIds.forEach((id, position) => positions!.set(id, position));
    positionCache.set(moments, positions);
  }
  return positions;
}

/** Appends an item no row has answered yet (all earlier rows count as missing for it). */
function appendItem(moments: ItemMoments, itemId: string): number {
  const position = moments.itemIds.length;
  // Register before growing itemIds so the cached map (held by callers) stays the live one.
  itemPositions(moments).set(itemId, position);
  moments.itemIds.push(itemId);
  for (let k = 0; k <= position; k++) {
    moments.pairCount.push(0);
    moments.pairSumFirst.push(0);
    moments.pairSumSecond.push(0);
    moments.pairCrossProduct.push(0);
  }
  moments.valueCounts.push({});
  return position;
}

// Scratch buffers reused across calls keep the hot path allocation-free.
let scratchValues = new Float64Array(32);
let scratchPresent = new Int32Array(32);

function ensureScratch(itemCount: number): void {
  if (scratchValues.length < itemCount) {
    scratchValues = new Float64Array(itemCount * 2);
    scratchPresent = new Int32Array(itemCount * 2);
  }
}

/**
 * The single accumulation kernel: adds one row whose values sit in `values[0..itemCount)`
 * (NaN = missing). Every way of building moments (addRow, raw matrices) goes through here; the
 * caller counts the row.
 */
function accumulateDenseRow(target: ItemMoments, values: Float64Array, itemCount: number): void {
  const present = scratchPresent;
  let presentCount = 0;
  for (let i = 0; i < itemCount; i++) {
    if (values[i] === values[i]) present[presentCount++] = i;
  }
  const { pairCount, pairSumFirst, pairSumSecond, pairCrossProduct, valueCounts } = target;
  for (let b = 0; b < presentCount; b++) {
    const j = present[b];
    const xj = values[j];
    const base = (j * (j + 1)) >> 1;
    for (let a = 0; a <= b; a++) {
      const i = present[a];
      const xi = values[i];
      const k = base + i;
      pairCount[k] += 1;
      pairSumFirst[k] += xi;
      pairSumSecond[k] += xj;
      pairCrossProduct[k] += xi * xj;
    }
    if (Number.isInteger(xj)) {
      const counts = valueCounts[j];
      counts[xj] = (counts[xj] ?? 0) + 1;
    }
  }
}

function readCell(value: unknown, itemId: string): number {
  // NaN is accepted as "missing" because numeric exports often encode gaps that way.
  if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) return NaN;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new StatsInputError("NON_FINITE_VALUE", `item "${itemId}": value ${String(value)} is not a finite number`, {
      itemId,
    });
  }
  return value;
}

/**
 * Adds one response (item id → answer; null/absent = missing). Unknown item ids are appended.
 * Mutates and returns `moments`: this runs on the submit path, where copying would dominate.
 */
export function addRowToMoments(moments: ItemMoments, row: ResponseRecord): ItemMoments {
  const positions = itemPositions(moments);
  for (const itemId of Object.keys(row)) {
    if (!positions.has(itemId)) appendItem(moments, itemId);
  }
  const itemCount = moments.itemIds.length;
  ensureScratch(itemCount);
  const values = scratchValues;
  values.fill(NaN, 0, itemCount);
  for (const itemId of Object.keys(row)) {
    values[positions.get(itemId)!] = readCell(row[itemId], itemId);
  }
  accumulateDenseRow(moments, values, itemCount);
  moments.rowCount += 1;
  return moments;
}

/**
 * Adds every row of a matrix. Columns are matched to items by id (new ids appended); with
 * `onlyItems`, the other columns are skipped, which keeps the cost at the model's p² rather than
 * the export's. Mutates `moments`.
 */
export function addMatrixToMoments(moments: ItemMoments, matrix: ResponseMatrix, onlyItems?: readonly string[]): ItemMoments {
  const columnIndex = new Map(matrix.itemIds.map((id, position) => [id, position]));
  const used = onlyItems ?? matrix.itemIds;
  const absent = used.filter((id) => !columnIndex.has(id));
  if (absent.length > 0) {
    throw new StatsInputError("UNKNOWN_ITEM", `column(s) not in the data: ${absent.join(", ")}`, { items: absent });
  }
  const positions = itemPositions(moments);
  for (const itemId of used) {
    if (!positions.has(itemId)) appendItem(moments, itemId);
  }
  const sourceColumns = used.map((id) => columnIndex.get(id)!);
  const targetPositions = used.map((id) => positions.get(id)!);
  const itemCount = moments.itemIds.length;
  ensureScratch(itemCount);
  const values = scratchValues;
  const columns = sourceColumns.length;
  for (const row of matrix.rows) {
    values.fill(NaN, 0, itemCount);
    for (let c = 0; c < columns; c++) {
      const cell = row[sourceColumns[c]];
      // Fast path for plain finite numbers; anything else goes through the validating reader.
      values[targetPositions[c]] = typeof cell === "number" && Number.isFinite(cell) ? cell : readCell(cell, used[c]);
    }
    accumulateDenseRow(moments, values, itemCount);
  }
  moments.rowCount += matrix.rows.length;
  return moments;
}

export function momentsFromMatrix(matrix: ResponseMatrix): ItemMoments {
  return addMatrixToMoments(createEmptyMoments(matrix.itemIds), matrix);
}

/**
 * Sum of two buckets (neither is modified). Items are aligned by id; the result lists a's items
 * then b's new ones. A row of one bucket counts as missing for items only the other bucket has.
 */
export function mergeMoments(a: ItemMoments, b: ItemMoments): ItemMoments {
  return addMomentsInto(cloneMoments(a), b);
}

/**
 * Sum of many buckets (e.g. 365 days). Equivalent to folding mergeMoments, but accumulates the
 * triangles in typed arrays and copies once, which matters on the dashboard read path.
 */
export function mergeAllMoments(buckets: readonly ItemMoments[]): ItemMoments {
  const itemIds: string[] = [];
  const positions = new Map<string, number>();
  for (const bucket of buckets) {
    for (const id of bucket.itemIds) {
      if (!positions.has(id)) {
        positions.set(id, itemIds.length);
        itemIds.push(id);
      }
    }
  }
  const size = triangleSize(itemIds.length);
  const sums = [new Float64Array(size), new Float64Array(size), new Float64Array(size), new Float64Array(size)];
  const [count, first, second, cross] = sums;
  const valueCounts: Array<Record<string, number>> = itemIds.map(() => ({}));
  let rowCount = 0;
  for (const bucket of buckets) {
    const map = bucket.itemIds.map((id) => positions.get(id)!);
    rowCount += bucket.rowCount;
    if (map.every((position, k) => position === k)) {
      const n = bucket.pairCount.length;
      const { pairCount, pairSumFirst, pairSumSecond, pairCrossProduct } = bucket;
      for (let k = 0; k < n; k++) {
        count[k] += pairCount[k];
        first[k] += pairSumFirst[k];
        second[k] += pairSumSecond[k];
        cross[k] += pairCrossProduct[k];
      }
    } else {
      for (let jb = 0; jb < map.length; jb++) {
        for (let ib = 0; ib <= jb; ib++) {
          const from = pairIndex(ib, jb);
          const to = pairIndex(map[ib], map[jb]);
          const swapped = map[ib] > map[jb];
          count[to] += bucket.pairCount[from];
          cross[to] += bucket.pairCrossProduct[from];
          first[to] += swapped ? bucket.pairSumSecond[from] : bucket.pairSumFirst[from];
          second[to] += swapped ? bucket.pairSumFirst[from] : bucket.pairSumSecond[from];
        }
      }
    }
    bucket.valueCounts.forEach((counts, k) => addValueCounts(valueCounts[map[k]], counts));
  }
  return {
    format: ITEM_MOMENTS_FORMAT,
    itemIds,
    rowCount,
    pairCount: Array.from(count),
    pairSumFirst: Array.from(first),
    pairSumSecond: Array.from(second),
    pairCrossProduct: Array.from(cross),
    valueCounts,
  };
}

/** Adds `source` into `target` (mutated), aligning items by id. */
function addMomentsInto(target: ItemMoments, source: ItemMoments): ItemMoments {
  const positions = itemPositions(target);
  for (const itemId of source.itemIds) {
    if (!positions.has(itemId)) appendItem(target, itemId);
  }
  const map = source.itemIds.map((id) => positions.get(id)!);
  if (map.every((position, k) => position === k)) {
    // Same item order (the usual case for buckets of one survey): the triangles line up.
    const size = source.pairCount.length;
    const { pairCount, pairSumFirst, pairSumSecond, pairCrossProduct } = target;
    for (let k = 0; k < size; k++) {
      pairCount[k] += source.pairCount[k];
      pairSumFirst[k] += source.pairSumFirst[k];
      pairSumSecond[k] += source.pairSumSecond[k];
      pairCrossProduct[k] += source.pairCrossProduct[k];
    }
    source.valueCounts.forEach((counts, k) => addValueCounts(target.valueCounts[k], counts));
    target.rowCount += source.rowCount;
    return target;
  }
  for (let jb = 0; jb < source.itemIds.length; jb++) {
    const j = map[jb];
    for (let ib = 0; ib <= jb; ib++) {
      const from = pairIndex(ib, jb);
      const i = map[ib];
      const to = pairIndex(i, j);
      target.pairCount[to] += source.pairCount[from];
      target.pairCrossProduct[to] += source.pairCrossProduct[from];
      // When the target order puts the source's "second" item first, the partial sums swap roles.
      if (i <= j) {
        target.pairSumFirst[to] += source.pairSumFirst[from];
        target.pairSumSecond[to] += source.pairSumSecond[from];
      } else {
        target.pairSumFirst[to] += source.pairSumSecond[from];
        target.pairSumSecond[to] += source.pairSumFirst[from];
      }
    }
    addValueCounts(target.valueCounts[j], source.valueCounts[jb]);
  }
  target.rowCount += source.rowCount;
  return target;
}

function addValueCounts(target: Record<string, number>, source: Readonly<Record<string, number>>): void {
  const keys = Object.keys(source);
  for (let k = 0; k < keys.length; k++) {
    const value = keys[k];
    target[value] = (target[value] ?? 0) + source[value];
  }
}

/**
 * The rows of `total` that are not in `part`, when `part` was accumulated from a subset of the
 * same rows over the same items: a segment's complement without a second pass over its rows.
 */
export function subtractMoments(total: ItemMoments, part: ItemMoments): ItemMoments {
  if (total.itemIds.length !== part.itemIds.length || total.itemIds.some((id, k) => part.itemIds[k] !== id)) {
    throw new StatsInputError("INVALID_MOMENTS", "subtractMoments: both buckets need the same items in the same order");
  }
  const minus = (a: number[], b: number[]) => {
    const out = new Array<number>(a.length);
    for (let k = 0; k < a.length; k++) out[k] = a[k] - b[k];
    return out;
  };
  const valueCounts = total.valueCounts.map((counts, k) => {
    const removed = part.valueCounts[k];
    const out: Record<string, number> = {};
    for (const value in counts) {
      const count = counts[value] - (removed[value] ?? 0);
      if (count !== 0) out[value] = count;
    }
    return out;
  });
  return {
    format: ITEM_MOMENTS_FORMAT,
    itemIds: [...total.itemIds],
    rowCount: total.rowCount - part.rowCount,
    pairCount: minus(total.pairCount, part.pairCount),
    pairSumFirst: minus(total.pairSumFirst, part.pairSumFirst),
    pairSumSecond: minus(total.pairSumSecond, part.pairSumSecond),
    pairCrossProduct: minus(total.pairCrossProduct, part.pairCrossProduct),
    valueCounts,
  };
}

export function cloneMoments(moments: ItemMoments): ItemMoments {
  return {
    format: ITEM_MOMENTS_FORMAT,
    itemIds: [...moments.itemIds],
    rowCount: moments.rowCount,
    pairCount: [...moments.pairCount],
    pairSumFirst: [...moments.pairSumFirst],
    pairSumSecond: [...moments.pairSumSecond],
    pairCrossProduct: [...moments.pairCrossProduct],
    valueCounts: moments.valueCounts.map((counts) => ({ ...counts })),
  };
}

export function summarizeItem(moments: ItemMoments, itemId: string): ItemSummary {
  const position = itemPositions(moments).get(itemId);
  if (position === undefined) {
    throw new StatsInputError("UNKNOWN_ITEM", `item "${itemId}" has no statistics`, { itemId });
  }
  const k = pairIndex(position, position);
  return {
    itemId,
    count: moments.pairCount[k],
    sum: moments.pairSumFirst[k],
    sumOfSquares: moments.pairCrossProduct[k],
    valueCounts: moments.valueCounts[position],
  };
}

/**
 * Means, SDs, covariances and correlations of the chosen items.
 *
 * mean-replacement (default, as seminr): each missing answer is replaced by its item's mean
 * m_i = Σx_i / n_i and the completed n rows are analysed. Because replaced cells sit exactly at
 * the mean they add nothing to centred sums, so with N rows:
 *   var_i  = (Σx_i² − (Σx_i)²/n_i) / (N − 1)
 *   cov_ij = (Σ_both x_i x_j − m_j Σ_both x_i − m_i Σ_both x_j + n_ij m_i m_j) / (N − 1)
 * which is exactly what an explicit imputation followed by the complete-data formulas gives.
 *
 * pairwise: available-case estimates; means and variances from each item's answered rows
 * (divisor n_i − 1) and each covariance from the rows answering both items, centred at that
 * pair's own means (divisor n_ij − 1). The correlation divides by the item SDs, so it can leave
 * [−1, 1] and the matrix need not be positive definite with heavy missingness.
 */
export function computeItemStatistics(
  moments: ItemMoments,
  options: { itemIds?: readonly string[]; missing?: MissingDataTreatment } = {},
): ItemStatistics {
  const missing = options.missing ?? "mean-replacement";
  const itemIds = options.itemIds ? [...options.itemIds] : [...moments.itemIds];
  const positions = itemPositions(moments);
  const unknown = itemIds.filter((id) => !positions.has(id));
  if (unknown.length > 0) {
    throw new StatsInputError("UNKNOWN_ITEM", `no statistics for item(s): ${unknown.join(", ")}`, { items: unknown });
  }
  const source = itemIds.map((id) => positions.get(id)!);
  const p = itemIds.length;
  const n = moments.rowCount;
  const itemCounts = new Array<number>(p);
  const means = new Array<number>(p);
  const sds = new Array<number>(p);
  const covariance = new Float64Array(p * p);
  const correlation = new Float64Array(p * p);

  for (let a = 0; a < p; a++) {
    const k = pairIndex(source[a], source[a]);
    const count = moments.pairCount[k];
    itemCounts[a] = count;
    means[a] = count > 0 ? moments.pairSumFirst[k] / count : NaN;
  }
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      const ia = source[a];
      const ib = source[b];
      const k = pairIndex(ia, ib);
      const count = moments.pairCount[k];
      // Orient the partial sums to (a, b) regardless of storage order.
      const sumA = ia <= ib ? moments.pairSumFirst[k] : moments.pairSumSecond[k];
      const sumB = ia <= ib ? moments.pairSumSecond[k] : moments.pairSumFirst[k];
      const cross = moments.pairCrossProduct[k];
      let value: number;
      if (missing === "mean-replacement") {
        const centred =
          a === b
            ? cross - (sumA * sumA) / count
            : cross - means[b] * sumA - means[a] * sumB + count * means[a] * means[b];
        value = count > 0 ? centred / (n - 1) : 0;
      } else {
        value = count > 1 ? (cross - (sumA * sumB) / count) / (count - 1) : NaN;
      }
      covariance[a * p + b] = value;
      covariance[b * p + a] = value;
    }
  }
  for (let a = 0; a < p; a++) sds[a] = Math.sqrt(Math.max(covariance[a * p + a], 0));
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      correlation[a * p + b] = a === b ? 1 : covariance[a * p + b] / (sds[a] * sds[b]);
    }
  }
  return { itemIds, n, itemCounts, means, sds, covariance, correlation, missing };
}

// ---------------------------------------------------------------------------------------------
// Serialization

/**
 * Compact JSON for storage (e.g. one D1 row per bucket). When every row answered every item the
 * pair counts and pairwise sums are implied by n and the item sums, so only `itemSums` and the
 * cross-products are written; otherwise the four triangle arrays are written in full.
 */
export function serializeMoments(moments: ItemMoments): string {
  const complete = moments.pairCount.every((count) => count === moments.rowCount);
  if (complete) {
    const itemSums = moments.itemIds.map((_, i) => moments.pairSumFirst[pairIndex(i, i)]);
    return JSON.stringify({
      format: moments.format,
      itemIds: moments.itemIds,
      rowCount: moments.rowCount,
      itemSums,
      pairCrossProduct: moments.pairCrossProduct,
      valueCounts: moments.valueCounts,
    });
  }
  return JSON.stringify(moments);
}

function isNumberArray(value: unknown, length: number): value is number[] {
  return Array.isArray(value) && value.length === length && value.every((x) => typeof x === "number" && Number.isFinite(x));
}

/** Parses (and validates) JSON text or an already-parsed object written by `serializeMoments` or JSON.stringify. */
export function parseMoments(input: string | unknown): ItemMoments {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      throw new StatsInputError("INVALID_MOMENTS", "item moments: not valid JSON");
    }
  }
  const fail = (why: string): never => {
    throw new StatsInputError("INVALID_MOMENTS", `item moments: ${why}`);
  };
  if (typeof value !== "object" || value === null) return fail("expected an object");
  const record = value as Record<string, unknown>;
  if (record.format !== ITEM_MOMENTS_FORMAT) fail(`unsupported format ${String(record.format)}`);
  const itemIds = record.itemIds;
  if (!Array.isArray(itemIds) || !itemIds.every((id) => typeof id === "string")) return fail("itemIds must be strings");
  if (new Set(itemIds).size !== itemIds.length) fail("duplicate item ids");
  const rowCount = record.rowCount;
  if (typeof rowCount !== "number" || !Number.isInteger(rowCount) || rowCount < 0) return fail("bad rowCount");
  const p = itemIds.length;
  const size = triangleSize(p);
  const valueCounts = record.valueCounts;
  if (
    !Array.isArray(valueCounts) ||
    valueCounts.length !== p ||
    !valueCounts.every(
      (counts) =>
        typeof counts === "object" &&
        counts !== null &&
        !Array.isArray(counts) &&
        Object.values(counts as Record<string, unknown>).every((c) => typeof c === "number" && Number.isInteger(c) && c >= 0),
    )
  ) {
    return fail("valueCounts must be one object of integer counts per item");
  }
  if (!isNumberArray(record.pairCrossProduct, size)) return fail("pairCrossProduct has the wrong length or non-numbers");
  const moments = createEmptyMoments(itemIds as string[]);
  moments.rowCount = rowCount;
  moments.pairCrossProduct = [...(record.pairCrossProduct as number[])];
  moments.valueCounts = (valueCounts as Array<Record<string, number>>).map((counts) => ({ ...counts }));
  if (record.itemSums !== undefined) {
    if (!isNumberArray(record.itemSums, p)) return fail("itemSums has the wrong length");
    const sums = record.itemSums as number[];
    for (let j = 0; j < p; j++) {
      for (let i = 0; i <= j; i++) {
        const k = pairIndex(i, j);
        moments.pairCount[k] = rowCount;
        moments.pairSumFirst[k] = sums[i];
        moments.pairSumSecond[k] = sums[j];
      }
    }
  } else {
    for (const key of ["pairCount", "pairSumFirst", "pairSumSecond"] as const) {
      if (!isNumberArray(record[key], size)) return fail(`${key} has the wrong length or non-numbers`);
      moments[key] = [...(record[key] as number[])];
    }
    if (moments.pairCount.some((count) => !Number.isInteger(count) || count < 0 || count > rowCount)) {
      fail("pair counts must be integers between 0 and rowCount");
    }
  }
  return moments;
}
