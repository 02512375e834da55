/**
 * Survey definition format, version 1 (documented in docs/survey-format.md).
 *
 * A definition is the JSON a survey designer edits and the database stores next to the survey
 * id; it carries no ids of its own rows (the DB owns survey ids, versions and status). Shape is
 * checked by the zod schemas below; cross-field rules (unique ids, conditions only looking
 * backwards, metric tags on compatible items, …) by `checkDefinitionSemantics`, wired in with
 * superRefine so one `safeParse` yields every actionable problem with its path.
 */
import { z } from "zod";
import { LanguageTagSchema, LocalizedTextSchema } from "./localization";
import { RATING_PRESETS, RatingPresetSchema } from "./scales";
import { collectLocalizedTexts } from "./text-walk";

export const SURVEY_FORMAT_VERSION = 1 as const;

// ---------------------------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------------------------

/**
 * Item, row, page and hidden-field ids. Lowercase snake case so they are safe as form field
 * names, query parameters, CSV headers and JSON keys without escaping, and stable across edits
 * (answers are keyed by them).
 */
export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const IdentifierSchema = z.string().regex(IDENTIFIER_PATTERN, {
  message: "must start with a lowercase letter and use only a-z, 0-9 and _ (at most 64 characters)",
});

/** Option ids may start with a digit so numeric codes ("1", "2") from legacy questionnaires survive. */
export const OPTION_ID_PATTERN = /^[a-z0-9][a-z0-9_]{0,63}$/;
export const OptionIdSchema = z.string().regex(OPTION_ID_PATTERN, {
  message: "must use only a-z, 0-9 and _ (at most 64 characters)",
});

/**
 * Query parameters the survey link itself uses; a hidden field with one of these names would be
 * shadowed by (or would shadow) the platform's own parameter.
 */
export const RESERVED_QUERY_PARAMETERS = ["lang", "token", "page", "preview"] as const;

// ---------------------------------------------------------------------------------------------
// Construct and metric tags
// ---------------------------------------------------------------------------------------------

/**
 * Latent constructs of the ACSI model (peers-and-methods §B; seeds digest A1/A2: expectations,
 * perceived quality, perceived value, satisfaction, complaints, loyalty) plus ECSI's image.
 */
export const STANDARD_CONSTRUCTS = [
  "image",
  "expectations",
  "perceived_quality",
  "perceived_value",
  "satisfaction",
  "complaints",
  "loyalty",
] as const;
export const StandardConstructSchema = z.enum(STANDARD_CONSTRUCTS);
export type StandardConstruct = z.infer<typeof StandardConstructSchema>;

/**
 * `custom:<name>` for designer-defined constructs and segments. A template literal (not
 * z.custom) so the schema stays representable as JSON Schema for the OpenAPI document.
 */
export const CustomTagSchema = z.templateLiteral(["custom:", z.string().regex(/^[a-z][a-z0-9_]{0,47}$/)], {
  error: () => 'must be "custom:" followed by a lowercase name (a-z, 0-9, _)',
});
export type CustomTag = z.infer<typeof CustomTagSchema>;

export const ConstructTagSchema = z.union([StandardConstructSchema, CustomTagSchema], {
  error: () =>
    `must be one of ${STANDARD_CONSTRUCTS.join(", ")} or "custom:<name>" (lowercase name of a-z, 0-9, _)`,
});
export type ConstructTag = z.infer<typeof ConstructTagSchema>;

/**
 * Roles that tell analytics which item feeds which KPI. `resolved` (complaint resolved yes/no)
 * is an addition for the complaint-handling survey: ISO 10002 monitoring asks for the share of
 * complaints resolved (peers-and-methods §B ISO 10002).
 */
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
  // The seed's loyalty model (seeds digest C3; src/domain/loyalty): attraction and stated
  // willingness to participate are ratings, joining the customer panel is yes/no.
  "attraction",
  "participation",
  "panel_opt_in",
] as const;
export const SimpleMetricRoleSchema = z.enum(SIMPLE_METRIC_ROLES);
export type SimpleMetricRole = z.infer<typeof SimpleMetricRoleSchema>;

/** SERVQUAL's five RATER dimensions (peers-and-methods §B SERVQUAL; seeds digest B3). */
export const SERVQUAL_DIMENSIONS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"] as const;
export const ServqualDimensionSchema = z.enum(SERVQUAL_DIMENSIONS);
export type ServqualDimension = z.infer<typeof ServqualDimensionSchema>;

/**
 * Marks one half of an expectation/perception pair. Pairs (same `pairKey`) feed SERVQUAL gaps
 * P − E and the seeds' satisfaction ratio C = b/a (seeds digest A5), so both halves must exist
 * and share a scale.
 */
export const ServqualTagSchema = z.strictObject({
  role: z.literal("servqual"),
  dimension: ServqualDimensionSchema,
  kind: z.enum(["expectation", "perception"]),
  pairKey: IdentifierSchema,
});
export type ServqualTag = z.infer<typeof ServqualTagSchema>;

export const MetricTagSchema = z.union([SimpleMetricRoleSchema, ServqualTagSchema], {
  error: () =>
    `must be one of ${SIMPLE_METRIC_ROLES.join(", ")} or { "role": "servqual", "dimension", "kind", "pairKey" }`,
});
export type MetricTag = z.infer<typeof MetricTagSchema>;
export type MetricRole = SimpleMetricRole | ServqualTag["role"];

export function metricRoleOf(tag: MetricTag | undefined): MetricRole | undefined {
  if (tag === undefined) return undefined;
  return typeof tag === "string" ? tag : tag.role;
}

// ---------------------------------------------------------------------------------------------
// Display conditions (showIf)
// ---------------------------------------------------------------------------------------------

