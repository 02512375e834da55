import { describe, expect, it } from "vitest";
import {
  type ComplaintTriggerRuleInput,
  ComplaintTriggerRuleListSchema,
  defaultComplaintTriggerRules,
  evaluateComplaintTriggers,
  type SurveyAnswers,
  type SurveyHiddenFields,
} from "../../../src/domain/complaints";

const RULES = ComplaintTriggerRuleListSchema.parse([
  { id: "complained", when: { kind: "complained", itemId: "cc1" }, defaults: { category: "other", priority: "normal" } },
  { id: "low_sat", when: { kind: "low_satisfaction", itemId: "sat5" }, defaults: { severity: "medium", priority: "high" } },
  { id: "detractor", when: { kind: "nps_detractor", itemId: "nps" }, defaults: { severity: 2 } },
  {
    id: "vip_delivery",
    when: {
      kind: "conditions",
      match: "all",
      conditions: [
        { field: "hidden.tier", op: "equals", value: "vip" },
        { field: "answers.delivery_days", op: "gt", value: 5 },
      ],
    },
    defaults: { category: "delivery", priority: "urgent", severity: "high", touchpoint: "courier" },
  },
  {
    id: "angry_words",
    when: { kind: "conditions", match: "any", conditions: [{ field: "answers.comment", op: "containsAny", value: ["投诉", "骗子", "scam"] }] },
    defaults: { category: "service_attitude" },
  },
  { id: "off", enabled: false, when: { kind: "complained", itemId: "cc1" }, defaults: { priority: "urgent" } },
] satisfies ComplaintTriggerRuleInput[]);

const evaluate = (answers: SurveyAnswers, hidden: SurveyHiddenFields = {}) => evaluateComplaintTriggers(RULES, answers, hidden);
const matchedIds = (answers: SurveyAnswers, hidden: SurveyHiddenFields = {}) => evaluate(answers, hidden).matches.map((m) => m.ruleId);

describe("built-in trigger kinds", () => {
  it.each<[string, SurveyAnswers, string[]]>([
    ["complained = true", { cc1: true }, ["complained"]],
    ["complained = 'yes'", { cc1: "Yes" }, ["complained"]],
    ["complained = '是' (Chinese yes)", { cc1: "是" }, ["complained"]],
    ["complained = false", { cc1: false }, []],
    ["complained = 'no'", { cc1: "no" }, []],
    ["complaint item unanswered", {}, []],
    ["satisfaction 1 (very dissatisfied)", { sat5: 1 }, ["low_sat"]],
    ["satisfaction 2 (dissatisfied)", { sat5: 2 }, ["low_sat"]],
    ["satisfaction 3 (neutral) does not trigger", { sat5: 3 }, []],
    ["satisfaction as a numeric string", { sat5: "2" }, ["low_sat"]],
    ["NPS 0", { nps: 0 }, ["detractor"]],
    ["NPS 6 is a detractor", { nps: 6 }, ["detractor"]],
    ["NPS 7 is a passive", { nps: 7 }, []],
    ["NPS 10", { nps: 10 }, []],
    ["non-numeric NPS is ignored", { nps: "n/a" }, []],
  ])("%s", (_label, answers, expected) => {
    expect(matchedIds(answers)).toEqual(expected);
  });
});

describe("generic condition rules", () => {
  it.each<[string, SurveyAnswers, SurveyHiddenFields, string[]]>([
    ["all conditions hold (hidden field + numeric answer)", { delivery_days: 8 }, { tier: "vip" }, ["vip_delivery"]],
    ["numeric answer as string", { delivery_days: "8" }, { tier: "vip" }, ["vip_delivery"]],
    ["one condition fails", { delivery_days: 3 }, { tier: "vip" }, []],
    ["hidden field missing", { delivery_days: 8 }, {}, []],
    ["Chinese keyword in an open answer", { comment: "我要投诉你们的客服" }, {}, ["angry_words"]],
    ["English keyword, case-insensitive", { comment: "This is a SCAM" }, {}, ["angry_words"]],
    ["no keyword", { comment: "很好" }, {}, []],
  ])("%s", (_label, answers, hidden, expected) => {
    expect(matchedIds(answers, hidden)).toEqual(expected);
  });

  it("supports every shared operator", () => {
    const rule = (condition: object) =>
      ComplaintTriggerRuleListSchema.parse([{ id: "r", when: { kind: "conditions", conditions: [condition] } }]);
    const check = (condition: object, answers: SurveyAnswers, hidden: SurveyHiddenFields = {}) =>
      evaluateComplaintTriggers(rule(condition), answers, hidden).matches.length === 1;
    expect(check({ field: "answers.q", op: "equals", value: 5 }, { q: 5 })).toBe(true);
    expect(check({ field: "answers.q", op: "equals", value: 5 }, { q: "5" })).toBe(true);
    expect(check({ field: "answers.q", op: "notEquals", value: "a" }, { q: "b" })).toBe(true);
    expect(check({ field: "answers.q", op: "notEquals", value: "a" }, {})).toBe(true);
    expect(check({ field: "answers.q", op: "in", value: ["a", "b"] }, { q: "b" })).toBe(true);
    expect(check({ field: "answers.q", op: "in", value: ["a", "b"] }, { q: ["x", "a"] })).toBe(true);
    expect(check({ field: "answers.q", op: "equals", value: "late" }, { q: ["late", "damaged"] })).toBe(true);
    expect(check({ field: "answers.q", op: "gte", value: 3 }, { q: 3 })).toBe(true);
    expect(check({ field: "answers.q", op: "gt", value: 3 }, { q: 3 })).toBe(false);
    expect(check({ field: "answers.q", op: "lt", value: 3 }, { q: 2 })).toBe(true);
    expect(check({ field: "answers.q", op: "lte", value: 3 }, { q: "abc" })).toBe(false);
    expect(check({ field: "answers.q", op: "lt", value: 3 }, {})).toBe(false);
    expect(check({ field: "answers.q", op: "answered" }, { q: "x" })).toBe(true);
    expect(check({ field: "answers.q", op: "answered" }, { q: "  " })).toBe(false);
    expect(check({ field: "answers.q", op: "answered" }, { q: [] })).toBe(false);
    expect(check({ field: "answers.q", op: "answered", value: false }, { q: null })).toBe(true);
    expect(check({ field: "hidden.channel", op: "equals", value: true }, {}, { channel: "true" })).toBe(true);
  });
});

