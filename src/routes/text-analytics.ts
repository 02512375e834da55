/**
 * What customers write (issue 14): the open-answers topics view of a survey over scores stored at
 * write time (the model never runs here), its comment drill-down, the organisation's topic
 * taxonomy, and a complaint's suggested category with staff's accept/change.
 */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { createRouter, problemResponses } from "../lib/openapi";
import { ProblemError, validationProblem } from "../lib/problem";
import { FilterQuery, IdParam, rangeAndFilter } from "./analytics";
import { getSurvey } from "../db/queries/surveys";
import { loadComplaintContext, findComplaint } from "../db/queries/complaints";
import { complaintActivity, staffParty } from "../db/queries/complaints-actions";
import { enqueueOutbox } from "../db/queries/outbox";
import {
  complaintSuggestion,
  loadSurveyComments,
  loadTaxonomy,
  MAX_COMMENTS_PER_VIEW,
  recordSuggestionDecision,
  replaceTaxonomy,
  requestRescoring,
  type TextScoreRow,
} from "../db/queries/text-scores";
import { compileTaxonomy } from "../domain/text/taxonomy";
import { emergingPhrases, summariseStoredComments, type StoredComment } from "../domain/text/write-time";
import { DEFAULT_TEXT_MODEL_VERSION } from "../domain/text/default-version";
import {
  CommentListSchema,
  ComplaintSuggestionSchema,
  OpenAnswersResponseSchema,
  SuggestionDecisionBodySchema,
  TaxonomyBodySchema,
  TaxonomyResponseSchema,
  type ComplaintSuggestion,
} from "../contracts/text-analytics";

const DAY_MS = 86_400_000;
/** Without a period, emerging phrases compare the last 30 days with the 30 before. */
const DEFAULT_EMERGING_WINDOW_DAYS = 30;

const OpenAnswersQuery = FilterQuery.omit({ scheme: true });
const CommentsQuery = OpenAnswersQuery.extend({
  topic: z.string().max(64).optional().openapi({ description: "A topic key, or `none` for comments matching no topic" }),
  sentiment: z.enum(["positive", "negative", "neutral"]).optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: "Only comments containing this text (full-text search; any language)" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(MAX_COMMENTS_PER_VIEW).default(0),
});

const openAnswersRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/open-answers",
  tags: ["analytics"],
  summary: "Open answers: sentiment shares, topics with volume, sentiment, trend, keywords, representative comments and satisfaction of those mentioning them, emerging phrases",
  description:
    "Read from scores stored when each response was processed (never recomputed here). Topics come from the organisation's taxonomy (GET /text/topics). Anonymous surveys' comments carry no response id.",
  permission: "analytics:read",
  request: { params: IdParam, query: OpenAnswersQuery },
  responses: { 200: { description: "Open answers", content: { "application/json": { schema: OpenAnswersResponseSchema } } }, ...problemResponses(400, 401, 403, 404) },
});

const commentsRoute = staffRoute({
  method: "get",
  path: "/surveys/{id}/open-answers/comments",
  tags: ["analytics"],
  summary: "Drill-down: the comments of a topic (and sentiment), or containing a text (full-text search), newest first",
  permission: "analytics:read",
  request: { params: IdParam, query: CommentsQuery },
  responses: { 200: { description: "Comments", content: { "application/json": { schema: CommentListSchema } } }, ...problemResponses(400, 401, 403, 404) },
});

const taxonomyRoute = staffRoute({
  method: "get",
  path: "/text/topics",
  tags: ["analytics"],
  summary: "The organisation's topic taxonomy (seeded from its surveys' constructs and its complaint categories on first use)",
  permission: "analytics:read",
  responses: { 200: { description: "Taxonomy", content: { "application/json": { schema: TaxonomyResponseSchema } } }, ...problemResponses(401, 403) },
});

const replaceTaxonomyRoute = staffRoute({
  method: "put",
  path: "/text/topics",
  tags: ["analytics"],
  summary: "Replace the topic taxonomy; stored texts are re-assigned to the new topics by the re-score job",
  permission: "surveys:write",
  request: { body: { content: { "application/json": { schema: TaxonomyBodySchema } }, required: true } },
  responses: { 200: { description: "Taxonomy", content: { "application/json": { schema: TaxonomyResponseSchema } } }, ...problemResponses(401, 403, 422) },
});

const ComplaintIdParam = z.object({ id: z.string().min(1).max(64) });

