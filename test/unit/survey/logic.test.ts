import { describe, expect, it } from "vitest";
import {
  computeVisibility,
  describeCondition,
  evaluateCondition,
  isAnswered,
  isItemVisible,
  nextPage,
  pageItems,
  pageProgress,
  previousPage,
  pruneHiddenAnswers,
  resumePage,
  visibleItems,
  visiblePages,
  type Answers,
  type Condition,
} from "../../../src/domain/survey";
import { buildDefinition, kitchenSink, t } from "./fixtures";

describe("isAnswered", () => {
  it.each([
    [undefined, false],
    [null, false],
    ["", false],
    ["   ", false],
    [[], false],
    [Number.NaN, false],
    [0, true],
    [false, true],
    ["x", true],
    [["a"], true],
  ])("%j → %s", (value, expected) => {
    expect(isAnswered(value)).toBe(expected);
  });
});

const answers: Answers = { score: 7, flag: true, no_flag: false, pick: "web", picks: ["a", "c"], note: "hello" };

const OPERATOR_CASES: Array<[string, Condition, boolean]> = [
  ["equals number", { itemId: "score", op: "equals", value: 7 }, true],
  ["equals number (different)", { itemId: "score", op: "equals", value: 8 }, false],
  ["equals does not coerce", { itemId: "score", op: "equals", value: "7" }, false],
  ["equals boolean true", { itemId: "flag", op: "equals", value: true }, true],
  ["equals boolean false", { itemId: "no_flag", op: "equals", value: false }, true],
  ["equals false on a true answer", { itemId: "flag", op: "equals", value: false }, false],
  ["equals option id", { itemId: "pick", op: "equals", value: "web" }, true],
  ["equals on multiple choice = contains", { itemId: "picks", op: "equals", value: "c" }, true],
  ["equals on multiple choice, not selected", { itemId: "picks", op: "equals", value: "b" }, false],
  ["equals text (trimmed)", { itemId: "note", op: "equals", value: " hello " }, true],
  ["equals on unanswered", { itemId: "missing", op: "equals", value: 1 }, false],
  ["notEquals different", { itemId: "score", op: "notEquals", value: 8 }, true],
  ["notEquals same", { itemId: "score", op: "notEquals", value: 7 }, false],
  ["notEquals on multiple choice containing it", { itemId: "picks", op: "notEquals", value: "a" }, false],
  ["notEquals on unanswered is true", { itemId: "missing", op: "notEquals", value: 1 }, true],
  ["in matches", { itemId: "pick", op: "in", values: ["store", "web"] }, true],
  ["in misses", { itemId: "pick", op: "in", values: ["store", "phone"] }, false],
  ["in on multiple choice intersects", { itemId: "picks", op: "in", values: ["b", "c"] }, true],
  ["in on unanswered", { itemId: "missing", op: "in", values: [1, 2] }, false],
  ["gt true", { itemId: "score", op: "gt", value: 6 }, true],
  ["gt boundary", { itemId: "score", op: "gt", value: 7 }, false],
  ["gte boundary", { itemId: "score", op: "gte", value: 7 }, true],
  ["gte false", { itemId: "score", op: "gte", value: 8 }, false],
  ["lt true", { itemId: "score", op: "lt", value: 8 }, true],
  ["lt boundary", { itemId: "score", op: "lt", value: 7 }, false],
  ["lte boundary", { itemId: "score", op: "lte", value: 7 }, true],
  ["lte false", { itemId: "score", op: "lte", value: 6 }, false],
  ["gt on non-number", { itemId: "pick", op: "gt", value: 0 }, false],
  ["lt on unanswered", { itemId: "missing", op: "lt", value: 100 }, false],
  ["answered", { itemId: "score", op: "answered" }, true],
  ["answered false (0 counts as answered)", { itemId: "no_flag", op: "answered" }, true],
  ["answered on missing", { itemId: "missing", op: "answered" }, false],
  ["notAnswered on missing", { itemId: "missing", op: "notAnswered" }, true],
  ["notAnswered on answered", { itemId: "note", op: "notAnswered" }, false],
  ["all true", { all: [{ itemId: "score", op: "gte", value: 7 }, { itemId: "flag", op: "equals", value: true }] }, true],
  ["all with one false", { all: [{ itemId: "score", op: "gte", value: 7 }, { itemId: "flag", op: "equals", value: false }] }, false],
  ["any with one true", { any: [{ itemId: "score", op: "gt", value: 9 }, { itemId: "pick", op: "equals", value: "web" }] }, true],
  ["any all false", { any: [{ itemId: "score", op: "gt", value: 9 }, { itemId: "pick", op: "equals", value: "store" }] }, false],
  [
    "nested all/any",
    { all: [{ any: [{ itemId: "missing", op: "answered" }, { itemId: "flag", op: "equals", value: true }] }, { itemId: "score", op: "lte", value: 7 }] },
    true,
  ],
];

describe("evaluateCondition", () => {
  it.each(OPERATOR_CASES)("%s", (_name, condition, expected) => {
    expect(evaluateCondition(condition, answers)).toBe(expected);
  });
});