describe("complaint defaults", () => {
  it("returns null when nothing matches", () => {
    expect(evaluate({ sat5: 5, nps: 10 })).toEqual({ matches: [], complaint: null });
  });

  it("merges several matches: highest priority and severity, first category and touchpoint", () => {
    const result = evaluate({ cc1: true, sat5: 1, nps: 2, delivery_days: 9 }, { tier: "vip" });
    expect(result.matches.map((m) => m.ruleId)).toEqual(["complained", "low_sat", "detractor", "vip_delivery"]);
    expect(result.complaint).toEqual({
      triggerRuleIds: ["complained", "low_sat", "detractor", "vip_delivery"],
      priority: "urgent",
      severity: 3,
      category: "other",
      touchpoint: "courier",
    });
  });

  it("leaves unset defaults null", () => {
    expect(evaluate({ nps: 3 }).complaint).toEqual({ triggerRuleIds: ["detractor"], priority: null, severity: 2, category: null, touchpoint: null });
  });

  it("ignores disabled rules", () => {
    expect(evaluate({ cc1: true }).complaint?.priority).toBe("normal");
  });
});

describe("trigger rule schema", () => {
  it.each<[string, unknown]>([
    ["an unknown kind", [{ id: "r", when: { kind: "angry", itemId: "q" } }]],
    ["low_satisfaction threshold that would catch everyone", [{ id: "r", when: { kind: "low_satisfaction", itemId: "q", atMost: 5 } }]],
    ["nps threshold above 9", [{ id: "r", when: { kind: "nps_detractor", itemId: "q", atMost: 10 } }]],
    ["a routing field in a trigger", [{ id: "r", when: { kind: "conditions", conditions: [{ field: "category", op: "equals", value: "x" }] } }]],
    ["no conditions", [{ id: "r", when: { kind: "conditions", conditions: [] } }]],
    ["a bad severity default", [{ id: "r", when: { kind: "complained", itemId: "q" }, defaults: { severity: "extreme" } }]],
    ["duplicate ids", [{ id: "r", when: { kind: "complained", itemId: "q" } }, { id: "r", when: { kind: "complained", itemId: "q" } }]],
  ])("rejects %s", (_label, input) => {
    expect(ComplaintTriggerRuleListSchema.safeParse(input).success).toBe(false);
  });

  it("fills defaults: enabled, thresholds 2 and 6, match all", () => {
    const [low, nps, generic] = ComplaintTriggerRuleListSchema.parse([
      { id: "a", when: { kind: "low_satisfaction", itemId: "q" } },
      { id: "b", when: { kind: "nps_detractor", itemId: "q" } },
      { id: "c", when: { kind: "conditions", conditions: [{ field: "answers.q", op: "answered" }] } },
    ]);
    expect(low).toMatchObject({ enabled: true, when: { atMost: 2 }, defaults: {} });
    expect(nps.when).toMatchObject({ atMost: 6 });
    expect(generic.when).toMatchObject({ match: "all", conditions: [{ op: "answered", value: true }] });
  });
});

describe("default trigger rules (ACSI template item ids)", () => {
  const rules = defaultComplaintTriggerRules();
  it.each<[string, SurveyAnswers, string | null, number | null]>([
    ["satisfied promoter: nothing", { complained: false, sat_level: 4, nps: 9 }, null, null],
    ["very dissatisfied → high priority, severity high", { sat_level: 1 }, "high", 3],
    ["dissatisfied → normal, medium", { sat_level: 2 }, "normal", 2],
    ["detractor only → normal, low", { nps: 5 }, "normal", 1],
    ["complained and very dissatisfied → strongest wins", { complained: true, sat_level: 1, nps: 0 }, "high", 3],
  ])("%s", (_label, answers, priority, severity) => {
    const { complaint } = evaluateComplaintTriggers(rules, answers, {});
    expect(complaint?.priority ?? null).toBe(priority);
    expect(complaint?.severity ?? null).toBe(severity);
  });

  it("accepts other item ids", () => {
    expect(evaluateComplaintTriggers(defaultComplaintTriggerRules({ nps: "recommend" }), { recommend: 3 }, {}).matches).toHaveLength(1);
  });
});
