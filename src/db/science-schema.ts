/**
 * From index to action (docs/statistics.md §11): segment permutation tests run as chunked
 * background jobs, improvement plans and the organisation's benchmark figures.
 */
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { organization } from "./auth-schema";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`);

/**
 * A permutation test of one segment against the rest of a selection (paths, R², indices, MICOM).
 * The state after each job step is stored, so the next step resumes where the last one stopped.
 */
export const segmentTests = sqliteTable(
  "segment_tests",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    surveyId: text("survey_id").notNull(),
    /** Canonical selection (period and the filters of the other dimensions), as bootstrap runs. */
    selection: text("selection").notNull(),
    dimension: text("dimension", { enum: ["touchpoint", "region", "tier"] }).notNull(),
    segmentValue: text("segment_value").notNull(),
    permutations: integer("permutations").notNull(),
    seed: integer("seed").notNull(),
    status: text("status", { enum: ["queued", "running", "finished", "failed"] }).notNull(),
    /** PermutationTestState (JSON) after the last finished step. */
    state: text("state", { mode: "json" }),
    steps: integer("steps").notNull().default(0),
    result: text("result", { mode: "json" }),
    error: text("error"),
    createdAt: createdAt(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("segment_tests_selection_idx").on(t.organizationId, t.surveyId, t.selection, t.dimension)],
);

export const IMPROVEMENT_PLAN_STATUSES = ["planned", "in_progress", "done", "dropped"] as const;

/** An improvement plan (seed steps 9–11): what to fix, who owns it, which index should move by when. */
export const improvementPlans = sqliteTable(
  "improvement_plans",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    surveyId: text("survey_id").notNull(),
    title: text("title").notNull(),
    /** Where the plan came from: a driver (construct), an indicator, or a Kano feature. */
    sourceKind: text("source_kind", { enum: ["driver", "indicator", "kano"] }).notNull(),
    sourceRef: text("source_ref").notNull(),
    owner: text("owner").notNull(),
    targetConstruct: text("target_construct").notNull(),
    targetValue: real("target_value").notNull(),
    startDate: text("start_date").notNull(),
    reviewDate: text("review_date").notNull(),
    status: text("status", { enum: IMPROVEMENT_PLAN_STATUSES }).notNull().default("planned"),
    notes: text("notes"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("improvement_plans_survey_idx").on(t.organizationId, t.surveyId, t.startDate)],
);

/** A competitor or industry figure an organisation enters, to compare its indices with. */
export const benchmarks = sqliteTable(
  "benchmarks",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    construct: text("construct").notNull().default("satisfaction"),
    source: text("source").notNull(),
    year: integer("year").notNull(),
    value: real("value").notNull(),
    n: integer("n"),
    sd: real("sd"),
    createdAt: createdAt(),
  },
  (t) => [index("benchmarks_org_idx").on(t.organizationId, t.construct)],
);
