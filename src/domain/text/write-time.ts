/**
 * What the app stores about a customer text when it is written (queue consumer): language,
 * sentiment, the taxonomy's topics and the content words — and for complaints a suggested category
 * with a sentiment/urgency hint. Also the read side's pure pieces: the topics summary over stored
 * scores (a comment may have several topics) and the emerging phrases. Pure; the engine and the
 * taxonomy are passed in.
 */
import { listAnswerSlots, type SurveyDefinition } from "../survey/definition";
import type { Answers } from "../survey/answers";
import type { SentimentLabel, TextEngine } from "./engine";
import type { TextLanguage } from "./language";
import type { FeatureVector } from "./features";
import { suggestCategory, type OrganisationTextModel } from "./organisation-model";
import { summariseOpenAnswers, type OpenAnswersSummary, type ScoredComment, type TopicSummary } from "./open-answers";
import type { CompiledTaxonomy } from "./taxonomy";

/** Longest text stored and scored: open answers are capped at 5,000 characters by the survey format. */
export const MAX_SCORED_TEXT_CHARS = 5_000;
/** Content words kept per text (the stored keywords feed keywords per topic and emerging phrases). */
const MAX_STORED_KEYWORDS = 40;

export interface StoredTextScore {
  language: TextLanguage | null;
  sentiment: SentimentLabel;
  score: number;
  topics: string[];
  keywords: string[];
}

export function scoreCustomerText(engine: TextEngine, taxonomy: CompiledTaxonomy, text: string): StoredTextScore {
  const analysis = engine.analyze(text);
  return {
    language: analysis.language,
    sentiment: analysis.sentiment,
    score: analysis.score,
    topics: taxonomy.match(text).map((match) => match.key),
    keywords: [...new Set(engine.keywords(text))].slice(0, MAX_STORED_KEYWORDS),
  };
}

/** The non-empty free-text answers of a response, by item id. */
export function openTextAnswers(definition: Pick<SurveyDefinition, "pages">, answers: Answers): Array<{ field: string; text: string }> {
  const out: Array<{ field: string; text: string }> = [];
  for (const slot of listAnswerSlots(definition)) {
    if (slot.kind !== "text") continue;
    const value = answers[slot.id];
    if (typeof value !== "string") continue;
    const text = value.trim().slice(0, MAX_SCORED_TEXT_CHARS);
    if (text.length > 0) out.push({ field: slot.id, text });
  }
  return out;
}

/**
 * A respondent's satisfaction on 0-100: the mean of their answers to the items tagged with the
 * `satisfaction` construct, each rescaled (x − min) / (max − min) · 100 as the ACSI reports
 * indices; without such items, the five-level satisfaction item. Unweighted: a per-respondent
 * score to compare groups of respondents, not the survey's PLS-weighted index.
 */
export function respondentSatisfaction(definition: Pick<SurveyDefinition, "pages">, answers: Answers): number | null {
  const slots = listAnswerSlots(definition).filter((slot) => slot.bounds && slot.bounds.max > slot.bounds.min);
  const rescaled = (ids: typeof slots) =>
    ids.flatMap((slot) => {
      const value = answers[slot.id];
      return typeof value === "number" ? [((value - slot.bounds!.min) / (slot.bounds!.max - slot.bounds!.min)) * 100] : [];
    });
  let values = rescaled(slots.filter((slot) => slot.construct === "satisfaction"));
  if (values.length === 0) values = rescaled(slots.filter((slot) => slot.metric === "satisfaction_level"));
  if (values.length === 0) return null;
  return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;
}

// ---------------------------------------------------------------------------------------------
// Complaints: suggested category and urgency hint
// ---------------------------------------------------------------------------------------------

/** Words that make a complaint urgent whatever its tone: safety, legal threats, regulators, escalation. */
const URGENCY_CUES = [
  "紧急", "马上", "立刻", "尽快", "危险", "受伤", "起火", "漏电", "过敏", "中毒", "律师", "起诉", "法院", "12315", "消协", "媒体", "曝光", "再不处理",
  "urgent", "immediately", "asap", "right now", "dangerous", "danger", "injured", "injury", "fire", "burn", "allergic", "lawyer", "legal action", "sue", "court", "regulator", "trading standards", "press",
];

export type UrgencyLevel = "low" | "normal" | "high";

export interface UrgencyHint {
  urgency: UrgencyLevel;
  cues: string[];
}

/** Strongly negative texts are urgent; so is any safety, legal or escalation cue. */
export const URGENT_SCORE = -0.6;

export function urgencyHint(text: string, score: number): UrgencyHint {
  const normalized = text.normalize("NFKC").toLowerCase();
  const cues = URGENCY_CUES.filter((cue) => (/^[a-z ]+$/.test(cue) ? new RegExp(`\\b${cue}\\b`).test(normalized) : normalized.includes(cue)));
  const urgency: UrgencyLevel = cues.length > 0 || score <= URGENT_SCORE ? "high" : score < 0 ? "normal" : "low";
  return { urgency, cues };
}

