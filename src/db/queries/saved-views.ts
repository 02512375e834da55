/** Saved views of the complaint queue: a person's own, plus those others of the organisation shared. */
import { and, asc, eq, or } from "drizzle-orm";
import type { Db } from "../../env";
import { savedViews } from "../schema";
import type { QueueFilters } from "../../domain/complaints/queue-filters";

export type SavedViewRow = typeof savedViews.$inferSelect;

export function listSavedViews(db: Db, organizationId: string, ownerId: string): Promise<SavedViewRow[]> {
  return db
    .select()
    .from(savedViews)
    .where(and(eq(savedViews.organizationId, organizationId), or(eq(savedViews.ownerId, ownerId), eq(savedViews.shared, true))))
    .orderBy(asc(savedViews.name), asc(savedViews.createdAt));
}

/** Inserts the view, or returns undefined when the owner already has a view of that name. */
export async function insertSavedView(
  db: Db,
  view: { id: string; organizationId: string; ownerId: string; name: string; filters: QueueFilters; shared: boolean; now: Date },
): Promise<SavedViewRow | undefined> {
  const [row] = await db
    .insert(savedViews)
    .values({ id: view.id, organizationId: view.organizationId, ownerId: view.ownerId, name: view.name, filters: view.filters, shared: view.shared, createdAt: view.now })
    .onConflictDoNothing()
    .returning();
  return row;
}

/** Deletes the owner's view; false when there is none of theirs with that id (another's, or none at all). */
export async function deleteSavedView(db: Db, organizationId: string, ownerId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(savedViews)
    .where(and(eq(savedViews.organizationId, organizationId), eq(savedViews.ownerId, ownerId), eq(savedViews.id, id)))
    .returning({ id: savedViews.id });
  return deleted.length > 0;
}
