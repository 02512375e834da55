/**
 * Stored text scores (issue 14, docs/text-analytics.md "In the app"): written by the queue consumer,
 * read by the topics view. Every statement filters by organisation.
 *
 * Exactly once:
 *   - an open answer is scored by the response's follow-up (src/jobs/response-completed.ts), in the
 *     batch that sets `triggers_evaluated_at`; the insert is `ON CONFLICT DO NOTHING` on
 *     (source_kind, source_id, field), so a redelivered message that races the first adds nothing;
 *   - a complaint's description gets a pending row (model_version NULL) in the intake batch; the
 *     consumer's update is gated on `model_version IS NULL`, so only one delivery scores it;
 *   - a row whose model_version differs from the engine's (new weights) or was reset to NULL
 *     (taxonomy edited) is re-scored by the same gated update (cron and `text.rescore`).
 */
import { and, asc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { AppBindings, Db } from "../../env";
import { complaintSuggestions, responses, surveys, textOrganisationModels, textScores, textTopics } from "../schema";
import { defaultTextEngine, emptyOrganisationModel, learnFromCorrection, parseOrganisationModel, type TextEngine } from "../../domain/text";
import { compileTaxonomy, seedTaxonomy, type CompiledTaxonomy, type TaxonomyTopic } from "../../domain/text/taxonomy";
import {
  openTextAnswers,
  respondentSatisfaction,
  scoreCustomerText,
  suggestComplaintCategory,
  urgencyHint,
  MAX_SCORED_TEXT_CHARS,
} from "../../domain/text/write-time";
import { organisationFeatures } from "../../domain/text/organisation-features";
import { DEFAULT_TEXT_MODEL_VERSION } from "../../domain/text/default-version";
import { listAnswerSlots, type SurveyDefinition } from "../../domain/survey/definition";
import type { Answers } from "../../domain/survey/answers";
import type { FeedloopEvent } from "../../domain/queue-messages";
import { newId, randomSecret } from "../../lib/ids";
import { ProblemError } from "../../lib/problem";
import { loadComplaintContext, publicOrigin } from "./complaints";
import { gatedInsert, liveResponseRowsInsert } from "./complaints-sql";
import type { TeamRouting } from "./complaints-config";
import { rerouteOnSuggestionStatements } from "./complaints-reroute";
import { enqueueOutbox } from "./outbox";
import { loadVersionDefinition } from "./surveys";

export type TextScoreRow = typeof textScores.$inferSelect;
type ResponseRow = { id: string; organizationId: string; surveyId: string; answers: unknown; touchpoint: string | null; region: string | null; tier: string | null; anonymised: boolean; completedAt: Date | null; createdAt: Date };

/** Rows re-scored per cron run or `text.rescore` message (each is one small UPDATE in a batch). */
export const RESCORE_CHUNK = 200;

// ---------------------------------------------------------------------------------------------
// Taxonomy
// ---------------------------------------------------------------------------------------------

function constructsOf(definition: unknown): string[] {
  try {
    return listAnswerSlots(definition as Pick<SurveyDefinition, "pages">).flatMap((slot) => (slot.construct ? [slot.construct] : []));
  } catch {
    return [];
  }
}

function topicFromRow(row: typeof textTopics.$inferSelect): TaxonomyTopic {
  return { key: row.key, labelZh: row.labelZh, labelEn: row.labelEn, keywords: row.keywords, source: row.source, complaintCategory: row.complaintCategory };
}

function topicRows(organizationId: string, topics: readonly TaxonomyTopic[], now: Date) {
  return topics.map((topic, position) => ({ organizationId, ...topic, position, updatedAt: now }));
}

/**
 * The organisation's taxonomy; the first read seeds it from the constructs of its surveys and its
 * complaint categories (a concurrent first read seeds the same rows: ON CONFLICT DO NOTHING).
 */
export async function loadTaxonomy(db: Db, organizationId: string, now = new Date()): Promise<TaxonomyTopic[]> {
  const rows = await db.select().from(textTopics).where(eq(textTopics.organizationId, organizationId)).orderBy(asc(textTopics.position));
  if (rows.length > 0) return rows.map(topicFromRow);
  const [definitions, ctx] = await Promise.all([
    db.select({ definition: surveys.draftDefinition }).from(surveys).where(eq(surveys.organizationId, organizationId)),
    loadComplaintContext(db, organizationId),
  ]);
  const seeded = seedTaxonomy({ constructs: [...new Set(definitions.flatMap((row) => constructsOf(row.definition)))], complaintCategories: ctx.categories });
  if (seeded.length > 0) await db.insert(textTopics).values(topicRows(organizationId, seeded, now)).onConflictDoNothing();
  return seeded;
}

/**
 * Replaces the taxonomy and marks the organisation's scores for re-scoring (their topics were
 * computed with the old keywords); one batch.
 */
export async function replaceTaxonomy(db: Db, organizationId: string, topics: readonly TaxonomyTopic[], now: Date): Promise<void> {
  const d1 = db.$client;
  const statements: D1PreparedStatement[] = [
    d1.prepare("DELETE FROM text_topics WHERE organization_id = ?").bind(organizationId),
    ...topicRows(organizationId, topics, now).map((row) =>
      gatedInsert(d1, "text_topics", {
        organization_id: row.organizationId,
        key: row.key,
        label_zh: row.labelZh,
        label_en: row.labelEn,
        keywords: row.keywords,
        source: row.source,
        complaint_category: row.complaintCategory,
        position: row.position,
        updated_at: row.updatedAt,
      }),
    ),
    d1.prepare("UPDATE text_scores SET model_version = NULL WHERE organization_id = ?").bind(organizationId),
  ];
  await d1.batch(statements);
}

// ---------------------------------------------------------------------------------------------
// Write time
// ---------------------------------------------------------------------------------------------

/** Whether a completed response has free text to score (it then needs the queue's follow-up). */
export function responseHasOpenText(definition: Pick<SurveyDefinition, "pages">, answers: Answers): boolean {
  return openTextAnswers(definition, answers).length > 0;
}

function scoredColumns(engine: TextEngine, taxonomy: CompiledTaxonomy, text: string, now: Date, nonce: string) {
  const scored = scoreCustomerText(engine, taxonomy, text);
  return {
    language: scored.language,
    sentiment: scored.sentiment,
    score: scored.score,
    topics: scored.topics,
    keywords: scored.keywords,
    model_version: engine.version,
    scored_at: now,
    write_nonce: nonce,
  };
}

/**
 * The response's open answers, scored, as `text_scores` rows for the follow-up's own batch (the batch
 * that marks the response evaluated); `textScoreRowsInsert` writes a whole set's rows as one
 * statement. None for a response without free text.
 */
export function responseTextScoreRows(input: {
  response: ResponseRow;
  anonymousSurvey: boolean;
  definition: Pick<SurveyDefinition, "pages">;
  taxonomy: CompiledTaxonomy;
  now: Date;
  engine?: TextEngine;
}): ResponseTextScore[] {
  const { response, now } = input;
  const answers = response.answers as Answers;
  const texts = openTextAnswers(input.definition, answers);
  if (texts.length === 0) return [];
  const engine = input.engine ?? defaultTextEngine();
  const satisfaction = respondentSatisfaction(input.definition, answers);
  const nonce = randomSecret(12);
  return texts.map(({ field, text }) => ({
    responseId: response.id,
    row: {
      id: newId("txt"),
      organization_id: response.organizationId,
      source_kind: "response",
      source_id: response.id,
      field,
      survey_id: response.surveyId,
      touchpoint: response.touchpoint,
      region: response.region,
      tier: response.tier,
      anonymous: input.anonymousSurvey || response.anonymised,
      text,
      submitted_at: response.completedAt ?? response.createdAt,
      satisfaction,
      ...scoredColumns(engine, input.taxonomy, text, now, nonce),
      score_count: 1,
    },
  }));
}

/** A response's scored open answer as a row to insert, with the response it must still be live for when written. */
export type ResponseTextScore = { responseId: string; row: Record<string, unknown> };

/** Score rows of responses as one statement, each kept only while its response is unerased; once per (source, field). */
export function textScoreRowsInsert(d1: D1Database, rows: ResponseTextScore[]): D1PreparedStatement[] {
  return liveResponseRowsInsert(d1, "text_scores", rows, { onConflictDoNothing: true });
}

type PendingComplaint = { id: string; organizationId: string; subject: string; description: string; touchpoint: string | null; region: string | null; tier: string | null; anonymous: boolean; receivedAt: Date; surveyId: string | null };

/**
 * The pending score row of a new complaint, for the intake batch (gated on the complaint's write):
 * the consumer scores it (src/jobs, `text.score`), the cron if the message is lost.
 */
export function pendingComplaintScoreRow(complaint: PendingComplaint): Record<string, unknown> {
  const text = (complaint.description.trim() || complaint.subject.trim()).slice(0, MAX_SCORED_TEXT_CHARS);
  return {
    id: newId("txt"),
    organization_id: complaint.organizationId,
    source_kind: "complaint",
    source_id: complaint.id,
    field: "description",
    survey_id: complaint.surveyId,
    touchpoint: complaint.touchpoint,
    region: complaint.region,
    tier: complaint.tier,
    anonymous: complaint.anonymous,
    text,
    submitted_at: complaint.receivedAt,
  };
}

/** Asks the consumer to score a new complaint now; a lost send is picked up by the cron. */
export async function requestComplaintScoring(env: AppBindings, complaintId: string): Promise<void> {
  try {
    const message: FeedloopEvent = { type: "text.score", sourceKind: "complaint", sourceId: complaintId };
    await env.EVENTS.send(message);
  } catch (error) {
    console.warn(JSON.stringify({ level: "warn", message: "text scoring enqueue failed; the cron will score it", complaintId, error: String(error) }));
  }
}

/** Asks the consumer to re-score an organisation's texts (after a taxonomy edit). */
export async function requestRescoring(env: AppBindings, organizationId: string | null): Promise<void> {
  try {
    await env.EVENTS.send({ type: "text.rescore", organizationId } satisfies FeedloopEvent);
  } catch (error) {
    console.warn(JSON.stringify({ level: "warn", message: "text re-score enqueue failed; the cron will do it", organizationId, error: String(error) }));
  }
}

type ScoringContext = { taxonomy: CompiledTaxonomy; categories: string[]; model: ReturnType<typeof parseOrganisationModel> };

async function scoringContext(db: Db, organizationId: string, now: Date, cache: Map<string, ScoringContext>): Promise<ScoringContext> {
  const cached = cache.get(organizationId);
  if (cached) return cached;
  const [topics, ctx, modelRow] = await Promise.all([
    loadTaxonomy(db, organizationId, now),
    loadComplaintContext(db, organizationId),
    db.query.textOrganisationModels.findFirst({ where: eq(textOrganisationModels.organizationId, organizationId) }),
  ]);
  const context = { taxonomy: compileTaxonomy(topics), categories: ctx.categories, model: parseOrganisationModel(modelRow?.model) };
  cache.set(organizationId, context);
  return context;
}

/**
 * Where scoring runs: the consumer and the cron pass their bindings, so a complaint routed again
 * on its suggestion notifies its new assignee; the demo seed passes none (its history sends nothing).
 */
export type ScoringOptions = { engine?: TextEngine; env?: AppBindings };

/**
 * Scores the given rows when they still are what was read (pending, or scored by another model
 * version): one UPDATE per row gated on its model_version, and for a complaint its suggestion,
 * gated on the row's new nonce — a suggestion staff already decided on keeps their decision. A
 * complaint scored for the first time is routed again on its suggestion in the same batch
 * (complaints-reroute.ts), gated on the same nonce: exactly once however often the message comes.
 * Returns how many rows this call scored.
 */
async function scoreRows(db: Db, rows: TextScoreRow[], now: Date, options: ScoringOptions): Promise<number> {
  if (rows.length === 0) return 0;
  const engine = options.engine ?? defaultTextEngine();
  const d1 = db.$client;
  const contexts = new Map<string, ScoringContext>();
  const teams = new Map<string, TeamRouting[]>();
  const statements: D1PreparedStatement[] = [];
  const updateIndexes: number[] = [];
  const reroutes: { index: number; outboxIds: string[] }[] = [];
  for (const row of rows) {
    const context = await scoringContext(db, row.organizationId, now, contexts);
    const nonce = randomSecret(12);
    const columns = scoredColumns(engine, context.taxonomy, row.text, now, nonce);
    updateIndexes.push(statements.length);
    statements.push(
      d1
        .prepare(
          `UPDATE text_scores SET language = ?, sentiment = ?, score = ?, topics = ?, keywords = ?, model_version = ?, scored_at = ?, write_nonce = ?, score_count = score_count + 1
           WHERE id = ? AND organization_id = ? AND model_version IS ?`,
        )
        .bind(
          columns.language,
          columns.sentiment,
          columns.score,
          JSON.stringify(columns.topics),
          JSON.stringify(columns.keywords),
          columns.model_version,
          now.getTime(),
          nonce,
          row.id,
          row.organizationId,
          row.modelVersion,
        ),
    );
    if (row.sourceKind === "complaint") {
      const suggestion = suggestComplaintCategory({ model: context.model, features: organisationFeatures(row.text), taxonomy: context.taxonomy, text: row.text, categories: context.categories });
      const hint = urgencyHint(row.text, columns.score);
      statements.push(
        d1
          .prepare(
            `INSERT INTO complaint_suggestions (complaint_id, organization_id, suggested_category, confidence, basis, sentiment, score, urgency, urgency_cues, updated_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM text_scores WHERE id = ?11 AND write_nonce = ?12)
               AND EXISTS (SELECT 1 FROM complaints WHERE id = ?1 AND organization_id = ?2)
             ON CONFLICT (complaint_id) DO UPDATE SET suggested_category = excluded.suggested_category, confidence = excluded.confidence, basis = excluded.basis,
               sentiment = excluded.sentiment, score = excluded.score, urgency = excluded.urgency, urgency_cues = excluded.urgency_cues, updated_at = excluded.updated_at
             WHERE complaint_suggestions.decision IS NULL`,
          )
          .bind(
            row.sourceId,
            row.organizationId,
            suggestion?.category ?? null,
            suggestion?.confidence ?? null,
            suggestion?.basis ?? null,
            columns.sentiment,
            columns.score,
            hint.urgency,
            JSON.stringify(hint.cues),
            now.getTime(),
            row.id,
            nonce,
          ),
      );
      // Only the first scoring routes: a re-score (new weights, taxonomy edit) leaves the owner alone.
      if (row.scoreCount === 0) {
        const reroute = await rerouteOnSuggestionStatements(db, {
          organizationId: row.organizationId,
          complaintId: row.sourceId,
          suggestedCategory: suggestion?.category ?? null,
          scoreGate: { sql: "EXISTS (SELECT 1 FROM text_scores WHERE id = ? AND write_nonce = ?)", params: [row.id, nonce] },
          now,
          deskOrigin: options.env ? publicOrigin(options.env) : null,
          teams,
        });
        if (reroute) {
          reroutes.push({ index: statements.length, outboxIds: reroute.outboxIds });
          statements.push(...reroute.statements);
        }
      }
    }
  }
  const results = await d1.batch(statements);
  const outboxIds = reroutes.flatMap((reroute) => ((results[reroute.index]?.meta.changes ?? 0) > 0 ? reroute.outboxIds : []));
  if (options.env && outboxIds.length > 0) await enqueueOutbox(options.env, outboxIds);
  return updateIndexes.reduce((sum, index) => sum + (results[index]?.meta.changes ?? 0), 0);
}

/** The `text.score` message: score one source's pending rows (a redelivery finds none pending). */
export async function scorePendingSource(db: Db, sourceKind: "response" | "complaint", sourceId: string, now: Date, options: ScoringOptions = {}): Promise<number> {
  const rows = await db
    .select()
    .from(textScores)
    .where(and(eq(textScores.sourceKind, sourceKind), eq(textScores.sourceId, sourceId), sql`${textScores.modelVersion} IS NULL`));
  return rows.length > 0 ? scoreRows(db, rows, now, options) : 0;
}

/**
 * Pending rows (lost messages, taxonomy edits) and rows scored by another model version, oldest
 * first, one chunk: the cron and `text.rescore` call this until it returns less than a chunk.
 */
export async function rescoreStale(
  db: Db,
  now: Date,
  options: ScoringOptions & { organizationId?: string | null; limit?: number } = {},
): Promise<{ scored: number; examined: number }> {
  const version = options.engine?.version ?? DEFAULT_TEXT_MODEL_VERSION;
  const stale = sql`(${textScores.modelVersion} IS NULL OR ${textScores.modelVersion} <> ${version})`;
  const rows = await db
    .select()
    .from(textScores)
    .where(options.organizationId ? and(eq(textScores.organizationId, options.organizationId), stale) : stale)
    .orderBy(asc(textScores.submittedAt))
    .limit(options.limit ?? RESCORE_CHUNK);
  if (rows.length === 0) return { scored: 0, examined: 0 };
  return { scored: await scoreRows(db, rows, now, options), examined: rows.length };
}

// ---------------------------------------------------------------------------------------------
// Erasure: texts and everything derived from them go with their source
// ---------------------------------------------------------------------------------------------

/** Deletes the stored texts and scores of these responses (ids as a JSON array). */
export function deleteResponseTextsStatement(d1: D1Database, organizationId: string, responseIdsJson: string): D1PreparedStatement {
  return d1
    .prepare(`DELETE FROM text_scores WHERE organization_id = ?1 AND source_kind = 'response' AND source_id IN (SELECT value FROM json_each(?2))`)
    .bind(organizationId, responseIdsJson);
}

/**
 * Rewrites the open-answer search index (FTS5 'optimize'): its delete triggers only mark entries deleted
 * and the erased words would stay in the index's segments until a merge; after an erasure they must not.
 * Cost grows with the index, and erasures are rare.
 */
export function compactSearchIndexStatement(d1: D1Database): D1PreparedStatement {
  return d1.prepare(`INSERT INTO text_scores_fts(text_scores_fts) VALUES ('optimize')`);
}

/** Deletes the stored texts, scores and suggestions of these complaints (ids as a JSON array). */
export function deleteComplaintTextsStatements(d1: D1Database, organizationId: string, complaintIdsJson: string): D1PreparedStatement[] {
  return [
    d1
      .prepare(`DELETE FROM text_scores WHERE organization_id = ?1 AND source_kind = 'complaint' AND source_id IN (SELECT value FROM json_each(?2))`)
      .bind(organizationId, complaintIdsJson),
    d1.prepare(`DELETE FROM complaint_suggestions WHERE organization_id = ?1 AND complaint_id IN (SELECT value FROM json_each(?2))`).bind(organizationId, complaintIdsJson),
  ];
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

export type CommentSelection = {
  organizationId: string;
  surveyId: string;
  /** Epoch ms, inclusive / exclusive. */
  fromMs?: number;
  toMs?: number;
  segment: Partial<Record<"touchpoint" | "region" | "tier", string>>;
  /** Only answers containing this text (any language, case-insensitive). */
  search?: string;
};

/**
 * Open answers containing `search`: the FTS5 trigram index (migration 0012_experience_fts) for three or more
 * characters, searched as one phrase; below three a trigram cannot match, so LIKE (few answers are that short a query's reason to scan).
 */
function containsText(search: string): SQL {
  if ([...search].length >= 3) {
    const phrase = `"${search.replace(/"/g, '""')}"`;
    return sql`${textScores}.rowid IN (SELECT rowid FROM text_scores_fts WHERE text_scores_fts MATCH ${phrase})`;
  }
  return sql`${textScores.text} LIKE ${`%${search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`} ESCAPE '\\'`;
}

/** Upper bound of comments one topics view reads (stored scores only; the model never runs here). */
export const MAX_COMMENTS_PER_VIEW = 20_000;

export async function loadSurveyComments(db: Db, selection: CommentSelection): Promise<TextScoreRow[]> {
  const conditions = [
    eq(textScores.organizationId, selection.organizationId),
    eq(textScores.surveyId, selection.surveyId),
    eq(textScores.sourceKind, "response"),
    sql`${textScores.modelVersion} IS NOT NULL`,
  ];
  if (selection.fromMs !== undefined) conditions.push(gte(textScores.submittedAt, new Date(selection.fromMs)));
  if (selection.toMs !== undefined) conditions.push(lt(textScores.submittedAt, new Date(selection.toMs)));
  for (const [dimension, value] of Object.entries(selection.segment)) {
    if (value !== undefined) conditions.push(eq(textScores[dimension as "touchpoint" | "region" | "tier"], value));
  }
  if (selection.search) conditions.push(containsText(selection.search));
  return db
    .select()
    .from(textScores)
    .where(and(...conditions))
    .orderBy(asc(textScores.submittedAt))
    .limit(MAX_COMMENTS_PER_VIEW);
}

export async function complaintSuggestion(db: Db, organizationId: string, complaintId: string) {
  return (
    (await db.query.complaintSuggestions.findFirst({
      where: and(eq(complaintSuggestions.organizationId, organizationId), eq(complaintSuggestions.complaintId, complaintId)),
    })) ?? null
  );
}

// ---------------------------------------------------------------------------------------------
// Staff decisions teach the organisation's model
// ---------------------------------------------------------------------------------------------

const MAX_LEARN_ATTEMPTS = 3;

type CategoryLesson = { organizationId: string; complaintId: string; category: string; decidedBy: string; now: Date };

/**
 * One online step of the organisation's model on a complaint's text and the category a person gave
 * it, plus that person's decision on the suggestion while it is open — each exactly once: the model
 * row is written only over the version that was read (a concurrent lesson makes it miss: read again
 * and retry) and, for a decision on the suggestion card (`suggestionOnly`), only while the suggestion
 * is undecided; the decision is recorded only if that model write happened (its nonce).
 */
async function learnCategory(db: Db, input: CategoryLesson, suggestionOnly: boolean): Promise<{ decision: "accepted" | "changed" | null; learnt: boolean }> {
  const d1 = db.$client;
  for (let attempt = 0; attempt < MAX_LEARN_ATTEMPTS; attempt++) {
    const [suggestion, text, modelRow] = await Promise.all([
      complaintSuggestion(db, input.organizationId, input.complaintId),
      db.query.textScores.findFirst({
        where: and(eq(textScores.organizationId, input.organizationId), eq(textScores.sourceKind, "complaint"), eq(textScores.sourceId, input.complaintId)),
      }),
      db.query.textOrganisationModels.findFirst({ where: eq(textOrganisationModels.organizationId, input.organizationId) }),
    ]);
    if (suggestionOnly) {
      if (!suggestion || !text) throw new ProblemError("conflict", "This complaint has no suggestion yet: its text is still being analysed. Try again in a moment.");
      if (suggestion.decision) return { decision: suggestion.decision, learnt: false };
    }
    // A complaint without a stored text (erased) teaches nothing.
    if (!text) return { decision: null, learnt: false };
    const decision = suggestion && !suggestion.decision ? (suggestion.suggestedCategory === input.category ? "accepted" : "changed") : null;
    const model = learnFromCorrection(modelRow ? parseOrganisationModel(modelRow.model) : emptyOrganisationModel(), organisationFeatures(text.text), input.category);
    const nonce = randomSecret(12);
    const condition = suggestionOnly
      ? { sql: `EXISTS (SELECT 1 FROM complaint_suggestions WHERE complaint_id = ? AND organization_id = ? AND decision IS NULL)`, params: [input.complaintId, input.organizationId] }
      : { sql: "1 = 1", params: [] };
    const modelWrite = modelRow
      ? d1
          .prepare(`UPDATE text_organisation_models SET model = ?, version = version + 1, write_nonce = ?, updated_at = ? WHERE organization_id = ? AND version = ? AND ${condition.sql}`)
          .bind(JSON.stringify(model), nonce, input.now.getTime(), input.organizationId, modelRow.version, ...condition.params)
      : d1
          .prepare(`INSERT INTO text_organisation_models (organization_id, model, version, write_nonce, updated_at) SELECT ?, ?, 1, ?, ? WHERE ${condition.sql} ON CONFLICT DO NOTHING`)
          .bind(input.organizationId, JSON.stringify(model), nonce, input.now.getTime(), ...condition.params);
    const decisionWrite = d1
      .prepare(
        `UPDATE complaint_suggestions SET decision = ?, decided_category = ?, decided_by = ?, decided_at = ?, updated_at = ?
         WHERE complaint_id = ? AND organization_id = ? AND decision IS NULL
           AND EXISTS (SELECT 1 FROM text_organisation_models WHERE organization_id = ? AND write_nonce = ?)`,
      )
      .bind(decision, input.category, input.decidedBy, input.now.getTime(), input.now.getTime(), input.complaintId, input.organizationId, input.organizationId, nonce);
    const [learnt] = await d1.batch(decision ? [modelWrite, decisionWrite] : [modelWrite]);
    if ((learnt?.meta.changes ?? 0) === 1) return { decision, learnt: true };
  }
  throw new ProblemError("conflict", "Other decisions were being learnt at the same moment; send this one again.");
}

/** Staff's decision on the suggestion card (accept, or change to another category), learnt once per complaint. */
export async function recordSuggestionDecision(db: Db, input: CategoryLesson): Promise<{ decision: "accepted" | "changed"; learnt: boolean }> {
  const { decision, learnt } = await learnCategory(db, input, true);
  return { decision: decision!, learnt };
}

/**
 * A person changed the complaint's category through the ordinary classification form: the model
 * learns the new category once per change (the caller runs this once after committing the change;
 * a repeated request sets what is already set, changes nothing and teaches nothing), and an open
 * suggestion counts as decided by it.
 */
export async function learnCategoryChange(db: Db, input: CategoryLesson): Promise<{ learnt: boolean }> {
  return { learnt: (await learnCategory(db, input, false)).learnt };
}

/**
 * Scores the open answers of a survey's completed responses that have none stored yet (the demo
 * seed, whose history is written with its follow-up already done). Idempotent.
 */
export async function scoreSurveyOpenAnswers(db: Db, surveyId: string, now: Date): Promise<number> {
  const survey = await db.query.surveys.findFirst({ where: eq(surveys.id, surveyId) });
  if (!survey) return 0;
  const rows = await db
    .select()
    .from(responses)
    .where(
      and(
        eq(responses.surveyId, surveyId),
        eq(responses.organizationId, survey.organizationId),
        sql`${responses.status} = 'completed'`,
        sql`NOT EXISTS (SELECT 1 FROM text_scores t WHERE t.source_kind = 'response' AND t.source_id = ${responses.id})`,
      ),
    );
  if (rows.length === 0) return 0;
  const taxonomy = compileTaxonomy(await loadTaxonomy(db, survey.organizationId, now));
  const definitions = new Map<number, SurveyDefinition>();
  const scored: ResponseTextScore[] = [];
  for (const response of rows) {
    let definition = definitions.get(response.version);
    if (!definition) definitions.set(response.version, (definition = await loadVersionDefinition(db, surveyId, response.version)));
    scored.push(...responseTextScoreRows({ response, anonymousSurvey: survey.anonymous, definition, taxonomy, now }));
  }
  const statements = textScoreRowsInsert(db.$client, scored);
  for (let i = 0; i < statements.length; i += 50) await db.$client.batch(statements.slice(i, i + 50));
  return scored.length;
}
