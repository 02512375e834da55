/**
 * Hidden fields: context passed by the survey link (`?touchpoint=store&region=east`) and stored
 * with the response so analytics can segment results (seeds digest F3 segmentation bases; G4
 * touchpoint-level satisfaction). The query string is attacker-controlled, so values are
 * length-capped, stripped of control characters and, when the field declares allowedValues,
 * restricted to them.
 */
import { MAX_HIDDEN_FIELD_VALUE_LENGTH, type SegmentTag, type SurveyDefinition } from "./definition";

export type HiddenFieldValues = Record<string, string>;

export type HiddenFieldRejection = { id: string; reason: "not_allowed" | "too_long" | "multiple_values" };

export type HiddenFieldParseResult = { values: HiddenFieldValues; rejected: HiddenFieldRejection[] };

/**
 * Picks the declared hidden fields out of a query (e.g. `c.req.queries()` or `c.req.query()`).
 * Unknown parameters are ignored (links carry `lang`, tracking parameters, …); rejected values
 * are reported so the route can log tampering, but never block the survey.
 */
export function parseHiddenFieldValues(
  definition: Pick<SurveyDefinition, "hiddenFields">,
  query: Readonly<Record<string, string | readonly string[] | undefined>>,
): HiddenFieldParseResult {
  const values: HiddenFieldValues = {};
  const rejected: HiddenFieldRejection[] = [];
  for (const field of definition.hiddenFields) {
    const raw = query[field.id];
    if (raw === undefined) continue;
    const list = typeof raw === "string" ? [raw] : raw.filter((entry) => entry !== "");
    if (list.length === 0) continue;
    if (new Set(list).size > 1) {
      rejected.push({ id: field.id, reason: "multiple_values" });
      continue;
    }
    const value = list[0].replace(/[\u0000-\u001F\u007F]/g, "").trim();
    if (value === "") continue;
    if ([...value].length > MAX_HIDDEN_FIELD_VALUE_LENGTH) {
      rejected.push({ id: field.id, reason: "too_long" });
      continue;
    }
    if (field.allowedValues && !field.allowedValues.includes(value)) {
      rejected.push({ id: field.id, reason: "not_allowed" });
      continue;
    }
    values[field.id] = value;
  }
  return { values, rejected };
}

/** Re-keys hidden-field values by their segment tag (`{ touchpoint: "store" }`) for analytics. */
export function segmentValues(
  definition: Pick<SurveyDefinition, "hiddenFields">,
  values: Readonly<HiddenFieldValues>,
): Partial<Record<SegmentTag, string>> {
  const segments: Partial<Record<SegmentTag, string>> = {};
  for (const field of definition.hiddenFields) {
    const value = values[field.id];
    if (field.segment && value !== undefined) segments[field.segment] = value;
  }
  return segments;
}
