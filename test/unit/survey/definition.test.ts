import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  SurveyDefinitionSchema,
  checkDefinitionSemantics,
  describeDefinitionErrors,
  formatPath,
  answerSlotIndex,
  listAnswerSlots,
  parseSurveyDefinition,
} from "../../../src/domain/survey";
import { envelope, kitchenSink, t } from "./fixtures";

type JsonObject = Record<string, unknown>;
type Patch = (input: JsonObject) => void;

/** Sets a value at a dotted path ("pages.0.items.1.min") of the raw JSON input. */
function set(path: string, value: unknown): Patch {
  return (input) => {
    const keys = path.split(".");
    let node = input;
    for (const key of keys.slice(0, -1)) node = node[key] as JsonObject;
    node[keys[keys.length - 1]] = value;
  };
}

function assign(path: string, values: JsonObject): Patch {
  return all(...Object.entries(values).map(([key, value]) => set(`${path}.${key}`, value)));
}

function all(...patches: Patch[]): Patch {
  return (input) => patches.forEach((patch) => patch(input));
}

function baseInput(): JsonObject {
  return envelope([
    {
      id: "p1",
      items: [
        { id: "q1", type: "rating", label: t("一", "One"), min: 1, max: 10 },
        { id: "q2", type: "yes_no", label: t("二", "Two") },
        {
          id: "q3",
          type: "single_choice",
          label: t("三", "Three"),
          options: [
            { id: "x", label: t("叉", "X") },
            { id: "y", label: t("歪", "Y") },
          ],
        },
      ],
    },
    {
      id: "p2",
      items: [
        {
          id: "q4",
          type: "multiple_choice",
          label: t("四", "Four"),
          options: [
            { id: "a", label: t("甲", "A") },
            { id: "b", label: t("乙", "B") },
          ],
        },
        { id: "q5", type: "text", label: t("五", "Five") },
        {
          id: "m1",
          type: "matrix",
          label: t("矩阵", "Matrix"),
          scale: { type: "rating", min: 1, max: 7 },
          rows: [
            { id: "r1", label: t("行一", "Row 1") },
            { id: "r2", label: t("行二", "Row 2") },
          ],
        },
      ],
    },
  ]);
}

function errorsFor(mutate: Patch) {
  const input = baseInput();
  mutate(input);
  const result = parseSurveyDefinition(input);
  return result.ok ? [] : result.errors;
}

describe("survey definition: valid input", () => {
  it("accepts the base fixture and applies defaults", () => {
    const result = parseSurveyDefinition(baseInput());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [q1] = result.definition.pages[0].items;
    expect(q1.required).toBe(false);
    expect(q1.type === "rating" && q1.step).toBe(1);
    const q5 = result.definition.pages[1].items[1];
    expect(q5.type === "text" && q5.maxLength).toBe(5000);
    expect(q5.type === "text" && q5.multiline).toBe(false);
    expect(result.definition.hiddenFields).toEqual([]);
  });

  it("accepts every item type, conditions, hidden fields and a measurement plan", () => {
    expect(() => kitchenSink()).not.toThrow();
    const result = parseSurveyDefinition({
      ...baseInput(),
      measurementPlan: {
        purpose: "Track satisfaction",
        targetCustomers: "Buyers in the last 12 months",
        samplingPlan: { targetN: 300 },
        benchmarkIndex: 76.5,
        includesFormerCustomers: true,
      },
    });
    expect(result.ok).toBe(true);
  });

  it("accepts custom construct tags and servqual pairs on matrix rows", () => {
    const result = parseSurveyDefinition(
      envelope([
        {
          id: "p1",
          items: [
            {
              id: "exp",
              type: "matrix",
              label: t("期望"),
              scale: { type: "rating", min: 1, max: 7 },
              rows: [{ id: "e_rel", label: t("可靠"), construct: "custom:reliability", metric: { role: "servqual", dimension: "reliability", kind: "expectation", pairKey: "rel" } }],
            },
            {
              id: "per",
              type: "matrix",
              label: t("感知"),
              scale: { type: "rating", min: 1, max: 7 },
              rows: [{ id: "p_rel", label: t("可靠"), metric: { role: "servqual", dimension: "reliability", kind: "perception", pairKey: "rel" } }],
            },
          ],
        },
      ]),
    );
    expect(result.ok).toBe(true);
  });

  it("lists matrix rows as individual answer slots inheriting the matrix construct", () => {
    const slots = listAnswerSlots(kitchenSink());
    expect(slots.map((slot) => slot.id)).toEqual(["score", "level", "complained", "detail", "channel", "features", "grid_a", "grid_b", "web_only", "comment"]);
    const gridA = slots.find((slot) => slot.id === "grid_a");
    expect(gridA?.construct).toBe("perceived_quality");
    expect(gridA?.bounds).toEqual({ min: 1, max: 7 });
    expect(slots.find((slot) => slot.id === "grid_b")?.construct).toBe("custom:speed");
  });

  it("indexes the answer slots once per definition object, in survey order", () => {
    const definition = kitchenSink();
    const index = answerSlotIndex(definition);
    expect(index.slots.map((slot) => slot.id)).toEqual(listAnswerSlots(definition).map((slot) => slot.id));
    expect(index.byId.get("grid_b")?.row?.id).toBe("grid_b");
    expect(index.order.get("comment")).toBe(index.slots.length - 1);
    const grid = index.byId.get("grid_a")!.item;
    expect(index.byItem.get(grid)?.map((slot) => slot.id)).toEqual(["grid_a", "grid_b"]);
    // The same object answers from the cache; an equal but separate definition gets its own index.
    expect(answerSlotIndex(definition)).toBe(index);
    const copy = kitchenSink();
    expect(answerSlotIndex(copy)).not.toBe(index);
    expect(answerSlotIndex(copy).byId.get("grid_a")!.item).toBe(copy.pages.flatMap((page) => page.items).find((item) => item.id === grid.id));
  });
});

