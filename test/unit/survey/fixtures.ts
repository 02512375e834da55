/**
 * Small definitions for unit tests. `buildDefinition` fills the envelope so each test states only
 * the pages/items it is about.
 */
import { parseSurveyDefinition, type SurveyDefinition, type SurveyDefinitionInput } from "../../../src/domain/survey";

export const t = (zh: string, en: string = zh) => ({ "zh-CN": zh, en });

export function envelope(pages: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    formatVersion: 1,
    languages: ["zh-CN", "en"],
    defaultLanguage: "zh-CN",
    title: t("测试问卷", "Test survey"),
    pages,
    ...extra,
  };
}

/** Parses or throws with the readable errors, so a broken fixture fails loudly. */
export function buildDefinition(pages: unknown[], extra: Record<string, unknown> = {}): SurveyDefinition {
  const result = parseSurveyDefinition(envelope(pages, extra) as SurveyDefinitionInput);
  if (!result.ok) throw new Error(`fixture invalid:\n${result.errors.map((error) => `${error.path}: ${error.message}`).join("\n")}`);
  return result.definition;
}

/** One definition exercising every item type, conditions and a matrix. */
export function kitchenSink(): SurveyDefinition {
  return buildDefinition(
    [
      {
        id: "p1",
        title: t("第一页", "Page one"),
        items: [
          { id: "score", type: "rating", label: t("评分", "Score"), min: 1, max: 10, required: true, construct: "satisfaction" },
          { id: "level", type: "satisfaction5", label: t("满意程度", "Level"), metric: "satisfaction_level" },
          { id: "complained", type: "yes_no", label: t("投诉过吗", "Complained?"), required: true, construct: "complaints", metric: "complaint" },
          {
            id: "detail",
            type: "text",
            label: t("投诉内容", "Complaint detail"),
            required: true,
            maxLength: 10,
            showIf: { itemId: "complained", op: "equals", value: true },
          },
        ],
      },
      {
        id: "p2",
        items: [
          {
            id: "channel",
            type: "single_choice",
            label: t("渠道", "Channel"),
            options: [
              { id: "store", label: t("门店", "Store") },
              { id: "web", label: t("网站", "Web") },
              { id: "phone", label: t("电话", "Phone") },
            ],
          },
          {
            id: "features",
            type: "multiple_choice",
            label: t("功能", "Features"),
            minSelections: 2,
            maxSelections: 2,
            options: [
              { id: "a", label: t("甲", "A") },
              { id: "b", label: t("乙", "B") },
              { id: "c", label: t("丙", "C") },
            ],
          },
          {
            id: "grid",
            type: "matrix",
            label: t("矩阵", "Grid"),
            required: true,
            construct: "perceived_quality",
            scale: { type: "rating", min: 1, max: 7 },
            rows: [
              { id: "grid_a", label: t("甲", "A") },
              { id: "grid_b", label: t("乙", "B"), construct: "custom:speed" },
            ],
          },
        ],
      },
      {
        id: "p3",
        items: [
          {
            id: "web_only",
            type: "rating",
            label: t("网站评分", "Web score"),
            min: 0,
            max: 10,
            preset: "nps",
            metric: "nps",
            required: true,
            showIf: { itemId: "channel", op: "equals", value: "web" },
          },
        ],
      },
      {
        id: "p4",
        items: [{ id: "comment", type: "text", label: t("意见", "Comment"), multiline: true }],
      },
    ],
    { hiddenFields: [{ id: "touchpoint", segment: "touchpoint" }, { id: "tier", segment: "tier", allowedValues: ["gold", "silver"] }] },
  );
}
