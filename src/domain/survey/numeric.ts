/**
 * Numeric extraction for statistics (index computation, PLS, metrics aggregation).
 *
 * Only answer slots with a numeric nature (rating, satisfaction5, yes_no as 1/0, matrix rows)
 * take part. Hidden or unanswered items become null — not 0 — because "not asked" and "lowest
 * score" are different facts and the aggregation layer needs to count n per item.
 */
import {
  isNumericKind,
  listAnswerSlots,
  type AnswerSlot,
  type ServqualDimension,
  type SimpleMetricRole,
  type SurveyDefinition,
} from "./definition";
import type { Answers } from "./answers";
import { computeVisibility, type Visibility } from "./logic";
import type { ScaleBounds } from "./scales";

export type NumericRow = Record<string, number | null>;

function isAnalyticSlot(slot: AnswerSlot): boolean {
  return isNumericKind(slot.kind) && (slot.construct !== undefined || slot.metric !== undefined);
}

export type NumericRowOptions = {
  /**
   * Also include numeric items without a construct or metric tag. Default false: analytics keys
   * on tagged items; storage layers that aggregate every numeric item (moment vectors,
   * histograms per item) pass true so untagged ratings are not silently dropped.
   */
  allNumeric?: boolean;
  /** computeVisibility(definition, answers) when the caller has it already (one pass per response). */
  visibility?: Visibility;
};

function selects(slot: AnswerSlot, options: NumericRowOptions): boolean {
  return options.allNumeric ? isNumericKind(slot.kind) : isAnalyticSlot(slot);
}

/** Ids of the slots `toNumericRow` reports, in survey order (handy for fixed CSV/matrix columns). */
export function numericItemIds(definition: SurveyDefinition, options: NumericRowOptions = {}): string[] {
  return listAnswerSlots(definition)
    .filter((slot) => selects(slot, options))
    .map((slot) => slot.id);
}

function toNumber(slot: AnswerSlot, value: unknown): number | null {
  if (slot.kind === "yes_no") return typeof value === "boolean" ? (value ? 1 : 0) : null;
  if (typeof value !== "number" || !Number.isInteger(value)) return null;
  const bounds = slot.bounds;
  // Out-of-range stored values (e.g. from before a scale edit) must not skew means.
  if (bounds && (value < bounds.min || value > bounds.max)) return null;
  return value;
}

/**
 * One response as numbers: every construct- or metric-tagged numeric slot → its value, or null
 * when unanswered or hidden by a condition.
 */
export function toNumericRow(definition: SurveyDefinition, answers: Readonly<Answers>, options: NumericRowOptions = {}): NumericRow {
  const { visibleItemIds, slots } = options.visibility ?? computeVisibility(definition, answers);
  const row: NumericRow = {};
  for (const slot of slots) {
    if (!selects(slot, options)) continue;
    row[slot.id] = visibleItemIds.has(slot.item.id) ? toNumber(slot, answers[slot.id]) : null;
  }
  return row;
}

/**
 * Scale bounds of every numeric slot (tagged or not), for rescaling means to 0-100 with
 * (x − min)/(max − min) × 100 (seeds digest §2.4 item 2; ACSI index formula, peers-and-methods §B).
 */
export function scaleBounds(definition: SurveyDefinition): Record<string, ScaleBounds> {
  const bounds: Record<string, ScaleBounds> = {};
  for (const slot of listAnswerSlots(definition)) {
    if (isNumericKind(slot.kind) && slot.bounds) bounds[slot.id] = { ...slot.bounds };
  }
  return bounds;
}

/** Which slot ids play which KPI role (an item can only have one role; a role may have several items). */
export function findMetricItems(definition: SurveyDefinition): Partial<Record<SimpleMetricRole, string[]>> {
  const roles: Partial<Record<SimpleMetricRole, string[]>> = {};
  for (const slot of listAnswerSlots(definition)) {
    if (typeof slot.metric !== "string") continue;
    (roles[slot.metric] ??= []).push(slot.id);
  }
  return roles;
}

export type ExpectationPerceptionPair = {
  pairKey: string;
  dimension: ServqualDimension;
  expectationItemId: string;
  perceptionItemId: string;
};

/**
 * Expectation/perception pairs declared with servqual tags, in survey order of the perception
 * item. Feeds SERVQUAL gaps and the satisfaction ratio C = b/a (seeds digest A5). Incomplete
 * pairs are skipped (the definition validation already reports them).
 */
export function findExpectationPerceptionPairs(definition: SurveyDefinition): ExpectationPerceptionPair[] {
  const halves = new Map<string, { dimension: ServqualDimension; expectation?: string; perception?: string }>();
  const order: string[] = [];
  for (const slot of listAnswerSlots(definition)) {
    if (typeof slot.metric !== "object" || slot.metric.role !== "servqual") continue;
    const { pairKey, dimension, kind } = slot.metric;
    const entry = halves.get(pairKey) ?? { dimension };
    if (!halves.has(pairKey)) order.push(pairKey);
    if (entry[kind] === undefined) entry[kind] = slot.id;
    halves.set(pairKey, entry);
  }
  const pairs: ExpectationPerceptionPair[] = [];
  for (const pairKey of order) {
    const entry = halves.get(pairKey);
    if (!entry?.expectation || !entry.perception) continue;
    pairs.push({ pairKey, dimension: entry.dimension, expectationItemId: entry.expectation, perceptionItemId: entry.perception });
  }
  return pairs;
}
