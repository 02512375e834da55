/**
 * Text analytics tables (issue 14): scores of customer texts computed at write time by the queue
 * consumer, the organisation's topic taxonomy, complaint category suggestions and the
 * organisation's model learnt from staff corrections. Re-exported by src/db/schema.ts.
 *
 * `text_scores` holds a copy of each scored text (open answers, complaint descriptions) so the
 * topics view and its drill-down never re-read and re-parse responses; erasure deletes these rows
 * with the source (src/db/queries/respondents.ts, response-admin.ts).
 */
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organization } from "./auth-schema";
import { complaints } from "./complaint-schema";

export const TEXT_SOURCE_KINDS = ["response", "complaint"] as const;

/** One scored text: an open answer of a response (field = item id) or a complaint's description. */
export const textScores = sqliteTable(
  "text_scores",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    sourceKind: text("source_kind", { enum: TEXT_SOURCE_KINDS }).notNull(),
    /** Response id or complaint id. */
    sourceId: text("source_id").notNull(),
    /** The answer's item id, or `description` for a complaint. */
    field: text("field").notNull(),
    surveyId: text("survey_id"),
    touchpoint: text("touchpoint"),
    region: text("region"),
    tier: text("tier"),
    /** An anonymous survey's or complaint's text is never shown with its source id. */
    anonymous: integer("anonymous", { mode: "boolean" }).notNull().default(false),
    text: text("text").notNull(),
    submittedAt: integer("submitted_at", { mode: "timestamp_ms" }).notNull(),
    /** The respondent's satisfaction (0-100, satisfaction items rescaled), for topic ↔ numbers. */
    satisfaction: real("satisfaction"),
    language: text("language"),
    sentiment: text("sentiment", { enum: ["positive", "negative", "neutral"] }),
    score: real("score"),
    /** Taxonomy topic keys (JSON array). */
    topics: text("topics", { mode: "json" }).$type<string[]>(),
    /** The text's content words (JSON array), for keywords per topic and emerging phrases. */
    keywords: text("keywords", { mode: "json" }).$type<string[]>(),
    /** Engine version the score was computed with; NULL = waiting to be scored (or re-scored). */
    modelVersion: text("model_version"),
    scoredAt: integer("scored_at", { mode: "timestamp_ms" }),
    /** How many times the row has been scored (1 after its first scoring; re-scores add one). */
    scoreCount: integer("score_count").notNull().default(0),
    /** Set by the write that last scored the row; statements later in its batch test it. */
    writeNonce: text("write_nonce"),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`),
  },
  (t) => [
    uniqueIndex("text_scores_source_unique").on(t.sourceKind, t.sourceId, t.field),
    index("text_scores_survey_idx").on(t.organizationId, t.surveyId, t.submittedAt),
    index("text_scores_model_version_idx").on(t.modelVersion),
  ],
);

/** The organisation-editable topic taxonomy (seeded from survey constructs and complaint categories). */
export const textTopics = sqliteTable(
  "text_topics",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    labelZh: text("label_zh").notNull(),
    labelEn: text("label_en").notNull(),
    /** Words or phrases in either language (JSON array). */
    keywords: text("keywords", { mode: "json" }).$type<string[]>().notNull(),
    source: text("source", { enum: ["construct", "complaint_category", "custom"] }).notNull(),
    /** The complaint category this topic suggests, if any. */
    complaintCategory: text("complaint_category"),
    position: integer("position").notNull().default(0),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("text_topics_key_unique").on(t.organizationId, t.key)],
);

/** A complaint's suggested category and sentiment/urgency hint, and what staff decided. */
export const complaintSuggestions = sqliteTable(
  "complaint_suggestions",
  {
    complaintId: text("complaint_id")
      .primaryKey()
      .references(() => complaints.id, { onDelete: "cascade" }),
    organizationId: text("organization_id").notNull(),
    suggestedCategory: text("suggested_category"),
    confidence: real("confidence"),
    /** organisation_model (learnt from corrections) or keywords (the taxonomy). */
    basis: text("basis", { enum: ["organisation_model", "keywords"] }),
    sentiment: text("sentiment", { enum: ["positive", "negative", "neutral"] }).notNull(),
    score: real("score").notNull(),
    urgency: text("urgency", { enum: ["low", "normal", "high"] }).notNull(),
    /** Why the urgency is what it is (cue words found, strongly negative). */
    urgencyCues: text("urgency_cues", { mode: "json" }).$type<string[]>().notNull(),
    decision: text("decision", { enum: ["accepted", "changed"] }),
    decidedCategory: text("decided_category"),
    decidedBy: text("decided_by"),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("complaint_suggestions_org_idx").on(t.organizationId)],
);

/** The organisation's complaint-category model, learnt incrementally from staff decisions. */
export const textOrganisationModels = sqliteTable("text_organisation_models", {
  organizationId: text("organization_id")
    .primaryKey()
    .references(() => organization.id, { onDelete: "cascade" }),
  /** OrganisationTextModel JSON (src/domain/text/organisation-model.ts). */
  model: text("model").notNull(),
  /** Optimistic concurrency: every update is `WHERE version = <read version>`. */
  version: integer("version").notNull(),
  writeNonce: text("write_nonce").notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});
