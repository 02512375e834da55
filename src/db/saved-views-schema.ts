import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organization } from "./auth-schema";
import type { QueueFilters } from "../domain/complaints/queue-filters";

/** Named complaint-queue filters of one person (a user or an API key), optionally shared with the organisation. */
export const savedViews = sqliteTable(
  "saved_views",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    ownerId: text("owner_id").notNull(),
    name: text("name").notNull(),
    filters: text("filters", { mode: "json" }).$type<QueueFilters>().notNull(),
    shared: integer("shared", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`),
  },
  (t) => [uniqueIndex("saved_views_owner_name_unique").on(t.organizationId, t.ownerId, t.name), index("saved_views_org_idx").on(t.organizationId, t.shared)],
);
