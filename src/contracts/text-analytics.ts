/**
 * Contracts of the text analytics endpoints (docs/text-analytics.md "In the app"): the open-answers
 * topics view of a survey, its comment drill-down, the organisation's topic taxonomy and a
 * complaint's suggested category. Shares are fractions in [0, 1]; scores in [−1, 1];
 * satisfaction 0-100.
 */
import { z } from "@hono/zod-openapi";
import { TaxonomyTopicSchema, TaxonomySchema } from "../domain/text/taxonomy";

const Sentiment = z.enum(["positive", "negative", "neutral"]);

export const TopicSummarySchema = z.object({
  topic: z.string(),
  labelZh: z.string(),
  labelEn: z.string(),
  volume: z.number(),
  share: z.number(),
  meanScore: z.number(),
  positiveShare: z.number(),
  negativeShare: z.number(),
  trend: z.array(z.object({ month: z.string(), volume: z.number(), meanScore: z.number() })),
  representative: z.array(z.object({ responseId: z.string().nullable(), text: z.string(), score: z.number() })),
  keywords: z.array(z.string()),
  satisfactionMentioning: z.number().nullable(),
  satisfactionNotMentioning: z.number().nullable(),
});

export const OpenAnswersResponseSchema = z
  .object({
    surveyId: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    filters: z.record(z.string(), z.string()),
    comments: z.number(),
    positiveShare: z.number(),
    negativeShare: z.number(),
    neutralShare: z.number(),
    /** Comments matching no topic of the taxonomy. */
    unassigned: z.number(),
    topics: z.array(TopicSummarySchema),
    emerging: z.array(z.object({ phrase: z.string(), count: z.number(), previousCount: z.number(), growth: z.number() })),
    /** True when the selection held more comments than one view reads. */
    truncated: z.boolean(),
    modelVersion: z.string(),
  })
  .openapi("OpenAnswers");
export type OpenAnswersResponse = z.infer<typeof OpenAnswersResponseSchema>;

export const CommentListSchema = z
  .object({
    comments: z.array(
      z.object({
        /** Null for an anonymous survey's comment. */
        responseId: z.string().nullable(),
        text: z.string(),
        language: z.string().nullable(),
        sentiment: Sentiment,
        score: z.number(),
        topics: z.array(z.string()),
        /** UTC month for an anonymous survey's comment, the day otherwise. */
        submitted: z.string(),
      }),
    ),
    total: z.number(),
  })
  .openapi("OpenAnswerComments");
export type CommentList = z.infer<typeof CommentListSchema>;

export const TaxonomyResponseSchema = z.object({ topics: z.array(TaxonomyTopicSchema) }).openapi("TopicTaxonomy");
export const TaxonomyBodySchema = z.object({ topics: TaxonomySchema });

export const ComplaintSuggestionSchema = z
  .object({
    complaintId: z.string(),
    /** Null while the text waits for the queue consumer. */
    status: z.enum(["pending", "ready"]),
    suggestedCategory: z.string().nullable(),
    confidence: z.number().nullable(),
    basis: z.enum(["organisation_model", "keywords"]).nullable(),
    sentiment: Sentiment.nullable(),
    score: z.number().nullable(),
    urgency: z.enum(["low", "normal", "high"]).nullable(),
    urgencyCues: z.array(z.string()),
    decision: z.enum(["accepted", "changed"]).nullable(),
    decidedCategory: z.string().nullable(),
  })
  .openapi("ComplaintSuggestion");
export type ComplaintSuggestion = z.infer<typeof ComplaintSuggestionSchema>;

export const SuggestionDecisionBodySchema = z.object({
  /** The suggested category (accept) or another of the organisation's categories (change). */
  category: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
});
