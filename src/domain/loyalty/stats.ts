/**
 * Mergeable statistics for the seed's loyalty model (seeds digest C3 loyalty = attraction ×
 * satisfaction × participation and delight = expectation + 1; A7 satisfaction–loyalty chart;
 * A13 pitfall 5, former and potential customers). Item moments (../stats/item-moments.ts) keep only
 * per-item histograms and pairwise sums, which cannot say how many respondents rated perception
 * above their own expectation, or how intent is spread within one satisfaction level: both need
 * the joint answer of one respondent. So each completed response also adds, at write time, a few
 * counts to a block per respondent status; the blocks are plain sums, merged by addition across
 * days, months, segments and survey versions, so a period or segment is a read, never a scan.
 */

/** Respondent status carried by an invitation (CSV column) or a public link (hidden field). */
export const RESPONDENT_STATUSES = ["current", "former", "potential"] as const;
export type RespondentStatus = (typeof RESPONDENT_STATUSES)[number];
/** Responses without a (valid) status are counted apart, never guessed into a group. */
export type StatusGroupKey = RespondentStatus | "unspecified";
export const STATUS_GROUP_KEYS: readonly StatusGroupKey[] = ["unspecified", ...RESPONDENT_STATUSES];

export function isRespondentStatus(value: unknown): value is RespondentStatus {
  return typeof value === "string" && (RESPONDENT_STATUSES as readonly string[]).includes(value);
}

export const SATISFACTION_LEVEL_COUNT = 5;
/** Intent outcome per satisfaction level: high, not high, intent items unanswered. */
export const INTENT_OUTCOMES = ["high", "notHigh", "unanswered"] as const;
export type IntentOutcome = (typeof INTENT_OUTCOMES)[number];

export type ScaledItem = { id: string; min: number; max: number };

/**
 * Which answers feed which part of the loyalty statistics; derived from a survey definition
 * (./spec.ts) and fixed per survey version, like the item-moments layout.
 */
export type LoyaltyStatsSpec = {
  /** Numeric items whose answered count and sum are kept per status group (per-group means). */
  items: ScaledItem[];
  /**
   * The satisfaction answer placed on the five levels: a five-level item as is, any other scale in
   * five equal-width bands (see `satisfactionLevelOf`). Null when the survey has none.
   */
  satisfaction: (ScaledItem & { banded: boolean }) | null;
  /** Repurchase / recommendation intent items; "high" is the top two points of the item's scale. */
  intentItems: ScaledItem[];
  /** Expectation/perception item pairs on one scale (delight = perception ≥ expectation + 1). */
  pairs: { key: string; expectationItemId: string; perceptionItemId: string }[];
  /** Coded (single/multiple choice) questions, e.g. the win-back survey's defection reasons: option counts per status. */
  choices: { id: string; optionIds: string[] }[];
};

export type PairCounts = { answered: number; delighted: number };
/** Respondents who answered a coded question, and how many chose each option (multiple choice: several). */
export type ChoiceCounts = { answered: number; options: Record<string, number> };
export type ItemSum = { count: number; sum: number };

export type StatusGroupStats = {
  /** Completed responses. */
  rows: number;
  /** Responses that were shown at least one open (free-text) question, and that answered one. */
  openOffered: number;
  openAnswered: number;
  /** satisfactionIntent[level − 1][outcome]: the joint histogram behind the satisfaction–loyalty chart. */
  satisfactionIntent: Record<IntentOutcome, number>[];
  pairs: Record<string, PairCounts>;
  /** Respondents with at least one complete pair, and those whose mean perception ≥ mean expectation + 1. */
  delightOverall: PairCounts;
  items: Record<string, ItemSum>;
  choices: Record<string, ChoiceCounts>;
};

export type LoyaltyStats = { groups: Record<StatusGroupKey, StatusGroupStats> };

/** One completed response as the loyalty statistics see it. */
export type LoyaltyRow = {
  values: Readonly<Record<string, number | null | undefined>>;
  status: StatusGroupKey;
  openOffered: boolean;
  openAnswered: boolean;
  /** Selected option ids per answered (and shown) coded question. */
  choices?: Readonly<Record<string, readonly string[]>>;
};

function emptyGroup(): StatusGroupStats {
  return {
    rows: 0,
    openOffered: 0,
    openAnswered: 0,
    satisfactionIntent: Array.from({ length: SATISFACTION_LEVEL_COUNT }, () => ({ high: 0, notHigh: 0, unanswered: 0 })),
    pairs: {},
    delightOverall: { answered: 0, delighted: 0 },
    items: {},
    choices: {},
  };
}

