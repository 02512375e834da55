/**
 * Survey door: a completed response becomes a complaint when one of its survey's trigger rules
 * matches (surveys.complaint_triggers; src/domain/complaints/triggers.ts). Without configured
 * rules the domain's default set applies (`defaultComplaintTriggerRules`: complained → normal;
 * very dissatisfied → high; dissatisfied → normal; NPS detractor → normal), pointed at the
 * survey's own items, found by their metric roles (`complaint`, `satisfaction_level` or a
 * five-level item, `nps`); rules whose item the survey does not have are left out.
 */
import {
  type ComplaintTriggerEvaluation,
  type ComplaintTriggerRule,
  ComplaintTriggerRuleListSchema,
  defaultComplaintTriggerRules,
  evaluateComplaintTriggers,
  type SurveyAnswers,
} from "../../domain/complaints";
import { listAnswerSlots, metricRoleOf, type SurveyDefinition } from "../../domain/survey/definition";
import { localize } from "../../domain/survey/localization";
import { asComplaintLanguage, type ComplaintLanguage } from "../../domain/complaints/texts";
import type { IntakeRequest } from "./complaints-intake";
import type { ResponseRow } from "./responses";
import type { SurveyRow } from "./surveys";
import { SURVEY_TRIGGER_ACTOR } from "./complaints-constants";

export function defaultComplaintTriggers(definition: SurveyDefinition): ComplaintTriggerRule[] {
  const slots = listAnswerSlots(definition).filter((slot) => !slot.row);
  const complained = slots.find((slot) => slot.kind === "yes_no" && metricRoleOf(slot.metric) === "complaint")?.id;
  const satisfactionLevel = (
    slots.find((slot) => slot.kind === "satisfaction5" && metricRoleOf(slot.metric) === "satisfaction_level") ?? slots.find((slot) => slot.kind === "satisfaction5")
  )?.id;
  const nps = slots.find((slot) => slot.kind === "rating" && metricRoleOf(slot.metric) === "nps")?.id;
  const present = new Set([complained, satisfactionLevel, nps].filter((id): id is string => id !== undefined));
  return defaultComplaintTriggerRules({ complained, satisfactionLevel, nps }).filter(
    (rule) => rule.when.kind !== "conditions" && present.has(rule.when.itemId),
  );
}

/** The survey's configured rules, or the defaults when none are stored (or the stored JSON is invalid). */
export function surveyTriggerRules(survey: Pick<SurveyRow, "complaintTriggers">, definition: SurveyDefinition): ComplaintTriggerRule[] {
  if (survey.complaintTriggers === null || survey.complaintTriggers === undefined) return defaultComplaintTriggers(definition);
  const parsed = ComplaintTriggerRuleListSchema.safeParse(survey.complaintTriggers);
  return parsed.success ? parsed.data : defaultComplaintTriggers(definition);
}

function describeMatch(
  evaluation: ComplaintTriggerEvaluation,
  rules: ComplaintTriggerRule[],
  answers: Record<string, unknown>,
  language: ComplaintLanguage,
): string[] {
  const zh = language === "zh-CN";
  return evaluation.matches.map((match) => {
    const rule = rules.find((candidate) => candidate.id === match.ruleId);
    const when = rule?.when;
    if (when?.kind === "complained") return zh ? "问卷中表示曾投诉" : "Said they complained";
    if (when?.kind === "low_satisfaction") return zh ? `满意度低（${String(answers[when.itemId])}/5）` : `Low satisfaction (${String(answers[when.itemId])}/5)`;
    if (when?.kind === "nps_detractor") return zh ? `NPS 贬损者（${String(answers[when.itemId])}/10）` : `NPS detractor (${String(answers[when.itemId])}/10)`;
    return rule?.name ?? (zh ? "问卷触发规则" : "Survey trigger rule");
  });
}

/** The intake request for a response, or null when no rule matches. */
export function complaintRequestFromResponse(
  survey: Pick<SurveyRow, "id" | "complaintTriggers" | "anonymous">,
  definition: SurveyDefinition,
  response: ResponseRow,
  now: Date,
): IntakeRequest | null {
  const rules = surveyTriggerRules(survey, definition);
  if (rules.length === 0) return null;
  const answers = response.answers as Record<string, unknown>;
  const hidden = (response.hidden ?? {}) as Record<string, string>;
  const evaluation = evaluateComplaintTriggers(rules, answers as SurveyAnswers, hidden);
  if (!evaluation.complaint) return null;
  const language = asComplaintLanguage(response.language);
  const title = localize(definition.title, language, definition.defaultLanguage);
  const reasons = [...new Set(describeMatch(evaluation, rules, answers, language))];
  // Free-text answers are the customer's own words: they become the description.
  const texts: string[] = [];
  for (const slot of listAnswerSlots(definition)) {
    const value = answers[slot.id];
    if (slot.kind === "text" && typeof value === "string" && value.trim()) {
      texts.push(`${localize(slot.item.label, language, definition.defaultLanguage)}\n${value.trim()}`);
    }
  }
  const description = [...texts, `${language === "zh-CN" ? "触发原因" : "Raised because"}: ${reasons.join("; ")}`].join("\n\n");
  const segment: Record<string, string> = {};
  for (const [key, value] of Object.entries(hidden)) if (typeof value === "string" && value.length <= 500) segment[key] = value;
  const email = survey.anonymous ? null : response.respondentEmail;
  return {
    organizationId: response.organizationId,
    source: "survey_trigger",
    intakeKey: `response:${response.id}`,
    sourceResponseId: response.id,
    sourceSurveyId: survey.id,
    subject: `${title}: ${reasons.join("; ")}`.slice(0, 300),
    description,
    category: evaluation.complaint.category,
    touchpoint: evaluation.complaint.touchpoint ?? response.touchpoint,
    region: response.region,
    tier: response.tier,
    segment,
    severity: evaluation.complaint.severity,
    priority: evaluation.complaint.priority ?? "normal",
    desiredRemedy: null,
    contact: { name: null, email, phone: null, anonymous: !email },
    language,
    triggerRuleIds: evaluation.complaint.triggerRuleIds,
    actor: SURVEY_TRIGGER_ACTOR,
    auditActor: { kind: "system", id: SURVEY_TRIGGER_ACTOR.id },
    now,
  };
}
