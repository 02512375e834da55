import { and, eq, isNull } from "drizzle-orm";
import type { AppBindings, Db } from "../env";
import { responses } from "../db/schema";

/**
 * Follow-up work for a completed response. Idempotent: the marker column is set in the same
 * batch as the work it records, and a response already marked is skipped.
 */
export async function handleResponseCompleted(db: Db, _env: AppBindings, responseId: string, now: Date): Promise<void> {
  const response = await db.query.responses.findFirst({ where: eq(responses.id, responseId) });
  if (!response || response.status !== "completed" || response.triggersEvaluatedAt) return;
  await db
    .update(responses)
    .set({ triggersEvaluatedAt: now })
    .where(and(eq(responses.id, responseId), isNull(responses.triggersEvaluatedAt)));
}