type InvalidCase = { name: string; mutate: Patch; path: string; message: RegExp };

const INVALID_CASES: InvalidCase[] = [
  // Envelope and languages
  { name: "wrong format version", mutate: set("formatVersion", 2), path: "formatVersion", message: /must be 1/ },
  { name: "unknown top-level key", mutate: set("titel", t("x")), path: "", message: /titel/ },
  { name: "default language not declared", mutate: set("defaultLanguage", "ja"), path: "defaultLanguage", message: /must also appear in languages/ },
  { name: "duplicate language", mutate: set("languages", ["zh-CN", "en", "zh-CN"]), path: "languages[2]", message: /twice/ },
  { name: "malformed language tag", mutate: set("languages", ["zh_CN", "en"]), path: "languages[0]", message: /language tag/ },
  { name: "no pages", mutate: set("pages", []), path: "pages", message: /at least 1 page/ },
  { name: "empty page", mutate: set("pages.0.items", []), path: "pages[0].items", message: /at least 1 item/ },
  // Translations
  {
    name: "label missing default language",
    mutate: set("pages.0.items.0.label", { en: "One" }),
    path: "pages[0].items[0].label.zh-CN",
    message: /default language "zh-CN"/,
  },
  {
    name: "blank default-language text",
    mutate: set("pages.0.items.0.label", { "zh-CN": "  ", en: "One" }),
    path: "pages[0].items[0].label.zh-CN",
    message: /default language/,
  },
  {
    name: "translation for undeclared language",
    mutate: set("pages.0.items.0.label", { "zh-CN": "一", en: "One", fr: "Un" }),
    path: "pages[0].items[0].label.fr",
    message: /not one of the survey's languages/,
  },
  // Ids
  { name: "bad item id", mutate: set("pages.0.items.0.id", "Q1"), path: "pages[0].items[0].id", message: /lowercase letter/ },
  { name: "item id too long", mutate: set("pages.0.items.0.id", `q${"x".repeat(64)}`), path: "pages[0].items[0].id", message: /at most 64/ },
  { name: "duplicate item id across pages", mutate: set("pages.1.items.0.id", "q1"), path: "pages[1].items[0].id", message: /already used at pages\[0\]\.items\[0\]/ },
  { name: "matrix row id clashes with item", mutate: set("pages.1.items.2.rows.0.id", "q2"), path: "pages[1].items[2].rows[0].id", message: /already used/ },
  { name: "duplicate row ids", mutate: set("pages.1.items.2.rows.1.id", "r1"), path: "pages[1].items[2].rows[1].id", message: /already used/ },
  { name: "duplicate page id", mutate: set("pages.1.id", "p1"), path: "pages[1].id", message: /page ids must be unique/ },
  { name: "hidden field clashes with item", mutate: set("hiddenFields", [{ id: "q1" }]), path: "hiddenFields[0].id", message: /already used/ },
  { name: "reserved hidden field id", mutate: set("hiddenFields", [{ id: "lang" }]), path: "hiddenFields[0].id", message: /reserved/ },
  { name: "bad segment tag", mutate: set("hiddenFields", [{ id: "store", segment: "shop" }]), path: "hiddenFields[0].segment", message: /touchpoint, region, tier/ },
  { name: "duplicate option id", mutate: set("pages.0.items.2.options.1.id", "x"), path: "pages[0].items[2].options[1].id", message: /unique within the item/ },
  { name: "bad option id", mutate: set("pages.0.items.2.options.1.id", "Y!"), path: "pages[0].items[2].options[1].id", message: /a-z, 0-9/ },
  // Item settings
  { name: "unknown item type", mutate: set("pages.0.items.0.type", "slider"), path: "pages[0].items[0].type", message: /rating/ },
  { name: "rating min equals max", mutate: set("pages.0.items.0.min", 10), path: "pages[0].items[0].max", message: /greater than min/ },
  { name: "rating min above max", mutate: assign("pages.0.items.0", { min: 7, max: 3 }), path: "pages[0].items[0].max", message: /min is 7, max is 3/ },
  { name: "rating span too wide", mutate: assign("pages.0.items.0", { min: 0, max: 100 }), path: "pages[0].items[0].max", message: /more than 21 points/ },
  { name: "fractional rating bound", mutate: set("pages.0.items.0.max", 9.5), path: "pages[0].items[0].max", message: /whole number/ },
  { name: "step other than 1", mutate: set("pages.0.items.0.step", 2), path: "pages[0].items[0].step", message: /1/ },
  { name: "preset disagrees with range", mutate: set("pages.0.items.0.preset", "nps"), path: "pages[0].items[0].preset", message: /preset "nps" means a 0-10 scale/ },
  { name: "matrix scale min above max", mutate: set("pages.1.items.2.scale.min", 8), path: "pages[1].items[2].scale.max", message: /greater than min/ },
  { name: "matrix without rows", mutate: set("pages.1.items.2.rows", []), path: "pages[1].items[2].rows", message: /at least 1 row/ },
  { name: "single option only", mutate: set("pages.0.items.2.options", [{ id: "x", label: t("叉") }]), path: "pages[0].items[2].options", message: /at least 2 options/ },
  { name: "maxSelections above option count", mutate: set("pages.1.items.0.maxSelections", 3), path: "pages[1].items[0].maxSelections", message: /only 2 options/ },
  {
    name: "minSelections above maxSelections",
    mutate: assign("pages.1.items.0", { minSelections: 2, maxSelections: 1 }),
    path: "pages[1].items[0].minSelections",
    message: /must not exceed maxSelections/,
  },
  { name: "text maxLength above limit", mutate: set("pages.1.items.1.maxLength", 50000), path: "pages[1].items[1].maxLength", message: /20000/ },
  { name: "required not boolean", mutate: set("pages.0.items.0.required", "yes"), path: "pages[0].items[0].required", message: /boolean/ },
  // Tags
  { name: "unknown construct", mutate: set("pages.0.items.0.construct", "happiness"), path: "pages[0].items[0].construct", message: /custom:<name>/ },
  { name: "malformed custom construct", mutate: set("pages.0.items.0.construct", "custom:"), path: "pages[0].items[0].construct", message: /custom:<name>/ },
  { name: "unknown metric role", mutate: set("pages.0.items.0.metric", "churn"), path: "pages[0].items[0].metric", message: /nps, csat/ },
  { name: "nps role on 1-10 rating", mutate: set("pages.0.items.0.metric", "nps"), path: "pages[0].items[0].metric", message: /needs a 0-10 rating/ },
  { name: "csat role on 1-10 rating", mutate: set("pages.0.items.0.metric", "csat"), path: "pages[0].items[0].metric", message: /1-5 rating/ },
  { name: "ces role on 1-10 rating", mutate: set("pages.0.items.0.metric", "ces"), path: "pages[0].items[0].metric", message: /1-7 rating/ },
  { name: "complaint role on rating", mutate: set("pages.0.items.0.metric", "complaint"), path: "pages[0].items[0].metric", message: /yes_no item/ },
  { name: "repurchase role on yes/no", mutate: set("pages.0.items.1.metric", "repurchase"), path: "pages[0].items[1].metric", message: /rating item/ },
  { name: "satisfaction_level role on rating", mutate: set("pages.0.items.0.metric", "satisfaction_level"), path: "pages[0].items[0].metric", message: /satisfaction5/ },
  { name: "metric on a matrix", mutate: set("pages.1.items.2.metric", "recommend"), path: "pages[1].items[2].metric", message: /tag its rows instead/ },
  {
    name: "servqual pair missing its perception half",
    mutate: set("pages.1.items.2.rows.0.metric", { role: "servqual", dimension: "empathy", kind: "expectation", pairKey: "emp" }),
    path: "pages[1].items[2].rows[0].metric.pairKey",
    message: /has no perception item/,
  },
  {
    name: "servqual pair with two expectation halves",
    mutate: all(set("pages.1.items.2.rows.0.metric", { role: "servqual", dimension: "empathy", kind: "expectation", pairKey: "emp" }), set("pages.1.items.2.rows.1.metric", { role: "servqual", dimension: "empathy", kind: "expectation", pairKey: "emp" })),
    path: "pages[1].items[2].rows[1].metric.pairKey",
    message: /already has an expectation item \("r1"\)/,
  },
  {
    name: "servqual pair across different scales",
    mutate: all(set("pages.0.items.0.metric", { role: "servqual", dimension: "empathy", kind: "expectation", pairKey: "emp" }), set("pages.1.items.2.rows.0.metric", { role: "servqual", dimension: "empathy", kind: "perception", pairKey: "emp" })),
    path: "pages[1].items[2].rows[0].metric",
    message: /different scales \(1-10 vs 1-7\)/,
  },
  {
    name: "servqual pair mixing dimensions",
    mutate: all(set("pages.1.items.2.rows.0.metric", { role: "servqual", dimension: "empathy", kind: "expectation", pairKey: "emp" }), set("pages.1.items.2.rows.1.metric", { role: "servqual", dimension: "assurance", kind: "perception", pairKey: "emp" })),
    path: "pages[1].items[2].rows[1].metric.dimension",
    message: /mixes dimensions/,
  },
  // Conditions
  { name: "condition on unknown item", mutate: set("pages.1.items.1.showIf", { itemId: "nope", op: "answered" }), path: "pages[1].items[1].showIf.itemId", message: /not an item in this survey/ },
  {
    name: "condition on a later page",
    mutate: set("pages.0.items.0.showIf", { itemId: "q5", op: "answered" }),
    path: "pages[0].items[0].showIf.itemId",
    message: /comes later in the survey/,
  },
  {
    name: "condition on a later item of the same page",
    mutate: set("pages.0.items.1.showIf", { itemId: "q3", op: "answered" }),
    path: "pages[0].items[1].showIf.itemId",
    message: /comes later/,
  },
  { name: "condition on itself", mutate: set("pages.0.items.1.showIf", { itemId: "q2", op: "answered" }), path: "pages[0].items[1].showIf.itemId", message: /its own answer/ },
  {
    name: "matrix condition on its own row",
    mutate: set("pages.1.items.2.showIf", { itemId: "r1", op: "answered" }),
    path: "pages[1].items[2].showIf.itemId",
    message: /its own answer/,
  },
  { name: "condition on a matrix id", mutate: all(set("pages.2", { id: "p3", items: [{ id: "q6", type: "yes_no", label: t("六"), showIf: { itemId: "m1", op: "answered" } }] })), path: "pages[2].items[0].showIf.itemId", message: /refer to one of its rows/ },
  {
    name: "condition on a hidden field",
    mutate: all(set("hiddenFields", [{ id: "touchpoint" }]), set("pages.1.items.1.showIf", { itemId: "touchpoint", op: "equals", value: "store" })),
    path: "pages[1].items[1].showIf.itemId",
    message: /hidden field/,
  },
  { name: "unknown operator", mutate: set("pages.1.items.1.showIf", { itemId: "q1", op: "contains", value: 1 }), path: "pages[1].items[1].showIf.op", message: /Expected/ },
  { name: "comparison with a string value", mutate: set("pages.1.items.1.showIf", { itemId: "q1", op: "gt", value: "5" }), path: "pages[1].items[1].showIf.value", message: /expected number/ },
  { name: "numeric comparison on a choice item", mutate: set("pages.1.items.1.showIf", { itemId: "q3", op: "gt", value: 1 }), path: "pages[1].items[1].showIf.op", message: /compares numbers/ },
  { name: "equals value outside the rating range", mutate: set("pages.1.items.1.showIf", { itemId: "q1", op: "equals", value: 11 }), path: "pages[1].items[1].showIf.value", message: /can never match/ },
  { name: "yes/no compared with a string", mutate: set("pages.1.items.1.showIf", { itemId: "q2", op: "equals", value: "yes" }), path: "pages[1].items[1].showIf.value", message: /compare with true \(yes\) or false \(no\)/ },
  { name: "choice compared with an unknown option", mutate: set("pages.1.items.1.showIf", { itemId: "q3", op: "in", values: ["x", "z"] }), path: "pages[1].items[1].showIf.values[1]", message: /not an option of "q3"/ },
  { name: "in with no values", mutate: set("pages.1.items.1.showIf", { itemId: "q3", op: "in", values: [] }), path: "pages[1].items[1].showIf.values", message: /1/ },
  { name: "nested condition error keeps its path", mutate: set("pages.1.items.1.showIf", { all: [{ itemId: "q1", op: "answered" }, { any: [{ itemId: "q9", op: "answered" }] }] }), path: "pages[1].items[1].showIf.all[1].any[0].itemId", message: /not an item/ },
  { name: "empty all", mutate: set("pages.1.items.1.showIf", { all: [] }), path: "pages[1].items[1].showIf.all", message: /1/ },
  {
    name: "conditions nested too deeply",
    mutate: set("pages.1.items.1.showIf", { all: [{ any: [{ all: [{ any: [{ itemId: "q1", op: "answered" }] }] }] }] }),
    path: "pages[1].items[1].showIf.all[0].any[0].all[0].any[0]",
    message: /more than 4 levels/,
  },
  // Plan
  { name: "plan with non-positive sample", mutate: set("measurementPlan", { purpose: "x", targetCustomers: "y", samplingPlan: { targetN: 0 }, includesFormerCustomers: false }), path: "measurementPlan.samplingPlan.targetN", message: /1/ },
  { name: "benchmark above 100", mutate: set("measurementPlan", { purpose: "x", targetCustomers: "y", samplingPlan: { targetN: 10 }, benchmarkIndex: 120, includesFormerCustomers: false }), path: "measurementPlan.benchmarkIndex", message: /100/ },
];

