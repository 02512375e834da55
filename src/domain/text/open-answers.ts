/**
 * The open-answers summary of a survey period: how many comments are positive or negative, which
 * topics come up, with their volume, sentiment and monthly trend, a few representative comments,
 * the words that mark each topic, and the link to the numbers — the mean satisfaction of the
 * respondents who mention a topic against those who do not. Pure: the caller passes comments
 * already scored (stored at write time) and already filtered for erasure.
 */
import type { SentimentLabel } from "./engine";

export interface ScoredComment {
  responseId: string;
  /** Anonymous responses are summarised but never identified in representative comments. */
  anonymous: boolean;
  submittedAt: number;
  text: string;
  sentiment: SentimentLabel;
  score: number;
  topic: string | null;
  topicConfidence: number | null;
  /** The response's satisfaction (e.g. its index score), when it has one. */
  satisfaction: number | null;
  /** Keywords of the text (the engine's words, stop words dropped). */
  words: readonly string[];
}

export interface RepresentativeComment {
  responseId: string | null;
  text: string;
  score: number;
}

export interface TopicSummary {
  topic: string;
  volume: number;
  share: number;
  meanScore: number;
  positiveShare: number;
  negativeShare: number;
  /** Per UTC month (YYYY-MM) with comments on the topic. */
  trend: Array<{ month: string; volume: number; meanScore: number }>;
  representative: RepresentativeComment[];
  keywords: string[];
  /** Mean satisfaction of respondents mentioning the topic / not mentioning it (null: nobody to average). */
  satisfactionMentioning: number | null;
  satisfactionNotMentioning: number | null;
}

export interface OpenAnswersSummary {
  comments: number;
  positiveShare: number;
  negativeShare: number;
  neutralShare: number;
  topics: TopicSummary[];
}

export interface OpenAnswersOptions {
  representativePerTopic: number;
  keywordsPerTopic: number;
  /** A keyword must occur in at least this many of the topic's comments. */
  minKeywordCount: number;
}

export const DEFAULT_OPEN_ANSWERS_OPTIONS: OpenAnswersOptions = { representativePerTopic: 3, keywordsPerTopic: 8, minKeywordCount: 2 };

const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
const mean = (values: readonly number[]) => (values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null);

function monthOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 7);
}

/**
 * Words that mark a topic: the largest smoothed log-odds of appearing in the topic's comments
 * versus the others' (document counts, add-one), among words in at least minKeywordCount of them.
 */
function topicKeywords(inTopic: readonly ScoredComment[], others: readonly ScoredComment[], options: OpenAnswersOptions): string[] {
  const count = (comments: readonly ScoredComment[]) => {
    const counts = new Map<string, number>();
    for (const comment of comments) for (const word of new Set(comment.words)) counts.set(word, (counts.get(word) ?? 0) + 1);
    return counts;
  };
  const topicCounts = count(inTopic);
  const otherCounts = count(others);
  return [...topicCounts.entries()]
    .filter(([, n]) => n >= options.minKeywordCount)
    .map(([word, n]) => {
      const m = otherCounts.get(word) ?? 0;
      const logOdds = Math.log((n + 1) / (inTopic.length - n + 1)) - Math.log((m + 1) / (others.length - m + 1));
      return { word, logOdds, n };
    })
    .sort((a, b) => b.logOdds - a.logOdds || b.n - a.n || (a.word < b.word ? -1 : 1))
    .slice(0, options.keywordsPerTopic)
    .map((entry) => entry.word);
}

/**
 * Representative comments: the most confidently assigned, then the most typical sentiment (closest
 * to the topic's mean score); anonymous ones without their response id.
 */
function representativeComments(inTopic: readonly ScoredComment[], meanScore: number, limit: number): RepresentativeComment[] {
  return [...inTopic]
    .sort(
      (a, b) =>
        (b.topicConfidence ?? 0) - (a.topicConfidence ?? 0) ||
        Math.abs(a.score - meanScore) - Math.abs(b.score - meanScore) ||
        (a.responseId < b.responseId ? -1 : 1),
    )
    .slice(0, limit)
    .map((comment) => ({ responseId: comment.anonymous ? null : comment.responseId, text: comment.text, score: comment.score }));
}

export function summariseOpenAnswers(comments: readonly ScoredComment[], options: OpenAnswersOptions = DEFAULT_OPEN_ANSWERS_OPTIONS): OpenAnswersSummary {
  const bySentiment = (label: SentimentLabel) => comments.filter((comment) => comment.sentiment === label).length;
  const satisfactionByResponse = new Map<string, number>();
  for (const comment of comments) if (comment.satisfaction !== null) satisfactionByResponse.set(comment.responseId, comment.satisfaction);
  const topicNames = [...new Set(comments.flatMap((comment) => (comment.topic ? [comment.topic] : [])))];
  const topics = topicNames.map((topic): TopicSummary => {
    const inTopic = comments.filter((comment) => comment.topic === topic);
    const others = comments.filter((comment) => comment.topic !== topic);
    const meanScore = mean(inTopic.map((comment) => comment.score)) ?? 0;
    const months = [...new Set(inTopic.map((comment) => monthOf(comment.submittedAt)))].sort();
    // A respondent may write several comments: satisfaction is averaged per respondent.
    const mentioning = new Set(inTopic.map((comment) => comment.responseId));
    const satisfactions = (mention: boolean) =>
      [...satisfactionByResponse].filter(([responseId]) => mentioning.has(responseId) === mention).map(([, value]) => value);
    return {
      topic,
      volume: inTopic.length,
      share: share(inTopic.length, comments.length),
      meanScore,
      positiveShare: share(inTopic.filter((comment) => comment.sentiment === "positive").length, inTopic.length),
      negativeShare: share(inTopic.filter((comment) => comment.sentiment === "negative").length, inTopic.length),
      trend: months.map((month) => {
        const inMonth = inTopic.filter((comment) => monthOf(comment.submittedAt) === month);
        return { month, volume: inMonth.length, meanScore: mean(inMonth.map((comment) => comment.score)) ?? 0 };
      }),
      representative: representativeComments(inTopic, meanScore, options.representativePerTopic),
      keywords: topicKeywords(inTopic, others, options),
      satisfactionMentioning: mean(satisfactions(true)),
      satisfactionNotMentioning: mean(satisfactions(false)),
    };
  });
  topics.sort((a, b) => b.volume - a.volume || (a.topic < b.topic ? -1 : 1));
  return {
    comments: comments.length,
    positiveShare: share(bySentiment("positive"), comments.length),
    negativeShare: share(bySentiment("negative"), comments.length),
    neutralShare: share(bySentiment("neutral"), comments.length),
    topics,
  };
}