describe("describeCondition", () => {
  it("renders conditions readably", () => {
    expect(describeCondition({ itemId: "complained", op: "equals", value: true })).toBe("complained = true");
    expect(describeCondition({ all: [{ itemId: "nps", op: "gte", value: 7 }, { itemId: "nps", op: "lte", value: 8 }] })).toBe("nps ≥ 7 and nps ≤ 8");
    expect(describeCondition({ any: [{ itemId: "a", op: "answered" }, { itemId: "b", op: "in", values: ["x", "y"] }] })).toBe('(a is answered or b is one of "x", "y")');
  });
});

describe("visibility", () => {
  const definition = kitchenSink();

  it("hides conditional items until their condition holds", () => {
    expect(visibleItems(definition, {}).map((item) => item.id)).toEqual(["score", "level", "complained", "channel", "features", "grid", "comment"]);
    expect(visibleItems(definition, { complained: true, channel: "web" }).map((item) => item.id)).toContain("detail");
    expect(visibleItems(definition, { complained: true, channel: "web" }).map((item) => item.id)).toContain("web_only");
  });

  it("matrix rows share their matrix's visibility; unknown ids are not visible", () => {
    expect(isItemVisible(definition, "grid_a", {})).toBe(true);
    expect(isItemVisible(definition, "detail", { complained: false })).toBe(false);
    expect(isItemVisible(definition, "nope", {})).toBe(false);
  });

  it("ignores answers to hidden items when evaluating later conditions (cascade)", () => {
    const cascade = buildDefinition([
      {
        id: "p1",
        items: [
          { id: "a", type: "yes_no", label: t("甲") },
          { id: "b", type: "yes_no", label: t("乙"), showIf: { itemId: "a", op: "equals", value: true } },
          { id: "c", type: "text", label: t("丙"), showIf: { itemId: "b", op: "equals", value: true } },
        ],
      },
    ]);
    expect(isItemVisible(cascade, "c", { a: true, b: true })).toBe(true);
    // a changed to false hides b; b's stale answer must not keep c visible.
    expect(isItemVisible(cascade, "c", { a: false, b: true })).toBe(false);
    expect(computeVisibility(cascade, { a: false, b: true, c: "x" }).effectiveAnswers).toEqual({ a: false });
  });

  it("pruneHiddenAnswers drops answers to hidden items only", () => {
    const result = pruneHiddenAnswers(definition, { complained: false, detail: "stale", score: 5, channel: "store", web_only: 9 });
    expect(result.answers).toEqual({ complained: false, score: 5, channel: "store" });
    expect(result.removed.sort()).toEqual(["detail", "web_only"]);
  });
});

describe("page flow", () => {
  const definition = kitchenSink();

  it("pageItems returns the visible items of one page", () => {
    expect(pageItems(definition, "p1", {}).map((item) => item.id)).toEqual(["score", "level", "complained"]);
    expect(pageItems(definition, "p1", { complained: true }).map((item) => item.id)).toEqual(["score", "level", "complained", "detail"]);
    expect(pageItems(definition, "nope", {})).toEqual([]);
  });

  it("skips pages whose items are all hidden", () => {
    expect(visiblePages(definition, {}).map((page) => page.id)).toEqual(["p1", "p2", "p4"]);
    expect(nextPage(definition, "p2", { channel: "store" })?.id).toBe("p4");
    expect(nextPage(definition, "p2", { channel: "web" })?.id).toBe("p3");
  });

  it("nextPage: null current starts at the first page, last page yields null, unknown restarts", () => {
    expect(nextPage(definition, null, {})?.id).toBe("p1");
    expect(nextPage(definition, "p1", {})?.id).toBe("p2");
    expect(nextPage(definition, "p4", {})).toBeNull();
    expect(nextPage(definition, "zzz", {})?.id).toBe("p1");
  });

  it("previousPage mirrors nextPage", () => {
    expect(previousPage(definition, "p1", {})).toBeNull();
    expect(previousPage(definition, "p4", { channel: "store" })?.id).toBe("p2");
    expect(previousPage(definition, "p4", { channel: "web" })?.id).toBe("p3");
    expect(previousPage(definition, "zzz", {})).toBeNull();
  });

  it("pageProgress counts visible pages", () => {
    expect(pageProgress(definition, "p1", {})).toEqual({ current: 1, total: 3 });
    expect(pageProgress(definition, "p4", {})).toEqual({ current: 3, total: 3 });
    expect(pageProgress(definition, "p4", { channel: "web" })).toEqual({ current: 4, total: 4 });
  });

  it("resumePage goes to the first page with a missing required answer, else after the last answered page", () => {
    expect(resumePage(definition, {})?.id).toBe("p1");
    const page1Done = { score: 5, complained: false };
    expect(resumePage(definition, page1Done)?.id).toBe("p2");
    const page2Done = { ...page1Done, grid_a: 3, grid_b: 4, channel: "store" };
    expect(resumePage(definition, page2Done)?.id).toBe("p4");
    expect(resumePage(definition, { ...page2Done, comment: "done" })?.id).toBe("p4");
  });
});
