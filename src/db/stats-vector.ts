/**
 * Storage layout of a survey_daily_stats row: ItemMoments flattened into one fixed-length number
 * vector whose layout is fixed by the survey version, so SQL can add a response's delta
 * element-wise in one atomic statement (no read-modify-write race between concurrent Workers).
 *
 * vector = [rowCount,
 *           pairCount[T], pairSumFirst[T], pairSumSecond[T], pairCrossProduct[T],   (T = p(p+1)/2)
 *           counts of item 0 for values min0..max0, counts of item 1 …,
 *           loyalty-model counts (only for surveys with loyalty-model tags; src/domain/loyalty/stats.ts)]
 *
 * A logged row (survey_stats_pending) is the item values in layout order, followed for such
 * surveys by the loyalty extras (status, open question shown, open question answered, coded answers;
 * src/domain/loyalty/spec.ts loyaltyLogExtras).
 */
import {
  addRowToMoments,
  createEmptyMoments,
  type ItemMoments,
} from "../domain/stats/item-moments";
import { listAnswerSlots, type SurveyDefinition } from "../domain/survey/definition";
import type { ResponseRecord } from "../domain/stats/response-matrix";
import type { Answers } from "../domain/survey/answers";
import { toNumericRow } from "../domain/survey/numeric";
import { computeVisibility } from "../domain/survey/logic";
import {
  addLoyaltyRow,
  createEmptyLoyaltyStats,
  decodeLoyaltyStats,
  encodeLoyaltyStats,
  loyaltyVectorLength,
  type LoyaltyStats,
  type LoyaltyStatsSpec,
} from "../domain/loyalty/stats";
import { loyaltyLogExtras, loyaltyModelFor, loyaltyRowFromLog } from "../domain/loyalty/spec";
import { KANO_PAIR_CODE_BOUNDS, kanoItems, kanoPairCodes } from "../domain/survey/kano-item";

export type StatsLayout = {
  itemIds: string[];
  bounds: { min: number; max: number }[];
  /** Entries of the item-moments part; the loyalty part (if any) follows. */
  momentsLength: number;
  loyalty: LoyaltyStatsSpec | null;
  length: number;
};

const layoutCache = new WeakMap<SurveyDefinition, StatsLayout>();

/** Every numeric answer slot (ratings, five-level, yes/no, matrix rows) in survey order, then one pair code per Kano feature. */
export function statsLayoutFor(definition: SurveyDefinition): StatsLayout {
  let layout = layoutCache.get(definition);
  if (!layout) {
    const slots = listAnswerSlots(definition).filter((slot) => slot.bounds !== undefined);
    // Kano features follow the numeric slots: one categorical pair code each (src/domain/survey/kano-item.ts).
    const kano = kanoItems(definition);
    const itemIds = [...slots.map((slot) => slot.id), ...kano.map((item) => item.id)];
    const bounds = [...slots.map((slot) => slot.bounds!), ...kano.map(() => ({ ...KANO_PAIR_CODE_BOUNDS }))];
    const p = itemIds.length;
    const triangle = (p * (p + 1)) / 2;
    const histogram = bounds.reduce((sum, b) => sum + (b.max - b.min + 1), 0);
    const momentsLength = 1 + 4 * triangle + histogram;
    const loyalty = loyaltyModelFor(definition)?.stats ?? null;
    layout = { itemIds, bounds, momentsLength, loyalty, length: momentsLength + (loyalty ? loyaltyVectorLength(loyalty) : 0) };
    layoutCache.set(definition, layout);
  }
  return layout;
}

/**
 * Adds `values` element-wise into `target` (same layout) and returns it. Stored vectors are sums, so
 * merging buckets is plain addition; done on the arrays, decoding once at the end.
 */
export function addVectorInto(target: number[], values: readonly number[]): number[] {
  for (let i = 0; i < values.length; i++) target[i]! += values[i]!;
  return target;
}

