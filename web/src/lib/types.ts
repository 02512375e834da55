/** Shapes of the API responses the app reads (type-only imports from the server's contracts). */
export type { ChangeResponse, IndicesResponse, TrendResponse, SegmentsResponse } from "../../../src/contracts/analytics";
export type { SurveyDefinition, SurveyItem, HiddenField, MeasurementPlan } from "../../../src/domain/survey/definition";
import type { SurveyDefinition } from "../../../src/domain/survey/definition";
export type { SurveySummary } from "../../../src/contracts/surveys";
import type { SurveySummary } from "../../../src/contracts/surveys";
export type { ResponseItem, ResponseNote } from "../../../src/contracts/responses";
export type { ApiKey } from "../../../src/contracts/api-keys";

export type SurveyStatus = SurveySummary["status"];

export type SurveyDetail = SurveySummary & {
  draftDefinition: SurveyDefinition;
  versions: { version: number; publishedAt: string }[];
  missingTranslations: { path: string; language: string; message: string }[];
};

export type Template = {
  key: string;
  title: Record<string, string>;
  summary: Record<string, string>;
  languages: string[];
  pageCount: number;
  itemCount: number;
};

export type InvitationStatus = "not_opened" | "opened" | "started" | "completed" | "expired";
export type Invitation = {
  id: string;
  email: string | null;
  hidden: Record<string, string>;
  status: InvitationStatus;
  usesLeft: number;
  validFrom: string | null;
  validUntil: string | null;
  openedAt: string | null;
  completedAt: string | null;
  createdAt: string;
};
export type CreatedInvitation = { id: string; email: string | null; token: string; url: string };

export type Funnel = {
  from: string | null;
  to: string | null;
  views: number;
  starts: number;
  completions: number;
  partials: number;
  startRate: number | null;
  completionRate: number | null;
  dropOff: { pageIndex: number; pageId: string | null; title: string | null; partials: number; share: number }[];
};

export type Page<T> = { total: number; page?: number; pageSize?: number; items: T[] };

/** Picks the text for the UI language from a localized text, falling back sensibly. */
export function localized(text: Record<string, string> | undefined | null, lang: string, fallback?: string): string {
  if (!text) return "";
  return text[lang] ?? text[lang.split("-")[0]!] ?? (fallback ? text[fallback] : undefined) ?? Object.values(text)[0] ?? "";
}