const suggestionRoute = staffRoute({
  method: "get",
  path: "/complaints/{id}/suggestion",
  tags: ["complaints"],
  summary: "The suggested category and sentiment/urgency hint of a complaint (pending while its text waits for the queue)",
  permission: "complaints:read",
  request: { params: ComplaintIdParam },
  responses: { 200: { description: "Suggestion", content: { "application/json": { schema: ComplaintSuggestionSchema } } }, ...problemResponses(401, 403, 404) },
});

const decideRoute = staffRoute({
  method: "post",
  path: "/complaints/{id}/suggestion",
  tags: ["complaints"],
  summary: "Accept the suggested category (send it) or change it (send another); the organisation's model learns from the decision",
  permission: "complaints:write",
  request: { params: ComplaintIdParam, body: { content: { "application/json": { schema: SuggestionDecisionBodySchema } }, required: true } },
  responses: { 200: { description: "Decided", content: { "application/json": { schema: ComplaintSuggestionSchema } } }, ...problemResponses(401, 403, 404, 409, 422) },
});

function storedComment(row: TextScoreRow): StoredComment {
  return {
    responseId: row.sourceId,
    anonymous: row.anonymous,
    submittedAt: row.submittedAt.getTime(),
    text: row.text,
    sentiment: row.sentiment ?? "neutral",
    score: row.score ?? 0,
    topics: row.topics ?? [],
    satisfaction: row.satisfaction,
    words: row.keywords ?? [],
  };
}

function periodMs(range: { from?: string; to?: string }) {
  return { fromMs: range.from ? Date.parse(`${range.from}T00:00:00Z`) : undefined, toMs: range.to ? Date.parse(`${range.to}T00:00:00Z`) + DAY_MS : undefined };
}

type SuggestionRow = Awaited<ReturnType<typeof complaintSuggestion>>;

function suggestionBody(complaintId: string, row: SuggestionRow): ComplaintSuggestion {
  return {
    complaintId,
    status: row ? "ready" : "pending",
    suggestedCategory: row?.suggestedCategory ?? null,
    confidence: row?.confidence ?? null,
    basis: row?.basis ?? null,
    sentiment: row?.sentiment ?? null,
    score: row?.score ?? null,
    urgency: row?.urgency ?? null,
    urgencyCues: row?.urgencyCues ?? [],
    decision: row?.decision ?? null,
    decidedCategory: row?.decidedCategory ?? null,
  };
}

