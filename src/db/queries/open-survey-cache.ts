/**
 * Per-isolate cache of open surveys for the public submit path: slug → the survey columns it needs,
 * the parsed published definition and its complaint trigger rules. An entry lives a few seconds and
 * is only a starting point: the submit batch re-checks status, window, published version, settings
 * (updated_at) and quota in its SQL gate, and a refused gate drops the entry (survey-access.ts).
 */
import type { OpenSurvey } from "./survey-access";

/** How long a survey read serves later submissions of the same isolate. */
export const OPEN_SURVEY_TTL_MS = 5_000;
/** Bounds the isolate's memory: the oldest entry goes first. */
const MAX_ENTRIES = 200;

const entries = new Map<string, { open: OpenSurvey; expiresAt: number }>();

export function cachedOpenSurvey(slug: string, nowMs: number): OpenSurvey | undefined {
  const entry = entries.get(slug);
  if (!entry) return undefined;
  if (entry.expiresAt <= nowMs) {
    entries.delete(slug);
    return undefined;
  }
  return entry.open;
}

export function rememberOpenSurvey(slug: string, open: OpenSurvey, nowMs: number): void {
  // Re-inserting moves the slug to the end of the Map's order, so the first key is the oldest.
  entries.delete(slug);
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(slug, { open, expiresAt: nowMs + OPEN_SURVEY_TTL_MS });
}

export function forgetOpenSurvey(slug: string): void {
  entries.delete(slug);
}