export interface ComplaintCategorySuggestion {
  category: string;
  confidence: number;
  basis: "organisation_model" | "keywords";
}

/**
 * The organisation's own model once it has learnt from enough staff decisions; before that (or
 * when it is unsure), the taxonomy topic with the most keyword hits that maps to one of the
 * organisation's complaint categories. Keyword confidence is the share of the matched topics' hits.
 */
export function suggestComplaintCategory(input: {
  model: OrganisationTextModel;
  features: FeatureVector;
  taxonomy: CompiledTaxonomy;
  text: string;
  categories: readonly string[];
}): ComplaintCategorySuggestion | null {
  const learnt = suggestCategory(input.model, input.features);
  if (learnt && input.categories.includes(learnt.label) && learnt.confidence >= 0.5) {
    return { category: learnt.label, confidence: learnt.confidence, basis: "organisation_model" };
  }
  const categoryOf = new Map(input.taxonomy.topics.flatMap((topic) => (topic.complaintCategory ? [[topic.key, topic.complaintCategory] as const] : [])));
  const matches = input.taxonomy.match(input.text).flatMap((match) => {
    const category = categoryOf.get(match.key);
    return category && input.categories.includes(category) ? [{ category, hits: match.hits }] : [];
  });
  if (matches.length === 0) return learnt && input.categories.includes(learnt.label) ? { category: learnt.label, confidence: learnt.confidence, basis: "organisation_model" } : null;
  const total = matches.reduce((sum, match) => sum + match.hits, 0);
  const best = matches.reduce((a, b) => (b.hits > a.hits ? b : a));
  return { category: best.category, confidence: Math.round((best.hits / total) * 100) / 100, basis: "keywords" };
}

// ---------------------------------------------------------------------------------------------
// Read side: topics over stored scores, emerging phrases
// ---------------------------------------------------------------------------------------------

export interface StoredComment extends Omit<ScoredComment, "topic" | "topicConfidence"> {
  topics: readonly string[];
}

/**
 * The open-answers summary when a comment may have several topics: each topic is summarised over
 * the comments that mention it (the engine's summary, one row per comment × topic), while the
 * overall shares and each topic's share count every comment once.
 */
export function summariseStoredComments(comments: readonly StoredComment[], representativePerTopic = 3): OpenAnswersSummary {
  const expanded = comments.flatMap((comment): ScoredComment[] =>
    comment.topics.length === 0
      ? [{ ...comment, topic: null, topicConfidence: null }]
      : comment.topics.map((topic) => ({ ...comment, topic, topicConfidence: null })),
  );
  const perTopic = summariseOpenAnswers(expanded, { representativePerTopic, keywordsPerTopic: 8, minKeywordCount: 2 });
  const overall = summariseOpenAnswers(comments.map((comment) => ({ ...comment, topic: null, topicConfidence: null })));
  const topics: TopicSummary[] = perTopic.topics.map((topic) => ({ ...topic, share: comments.length > 0 ? topic.volume / comments.length : 0 }));
  return { ...overall, topics };
}

export interface EmergingPhrase {
  phrase: string;
  count: number;
  previousCount: number;
  /** Smoothed growth: (count + 1) / (previousCount + 1), per equal-length period. */
  growth: number;
}

/**
 * Phrases that grow fastest: content words in at least `minCount` comments of the period, not
 * covered by the taxonomy, ranked by their add-one growth against the previous period of the same
 * length (counts of the previous period scaled to the current one's number of comments).
 */
export function emergingPhrases(
  current: ReadonlyArray<readonly string[]>,
  previous: ReadonlyArray<readonly string[]>,
  covered: (word: string) => boolean,
  options: { limit?: number; minCount?: number } = {},
): EmergingPhrase[] {
  const { limit = 8, minCount = 3 } = options;
  const count = (texts: ReadonlyArray<readonly string[]>) => {
    const counts = new Map<string, number>();
    for (const words of texts) for (const word of new Set(words)) counts.set(word, (counts.get(word) ?? 0) + 1);
    return counts;
  };
  const now = count(current);
  const before = count(previous);
  const scale = previous.length > 0 ? current.length / previous.length : 1;
  return [...now.entries()]
    .filter(([word, n]) => n >= minCount && !covered(word))
    .map(([phrase, n]) => {
      const previousCount = before.get(phrase) ?? 0;
      return { phrase, count: n, previousCount, growth: Math.round(((n + 1) / (previousCount * scale + 1)) * 100) / 100 };
    })
    .sort((a, b) => b.growth - a.growth || b.count - a.count || (a.phrase < b.phrase ? -1 : 1))
    .slice(0, limit);
}