export const ConditionValueSchema = z.union([z.string().max(500), z.number(), z.boolean()]);
export type ConditionValue = z.infer<typeof ConditionValueSchema>;

export const EqualityConditionSchema = z.strictObject({
  itemId: IdentifierSchema,
  op: z.enum(["equals", "notEquals"]),
  value: ConditionValueSchema,
});
export const InConditionSchema = z.strictObject({
  itemId: IdentifierSchema,
  op: z.literal("in"),
  values: z.array(ConditionValueSchema).min(1).max(100),
});
export const ComparisonConditionSchema = z.strictObject({
  itemId: IdentifierSchema,
  op: z.enum(["gt", "gte", "lt", "lte"]),
  value: z.number(),
});
export const PresenceConditionSchema = z.strictObject({
  itemId: IdentifierSchema,
  op: z.enum(["answered", "notAnswered"]),
});
export const ItemConditionSchema = z.discriminatedUnion("op", [
  EqualityConditionSchema,
  InConditionSchema,
  ComparisonConditionSchema,
  PresenceConditionSchema,
]);
export type ItemCondition = z.infer<typeof ItemConditionSchema>;
export type ConditionOperator = ItemCondition["op"];

// Getters make the schema recursive while keeping `z.infer` usable (zod 4 recursive objects).
export const AllConditionSchema = z.strictObject({
  get all(): z.ZodArray<typeof ConditionSchema> {
    return z.array(ConditionSchema).min(1).max(20);
  },
});
export const AnyConditionSchema = z.strictObject({
  get any(): z.ZodArray<typeof ConditionSchema> {
    return z.array(ConditionSchema).min(1).max(20);
  },
});
export const ConditionSchema = z.union([ItemConditionSchema, AllConditionSchema, AnyConditionSchema], {
  error: () => 'must be a condition: { "itemId", "op", "value" }, { "all": [conditions] } or { "any": [conditions] }',
});
export type Condition = z.infer<typeof ConditionSchema>;

/** Deep nesting buys nothing a designer can reason about and makes evaluation cost unbounded. */
export const MAX_CONDITION_DEPTH = 4;

// ---------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------

const itemBaseShape = {
  id: IdentifierSchema,
  label: LocalizedTextSchema,
  help: LocalizedTextSchema.optional(),
  required: z.boolean().default(false),
  showIf: ConditionSchema.optional(),
  construct: ConstructTagSchema.optional(),
  metric: MetricTagSchema.optional(),
  /** On an expectation item: the id of the perception item it is compared with (delight, C = b/a). */
  perceptionPair: IdentifierSchema.optional(),
};

/** Rating scales are integer-valued; a span above 20 points is no longer a rating scale to render. */
export const MAX_RATING_SPAN = 20;
const ratingBoundSchema = z.number().int({ message: "must be a whole number" }).min(-10).max(100);

const ratingScaleShape = {
  min: ratingBoundSchema,
  max: ratingBoundSchema,
  // Always 1: fractional steps would make "integer from min to max" validation and histogram
  // aggregation ambiguous. Kept in the format so a later version can widen it explicitly.
  step: z.literal(1).default(1),
  minLabel: LocalizedTextSchema.optional(),
  maxLabel: LocalizedTextSchema.optional(),
  preset: RatingPresetSchema.optional(),
};

export const RatingItemSchema = z.strictObject({ ...itemBaseShape, type: z.literal("rating"), ...ratingScaleShape });
export type RatingItem = z.infer<typeof RatingItemSchema>;

export const Satisfaction5ItemSchema = z.strictObject({ ...itemBaseShape, type: z.literal("satisfaction5") });
export type Satisfaction5Item = z.infer<typeof Satisfaction5ItemSchema>;

export const ChoiceOptionSchema = z.strictObject({ id: OptionIdSchema, label: LocalizedTextSchema });
export type ChoiceOption = z.infer<typeof ChoiceOptionSchema>;

const optionsSchema = z.array(ChoiceOptionSchema).min(2, { message: "needs at least 2 options" }).max(100);

export const SingleChoiceItemSchema = z.strictObject({
  ...itemBaseShape,
  type: z.literal("single_choice"),
  options: optionsSchema,
});
export type SingleChoiceItem = z.infer<typeof SingleChoiceItemSchema>;

export const MultipleChoiceItemSchema = z.strictObject({
  ...itemBaseShape,
  type: z.literal("multiple_choice"),
  options: optionsSchema,
  minSelections: z.number().int().min(0).optional(),
  maxSelections: z.number().int().min(1).optional(),
});
export type MultipleChoiceItem = z.infer<typeof MultipleChoiceItemSchema>;

export const YesNoItemSchema = z.strictObject({ ...itemBaseShape, type: z.literal("yes_no") });
export type YesNoItem = z.infer<typeof YesNoItemSchema>;

export const DEFAULT_TEXT_MAX_LENGTH = 5000;
export const TEXT_MAX_LENGTH_LIMIT = 20000;
export const TextItemSchema = z.strictObject({
  ...itemBaseShape,
  type: z.literal("text"),
  maxLength: z.number().int().min(1).max(TEXT_MAX_LENGTH_LIMIT).default(DEFAULT_TEXT_MAX_LENGTH),
  multiline: z.boolean().default(false),
});
export type TextItem = z.infer<typeof TextItemSchema>;

export const MatrixRatingScaleSchema = z.strictObject({ type: z.literal("rating"), ...ratingScaleShape });
export const MatrixSatisfaction5ScaleSchema = z.strictObject({ type: z.literal("satisfaction5") });
export const MatrixScaleSchema = z.discriminatedUnion("type", [MatrixRatingScaleSchema, MatrixSatisfaction5ScaleSchema]);
export type MatrixScale = z.infer<typeof MatrixScaleSchema>;

