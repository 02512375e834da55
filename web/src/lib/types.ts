/** Shapes of the API responses the app reads: inferred from the server's contracts (src/contracts). */
export type { ChangeResponse, IndicesResponse, TrendResponse, SegmentsResponse } from "../../../src/contracts/analytics";
export type { SurveyDefinition, SurveyItem, HiddenField, MeasurementPlan } from "../../../src/domain/survey/definition";
export type { SurveySummary, SurveyDetail, Invitation, InvitationList, InvitationStatus, CreatedInvitation } from "../../../src/contracts/surveys";
import type { SurveySummary } from "../../../src/contracts/surveys";
export type { ResponseItem, ResponseList, ResponseNote, ResponseTags, Funnel } from "../../../src/contracts/responses";
export type { ApiKey, CreatedApiKey } from "../../../src/contracts/api-keys";
export type { SurveyTemplateSummary as Template } from "../../../src/domain/survey/templates";

export type SurveyStatus = SurveySummary["status"];

/** Picks the text for the UI language from a localized text, falling back sensibly. */
export function localized(text: Record<string, string> | undefined | null, lang: string, fallback?: string): string {
  if (!text) return "";
  return text[lang] ?? text[lang.split("-")[0]!] ?? (fallback ? text[fallback] : undefined) ?? Object.values(text)[0] ?? "";
}
