/**
 * Pure helpers the survey builder edits a definition with. Everything here is free of runtime
 * imports from src/domain/survey/definition.ts (which builds the zod schemas at module load): the
 * builder chunk stays small and the schema is only fetched by validate.ts, on its own chunk.
 * Constants duplicated from the domain are pinned to its types with `satisfies`, so a change on
 * one side without the other is a compile error.
 */
import type {
  ChoiceOption,
  Condition,
  HiddenField,
  ItemCondition,
  MatrixRow,
  MeasurementPlan,
  ServqualDimension,
  SimpleMetricRole,
  StandardConstruct,
  SurveyDefinition,
  SurveyItem,
  SurveyItemType,
  SurveyPage,
} from "../../../../src/domain/survey/definition";
import type { RATING_PRESETS, RatingPreset } from "../../../../src/domain/survey/scales";
import type { LocalizedText } from "../../../../src/domain/survey/localization";
import { collectLocalizedTexts } from "../../../../src/domain/survey/text-walk";

export type { ChoiceOption, Condition, HiddenField, ItemCondition, MatrixRow, MeasurementPlan, SurveyDefinition, SurveyItem, SurveyItemType, SurveyPage, LocalizedText, RatingPreset };

// ---------------------------------------------------------------------------------------------
// Constants (mirrors of the domain's, type-checked against it)
// ---------------------------------------------------------------------------------------------

export const PRESETS = {
  acsi10: { min: 1, max: 10 },
  nps: { min: 0, max: 10 },
  csat5: { min: 1, max: 5 },
  ces7: { min: 1, max: 7 },
} as const satisfies typeof RATING_PRESETS;
export const PRESET_KEYS = Object.keys(PRESETS) as RatingPreset[];

export const ITEM_TYPES = ["rating", "satisfaction5", "single_choice", "multiple_choice", "yes_no", "text", "matrix"] as const satisfies readonly SurveyItemType[];

export const STANDARD_CONSTRUCTS = [
  "image",
  "expectations",
  "perceived_quality",
  "perceived_value",
  "satisfaction",
  "complaints",
  "loyalty",
] as const satisfies readonly StandardConstruct[];

export const SIMPLE_METRIC_ROLES = [
  "nps",
  "csat",
  "ces",
  "complaint",
  "resolved",
  "repurchase",
  "price_tolerance_increase",
  "price_tolerance_decrease",
  "recommend",
  "satisfaction_level",
  "attraction",
  "participation",
  "panel_opt_in",
] as const satisfies readonly SimpleMetricRole[];

export const SERVQUAL_DIMENSIONS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"] as const satisfies readonly ServqualDimension[];
export const STANDARD_SEGMENTS = ["touchpoint", "region", "tier"] as const;
export const RESERVED_IDS = ["lang", "token", "page", "preview"];
export const IDENTIFIER = /^[a-z][a-z0-9_]{0,63}$/;
export const OPTION_ID = /^[a-z0-9][a-z0-9_]{0,63}$/;
export const CUSTOM_NAME = /^[a-z][a-z0-9_]{0,47}$/;
/** Per-company sample of the ACSI (seeds digest A1), the reference for the sampling plan. */
export const REFERENCE_SAMPLE_SIZE = 250;
export const BUILT_IN_LANGUAGES = ["zh-CN", "en"] as const;

// ---------------------------------------------------------------------------------------------
// Stable list keys: edits clone objects, the clone inherits the original's key, so a question
// keeps its DOM (and focus) while its id is being retyped or when it moves.
// ---------------------------------------------------------------------------------------------

const keys = new WeakMap<object, string>();
let keyCounter = 0;
export function keyOf(value: object): string {
  let key = keys.get(value);
  if (!key) {
    key = `k${++keyCounter}`;
    keys.set(value, key);
  }
  return key;
}
function inherit<T extends object>(from: object, to: T): T {
  keys.set(to, keyOf(from));
  return to;
}

export type Path = ReadonlyArray<string | number>;
export const pathString = (path: Path) => path.join(".");

