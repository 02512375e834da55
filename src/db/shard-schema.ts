import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Control plane (docs/scaling.md 4.1): which data shard holds an organisation. An organisation
 * without a row lives in shard 0, the control-plane database itself (every organisation created
 * before shards existed). `moving_to` is set while the move job copies it to another shard; writes
 * to the organisation then answer 503.
 */
export const orgShards = sqliteTable("org_shards", {
  organizationId: text("organization_id").primaryKey(),
  shard: integer("shard").notNull(),
  movingTo: integer("moving_to"),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/**
 * Control plane: every survey slug, globally unique across shards, with the shard that holds the
 * survey, so the public routes (`/s/:slug`, `/api/public/surveys/:slug`) find the shard from the slug.
 */
export const surveySlugs = sqliteTable(
  "survey_slugs",
  {
    slug: text("slug").primaryKey(),
    organizationId: text("organization_id").notNull(),
    shard: integer("shard").notNull(),
  },
  (t) => [index("survey_slugs_org_idx").on(t.organizationId)],
);

export const SHARD_MOVE_STATUSES = ["starting", "settling", "copying", "verifying", "deleting", "done", "failed"] as const;
export type ShardMoveStatus = (typeof SHARD_MOVE_STATUSES)[number];

/**
 * Control plane: one row per move of an organisation between shards, run as the ShardMoveWorkflow
 * (src/jobs/shard-move.ts), so an operator can watch it (GET /api/operator/moves/:id). Never copied
 * to a data shard. At most one unfinished move per organisation (the partial unique index), which
 * is how a second move request while one runs is refused.
 */
export const shardMoves = sqliteTable(
  "shard_moves",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    fromShard: integer("from_shard").notNull(),
    toShard: integer("to_shard").notNull(),
    status: text("status", { enum: SHARD_MOVE_STATUSES }).notNull(),
    /** The table being copied or deleted from; null before copying and once done. */
    currentTable: text("current_table"),
    /** Rows copied so far, all tables (absolute, so a repeated step writes the same figure). */
    rowsCopied: integer("rows_copied").notNull().default(0),
    /** Verified row counts per table (JSON object), written by the verify step. */
    tableCounts: text("table_counts"),
    error: text("error"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("shard_moves_one_running_idx")
      .on(t.organizationId)
      .where(sql`"status" NOT IN ('done', 'failed')`),
    index("shard_moves_org_started_idx").on(t.organizationId, t.startedAt),
  ],
);