/**
 * A matrix row is its own answerable item (answers are keyed by row id) with its own construct
 * and metric tags; the matrix only contributes the shared scale, the visibility condition and
 * `required` (which applies to every row).
 */
export const MatrixRowSchema = z.strictObject({
  id: IdentifierSchema,
  label: LocalizedTextSchema,
  construct: ConstructTagSchema.optional(),
  metric: MetricTagSchema.optional(),
  perceptionPair: IdentifierSchema.optional(),
});
export type MatrixRow = z.infer<typeof MatrixRowSchema>;

export const MatrixItemSchema = z.strictObject({
  ...itemBaseShape,
  type: z.literal("matrix"),
  scale: MatrixScaleSchema,
  rows: z.array(MatrixRowSchema).min(1, { message: "needs at least 1 row" }).max(50),
});
export type MatrixItem = z.infer<typeof MatrixItemSchema>;

/** One question of a Kano pair: answered on the five Kano answers (src/domain/kano). */
export const KanoQuestionSchema = z.strictObject({ id: IdentifierSchema, label: LocalizedTextSchema });
export type KanoQuestion = z.infer<typeof KanoQuestionSchema>;

/**
 * A Kano feature (Kano et al. 1984; Berger et al. 1993): the functional question ("if the product
 * has this feature, how do you feel?") and the dysfunctional one ("if it does not…"), each answered
 * 1 like, 2 must-be, 3 neutral, 4 live with, 5 dislike. Each question is its own answer slot (keyed
 * by its id, like matrix rows); `label` names the feature.
 */
export const KanoItemSchema = z.strictObject({
  id: IdentifierSchema,
  label: LocalizedTextSchema,
  help: LocalizedTextSchema.optional(),
  required: z.boolean().default(false),
  showIf: ConditionSchema.optional(),
  type: z.literal("kano"),
  // Kano answers are categories: no construct, metric or pair tag (typed as absent so code that reads
  // these tags on any item needs no special case).
  construct: z.never({ message: "a Kano feature cannot carry a construct tag" }).optional(),
  metric: z.never({ message: "a Kano feature cannot carry a metric tag" }).optional(),
  perceptionPair: z.never({ message: "a Kano feature cannot be paired" }).optional(),
  functional: KanoQuestionSchema,
  dysfunctional: KanoQuestionSchema,
});
export type KanoItem = z.infer<typeof KanoItemSchema>;

export const SurveyItemSchema = z.discriminatedUnion("type", [
  RatingItemSchema,
  Satisfaction5ItemSchema,
  SingleChoiceItemSchema,
  MultipleChoiceItemSchema,
  YesNoItemSchema,
  TextItemSchema,
  MatrixItemSchema,
  KanoItemSchema,
]);
export type SurveyItem = z.infer<typeof SurveyItemSchema>;
export type SurveyItemType = SurveyItem["type"];

// ---------------------------------------------------------------------------------------------
// Pages, hidden fields, measurement plan, survey
// ---------------------------------------------------------------------------------------------

export const SurveyPageSchema = z.strictObject({
  id: IdentifierSchema,
  title: LocalizedTextSchema.optional(),
  description: LocalizedTextSchema.optional(),
  items: z.array(SurveyItemSchema).min(1, { message: "a page needs at least 1 item" }).max(100),
});
export type SurveyPage = z.infer<typeof SurveyPageSchema>;

/** Segments that analytics breaks results down by (seeds digest F3: region, tier; G4: touchpoint). */
export const STANDARD_SEGMENTS = ["touchpoint", "region", "tier"] as const;
export const SegmentTagSchema = z.union([z.enum(STANDARD_SEGMENTS), CustomTagSchema], {
  error: () => `must be one of ${STANDARD_SEGMENTS.join(", ")} or "custom:<name>"`,
});
export type SegmentTag = z.infer<typeof SegmentTagSchema>;

export const MAX_HIDDEN_FIELD_VALUE_LENGTH = 200;
/**
 * A value passed by the survey link's query string (`?touchpoint=store`) and stored with the
 * response. Labels are staff-facing only, hence plain strings.
 */
export const HiddenFieldSchema = z.strictObject({
  id: IdentifierSchema,
  label: z.string().max(200).optional(),
  segment: SegmentTagSchema.optional(),
  /** When set, other values are dropped so a tampered link cannot invent segments. */
  allowedValues: z.array(z.string().min(1).max(MAX_HIDDEN_FIELD_VALUE_LENGTH)).min(1).max(200).optional(),
});
export type HiddenField = z.infer<typeof HiddenFieldSchema>;

/**
 * The planning step of the seeds' measurement process (seeds digest A11: define purpose and
 * plan, identify the customers, design the sampling plan) and guard-rails against the measurement
 * pitfalls in A13 (no competitor benchmark; former customers not measured). Staff-facing.
 */
export const MeasurementPlanSchema = z.strictObject({
  purpose: z.string().min(1).max(2000),
  targetCustomers: z.string().min(1).max(2000),
  samplingPlan: z.strictObject({
    targetN: z.number().int().min(1).max(10_000_000),
    method: z.string().max(2000).optional(),
  }),
  benchmarkIndex: z.number().min(0).max(100).optional(),
  benchmarkSource: z.string().max(500).optional(),
  includesFormerCustomers: z.boolean(),
});
export type MeasurementPlan = z.infer<typeof MeasurementPlanSchema>;

export const MAX_PAGES = 50;
export const MAX_ANSWER_SLOTS = 500;

