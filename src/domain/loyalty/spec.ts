/**
 * Which items of a survey feed the loyalty model, read off its tags:
 * - metric roles `attraction`, `participation` (ratings) and `panel_opt_in` (yes/no);
 * - `perceptionPair` on an expectation item (and SERVQUAL expectation/perception pairs);
 * - the five-level `satisfaction_level` item, else the first satisfaction-construct item;
 * - intent: `repurchase`, `recommend` and `nps` items;
 * - the respondent status: a hidden field whose segment is `custom:respondent_status`.
 * A survey without any of the loyalty-model tags has no loyalty statistics at all, so the stored
 * statistics layout of every existing survey version stays as it was.
 */
import { isNumericKind, listAnswerSlots, type AnswerSlot, type SurveyDefinition } from "../survey/definition";
import type { Answers } from "../survey/answers";
import { computeVisibility, type Visibility } from "../survey/logic";
import { findExpectationPerceptionPairs } from "../survey/numeric";
import type { LoyaltyModelItems } from "./formulas";
import { isRespondentStatus, STATUS_GROUP_KEYS, type LoyaltyRow, type LoyaltyStatsSpec, type ScaledItem, type StatusGroupKey } from "./stats";

/** The segment tag that marks a hidden field (or invitation CSV column) as the respondent status. */
export const RESPONDENT_STATUS_SEGMENT = "custom:respondent_status";

export type LoyaltySurveyModel = {
  stats: LoyaltyStatsSpec;
  items: LoyaltyModelItems;
  /** The hidden field carrying current / former / potential, if the survey has one. */
  statusFieldId: string | null;
  /** Open (free-text) question ids: answering one is a participation signal. */
  openItemIds: string[];
};

const LOYALTY_ROLES = new Set(["attraction", "participation", "panel_opt_in"]);
const INTENT_ROLES = new Set(["repurchase", "recommend", "nps"]);

const scaled = (slot: AnswerSlot): ScaledItem => ({ id: slot.id, min: slot.bounds!.min, max: slot.bounds!.max });

const modelCache = new WeakMap<SurveyDefinition, LoyaltySurveyModel | null>();

export function loyaltyModelFor(definition: SurveyDefinition): LoyaltySurveyModel | null {
  if (modelCache.has(definition)) return modelCache.get(definition)!;
  const model = buildModel(definition);
  modelCache.set(definition, model);
  return model;
}

function buildModel(definition: SurveyDefinition): LoyaltySurveyModel | null {
  const slots = listAnswerSlots(definition);
  const statusField = definition.hiddenFields.find((field) => field.segment === RESPONDENT_STATUS_SEGMENT);
  const roleOf = (slot: AnswerSlot) => (typeof slot.metric === "string" ? slot.metric : undefined);
  const optedIn = statusField !== undefined || slots.some((slot) => slot.perceptionPair !== undefined || LOYALTY_ROLES.has(roleOf(slot) ?? ""));
  if (!optedIn) return null;

  const numeric = slots.filter((slot) => isNumericKind(slot.kind) && slot.bounds !== undefined);
  const withRole = (role: string) => numeric.filter((slot) => roleOf(slot) === role).map(scaled);
  const level = numeric.find((slot) => roleOf(slot) === "satisfaction_level");
  const satisfactionItems = numeric.filter((slot) => slot.construct === "satisfaction" && slot.kind !== "yes_no");
  const satisfactionSource = level ?? satisfactionItems[0];

  const pairs: LoyaltyStatsSpec["pairs"] = [];
  const byId = new Map(numeric.map((slot) => [slot.id, slot]));
  for (const slot of numeric) {
    if (slot.perceptionPair !== undefined && byId.has(slot.perceptionPair)) {
      pairs.push({ key: slot.id, expectationItemId: slot.id, perceptionItemId: slot.perceptionPair });
    }
  }
  for (const pair of findExpectationPerceptionPairs(definition)) {
    if (!pairs.some((p) => p.key === pair.pairKey)) pairs.push({ key: pair.pairKey, expectationItemId: pair.expectationItemId, perceptionItemId: pair.perceptionItemId });
  }

  return {
    stats: {
      items: numeric.map(scaled),
      satisfaction: satisfactionSource ? { ...scaled(satisfactionSource), banded: satisfactionSource.kind !== "satisfaction5" } : null,
      intentItems: numeric.filter((slot) => INTENT_ROLES.has(roleOf(slot) ?? "")).map(scaled),
      pairs,
      choices: slots.flatMap((slot) =>
        slot.item.type === "single_choice" || slot.item.type === "multiple_choice" ? [{ id: slot.id, optionIds: slot.item.options.map((option) => option.id) }] : [],
      ),
    },
    items: {
      satisfactionItems: satisfactionItems.map(scaled),
      attractionItems: withRole("attraction"),
      willingnessItems: withRole("participation"),
      panelOptInItems: withRole("panel_opt_in"),
    },
    statusFieldId: statusField?.id ?? null,
    openItemIds: slots.filter((slot) => slot.kind === "text").map((slot) => slot.id),
  };
}