export const textAnalyticsRoutes = createRouter()
  .openapi(openAnswersRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const { id } = c.req.valid("param");
    await getSurvey(db, organizationId, id);
    const { range, filter } = rangeAndFilter({ ...c.req.valid("query"), scheme: "path" });
    const { fromMs, toMs } = periodMs(range);
    const [rows, topics] = await Promise.all([loadSurveyComments(db, { organizationId, surveyId: id, fromMs, toMs, segment: filter }), loadTaxonomy(db, organizationId)]);
    const comments = rows.map(storedComment);
    const summary = summariseStoredComments(comments);
    const labels = new Map(topics.map((topic) => [topic.key, topic]));

    // Emerging phrases: this period against the one of the same length before it.
    const end = toMs ?? Date.now();
    const start = fromMs ?? end - DEFAULT_EMERGING_WINDOW_DAYS * DAY_MS;
    const current = comments.filter((comment) => comment.submittedAt >= start && comment.submittedAt < end);
    const previous = await loadSurveyComments(db, { organizationId, surveyId: id, fromMs: start - (end - start), toMs: start, segment: filter });
    const taxonomy = compileTaxonomy(topics);
    const emerging = emergingPhrases(
      current.map((comment) => comment.words),
      previous.map((row) => row.keywords ?? []),
      (word) => taxonomy.covers(word),
    );
    return c.json(
      {
        surveyId: id,
        from: range.from ?? null,
        to: range.to ?? null,
        filters: filter as Record<string, string>,
        comments: summary.comments,
        positiveShare: summary.positiveShare,
        negativeShare: summary.negativeShare,
        neutralShare: summary.neutralShare,
        unassigned: comments.filter((comment) => comment.topics.length === 0).length,
        topics: summary.topics.map((topic) => ({ ...topic, labelZh: labels.get(topic.topic)?.labelZh ?? topic.topic, labelEn: labels.get(topic.topic)?.labelEn ?? topic.topic })),
        emerging,
        truncated: rows.length >= MAX_COMMENTS_PER_VIEW,
        modelVersion: DEFAULT_TEXT_MODEL_VERSION,
      },
      200,
    );
  })
  .openapi(commentsRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const { id } = c.req.valid("param");
    await getSurvey(db, organizationId, id);
    const query = c.req.valid("query");
    const { range, filter } = rangeAndFilter({ ...query, scheme: "path" });
    const rows = await loadSurveyComments(db, { organizationId, surveyId: id, ...periodMs(range), segment: filter, search: query.q });
    const selected = rows
      .filter((row) => (query.topic === undefined ? true : query.topic === "none" ? (row.topics ?? []).length === 0 : (row.topics ?? []).includes(query.topic)))
      .filter((row) => query.sentiment === undefined || row.sentiment === query.sentiment)
      .reverse();
    return c.json(
      {
        comments: selected.slice(query.offset, query.offset + query.limit).map((row) => ({
          responseId: row.anonymous ? null : row.sourceId,
          text: row.text,
          language: row.language,
          sentiment: row.sentiment ?? "neutral",
          score: row.score ?? 0,
          topics: row.topics ?? [],
          // An anonymous survey's exact times could be joined with other records: month only.
          submitted: row.submittedAt.toISOString().slice(0, row.anonymous ? 7 : 10),
        })),
        total: selected.length,
      },
      200,
    );
  })
  .openapi(taxonomyRoute, async (c) => c.json({ topics: await loadTaxonomy(c.get("db"), c.get("principal").organizationId) }, 200))
  .openapi(replaceTaxonomyRoute, async (c) => {
    const { organizationId } = c.get("principal");
    const { topics } = c.req.valid("json");
    const ctx = await loadComplaintContext(c.get("db"), organizationId);
    const unknown = topics.filter((topic) => topic.complaintCategory !== null && !ctx.categories.includes(topic.complaintCategory));
    if (unknown.length > 0) {
      throw validationProblem(unknown.map((topic) => ({ field: `topics.${topic.key}.complaintCategory`, code: "unknown_category", message: `use one of: ${ctx.categories.join(", ")}` })));
    }
    await replaceTaxonomy(c.get("db"), organizationId, topics, new Date());
    c.executionCtx.waitUntil(requestRescoring(c.env, organizationId));
    return c.json({ topics: await loadTaxonomy(c.get("db"), organizationId) }, 200);
  })
  .openapi(suggestionRoute, async (c) => {
    const { organizationId } = c.get("principal");
    const { id } = c.req.valid("param");
    await findComplaint(c.get("db"), organizationId, id);
    return c.json(suggestionBody(id, await complaintSuggestion(c.get("db"), organizationId, id)), 200);
  })
  .openapi(decideRoute, async (c) => {
    const db = c.get("db");
    const principal = c.get("principal");
    const { id } = c.req.valid("param");
    const { category } = c.req.valid("json");
    const ctx = await loadComplaintContext(db, principal.organizationId);
    if (!ctx.categories.includes(category)) throw validationProblem([{ field: "category", code: "unknown_category", message: `use one of: ${ctx.categories.join(", ")}` }]);
    const complaint = await findComplaint(db, principal.organizationId, id);
    const suggestion = await complaintSuggestion(db, principal.organizationId, id);
    if (!suggestion) throw new ProblemError("conflict", "This complaint's text is still being analysed; there is no suggestion to decide on yet. Try again in a moment.");
    if (suggestion.decision) return c.json(suggestionBody(id, suggestion), 200);
    // The category first (the workflow decides whether it may still change; a change teaches the model and
    // decides the suggestion); a category already set to the chosen one is learnt by the decision below.
    if (complaint.category !== category) {
      const result = await complaintActivity(db, c.env, {
        organizationId: principal.organizationId,
        complaintId: id,
        party: staffParty(principal),
        activity: { kind: "change_classification", category },
        action: "complaint.reclassified",
        now: new Date(),
      });
      if (result.outboxIds.length > 0) c.executionCtx.waitUntil(enqueueOutbox(c.env, result.outboxIds));
    }
    await recordSuggestionDecision(db, { organizationId: principal.organizationId, complaintId: id, category, decidedBy: principal.id, now: new Date() });
    return c.json(suggestionBody(id, await complaintSuggestion(db, principal.organizationId, id)), 200);
  });
