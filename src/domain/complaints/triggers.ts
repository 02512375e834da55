/**
 * Survey trigger rules: turn a survey response into a complaint (seeds digest §2.2 item 1: inbox
 * auto-populated from explicit complaints, "very dissatisfied / dissatisfied" answers and
 * "complained formally / to a person" answers; CustomerGauge/Qualtrics detractor alerts).
 *
 * Per-survey rules, each with one `when`:
 * - complained        the complaint item (ACSI "did you complain?") is answered yes
 * - low_satisfaction  a 5-level satisfaction item is at one of the two lowest levels (≤ 2 by
 *                     default; seed 001 A6: levels 1–2 mean anger/annoyance and a wish for remedy)
 * - nps_detractor     a 0–10 recommend item is ≤ 6
 * - conditions        generic conditions over `answers.<itemId>` and `hidden.<key>` with the shared
 *                     operators (conditions.ts), combined with all/any
 * and the classification defaults to give the complaint (category, severity, priority, touchpoint).
 */
import { z } from "zod";
import {
  ComplaintCategorySchema,
  type ComplaintCategory,
  type ComplaintPriority,
  ComplaintPrioritySchema,
  type ComplaintSeverity,
  ComplaintSeverityInputSchema,
  maxComplaintPriority,
} from "./classification";
import {
  type ConditionFieldValue,
  type ConditionScalar,
  ConditionMatchModeSchema,
  conditionSchemaFor,
  evaluateConditions,
} from "./conditions";
import { EntityIdSchema } from "./primitives";

export const TriggerFieldSchema = z
  .string()
  .regex(/^(?:answers|hidden)\.[A-Za-z0-9_.-]{1,100}$/, { message: "must be answers.<itemId> or hidden.<field>" });
export const TriggerConditionSchema = conditionSchemaFor(TriggerFieldSchema);
export type TriggerCondition = z.output<typeof TriggerConditionSchema>;

const itemId = z.string().trim().min(1).max(100);

export const ComplaintTriggerWhenSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("complained"), itemId }),
  z.object({ kind: z.literal("low_satisfaction"), itemId, atMost: z.number().int().min(1).max(4).default(2) }),
  z.object({ kind: z.literal("nps_detractor"), itemId, atMost: z.number().int().min(0).max(9).default(6) }),
  z.object({
    kind: z.literal("conditions"),
    match: ConditionMatchModeSchema.default("all"),
    conditions: z.array(TriggerConditionSchema).min(1).max(50),
  }),
]);
export type ComplaintTriggerWhen = z.output<typeof ComplaintTriggerWhenSchema>;

export const ComplaintTriggerDefaultsSchema = z.object({
  category: ComplaintCategorySchema.optional(),
  severity: ComplaintSeverityInputSchema.optional(),
  priority: ComplaintPrioritySchema.optional(),
  touchpoint: z.string().trim().min(1).max(100).optional(),
});
export type ComplaintTriggerDefaults = z.output<typeof ComplaintTriggerDefaultsSchema>;

export const ComplaintTriggerRuleSchema = z.object({
  id: EntityIdSchema,
  name: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().default(true),
  when: ComplaintTriggerWhenSchema,
  defaults: ComplaintTriggerDefaultsSchema.default({}),
});
export type ComplaintTriggerRule = z.output<typeof ComplaintTriggerRuleSchema>;
export type ComplaintTriggerRuleInput = z.input<typeof ComplaintTriggerRuleSchema>;

/** The JSON stored in surveys.complaint_triggers. */
export const ComplaintTriggerRuleListSchema = z
  .array(ComplaintTriggerRuleSchema)
  .max(100)
  .refine((rules) => new Set(rules.map((rule) => rule.id)).size === rules.length, { message: "trigger rule ids must be unique" });

/** Answer values as stored on a response (multi-choice answers are string arrays). */
export type SurveyAnswerValue = ConditionScalar | readonly string[] | null;
export type SurveyAnswers = Readonly<Record<string, SurveyAnswerValue | undefined>>;
export type SurveyHiddenFields = Readonly<Record<string, string | undefined>>;

export type ComplaintTriggerMatch = {
  ruleId: string;
  kind: ComplaintTriggerWhen["kind"];
  defaults: ComplaintTriggerDefaults;
};

export type ComplaintTriggerEvaluation = {
  /** Every enabled rule that matched, in rule order. */
  matches: ComplaintTriggerMatch[];
  /**
   * What to set on the new complaint, null when nothing matched. When several rules match, the
   * most severe wins: highest priority, highest severity; category and touchpoint come from the
   * first matching rule that sets them (rule order = admin's precedence).
   */
  complaint: {
    triggerRuleIds: string[];
    priority: ComplaintPriority | null;
    severity: ComplaintSeverity | null;
    category: ComplaintCategory | null;
    touchpoint: string | null;
  } | null;
};