describe("survey definition: rejected with actionable, located errors", () => {
  it.each(INVALID_CASES)("$name", ({ mutate, path, message }) => {
    const errors = errorsFor(mutate);
    expect(errors.length, "expected the definition to be rejected").toBeGreaterThan(0);
    const match = errors.find((error) => error.path === path && message.test(error.message));
    expect(match, `no error at ${path} matching ${message}; got:\n${describeDefinitionErrors(errors)}`).toBeDefined();
  });

  it("does not accept non-object input", () => {
    for (const input of [null, 42, "survey", []]) {
      expect(parseSurveyDefinition(input).ok).toBe(false);
    }
  });

  it("reports several independent problems at once", () => {
    const errors = errorsFor(all(set("pages.0.items.0.min", 10), set("pages.1.items.0.id", "q1")));
    expect(errors.map((error) => error.path)).toEqual(expect.arrayContaining(["pages[0].items[0].max", "pages[1].items[0].id"]));
  });

  it("does not repeat a language problem once per text", () => {
    const errors = errorsFor(set("defaultLanguage", "ja"));
    expect(errors).toHaveLength(1);
  });

  it("exposes the same semantic checks for already-typed definitions", () => {
    const definition = kitchenSink();
    expect(checkDefinitionSemantics(definition)).toEqual([]);
    const broken = structuredClone(definition);
    broken.pages[0].items[1].id = "score";
    expect(checkDefinitionSemantics(broken).map((issue) => formatPath(issue.path))).toContain("pages[0].items[1].id");
  });

  it("the exported schema works with plain zod safeParse too", () => {
    expect(SurveyDefinitionSchema.safeParse(baseInput()).success).toBe(true);
  });

  it("stays representable as JSON Schema (for the OpenAPI document)", () => {
    expect(() => z.toJSONSchema(SurveyDefinitionSchema, { io: "input" })).not.toThrow();
  });
});

describe("formatPath", () => {
  it.each([
    [[], ""],
    [["title"], "title"],
    [["pages", 1, "items", 0, "label", "zh-CN"], "pages[1].items[0].label.zh-CN"],
  ])("%j → %s", (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});
