import type { AppBindings, Db } from "../env";
import { RESCORE_CHUNK, requestRescoring, rescoreStale } from "../db/queries/text-scores";

/**
 * The re-score job: texts scored by another model version (new weights deployed), texts whose
 * organisation edited its taxonomy, and complaint texts whose scoring message was lost. One chunk
 * per run; a full chunk asks the queue for the next one, and the cron runs it every five minutes
 * whatever happens to the messages.
 */
export async function rescoreTexts(db: Db, env: AppBindings, organizationId: string | null, now: Date): Promise<number> {
  const { scored, examined } = await rescoreStale(db, now, { organizationId, limit: RESCORE_CHUNK, env });
  if (examined === RESCORE_CHUNK) await requestRescoring(env, organizationId);
  return scored;
}