/** Immutable set; `undefined` removes an object key. Every cloned container keeps its list key. */
export function setIn<T>(root: T, path: Path, value: unknown): T {
  if (path.length === 0) {
    // A replacement object at the same place is the same thing edited: it keeps the list key.
    if (value && typeof value === "object" && root && typeof root === "object" && !keys.has(value)) inherit(root as object, value as object);
    return value as T;
  }
  const [head, ...rest] = path;
  const container = root as unknown as Record<string | number, unknown> | unknown[];
  const child = (container as Record<string | number, unknown>)[head as string];
  const next = setIn(child ?? (typeof rest[0] === "number" ? [] : {}), rest, value);
  if (Array.isArray(container)) {
    const copy = inherit(container, [...container]);
    copy[head as number] = next;
    return copy as unknown as T;
  }
  const copy = inherit(container as object, { ...(container as Record<string, unknown>) });
  if (next === undefined) delete copy[head as string];
  else copy[head as string] = next;
  return copy as unknown as T;
}

export function getIn(root: unknown, path: Path): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || current === undefined) return undefined;
    current = (current as Record<string | number, unknown>)[segment as string];
  }
  return current;
}

export function updateIn<T, V>(root: T, path: Path, fn: (value: V) => unknown): T {
  return setIn(root, path, fn(getIn(root, path) as V));
}

export function moveInArray<T>(list: readonly T[], from: number, to: number): T[] {
  const copy = [...list];
  if (to < 0 || to >= copy.length || from === to) return copy;
  const [moved] = copy.splice(from, 1);
  copy.splice(to, 0, moved!);
  return copy;
}

/** Moves a question one step; at the edge of a page it continues on the neighbouring page. */
export function moveItem(def: SurveyDefinition, pageIndex: number, itemIndex: number, direction: -1 | 1): { def: SurveyDefinition; pageIndex: number; itemIndex: number } {
  const page = def.pages[pageIndex]!;
  const target = itemIndex + direction;
  if (target >= 0 && target < page.items.length) {
    return { def: setIn(def, ["pages", pageIndex, "items"], moveInArray(page.items, itemIndex, target)), pageIndex, itemIndex: target };
  }
  const otherIndex = pageIndex + direction;
  const other = def.pages[otherIndex];
  // A page must keep at least one question.
  if (!other || page.items.length <= 1) return { def, pageIndex, itemIndex };
  const item = page.items[itemIndex]!;
  let next = setIn(def, ["pages", pageIndex, "items"], page.items.filter((_, i) => i !== itemIndex));
  const items = direction < 0 ? [...other.items, item] : [item, ...other.items];
  next = setIn(next, ["pages", otherIndex, "items"], items);
  return { def: next, pageIndex: otherIndex, itemIndex: direction < 0 ? items.length - 1 : 0 };
}

// ---------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------

/** Every id in the shared namespace of items, matrix rows and hidden fields. */
export function usedIds(def: SurveyDefinition): Set<string> {
  const ids = new Set<string>();
  for (const page of def.pages) {
    for (const item of page.items) {
      ids.add(item.id);
      if (item.type === "matrix") for (const row of item.rows) ids.add(row.id);
    }
  }
  for (const field of def.hiddenFields ?? []) ids.add(field.id);
  return ids;
}

