import { and, eq, inArray, lt, or } from "drizzle-orm";
import type { Db } from "../../env";
import { exportJobs, EXPORT_KINDS } from "../schema";
import { notFound } from "../../lib/problem";

export type ExportKind = (typeof EXPORT_KINDS)[number];
export type ExportJob = typeof exportJobs.$inferSelect;

/** R2 key of an export's part n (zero-padded so a listing sorts in file order). */
export function exportPartKey(exportId: string, part: number): string {
  return `exports/${exportId}/${String(part).padStart(6, "0")}`;
}

export function insertExportJob(
  db: Db,
  job: { id: string; organizationId: string; kind: ExportKind; surveyId: string | null; rowsTotal: number; filename: string; createdBy: string; now: Date },
) {
  return db.insert(exportJobs).values({
    id: job.id,
    organizationId: job.organizationId,
    kind: job.kind,
    surveyId: job.surveyId,
    status: "running",
    rowsTotal: job.rowsTotal,
    filename: job.filename,
    createdBy: job.createdBy,
    createdAt: job.now,
  });
}

export async function getExportJob(db: Db, organizationId: string, id: string): Promise<ExportJob> {
  const row = await db.query.exportJobs.findFirst({ where: and(eq(exportJobs.id, id), eq(exportJobs.organizationId, organizationId)) });
  if (!row) throw notFound(`Export ${id}`);
  return row;
}

/** Absolute values, so a retried step writes the same row again. */
export function recordExportProgress(db: Db, id: string, progress: { rowsDone: number; parts: number; bytes: number }) {
  return db.update(exportJobs).set(progress).where(eq(exportJobs.id, id));
}

export function completeExportJob(db: Db, id: string, done: { rowsDone: number; parts: number; bytes: number; now: Date; expiresAt: Date }) {
  return db
    .update(exportJobs)
    .set({ status: "complete", rowsDone: done.rowsDone, parts: done.parts, bytes: done.bytes, completedAt: done.now, expiresAt: done.expiresAt })
    .where(eq(exportJobs.id, id));
}

export function failExportJob(db: Db, id: string, error: string, now: Date) {
  return db.update(exportJobs).set({ status: "failed", error: error.slice(0, 500), completedAt: now }).where(eq(exportJobs.id, id));
}

/** Exports whose link has expired (or that failed a day ago): their parts are deleted, then the row. */
export async function expiredExportJobs(db: Db, now: Date, limit: number): Promise<Pick<ExportJob, "id" | "parts">[]> {
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  return db
    .select({ id: exportJobs.id, parts: exportJobs.parts })
    .from(exportJobs)
    .where(or(lt(exportJobs.expiresAt, now), and(eq(exportJobs.status, "failed"), lt(exportJobs.createdAt, dayAgo))))
    .limit(limit);
}

export function deleteExportJobs(db: Db, ids: string[]) {
  return db.delete(exportJobs).where(inArray(exportJobs.id, ids));
}