/** The stored vector of a bucket: its item moments and, for a survey with the loyalty model, its loyalty counts. */
export function encodeMoments(moments: ItemMoments, layout: StatsLayout, loyalty: LoyaltyStats | null = null): number[] {
  const out = new Array<number>(layout.length).fill(0);
  out[0] = moments.rowCount;
  const t = moments.pairCount.length;
  for (let k = 0; k < t; k++) {
    out[1 + k] = moments.pairCount[k]!;
    out[1 + t + k] = moments.pairSumFirst[k]!;
    out[1 + 2 * t + k] = moments.pairSumSecond[k]!;
    out[1 + 3 * t + k] = moments.pairCrossProduct[k]!;
  }
  let offset = 1 + 4 * t;
  layout.bounds.forEach((b, i) => {
    const counts = moments.valueCounts[i] ?? {};
    for (let v = b.min; v <= b.max; v++) out[offset + v - b.min] = counts[String(v)] ?? 0;
    offset += b.max - b.min + 1;
  });
  if (layout.loyalty) {
    const counts = encodeLoyaltyStats(loyalty ?? createEmptyLoyaltyStats(), layout.loyalty);
    for (let k = 0; k < counts.length; k++) out[layout.momentsLength + k] = counts[k]!;
  }
  return out;
}

/** The loyalty counts of a stored vector, or null for a survey version without the loyalty model. */
export function decodeLoyalty(vector: readonly number[], layout: StatsLayout): LoyaltyStats | null {
  if (!layout.loyalty) return null;
  return decodeLoyaltyStats(vector.slice(layout.momentsLength), layout.loyalty);
}

/**
 * What the statistics log keeps for one completed response: its numeric answers in layout order,
 * then (surveys with the loyalty model) the loyalty extras. The submit path, deletions and
 * anonymisation all log through this, so +1 and −1 rows of one response always match.
 */
export function statsLogValues(definition: SurveyDefinition, answers: Readonly<Answers>, hidden: Readonly<Record<string, string>>): (number | null)[] {
  const layout = statsLayoutFor(definition);
  const model = layout.loyalty ? loyaltyModelFor(definition) : null;
  const kano = kanoItems(definition).length > 0;
  // One visibility pass serves the numeric answers, the Kano pairs and the loyalty extras.
  const visibility = model || kano ? computeVisibility(definition, answers) : undefined;
  const numeric: Record<string, number | null> = toNumericRow(definition, answers, { allNumeric: true, visibility });
  if (kano) Object.assign(numeric, kanoPairCodes(definition, answers, visibility!));
  const values: (number | null)[] = layout.itemIds.map((id) => numeric[id] ?? null);
  return model ? [...values, ...loyaltyLogExtras(definition, model, answers, hidden, visibility)] : values;
}

/** Adds (weight 1) or removes (−1) one logged response's loyalty counts; no-op without the loyalty model. */
export function addLoggedLoyaltyRow(loyalty: LoyaltyStats | null, layout: StatsLayout, values: readonly (number | null)[], weight: 1 | -1): void {
  if (!loyalty || !layout.loyalty) return;
  addLoyaltyRow(loyalty, layout.loyalty, loyaltyRowFromLog(layout.loyalty, layout.itemIds, values), weight);
}

export function decodeMoments(vector: readonly number[], layout: StatsLayout): ItemMoments {
  if (vector.length !== layout.length) {
    throw new Error(`statistics vector has ${vector.length} entries, layout expects ${layout.length}`);
  }
  const moments = createEmptyMoments(layout.itemIds);
  moments.rowCount = vector[0]!;
  const t = moments.pairCount.length;
  for (let k = 0; k < t; k++) {
    moments.pairCount[k] = vector[1 + k]!;
    moments.pairSumFirst[k] = vector[1 + t + k]!;
    moments.pairSumSecond[k] = vector[1 + 2 * t + k]!;
    moments.pairCrossProduct[k] = vector[1 + 3 * t + k]!;
  }
  let offset = 1 + 4 * t;
  layout.bounds.forEach((b, i) => {
    const counts: Record<string, number> = {};
    for (let v = b.min; v <= b.max; v++) {
      const c = vector[offset + v - b.min]!;
      if (c > 0) counts[String(v)] = c;
    }
    moments.valueCounts[i] = counts;
    offset += b.max - b.min + 1;
  });
  return moments;
}

/** The item-moments delta one completed response adds to its bucket (loyalty counts come from the logged extras, see statsLogValues). */
export function responseStatsDelta(numericRow: ResponseRecord, layout: StatsLayout): number[] {
  const row: Record<string, number | null> = {};
  for (const id of layout.itemIds) row[id] = numericRow[id] ?? null;
  return encodeMoments(addRowToMoments(createEmptyMoments(layout.itemIds), row), layout);
}