const SurveyDefinitionShapeSchema = z.strictObject({
  formatVersion: z.literal(SURVEY_FORMAT_VERSION, {
    error: () => `must be ${SURVEY_FORMAT_VERSION} (the only survey format version this server understands)`,
  }),
  languages: z.array(LanguageTagSchema).min(1, { message: "declare at least one language" }).max(20),
  defaultLanguage: LanguageTagSchema,
  title: LocalizedTextSchema,
  description: LocalizedTextSchema.optional(),
  thankYou: LocalizedTextSchema.optional(),
  pages: z.array(SurveyPageSchema).min(1, { message: "a survey needs at least 1 page" }).max(MAX_PAGES),
  hiddenFields: z.array(HiddenFieldSchema).max(20).default([]),
  measurementPlan: MeasurementPlanSchema.optional(),
});

export const SurveyDefinitionSchema = SurveyDefinitionShapeSchema.superRefine((definition, ctx) => {
  for (const issue of checkDefinitionSemantics(definition)) {
    ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  }
});
export type SurveyDefinition = z.infer<typeof SurveyDefinitionSchema>;
/** What authors write: defaults (`required`, `step`, `hiddenFields`, …) may be omitted. */
export type SurveyDefinitionInput = z.input<typeof SurveyDefinitionSchema>;

// ---------------------------------------------------------------------------------------------
// Answer slots: the flat list of things that receive an answer
// ---------------------------------------------------------------------------------------------

export type AnswerKind = "rating" | "satisfaction5" | "single_choice" | "multiple_choice" | "yes_no" | "text" | "kano";

/**
 * One answer key. Every item is one slot except a matrix, which contributes one slot per row
 * (the matrix id itself never holds an answer). Most answer logic iterates slots rather than
 * items so matrix rows need no special cases.
 */
export type AnswerSlot = {
  id: string;
  kind: AnswerKind;
  item: SurveyItem;
  /** A matrix row, or one question of a Kano pair. */
  row?: MatrixRow | KanoQuestion;
  /** Kano slots: which question of the pair. */
  kanoRole?: "functional" | "dysfunctional";
  pageId: string;
  pageIndex: number;
  itemIndex: number;
  /** Position in survey order; conditions may only reference slots with a smaller itemOrdinal. */
  itemOrdinal: number;
  required: boolean;
  construct?: ConstructTag;
  metric?: MetricTag;
  /** The perception item this (expectation) slot is paired with. */
  perceptionPair?: string;
  /** Numeric range for rating, satisfaction5 and yes_no (0/1) slots. */
  bounds?: { min: number; max: number };
};

/** A definition's answer slots with the lookups the submit path needs on every request. */
export type AnswerSlotIndex = {
  slots: readonly AnswerSlot[];
  byId: ReadonlyMap<string, AnswerSlot>;
  /** Position in survey order, for sorting errors. */
  order: ReadonlyMap<string, number>;
  byItem: ReadonlyMap<SurveyItem, readonly AnswerSlot[]>;
};

const slotIndexes = new WeakMap<Pick<SurveyDefinition, "pages">, AnswerSlotIndex>();

/**
 * The slots of `definition` and their lookups, built once per definition object: a published
 * definition is read once per isolate (the open-survey cache) and answers every submission, and
 * definitions are never changed in place (the statistics layout cache relies on that too).
 */
export function answerSlotIndex(definition: Pick<SurveyDefinition, "pages">): AnswerSlotIndex {
  let index = slotIndexes.get(definition);
  if (!index) {
    const slots = listAnswerSlots(definition);
    const byItem = new Map<SurveyItem, AnswerSlot[]>();
    for (const slot of slots) {
      const list = byItem.get(slot.item);
      if (list) list.push(slot);
      else byItem.set(slot.item, [slot]);
    }
    index = {
      slots,
      byId: new Map(slots.map((slot) => [slot.id, slot])),
      order: new Map(slots.map((slot, position) => [slot.id, position])),
      byItem,
    };
    slotIndexes.set(definition, index);
  }
  return index;
}

export function listAnswerSlots(definition: Pick<SurveyDefinition, "pages">): AnswerSlot[] {
  const slots: AnswerSlot[] = [];
  let itemOrdinal = 0;
  definition.pages.forEach((page, pageIndex) => {
    page.items.forEach((item, itemIndex) => {
      const base = { item, pageId: page.id, pageIndex, itemIndex, itemOrdinal, required: item.required };
      switch (item.type) {
        case "matrix":
          for (const row of item.rows) {
            slots.push({
              ...base,
              id: row.id,
              kind: item.scale.type === "rating" ? "rating" : "satisfaction5",
              row,
              // Rows inherit the matrix's construct so a whole block can be tagged once.
              construct: row.construct ?? item.construct,
              metric: row.metric,
              perceptionPair: row.perceptionPair,
              bounds: item.scale.type === "rating" ? { min: item.scale.min, max: item.scale.max } : { min: 1, max: 5 },
            });
          }
          break;
        case "rating":
          slots.push({ ...base, id: item.id, kind: "rating", construct: item.construct, metric: item.metric, perceptionPair: item.perceptionPair, bounds: { min: item.min, max: item.max } });
          break;
        case "satisfaction5":
          slots.push({ ...base, id: item.id, kind: "satisfaction5", construct: item.construct, metric: item.metric, perceptionPair: item.perceptionPair, bounds: { min: 1, max: 5 } });
          break;
        case "yes_no":
          slots.push({ ...base, id: item.id, kind: "yes_no", construct: item.construct, metric: item.metric, perceptionPair: item.perceptionPair, bounds: { min: 0, max: 1 } });
          break;
        case "kano":
          // No `bounds`: Kano answers are categories, not scale points, so they stay out of the item
          // moments; the statistics keep the pair's joint histogram instead (kanoStatsItems).
          for (const kanoRole of ["functional", "dysfunctional"] as const) slots.push({ ...base, id: item[kanoRole].id, kind: "kano", row: item[kanoRole], kanoRole });
          break;
        default:
          slots.push({ ...base, id: item.id, kind: item.type, construct: item.construct, metric: item.metric });
      }
      itemOrdinal += 1;
    });
  });
  return slots;
}