export function createEmptyLoyaltyStats(): LoyaltyStats {
  return { groups: Object.fromEntries(STATUS_GROUP_KEYS.map((key) => [key, emptyGroup()])) as Record<StatusGroupKey, StatusGroupStats> };
}

/**
 * Level 1-5 of a satisfaction answer. A five-level item is its own level; another scale min..max is
 * cut into five bands of equal width, level = 1 + ⌊5·(x − min)/(max − min + 1)⌋ (1-10: 1-2 → 1,
 * 3-4 → 2, …, 9-10 → 5). Null for a missing or off-scale answer.
 */
export function satisfactionLevelOf(value: number | null | undefined, item: ScaledItem): number | null {
  if (typeof value !== "number" || !Number.isInteger(value) || value < item.min || value > item.max) return null;
  return 1 + Math.floor((SATISFACTION_LEVEL_COUNT * (value - item.min)) / (item.max - item.min + 1));
}

/** High intent: the top two points of the item's scale (9-10 on 0-10 or 1-10, 4-5 on 1-5). */
export function isHighIntent(value: number, item: ScaledItem): boolean {
  return value >= item.max - 1;
}

function answered(value: number | null | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** The intent outcome of one response: high if any answered intent item is in its top two points. */
export function intentOutcomeOf(values: LoyaltyRow["values"], intentItems: readonly ScaledItem[]): IntentOutcome {
  let any = false;
  for (const item of intentItems) {
    const value = values[item.id];
    if (!answered(value)) continue;
    any = true;
    if (isHighIntent(value, item)) return "high";
  }
  return any ? "notHigh" : "unanswered";
}

/**
 * Adds (weight 1) or removes (weight −1, a deleted or rewritten response) one response. Mutates
 * `stats`; counts are integers, so adding and removing the same row restores every count exactly.
 */
export function addLoyaltyRow(stats: LoyaltyStats, spec: LoyaltyStatsSpec, row: LoyaltyRow, weight: 1 | -1 = 1): LoyaltyStats {
  const group = stats.groups[row.status];
  group.rows += weight;
  if (row.openOffered) group.openOffered += weight;
  if (row.openAnswered) group.openAnswered += weight;
  for (const item of spec.items) {
    const value = row.values[item.id];
    if (!answered(value)) continue;
    const sums = (group.items[item.id] ??= { count: 0, sum: 0 });
    sums.count += weight;
    sums.sum += weight * value;
  }
  if (spec.satisfaction) {
    const level = satisfactionLevelOf(row.values[spec.satisfaction.id], spec.satisfaction);
    if (level !== null) group.satisfactionIntent[level - 1]![intentOutcomeOf(row.values, spec.intentItems)] += weight;
  }
  for (const choice of spec.choices) {
    const selected = row.choices?.[choice.id];
    if (!selected || selected.length === 0) continue;
    const counts = (group.choices[choice.id] ??= { answered: 0, options: {} });
    counts.answered += weight;
    for (const option of selected) if (choice.optionIds.includes(option)) counts.options[option] = (counts.options[option] ?? 0) + weight;
  }
  let expectationSum = 0;
  let perceptionSum = 0;
  let complete = 0;
  for (const pair of spec.pairs) {
    const expectation = row.values[pair.expectationItemId];
    const perception = row.values[pair.perceptionItemId];
    if (!answered(expectation) || !answered(perception)) continue;
    const counts = (group.pairs[pair.key] ??= { answered: 0, delighted: 0 });
    counts.answered += weight;
    if (perception >= expectation + 1) counts.delighted += weight;
    expectationSum += expectation;
    perceptionSum += perception;
    complete += 1;
  }
  if (complete > 0) {
    group.delightOverall.answered += weight;
    // Mean perception ≥ mean expectation + 1, compared as sums to stay in integers.
    if (perceptionSum >= expectationSum + complete) group.delightOverall.delighted += weight;
  }
  return stats;
}

function addInto(target: StatusGroupStats, source: StatusGroupStats): void {
  target.rows += source.rows;
  target.openOffered += source.openOffered;
  target.openAnswered += source.openAnswered;
  source.satisfactionIntent.forEach((cell, level) => {
    for (const outcome of INTENT_OUTCOMES) target.satisfactionIntent[level]![outcome] += cell[outcome];
  });
  for (const [key, counts] of Object.entries(source.pairs)) {
    const into = (target.pairs[key] ??= { answered: 0, delighted: 0 });
    into.answered += counts.answered;
    into.delighted += counts.delighted;
  }
  target.delightOverall.answered += source.delightOverall.answered;
  target.delightOverall.delighted += source.delightOverall.delighted;
  for (const [id, sums] of Object.entries(source.items)) {
    const into = (target.items[id] ??= { count: 0, sum: 0 });
    into.count += sums.count;
    into.sum += sums.sum;
  }
  for (const [id, counts] of Object.entries(source.choices)) {
    const into = (target.choices[id] ??= { answered: 0, options: {} });
    into.answered += counts.answered;
    for (const [option, count] of Object.entries(counts.options)) into.options[option] = (into.options[option] ?? 0) + count;
  }
}

/** Sum of any number of buckets (days, segments, survey versions); keyed by item id and pair key. */
export function mergeLoyaltyStats(buckets: readonly LoyaltyStats[]): LoyaltyStats {
  const out = createEmptyLoyaltyStats();
  for (const bucket of buckets) for (const key of STATUS_GROUP_KEYS) addInto(out.groups[key], bucket.groups[key]);
  return out;
}

/** The groups of a selection of statuses summed into one (e.g. every status = the whole survey). */
export function sumGroups(stats: LoyaltyStats, keys: readonly StatusGroupKey[] = STATUS_GROUP_KEYS): StatusGroupStats {
  const out = emptyGroup();
  for (const key of keys) addInto(out, stats.groups[key]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Flat vector: the form stored next to the item moments (one fixed layout per survey version)

/**
 * Entries of one status block: rows, openOffered, openAnswered, 5×3 joint, 2 per pair, 2 overall,
 * 2 per item, and per coded question its answered count and one count per option.
 */
export function loyaltyBlockLength(spec: LoyaltyStatsSpec): number {
  const choices = spec.choices.reduce((sum, choice) => sum + 1 + choice.optionIds.length, 0);
  return 3 + SATISFACTION_LEVEL_COUNT * INTENT_OUTCOMES.length + 2 * spec.pairs.length + 2 + 2 * spec.items.length + choices;
}

export function loyaltyVectorLength(spec: LoyaltyStatsSpec): number {
  return STATUS_GROUP_KEYS.length * loyaltyBlockLength(spec);
}

export function encodeLoyaltyStats(stats: LoyaltyStats, spec: LoyaltyStatsSpec): number[] {
  const out: number[] = [];
  for (const key of STATUS_GROUP_KEYS) {
    const group = stats.groups[key];
    out.push(group.rows, group.openOffered, group.openAnswered);
    for (const cell of group.satisfactionIntent) for (const outcome of INTENT_OUTCOMES) out.push(cell[outcome]);
    for (const pair of spec.pairs) out.push(group.pairs[pair.key]?.answered ?? 0, group.pairs[pair.key]?.delighted ?? 0);
    out.push(group.delightOverall.answered, group.delightOverall.delighted);
    for (const item of spec.items) out.push(group.items[item.id]?.count ?? 0, group.items[item.id]?.sum ?? 0);
    for (const choice of spec.choices) {
      const counts = group.choices[choice.id];
      out.push(counts?.answered ?? 0, ...choice.optionIds.map((option) => counts?.options[option] ?? 0));
    }
  }
  return out;
}

export function decodeLoyaltyStats(vector: readonly number[], spec: LoyaltyStatsSpec): LoyaltyStats {
  if (vector.length !== loyaltyVectorLength(spec)) {
    throw new Error(`loyalty statistics have ${vector.length} entries, the layout expects ${loyaltyVectorLength(spec)}`);
  }
  const stats = createEmptyLoyaltyStats();
  let k = 0;
  const next = () => vector[k++]!;
  for (const key of STATUS_GROUP_KEYS) {
    const group = stats.groups[key];
    group.rows = next();
    group.openOffered = next();
    group.openAnswered = next();
    for (const cell of group.satisfactionIntent) for (const outcome of INTENT_OUTCOMES) cell[outcome] = next();
    for (const pair of spec.pairs) {
      const counts = { answered: next(), delighted: next() };
      if (counts.answered !== 0 || counts.delighted !== 0) group.pairs[pair.key] = counts;
    }
    group.delightOverall = { answered: next(), delighted: next() };
    for (const item of spec.items) {
      const sums = { count: next(), sum: next() };
      if (sums.count !== 0 || sums.sum !== 0) group.items[item.id] = sums;
    }
    for (const choice of spec.choices) {
      const counts: ChoiceCounts = { answered: next(), options: {} };
      for (const option of choice.optionIds) {
        const count = next();
        if (count !== 0) counts.options[option] = count;
      }
      if (counts.answered !== 0 || Object.keys(counts.options).length > 0) group.choices[choice.id] = counts;
    }
  }
  return stats;
}