/** "Yes" as surveys store it: boolean true, 1, or yes/true/是 (a Chinese yes/no item). */
function isYes(value: SurveyAnswerValue | undefined): boolean {
  if (value === true || value === 1) return true;
  if (typeof value !== "string") return false;
  return ["yes", "true", "1", "是"].includes(value.trim().toLowerCase());
}

function numericAnswer(value: SurveyAnswerValue | undefined): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value.trim());
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function whenMatches(when: ComplaintTriggerWhen, answers: SurveyAnswers, hidden: SurveyHiddenFields): boolean {
  switch (when.kind) {
    case "complained":
      return isYes(answers[when.itemId]);
    case "low_satisfaction": {
      const score = numericAnswer(answers[when.itemId]);
      return score !== null && score >= 1 && score <= when.atMost;
    }
    case "nps_detractor": {
      const score = numericAnswer(answers[when.itemId]);
      return score !== null && score >= 0 && score <= when.atMost;
    }
    case "conditions":
      return evaluateConditions(when.match, when.conditions, (field): ConditionFieldValue => {
        if (field.startsWith("answers.")) return answers[field.slice("answers.".length)];
        if (field.startsWith("hidden.")) return hidden[field.slice("hidden.".length)];
        return undefined;
      });
  }
}

export function evaluateComplaintTriggers(
  rules: readonly ComplaintTriggerRule[],
  answers: SurveyAnswers,
  hidden: SurveyHiddenFields,
): ComplaintTriggerEvaluation {
  const matches: ComplaintTriggerMatch[] = rules
    .filter((rule) => rule.enabled && whenMatches(rule.when, answers, hidden))
    .map((rule) => ({ ruleId: rule.id, kind: rule.when.kind, defaults: rule.defaults }));
  if (matches.length === 0) return { matches, complaint: null };

  const severities = matches.flatMap((match) => (match.defaults.severity === undefined ? [] : [match.defaults.severity]));
  return {
    matches,
    complaint: {
      triggerRuleIds: matches.map((match) => match.ruleId),
      priority: maxComplaintPriority(matches.flatMap((match) => (match.defaults.priority ? [match.defaults.priority] : []))),
      severity: severities.length > 0 ? (Math.max(...severities) as ComplaintSeverity) : null,
      category: matches.find((match) => match.defaults.category)?.defaults.category ?? null,
      touchpoint: matches.find((match) => match.defaults.touchpoint)?.defaults.touchpoint ?? null,
    },
  };
}

/**
 * Whether a completed response has follow-up work apart from webhooks: one of the survey's complaint
 * trigger rules matches (a complaint), or it answers a complaint-handling invitation (hidden
 * `case_id`: attach the result). The third duty, response.completed webhook subscribers, is checked by
 * the submit batch in SQL. When none applies the submit marks the response evaluated itself and sends
 * no queue message.
 */
export function answersNeedFollowUp(rules: readonly ComplaintTriggerRule[], answers: SurveyAnswers, hidden: SurveyHiddenFields): boolean {
  if (hidden.case_id) return true;
  return evaluateComplaintTriggers(rules, answers, hidden).complaint !== null;
}

/**
 * A starting rule set for the built-in templates (item ids of the ACSI template by default):
 * a "did you complain?" yes, the two lowest satisfaction levels, and NPS detractors. "Very
 * dissatisfied" gets its own, stronger rule because the seeds tie that level to anger and
 * negative word of mouth (seed 001 A6), which is what makes a complaint urgent to recover.
 */
export function defaultComplaintTriggerRules(
  itemIds: { complained?: string; satisfactionLevel?: string; nps?: string } = {},
): ComplaintTriggerRule[] {
  const { complained = "complained", satisfactionLevel = "sat_level", nps = "nps" } = itemIds;
  return ComplaintTriggerRuleListSchema.parse([
    { id: "default_complained", when: { kind: "complained", itemId: complained }, defaults: { priority: "normal", severity: "medium" } },
    { id: "default_very_dissatisfied", when: { kind: "low_satisfaction", itemId: satisfactionLevel, atMost: 1 }, defaults: { priority: "high", severity: "high" } },
    { id: "default_dissatisfied", when: { kind: "low_satisfaction", itemId: satisfactionLevel, atMost: 2 }, defaults: { priority: "normal", severity: "medium" } },
    { id: "default_nps_detractor", when: { kind: "nps_detractor", itemId: nps }, defaults: { priority: "normal", severity: "low" } },
  ] satisfies ComplaintTriggerRuleInput[]);
}