/** The answer keys an item owns: its own id, a matrix's row ids, or a Kano feature's two question ids. */
export function answerIdsOf(item: SurveyItem): string[] {
  if (item.type === "matrix") return item.rows.map((row) => row.id);
  if (item.type === "kano") return [item.functional.id, item.dysfunctional.id];
  return [item.id];
}

export function isNumericKind(kind: AnswerKind): boolean {
  return kind === "rating" || kind === "satisfaction5" || kind === "yes_no";
}

export function findPage(definition: Pick<SurveyDefinition, "pages">, pageId: string): SurveyPage | undefined {
  return definition.pages.find((page) => page.id === pageId);
}

export function findItem(definition: Pick<SurveyDefinition, "pages">, itemId: string): SurveyItem | undefined {
  for (const page of definition.pages) {
    for (const item of page.items) if (item.id === itemId) return item;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Semantic checks
// ---------------------------------------------------------------------------------------------

export type DefinitionIssue = { path: Array<string | number>; message: string };

type Location = { path: Array<string | number>; itemOrdinal: number; slot?: AnswerSlot; kind: "slot" | "matrix" | "hidden" };

/**
 * Cross-field rules the shape schemas cannot express. Exported so editors can run them on a
 * definition that is already typed (e.g. after programmatic edits) without re-parsing.
 */
export function checkDefinitionSemantics(definition: SurveyDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const add = (path: Array<string | number>, message: string) => issues.push({ path, message });

  checkLanguages(definition, add);
  const locations = checkIdentifiers(definition, add);
  definition.pages.forEach((page, pageIndex) => {
    page.items.forEach((item, itemIndex) => {
      const path = ["pages", pageIndex, "items", itemIndex];
      checkItemSettings(item, path, add);
      if (item.showIf) {
        const ordinal = locations.get(item.id)?.itemOrdinal ?? Number.POSITIVE_INFINITY;
        checkCondition(item.showIf, [...path, "showIf"], item.id, ordinal, locations, 1, add);
      }
    });
  });
  checkServqualPairs(definition, add);
  checkPerceptionPairs(definition, add);

  const slotCount = listAnswerSlots(definition).length;
  if (slotCount > MAX_ANSWER_SLOTS) {
    add(["pages"], `has ${slotCount} answerable items (matrix rows count individually); the limit is ${MAX_ANSWER_SLOTS}`);
  }
  return issues;
}

type AddIssue = (path: Array<string | number>, message: string) => void;

function checkLanguages(definition: SurveyDefinition, add: AddIssue): void {
  const seen = new Set<string>();
  definition.languages.forEach((language, index) => {
    if (seen.has(language)) add(["languages", index], `lists "${language}" twice`);
    seen.add(language);
  });
  if (!seen.has(definition.defaultLanguage)) {
    add(["defaultLanguage"], `"${definition.defaultLanguage}" must also appear in languages [${definition.languages.join(", ")}]`);
    // Per-text checks are relative to the language settings; with those broken they would only
    // repeat the same problem once per text.
    return;
  }
  for (const { path, text } of collectLocalizedTexts(definition)) {
    const value = text[definition.defaultLanguage];
    if (value === undefined || value.trim() === "") {
      add([...path, definition.defaultLanguage], `needs text in the default language "${definition.defaultLanguage}"`);
    }
    for (const language of Object.keys(text)) {
      if (!seen.has(language)) {
        add([...path, language], `has a translation for "${language}", which is not one of the survey's languages [${definition.languages.join(", ")}]; add it to languages or remove the translation`);
      }
    }
  }
}

function checkIdentifiers(definition: SurveyDefinition, add: AddIssue): Map<string, Location> {
  const locations = new Map<string, Location>();
  const describe = (location: Location) => formatPath(location.path);
  const claim = (id: string, location: Location) => {
    const previous = locations.get(id);
    if (previous) {
      add([...location.path, "id"], `"${id}" is already used at ${describe(previous)}; ids must be unique across items, matrix rows and hidden fields`);
      return;
    }
    locations.set(id, location);
  };

  const pageIds = new Map<string, number>();
  definition.pages.forEach((page, pageIndex) => {
    const previous = pageIds.get(page.id);
    if (previous !== undefined) add(["pages", pageIndex, "id"], `"${page.id}" is already used by pages[${previous}]; page ids must be unique`);
    else pageIds.set(page.id, pageIndex);
  });

  const slots = listAnswerSlots(definition);
  const slotByRow = new Map<MatrixRow, AnswerSlot>();
  const slotByItem = new Map<SurveyItem, AnswerSlot>();
  for (const slot of slots) {
    if (slot.row) slotByRow.set(slot.row, slot);
    else slotByItem.set(slot.item, slot);
  }

  let itemOrdinal = 0;
  definition.pages.forEach((page, pageIndex) => {
    page.items.forEach((item, itemIndex) => {
      const path = ["pages", pageIndex, "items", itemIndex];
      if (item.type === "matrix") {
        claim(item.id, { path, itemOrdinal, kind: "matrix" });
        item.rows.forEach((row, rowIndex) => {
          claim(row.id, { path: [...path, "rows", rowIndex], itemOrdinal, kind: "slot", slot: slotByRow.get(row) });
        });
      } else if (item.type === "kano") {
        // The feature id holds no answer (like a matrix id); its two questions do.
        claim(item.id, { path, itemOrdinal, kind: "matrix" });
        for (const role of ["functional", "dysfunctional"] as const) claim(item[role].id, { path: [...path, role], itemOrdinal, kind: "slot", slot: slotByRow.get(item[role]) });
      } else {
        claim(item.id, { path, itemOrdinal, kind: "slot", slot: slotByItem.get(item) });
      }
      itemOrdinal += 1;
    });
  });

  definition.hiddenFields.forEach((field, index) => {
    claim(field.id, { path: ["hiddenFields", index], itemOrdinal: -1, kind: "hidden" });
    if ((RESERVED_QUERY_PARAMETERS as readonly string[]).includes(field.id)) {
      add(["hiddenFields", index, "id"], `"${field.id}" is reserved for the survey link itself (${RESERVED_QUERY_PARAMETERS.join(", ")}); choose another id`);
    }
  });
  return locations;
}

function checkRatingScale(
  scale: { min: number; max: number; preset?: keyof typeof RATING_PRESETS },
  path: Array<string | number>,
  add: AddIssue,
): void {
  if (scale.min >= scale.max) {
    add([...path, "max"], `must be greater than min (min is ${scale.min}, max is ${scale.max})`);
    return;
  }
  if (scale.max - scale.min > MAX_RATING_SPAN) {
    add([...path, "max"], `the scale ${scale.min}-${scale.max} has more than ${MAX_RATING_SPAN + 1} points; use a narrower scale`);
  }
  if (scale.preset) {
    const expected = RATING_PRESETS[scale.preset];
    if (expected.min !== scale.min || expected.max !== scale.max) {
      add([...path, "preset"], `preset "${scale.preset}" means a ${expected.min}-${expected.max} scale, but min/max are ${scale.min}-${scale.max}; set min ${expected.min} and max ${expected.max} or remove the preset`);
    }
  }
}

function checkItemSettings(item: SurveyItem, path: Array<string | number>, add: AddIssue): void {
  switch (item.type) {
    case "rating":
      checkRatingScale(item, path, add);
      checkMetric(item.metric, { kind: "rating", min: item.min, max: item.max }, [...path, "metric"], add);
      break;
    case "satisfaction5":
      checkMetric(item.metric, { kind: "satisfaction5", min: 1, max: 5 }, [...path, "metric"], add);
      break;
    case "yes_no":
      checkMetric(item.metric, { kind: "yes_no", min: 0, max: 1 }, [...path, "metric"], add);
      break;
    case "single_choice":
    case "multiple_choice":
    case "text":
      checkMetric(item.metric, { kind: item.type }, [...path, "metric"], add);
      break;
    case "kano":
      break;
    case "matrix": {
      if (item.scale.type === "rating") checkRatingScale(item.scale, [...path, "scale"], add);
      if (item.metric !== undefined) {
        add([...path, "metric"], "a matrix cannot carry a metric tag; tag its rows instead (each row is its own item)");
      }
      const rowShape = item.scale.type === "rating"
        ? { kind: "rating" as const, min: item.scale.min, max: item.scale.max }
        : { kind: "satisfaction5" as const, min: 1, max: 5 };
      item.rows.forEach((row, rowIndex) => checkMetric(row.metric, rowShape, [...path, "rows", rowIndex, "metric"], add));
      break;
    }
  }
  if (item.type === "single_choice" || item.type === "multiple_choice") {
    const seen = new Map<string, number>();
    item.options.forEach((option, optionIndex) => {
      const previous = seen.get(option.id);
      if (previous !== undefined) add([...path, "options", optionIndex, "id"], `"${option.id}" is already used by options[${previous}]; option ids must be unique within the item`);
      else seen.set(option.id, optionIndex);
    });
  }
  if (item.type === "multiple_choice") {
    const optionCount = item.options.length;
    if (item.minSelections !== undefined && item.minSelections > optionCount) {
      add([...path, "minSelections"], `is ${item.minSelections} but the item has only ${optionCount} options`);
    }
    if (item.maxSelections !== undefined && item.maxSelections > optionCount) {
      add([...path, "maxSelections"], `is ${item.maxSelections} but the item has only ${optionCount} options`);
    }
    if (item.minSelections !== undefined && item.maxSelections !== undefined && item.minSelections > item.maxSelections) {
      add([...path, "minSelections"], `(${item.minSelections}) must not exceed maxSelections (${item.maxSelections})`);
    }
  }
}

type SlotShape = { kind: AnswerKind; min?: number; max?: number };

/**
 * Metric roles only make sense on items whose answers the metric can read; catching a mismatch
 * here beats a silently wrong dashboard (e.g. NPS cut-offs 6/7/9 applied to a 1-5 item).
 */
function checkMetric(metric: MetricTag | undefined, shape: SlotShape, path: Array<string | number>, add: AddIssue): void {
  if (metric === undefined) return;
  const role = metricRoleOf(metric);
  const isRatingRange = (min: number, max: number) => shape.kind === "rating" && shape.min === min && shape.max === max;
  const describeShape = shape.kind === "rating" ? `a ${shape.min}-${shape.max} rating` : `a ${shape.kind} item`;
  const fail = (expectation: string) => add(path, `role "${role}" needs ${expectation}, but this is ${describeShape}`);
  switch (role) {
    case "nps":
      if (!isRatingRange(0, 10)) fail("a 0-10 rating (preset nps)");
      break;
    case "csat":
      if (!isRatingRange(1, 5) && shape.kind !== "satisfaction5") fail("a 1-5 rating (preset csat5) or a satisfaction5 item");
      break;
    case "ces":
      if (!isRatingRange(1, 7)) fail("a 1-7 rating (preset ces7)");
      break;
    case "complaint":
    case "resolved":
      if (shape.kind !== "yes_no") fail("a yes_no item");
      break;
    case "satisfaction_level":
      if (shape.kind !== "satisfaction5") fail("a satisfaction5 item");
      break;
    case "panel_opt_in":
      if (shape.kind !== "yes_no") fail("a yes_no item");
      break;
    case "attraction":
    case "participation":
    case "repurchase":
    case "price_tolerance_increase":
    case "price_tolerance_decrease":
    case "recommend":
    case "servqual":
      if (shape.kind !== "rating") fail("a rating item");
      break;
  }
}

function checkCondition(
  condition: Condition,
  path: Array<string | number>,
  ownerId: string,
  ownerOrdinal: number,
  locations: Map<string, Location>,
  depth: number,
  add: AddIssue,
): void {
  if (depth > MAX_CONDITION_DEPTH) {
    add(path, `nests all/any more than ${MAX_CONDITION_DEPTH} levels deep; simplify the condition`);
    return;
  }
  if ("all" in condition || "any" in condition) {
    const key = "all" in condition ? "all" : "any";
    const children = "all" in condition ? condition.all : condition.any;
    children.forEach((child, index) => checkCondition(child, [...path, key, index], ownerId, ownerOrdinal, locations, depth + 1, add));
    return;
  }
  const target = locations.get(condition.itemId);
  const itemPath = [...path, "itemId"];
  if (!target) {
    add(itemPath, `refers to "${condition.itemId}", which is not an item in this survey`);
    return;
  }
  if (target.kind === "hidden") {
    add(itemPath, `refers to hidden field "${condition.itemId}"; conditions can only depend on answers to earlier items`);
    return;
  }
  if (target.kind === "matrix") {
    add(itemPath, `refers to matrix "${condition.itemId}"; refer to one of its rows instead (answers are stored per row)`);
    return;
  }
  if (condition.itemId === ownerId || target.itemOrdinal === ownerOrdinal) {
    add(itemPath, `"${ownerId}" cannot depend on its own answer`);
    return;
  }
  if (target.itemOrdinal > ownerOrdinal) {
    add(itemPath, `refers to "${condition.itemId}", which comes later in the survey; a condition can only depend on items on earlier pages or earlier on the same page`);
    return;
  }
  const slot = target.slot;
  if (!slot) return;
  switch (condition.op) {
    case "answered":
    case "notAnswered":
      return;
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      if (slot.kind !== "rating" && slot.kind !== "satisfaction5") {
        add([...path, "op"], `"${condition.op}" compares numbers, but "${slot.id}" is a ${slot.kind} item; use equals, notEquals or in`);
      }
      return;
    case "equals":
    case "notEquals":
      checkConditionValue(condition.value, slot, [...path, "value"], add);
      return;
    case "in":
      condition.values.forEach((value, index) => checkConditionValue(value, slot, [...path, "values", index], add));
      return;
  }
}

/** A comparison value that can never match an answer is a designer mistake worth flagging. */
function checkConditionValue(value: ConditionValue, slot: AnswerSlot, path: Array<string | number>, add: AddIssue): void {
  switch (slot.kind) {
    case "rating":
    case "satisfaction5": {
      const bounds = slot.bounds ?? { min: 1, max: 5 };
      if (typeof value !== "number" || !Number.isInteger(value) || value < bounds.min || value > bounds.max) {
        add(path, `"${slot.id}" is answered with an integer from ${bounds.min} to ${bounds.max}, so ${JSON.stringify(value)} can never match`);
      }
      return;
    }
    case "yes_no":
      if (typeof value !== "boolean") add(path, `"${slot.id}" is a yes/no item; compare with true (yes) or false (no), not ${JSON.stringify(value)}`);
      return;
    case "single_choice":
    case "multiple_choice": {
      const item = slot.item;
      const optionIds = item.type === "single_choice" || item.type === "multiple_choice" ? item.options.map((option) => option.id) : [];
      if (typeof value !== "string" || !optionIds.includes(value)) {
        add(path, `${JSON.stringify(value)} is not an option of "${slot.id}"; valid option ids: ${optionIds.join(", ")}`);
      }
      return;
    }
    case "text":
      if (typeof value !== "string") add(path, `"${slot.id}" is a text item; compare with a string`);
      return;
  }
}

function checkServqualPairs(definition: SurveyDefinition, add: AddIssue): void {
  type Half = { slot: AnswerSlot; tag: ServqualTag; path: Array<string | number> };
  const pairs = new Map<string, { expectation: Half[]; perception: Half[] }>();
  const slotsById = new Map<string, AnswerSlot>();
  for (const slot of listAnswerSlots(definition)) if (!slotsById.has(slot.id)) slotsById.set(slot.id, slot);
  definition.pages.forEach((page, pageIndex) => {
    page.items.forEach((item, itemIndex) => {
      const itemPath = ["pages", pageIndex, "items", itemIndex];
      const halves: Array<{ metric: MetricTag | undefined; path: Array<string | number>; id: string }> =
        item.type === "matrix"
          ? item.rows.map((row, rowIndex) => ({ metric: row.metric, path: [...itemPath, "rows", rowIndex, "metric"], id: row.id }))
          : [{ metric: item.metric, path: [...itemPath, "metric"], id: item.id }];
      for (const half of halves) {
        if (typeof half.metric !== "object" || half.metric.role !== "servqual") continue;
        const slot = slotsById.get(half.id);
        if (!slot) continue;
        const entry = pairs.get(half.metric.pairKey) ?? { expectation: [], perception: [] };
        entry[half.metric.kind].push({ slot, tag: half.metric, path: half.path });
        pairs.set(half.metric.pairKey, entry);
      }
    });
  });
  for (const [pairKey, { expectation, perception }] of pairs) {
    for (const [kind, halves] of [["expectation", expectation], ["perception", perception]] as const) {
      for (const extra of halves.slice(1)) {
        add([...extra.path, "pairKey"], `pair "${pairKey}" already has ${kind === "expectation" ? "an" : "a"} ${kind} item ("${halves[0].slot.id}"); each pair has exactly one expectation and one perception item`);
      }
    }
    const [firstExpectation] = expectation;
    const [firstPerception] = perception;
    if (!firstExpectation || !firstPerception) {
      const present = firstExpectation ?? firstPerception;
      const missing = firstExpectation ? "perception" : "expectation";
      add([...present.path, "pairKey"], `pair "${pairKey}" has no ${missing} item; add one with the same pairKey or remove the servqual tag`);
      continue;
    }
    if (firstExpectation.tag.dimension !== firstPerception.tag.dimension) {
      add([...firstPerception.path, "dimension"], `pair "${pairKey}" mixes dimensions ("${firstExpectation.tag.dimension}" vs "${firstPerception.tag.dimension}")`);
    }
    const expectationBounds = firstExpectation.slot.bounds;
    const perceptionBounds = firstPerception.slot.bounds;
    if (expectationBounds && perceptionBounds && (expectationBounds.min !== perceptionBounds.min || expectationBounds.max !== perceptionBounds.max)) {
      add(firstPerception.path, `pair "${pairKey}" uses different scales (${expectationBounds.min}-${expectationBounds.max} vs ${perceptionBounds.min}-${perceptionBounds.max}); the gap P − E needs the same scale on both items`);
    }
  }
}

/**
 * `perceptionPair` on an expectation item names the perception item it is compared with (delight =
 * perception ≥ expectation + 1, seeds digest C3; C = b/a, A5): both must be numeric ratings on the
 * same scale, and a perception item is paired at most once.
 */
function checkPerceptionPairs(definition: SurveyDefinition, add: AddIssue): void {
  const slots = listAnswerSlots(definition);
  const byId = new Map(slots.map((slot) => [slot.id, slot]));
  const pathOf = (slot: AnswerSlot): Array<string | number> => {
    const itemPath = ["pages", slot.pageIndex, "items", slot.itemIndex];
    if (!slot.row || slot.item.type !== "matrix") return [...itemPath, "perceptionPair"];
    return [...itemPath, "rows", slot.item.rows.indexOf(slot.row), "perceptionPair"];
  };
  const claimed = new Map<string, string>();
  for (const slot of slots) {
    if (slot.perceptionPair === undefined) continue;
    const path = pathOf(slot);
    const target = byId.get(slot.perceptionPair);
    if (slot.kind !== "rating" && slot.kind !== "satisfaction5") {
      add(path, `only a rating or five-level item can name a perception pair; "${slot.id}" is a ${slot.kind} item`);
      continue;
    }
    if (!target) {
      add(path, `refers to "${slot.perceptionPair}", which is not an item (or matrix row) in this survey`);
      continue;
    }
    if (target.id === slot.id) {
      add(path, `"${slot.id}" cannot be its own perception pair`);
      continue;
    }
    if (!target.bounds || !slot.bounds || target.kind === "yes_no" || target.bounds.min !== slot.bounds.min || target.bounds.max !== slot.bounds.max) {
      add(path, `"${slot.perceptionPair}" must be a rating on the same scale as "${slot.id}" (${slot.bounds?.min}-${slot.bounds?.max}): delight compares the two answers point by point`);
      continue;
    }
    const previous = claimed.get(target.id);
    if (previous !== undefined) {
      add(path, `"${target.id}" is already the perception pair of "${previous}"; pair each perception item with one expectation item`);
      continue;
    }
    claimed.set(target.id, slot.id);
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing entry point
// ---------------------------------------------------------------------------------------------

/** Renders a zod-style path as `pages[1].items[0].showIf.itemId`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export type DefinitionError = { path: string; message: string };

type ZodIssueLike = { path: ReadonlyArray<PropertyKey>; message: string; code?: string; errors?: ZodIssueLike[][] };

/**
 * Zod reports a failed union as one "Invalid input" issue with every branch's errors attached.
 * For conditions/tags that is useless to a person, so pick the branch that got furthest (deepest
 * path, then fewest issues) and report its issues instead.
 */
function flattenIssue(issue: ZodIssueLike, prefix: ReadonlyArray<PropertyKey>): DefinitionError[] {
  const fullPath = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors && issue.errors.length > 0) {
    const scored = issue.errors.map((branch, index) => ({
      branch,
      index,
      depth: Math.max(0, ...branch.map((inner) => inner.path.length)),
    }));
    scored.sort((a, b) => b.depth - a.depth || a.branch.length - b.branch.length || a.index - b.index);
    const best = scored[0];
    // When every branch failed at the union's own level (e.g. an unknown tag string), the union's
    // message — which lists all accepted forms — is the more useful one.
    if (best.depth > 0 && best.branch.length > 0) return best.branch.flatMap((inner) => flattenIssue(inner, fullPath));
  }
  return [{ path: formatPath(fullPath), message: issue.message }];
}

export type ParseDefinitionResult =
  | { ok: true; definition: SurveyDefinition }
  | { ok: false; errors: DefinitionError[] };

/**
 * Validates an untrusted definition (API body, stored JSON, imported file). Errors carry a
 * readable path and a message a designer can act on; defaults are applied on success.
 * Missing translations are not errors here — see `findMissingTranslations`.
 */
export function parseSurveyDefinition(input: unknown): ParseDefinitionResult {
  const result = SurveyDefinitionSchema.safeParse(input);
  if (result.success) return { ok: true, definition: result.data };
  const errors = result.error.issues.flatMap((issue) => flattenIssue(issue as ZodIssueLike, []));
  // Identical messages can arise from several union branches; report each once.
  const unique = new Map(errors.map((error) => [`${error.path}\u0000${error.message}`, error]));
  return { ok: false, errors: [...unique.values()] };
}

/** Human-readable one-line-per-problem rendering of definition errors (for logs and CLI tools). */
export function describeDefinitionErrors(errors: readonly DefinitionError[]): string {
  return errors.map((error) => (error.path ? `${error.path}: ${error.message}` : error.message)).join("\n");
}
