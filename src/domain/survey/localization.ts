/**
 * Languages and localized texts for survey definitions.
 *
 * Every respondent-facing text in a definition is a `LocalizedText` object keyed by language
 * tag (`{ "zh-CN": "…", "en": "…" }`). The platform ships UI chrome for Simplified Chinese and
 * English (the seeds are Chinese-language material and the product is bilingual — seeds digest
 * §2.4 item 16), but the format itself accepts any BCP 47-style tag so a survey can add e.g.
 * "zh-TW" without a format change.
 */
import { z } from "zod";

/** Languages the platform ships UI strings and template texts for. */
export const BUILT_IN_LANGUAGES = ["zh-CN", "en"] as const;
export type BuiltInLanguage = (typeof BUILT_IN_LANGUAGES)[number];

/**
 * A pragmatic subset of BCP 47: primary language subtag plus optional script/region subtags.
 * Strict enough to catch typos such as "zh_CN" or "EN " that would silently never match.
 */
export const LanguageTagSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
    message: 'must be a language tag such as "zh-CN" or "en" (lowercase language, hyphen-separated subtags)',
  });
export type LanguageTag = z.infer<typeof LanguageTagSchema>;

/** Upper bound for any single translated string; keeps stored definitions and rendered pages bounded. */
export const MAX_LOCALIZED_TEXT_LENGTH = 2000;

/**
 * Text in one or more languages. Which languages must be present is decided by the survey
 * (`languages` / `defaultLanguage`), so this schema only checks shape; the definition-level
 * refinement enforces the default language and `findMissingTranslations` reports the rest.
 */
export const LocalizedTextSchema = z.record(
  LanguageTagSchema,
  z.string().max(MAX_LOCALIZED_TEXT_LENGTH, { message: `must be at most ${MAX_LOCALIZED_TEXT_LENGTH} characters` }),
);
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

function primarySubtag(tag: string): string {
  return tag.split("-")[0].toLowerCase();
}

/**
 * Finds the declared language that best serves a requested tag: exact (case-insensitive) match
 * first, then same primary language ("zh-TW" or "zh" → "zh-CN", "en-GB" → "en"), because a reader
 * of any Chinese variant is better served by Chinese than by falling back to the default.
 */
export function matchLanguage(requested: string, available: readonly string[]): string | undefined {
  const wanted = requested.trim().toLowerCase();
  if (wanted === "" || wanted === "*") return undefined;
  const exact = available.find((tag) => tag.toLowerCase() === wanted);
  if (exact) return exact;
  const primary = primarySubtag(wanted);
  return available.find((tag) => primarySubtag(tag) === primary);
}

export type AcceptLanguageEntry = { tag: string; quality: number };

/**
 * Parses an Accept-Language header into tags ordered by preference (RFC 9110 §12.5.4).
 * Malformed entries are skipped rather than rejected: the header is browser-supplied and a
 * bad entry must never break rendering.
 */
export function parseAcceptLanguage(header: string | undefined | null): AcceptLanguageEntry[] {
  if (!header) return [];
  const entries: Array<AcceptLanguageEntry & { position: number }> = [];
  header.split(",").forEach((part, position) => {
    const [rawTag, ...params] = part.trim().split(";");
    const tag = rawTag.trim();
    if (tag === "" || tag.length > 35) return;
    let quality = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param);
      if (match) quality = Number(match[1]);
    }
    if (!Number.isFinite(quality) || quality <= 0 || quality > 1) return;
    entries.push({ tag, quality, position });
  });
  // Stable sort by quality so equal-quality tags keep the browser's order.
  entries.sort((a, b) => b.quality - a.quality || a.position - b.position);
  return entries.map(({ tag, quality }) => ({ tag, quality }));
}

/** The subset of a definition that language selection needs (keeps this helper decoupled). */
export type LanguageSettings = { languages: readonly string[]; defaultLanguage: string };

/**
 * Chooses the language to render a survey in: an explicit request (e.g. `?lang=en` or a stored
 * respondent preference) wins, then the browser's Accept-Language preferences, then the survey's
 * default language. Always returns one of the survey's declared languages.
 */
export function pickLanguage(
  definition: LanguageSettings,
  requested?: string | null,
  acceptLanguage?: string | null,
): string {
  if (requested) {
    const match = matchLanguage(requested, definition.languages);
    if (match) return match;
  }
  for (const entry of parseAcceptLanguage(acceptLanguage)) {
    const match = matchLanguage(entry.tag, definition.languages);
    if (match) return match;
  }
  return definition.defaultLanguage;
}

/**
 * Resolves a localized text for display. Falls back to the survey's default language and then
 * to any non-empty translation, so a missing translation degrades to another language instead of
 * an empty label (the definition refinement guarantees the default language exists).
 */
export function localize(text: LocalizedText | undefined, language: string, fallbackLanguage?: string): string {
  if (!text) return "";
  const direct = text[language];
  if (direct !== undefined && direct.trim() !== "") return direct;
  const matched = matchLanguage(language, Object.keys(text).filter((tag) => text[tag].trim() !== ""));
  if (matched) return text[matched];
  if (fallbackLanguage) {
    const fallback = text[fallbackLanguage];
    if (fallback !== undefined && fallback.trim() !== "") return fallback;
  }
  for (const value of Object.values(text)) {
    if (value.trim() !== "") return value;
  }
  return "";
}
