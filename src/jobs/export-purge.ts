import type { AppBindings, Db } from "../env";
import { deleteExportJobs, expiredExportJobs, exportPartKey } from "../db/queries/export-jobs";

/** Exports per daily run: 200 × up to 202 parts stays within R2's 1,000 keys per delete call per export. */
const PURGE_BATCH = 200;

/** Deletes the R2 parts and rows of exports whose download link has expired (daily cron). */
export async function purgeExpiredExports(db: Db, env: Pick<AppBindings, "EXPORTS">, now: Date): Promise<number> {
  const jobs = await expiredExportJobs(db, now, PURGE_BATCH);
  for (const job of jobs) {
    const keys = Array.from({ length: job.parts }, (_, part) => exportPartKey(job.id, part));
    for (let i = 0; i < keys.length; i += 1000) await env.EXPORTS.delete(keys.slice(i, i + 1000));
  }
  if (jobs.length > 0) await deleteExportJobs(db, jobs.map((j) => j.id)).run();
  return jobs.length;
}