export function nextId(taken: Set<string>, base: string): string {
  for (let n = 1; ; n++) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function walkCondition(condition: Condition, fn: (c: ItemCondition) => ItemCondition): Condition {
  if ("all" in condition) return { all: condition.all.map((c) => walkCondition(c, fn)) };
  if ("any" in condition) return { any: condition.any.map((c) => walkCondition(c, fn)) };
  return fn(condition);
}

export function conditionItemIds(condition: Condition | undefined): string[] {
  if (!condition) return [];
  if ("all" in condition) return condition.all.flatMap(conditionItemIds);
  if ("any" in condition) return condition.any.flatMap(conditionItemIds);
  return [condition.itemId];
}

/** Questions whose show-if condition mentions one of `ids`. */
export function dependentsOf(def: SurveyDefinition, ids: string[]): { itemId: string; pageIndex: number; itemIndex: number }[] {
  const out: { itemId: string; pageIndex: number; itemIndex: number }[] = [];
  def.pages.forEach((page, pageIndex) =>
    page.items.forEach((item, itemIndex) => {
      if (conditionItemIds(item.showIf).some((id) => ids.includes(id))) out.push({ itemId: item.id, pageIndex, itemIndex });
    }),
  );
  return out;
}

/** Keeps show-if conditions pointing at a question whose id is being renamed. */
export function renameReferences(def: SurveyDefinition, oldId: string, newId: string): SurveyDefinition {
  if (oldId === newId || usedIds(def).has(newId)) return def;
  let next = def;
  def.pages.forEach((page, pageIndex) =>
    page.items.forEach((item, itemIndex) => {
      if (!item.showIf || !conditionItemIds(item.showIf).includes(oldId)) return;
      next = setIn(next, ["pages", pageIndex, "items", itemIndex, "showIf"], walkCondition(item.showIf, (c) => (c.itemId === oldId ? { ...c, itemId: newId } : c)));
    }),
  );
  return next;
}

// ---------------------------------------------------------------------------------------------
// Answer slots usable in conditions
// ---------------------------------------------------------------------------------------------

export type SlotKind = "rating" | "satisfaction5" | "single_choice" | "multiple_choice" | "yes_no" | "text";
export type Slot = {
  id: string;
  kind: SlotKind;
  label: LocalizedText;
  rowLabel?: LocalizedText;
  options?: ChoiceOption[];
  min?: number;
  max?: number;
  pageIndex: number;
};

function slotsOf(item: SurveyItem, pageIndex: number): Slot[] {
  switch (item.type) {
    case "matrix":
      return item.rows.map((row) => ({
        id: row.id,
        kind: item.scale.type,
        label: item.label,
        rowLabel: row.label,
        min: item.scale.type === "rating" ? item.scale.min : 1,
        max: item.scale.type === "rating" ? item.scale.max : 5,
        pageIndex,
      }));
    case "rating":
      return [{ id: item.id, kind: "rating", label: item.label, min: item.min, max: item.max, pageIndex }];
    case "satisfaction5":
      return [{ id: item.id, kind: "satisfaction5", label: item.label, min: 1, max: 5, pageIndex }];
    case "single_choice":
    case "multiple_choice":
      return [{ id: item.id, kind: item.type, label: item.label, options: item.options, pageIndex }];
    case "kano":
      // Kano answers are categories the condition editor does not offer.
      return [];
    default:
      return [{ id: item.id, kind: item.type, label: item.label, pageIndex }];
  }
}

/** What a condition on the question at (pageIndex, itemIndex) may refer to: earlier questions only. */
export function slotsBefore(def: SurveyDefinition, pageIndex: number, itemIndex: number): Slot[] {
  const out: Slot[] = [];
  def.pages.forEach((page, p) =>
    page.items.forEach((item, i) => {
      if (p < pageIndex || (p === pageIndex && i < itemIndex)) out.push(...slotsOf(item, p));
    }),
  );
  return out;
}

export function allSlots(def: SurveyDefinition): Slot[] {
  return def.pages.flatMap((page, p) => page.items.flatMap((item) => slotsOf(item, p)));
}

export type Operator = ItemCondition["op"];
export function operatorsFor(kind: SlotKind): Operator[] {
  switch (kind) {
    case "rating":
    case "satisfaction5":
      return ["equals", "notEquals", "in", "gt", "gte", "lt", "lte", "answered", "notAnswered"];
    case "single_choice":
    case "multiple_choice":
      return ["equals", "notEquals", "in", "answered", "notAnswered"];
    default:
      return ["equals", "notEquals", "answered", "notAnswered"];
  }
}

/** A sensible first comparison value for a slot (so a new condition is valid right away). */
export function defaultValue(slot: Slot | undefined): string | number | boolean {
  if (!slot) return "";
  if (slot.kind === "yes_no") return true;
  if (slot.options?.length) return slot.options[0]!.id;
  if (slot.kind === "rating" || slot.kind === "satisfaction5") return slot.max ?? 1;
  return "";
}

export function makeCondition(slot: Slot | undefined, op: Operator, previous?: ItemCondition): ItemCondition {
  const itemId = slot?.id ?? previous?.itemId ?? "";
  const keepValue = previous && previous.itemId === itemId ? ("value" in previous ? previous.value : "values" in previous ? previous.values[0] : undefined) : undefined;
  const value = keepValue ?? defaultValue(slot);
  switch (op) {
    case "answered":
    case "notAnswered":
      return { itemId, op };
    case "in":
      return { itemId, op, values: previous && previous.op === "in" && previous.itemId === itemId ? previous.values : [value] };
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return { itemId, op, value: typeof value === "number" ? value : Number(slot?.max ?? 0) };
    default:
      return { itemId, op, value };
  }
}

/** The condition shapes the form editor handles: one comparison, or all/any of comparisons. */
export type SimpleCondition = { mode: "single"; conditions: [ItemCondition] } | { mode: "all" | "any"; conditions: ItemCondition[] };
export function simplify(condition: Condition | undefined): SimpleCondition | null | undefined {
  if (!condition) return undefined;
  if ("all" in condition || "any" in condition) {
    const list = "all" in condition ? condition.all : condition.any;
    if (list.every((c) => !("all" in c) && !("any" in c))) return { mode: "all" in condition ? "all" : "any", conditions: list as ItemCondition[] };
    return null;
  }
  return { mode: "single", conditions: [condition] };
}
export function fromSimple(simple: SimpleCondition): Condition {
  if (simple.mode === "single" || simple.conditions.length === 1) return simple.conditions[0]!;
  return simple.mode === "all" ? { all: simple.conditions } : { any: simple.conditions };
}

// ---------------------------------------------------------------------------------------------
// New things
// ---------------------------------------------------------------------------------------------

export function blankDefinition(defaultLanguage: "zh-CN" | "en"): SurveyDefinition {
  return {
    formatVersion: 1,
    languages: ["zh-CN", "en"],
    defaultLanguage,
    title: { "zh-CN": "新问卷", en: "New survey" },
    pages: [
      {
        id: "page_1",
        items: [
          {
            id: "sat_level",
            type: "satisfaction5",
            label: { "zh-CN": "总体而言，您对我们的服务满意吗？", en: "Overall, how satisfied are you with our service?" },
            required: true,
            metric: "satisfaction_level",
          },
        ],
      },
    ],
    hiddenFields: [],
  };
}

export function newItem(type: SurveyItemType, taken: Set<string>): SurveyItem {
  const id = nextId(taken, type === "yes_no" ? "yes_no" : type === "satisfaction5" ? "sat" : type.replace("_choice", ""));
  const base = { id, label: {}, required: false };
  switch (type) {
    case "rating":
      return { ...base, type, min: 1, max: 10, step: 1, preset: "acsi10" };
    case "satisfaction5":
      return { ...base, type };
    case "single_choice":
    case "multiple_choice":
      return { ...base, type, options: [{ id: "option_1", label: {} }, { id: "option_2", label: {} }] } as SurveyItem;
    case "yes_no":
      return { ...base, type };
    case "text":
      return { ...base, type, maxLength: 2000, multiline: true };
    case "matrix": {
      taken.add(id);
      return { ...base, type, scale: { type: "rating", min: 1, max: 5, step: 1 }, rows: [{ id: nextId(taken, `${id}_row`), label: {} }] };
    }
    case "kano": {
      taken.add(id);
      const functional = nextId(taken, `${id}_functional`);
      taken.add(functional);
      return {
        ...base,
        type,
        functional: { id: functional, label: { en: "If this feature is available, how do you feel?", "zh-CN": "如果提供此功能，您感觉如何？" } },
        dysfunctional: { id: nextId(taken, `${id}_dysfunctional`), label: { en: "If this feature is not available, how do you feel?", "zh-CN": "如果不提供此功能，您感觉如何？" } },
      };
    }
  }
}

/** Converts a question to another type, keeping what both types share. */
export function changeType(item: SurveyItem, type: SurveyItemType, taken: Set<string>): SurveyItem {
  if (item.type === type) return item;
  const fresh = newItem(type, taken);
  const shared = { id: item.id, label: item.label, help: item.help, required: item.required, showIf: item.showIf, construct: item.construct };
  const converted = { ...fresh, ...shared } as SurveyItem & Record<string, unknown>;
  if ((type === "single_choice" || type === "multiple_choice") && (item.type === "single_choice" || item.type === "multiple_choice")) {
    (converted as { options: ChoiceOption[] }).options = item.options;
  }
  for (const key of Object.keys(converted)) if (converted[key] === undefined) delete converted[key];
  return inherit(item, converted);
}

export function newPage(def: SurveyDefinition): SurveyPage {
  const pageIds = new Set(def.pages.map((p) => p.id));
  const taken = usedIds(def);
  return { id: nextId(pageIds, "page"), items: [newItem("satisfaction5", taken)] };
}

export function newPlan(): MeasurementPlan {
  return { purpose: "", targetCustomers: "", samplingPlan: { targetN: REFERENCE_SAMPLE_SIZE }, includesFormerCustomers: false };
}

/** Text fields are cleaned before saving: a blank translation is a missing one, not an empty string. */
export function setText(text: LocalizedText | undefined, language: string, value: string): LocalizedText | undefined {
  const next: LocalizedText = { ...(text ?? {}) };
  if (value === "") delete next[language];
  else next[language] = value;
  return Object.keys(next).length ? next : undefined;
}

// ---------------------------------------------------------------------------------------------
// Translations, errors, advisories
// ---------------------------------------------------------------------------------------------

export type Missing = { path: string; language: string };
export function missingTranslations(def: SurveyDefinition): Missing[] {
  const out: Missing[] = [];
  for (const { path, text } of collectLocalizedTexts(def)) {
    for (const language of def.languages) {
      const value = text[language];
      if (value === undefined || value.trim() === "") out.push({ path: path.join("."), language });
    }
  }
  return out;
}

/** `definition.pages.0.items.2.label` (server) or `pages[0].items[2].label` (client) → `pages.0.items.2.label`. */
export function normalizeErrorPath(path: string): string {
  return path
    .replace(/^(body\.)?definition\.?/, "")
    .replace(/\[(\d+)\]/g, ".$1")
    .replace(/^\./, "");
}

/**
 * One entry per problem, paths in the editor's spelling: the browser's check and the server's 422 report
 * the same problems (as "pages.0…" and "body.definition.pages[0]…"), so listing both counted each twice.
 */
export function distinctProblems(problems: { path: string; message: string }[]): { path: string; message: string }[] {
  const seen = new Set<string>();
  const out: { path: string; message: string }[] = [];
  for (const problem of problems) {
    const path = normalizeErrorPath(problem.path);
    const key = `${path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message: problem.message });
  }
  return out;
}

export type FieldErrors = Map<string, string[]>;
export function indexErrors(errors: { path: string; message: string }[]): FieldErrors {
  const map: FieldErrors = new Map();
  for (const e of errors) {
    const path = normalizeErrorPath(e.path);
    const list = map.get(path) ?? [];
    if (!list.includes(e.message)) list.push(e.message);
    map.set(path, list);
  }
  return map;
}

export type Advisory = "no_plan" | "no_benchmark" | "former_customers" | "small_sample" | "satisfaction_without_loyalty";
/** The seeds' measurement pitfalls (mirrors reviewMeasurementPlan, with UI wording). */
export function planAdvisories(def: SurveyDefinition): Advisory[] {
  const out: Advisory[] = [];
  const plan = def.measurementPlan;
  if (!plan) out.push("no_plan");
  else {
    if (plan.benchmarkIndex === undefined) out.push("no_benchmark");
    if (!plan.includesFormerCustomers) out.push("former_customers");
    if ((plan.samplingPlan?.targetN ?? 0) < REFERENCE_SAMPLE_SIZE) out.push("small_sample");
  }
  const constructs = new Set<string>();
  for (const page of def.pages)
    for (const item of page.items) {
      if (item.construct) constructs.add(item.construct);
      if (item.type === "matrix") for (const row of item.rows) if (row.construct) constructs.add(row.construct);
    }
  if (constructs.has("satisfaction") && !constructs.has("loyalty")) out.push("satisfaction_without_loyalty");
  return out;
}

export function localizedText(text: LocalizedText | undefined, lang: string, fallback: string): string {
  if (!text) return "";
  return text[lang] || text[fallback] || Object.values(text)[0] || "";
}

export function countQuestions(def: SurveyDefinition): number {
  return def.pages.reduce((n, page) => n + page.items.length, 0);
}

export type { HiddenField as HiddenFieldDef };