/** The status of a response from its hidden fields; anything but current/former/potential is unspecified. */
export function respondentStatusOf(model: LoyaltySurveyModel, hidden: Readonly<Record<string, string>>): StatusGroupKey {
  const value = model.statusFieldId ? hidden[model.statusFieldId] : undefined;
  return isRespondentStatus(value) ? value : "unspecified";
}

/**
 * What a response adds besides its item values, logged so compaction can rebuild the loyalty counts:
 * status code, open question shown (0/1), open question answered (0/1), then per coded question an
 * answered flag and one 0/1 per option. Hidden (not shown) questions count as unanswered.
 */
export function loyaltyLogExtras(
  definition: SurveyDefinition,
  model: LoyaltySurveyModel,
  answers: Readonly<Answers>,
  hidden: Readonly<Record<string, string>>,
  visibility?: Visibility,
): number[] {
  const status = respondentStatusOf(model, hidden);
  let offered = false;
  let answered = false;
  const needsVisibility = model.openItemIds.length > 0 || model.stats.choices.length > 0;
  const visible = needsVisibility ? (visibility ?? computeVisibility(definition, answers)).visibleItemIds : new Set<string>();
  for (const id of model.openItemIds) {
    if (!visible.has(id)) continue;
    offered = true;
    const value = answers[id];
    if (typeof value === "string" && value.trim() !== "") answered = true;
  }
  const choiceFlags: number[] = [];
  for (const choice of model.stats.choices) {
    const selected = visible.has(choice.id) ? selectedOptions(answers[choice.id]) : [];
    choiceFlags.push(selected.length > 0 ? 1 : 0, ...choice.optionIds.map((option) => (selected.includes(option) ? 1 : 0)));
  }
  return [STATUS_GROUP_KEYS.indexOf(status), offered ? 1 : 0, answered ? 1 : 0, ...choiceFlags];
}

function selectedOptions(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
}

/** The loyalty view of one logged row: item values (in `spec.items` order) followed by the extras. */
export function loyaltyRowFromLog(spec: LoyaltyStatsSpec, itemIds: readonly string[], logged: readonly (number | null)[]): LoyaltyRow {
  const values: Record<string, number | null> = {};
  itemIds.forEach((id, i) => (values[id] = logged[i] ?? null));
  let k = itemIds.length;
  const [statusCode, offered, answered] = [logged[k], logged[k + 1], logged[k + 2]];
  k += 3;
  const choices: Record<string, string[]> = {};
  for (const choice of spec.choices) {
    const isAnswered = logged[k++] === 1;
    const selected = choice.optionIds.filter((_, i) => logged[k + i] === 1);
    k += choice.optionIds.length;
    if (isAnswered) choices[choice.id] = selected;
  }
  return {
    values,
    status: STATUS_GROUP_KEYS[statusCode ?? 0] ?? "unspecified",
    openOffered: offered === 1,
    openAnswered: answered === 1,
    choices,
  };
}
