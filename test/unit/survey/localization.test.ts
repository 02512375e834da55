import { describe, expect, it } from "vitest";
import {
  UI_STRINGS,
  findMissingTranslations,
  formatAnswerError,
  localize,
  matchLanguage,
  parseAcceptLanguage,
  pickLanguage,
  reviewMeasurementPlan,
  uiStringsFor,
  validateResponseAnswers,
  type AnswerError,
} from "../../../src/domain/survey";
import { buildDefinition, kitchenSink, t } from "./fixtures";

const bilingual = { languages: ["zh-CN", "en"], defaultLanguage: "zh-CN" };

describe("pickLanguage", () => {
  it.each([
    ["explicit request wins", "en", "zh-CN,zh;q=0.9", "en"],
    ["explicit request, case-insensitive", "EN", undefined, "en"],
    ["explicit regional variant matches primary language", "en-GB", undefined, "en"],
    ["explicit zh-TW falls to zh-CN", "zh-TW", undefined, "zh-CN"],
    ["unsupported request falls through to Accept-Language", "fr", "en-US,en;q=0.9", "en"],
    ["Accept-Language by quality", undefined, "fr;q=1, en;q=0.5, zh-CN;q=0.8", "zh-CN"],
    ["Accept-Language keeps order on equal quality", undefined, "en, zh-CN", "en"],
    ["Accept-Language with q=0 excluded", undefined, "en;q=0, zh-CN;q=0.1", "zh-CN"],
    ["wildcard ignored → default", undefined, "*", "zh-CN"],
    ["nothing usable → default", undefined, "fr-FR,de;q=0.7", "zh-CN"],
    ["nothing at all → default", undefined, undefined, "zh-CN"],
    ["malformed header → default", undefined, ";;;q=abc,,", "zh-CN"],
  ])("%s", (_name, requested, acceptLanguage, expected) => {
    expect(pickLanguage(bilingual, requested, acceptLanguage)).toBe(expected);
  });

  it("parses Accept-Language entries", () => {
    expect(parseAcceptLanguage("en-US,en;q=0.9,zh-CN;q=0.8,x;q=2")).toEqual([
      { tag: "en-US", quality: 1 },
      { tag: "en", quality: 0.9 },
      { tag: "zh-CN", quality: 0.8 },
    ]);
    expect(matchLanguage("", ["en"])).toBeUndefined();
  });
});

describe("localize", () => {
  it.each([
    ["requested language", t("你好", "Hello"), "en", "zh-CN", "Hello"],
    ["regional request", t("你好", "Hello"), "en-US", "zh-CN", "Hello"],
    ["missing → fallback language", { "zh-CN": "你好" }, "en", "zh-CN", "你好"],
    ["blank → fallback language", { "zh-CN": "你好", en: " " }, "en", "zh-CN", "你好"],
    ["no fallback → any language", { en: "Hello" }, "ja", undefined, "Hello"],
    ["undefined text", undefined, "en", "zh-CN", ""],
  ])("%s", (_name, text, language, fallback, expected) => {
    expect(localize(text, language, fallback)).toBe(expected);
  });
});

describe("UI strings", () => {
  it("have the same keys in every built-in language", () => {
    const shape = (value: object): string[] =>
      Object.entries(value).flatMap(([key, inner]) => (inner && typeof inner === "object" ? shape(inner).map((sub) => `${key}.${sub}`) : [key]));
    expect(shape(UI_STRINGS["zh-CN"]).sort()).toEqual(shape(UI_STRINGS.en).sort());
  });

  it("fall back to English for other languages and match Chinese variants", () => {
    expect(uiStringsFor("ja").next).toBe("Next");
    expect(uiStringsFor("zh-TW").next).toBe("下一页");
    expect(uiStringsFor("zh-CN").pageProgress(2, 5)).toBe("第 2 页，共 5 页");
    expect(uiStringsFor("en").pageProgress(2, 5)).toBe("Page 2 of 5");
  });

  it("render answer errors for respondents", () => {
    const definition = kitchenSink();
    const { errors } = validateResponseAnswers(definition, { score: 12, features: ["a", "b", "c"], channel: "fax" }, { complete: true });
    const zh = uiStringsFor("zh-CN");
    expect(errors.map((error) => formatAnswerError(error, zh))).toEqual([
      "请选择 1 到 10 之间的整数。",
      "此题为必答题。",
      "请从所列选项中选择。",
      "最多只能选择 2 项。",
      "此题为必答题。",
      "此题为必答题。",
    ]);
    const generic: AnswerError = { itemId: null, code: "invalid_payload", message: "x" };
    expect(formatAnswerError(generic, uiStringsFor("en"))).toBe("This answer is not valid; please answer again.");
  });
});

describe("findMissingTranslations", () => {
  it("lists each text lacking a declared language, with its path", () => {
    const definition = buildDefinition([
      {
        id: "p1",
        title: { "zh-CN": "第一页" },
        items: [
          { id: "q1", type: "rating", label: { "zh-CN": "评分", en: "" }, min: 1, max: 5, minLabel: t("差", "Poor") },
          { id: "q2", type: "single_choice", label: t("渠道", "Channel"), options: [{ id: "a", label: t("甲", "A") }, { id: "b", label: { "zh-CN": "乙" } }] },
        ],
      },
    ]);
    expect(findMissingTranslations(definition)).toEqual([
      { path: "pages[0].title", language: "en", message: 'pages[0].title: missing "en" translation' },
      { path: "pages[0].items[0].label", language: "en", message: 'pages[0].items[0].label: missing "en" translation' },
      { path: "pages[0].items[1].options[1].label", language: "en", message: 'pages[0].items[1].options[1].label: missing "en" translation' },
    ]);
  });
});

describe("reviewMeasurementPlan", () => {
  const items = [{ id: "p1", items: [{ id: "s", type: "rating", label: t("满意"), min: 1, max: 10, construct: "satisfaction" }] }];

  it("flags the seeds' measurement pitfalls", () => {
    expect(reviewMeasurementPlan(buildDefinition(items)).map((advisory) => advisory.code)).toEqual(["no_measurement_plan", "satisfaction_without_loyalty"]);
    const planned = buildDefinition(items, {
      measurementPlan: { purpose: "x", targetCustomers: "y", samplingPlan: { targetN: 100 }, includesFormerCustomers: false },
    });
    expect(reviewMeasurementPlan(planned).map((advisory) => advisory.code)).toEqual([
      "no_benchmark",
      "former_customers_not_sampled",
      "small_sample",
      "satisfaction_without_loyalty",
    ]);
  });
});
