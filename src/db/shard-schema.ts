import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
