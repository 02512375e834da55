/** What the retention purge (src/jobs/retention.ts) reads and deletes. */
import { and, eq, isNotNull, lt } from "drizzle-orm";
import type { Db } from "../../env";
import { responses, surveys } from "../schema";
import type { ResponseRow } from "./responses";

export type RetentionTarget = { id: string; organizationId: string; retentionDays: number };

/** Surveys with a retention period (one survey when `surveyId` is given). */
export async function retentionTargets(db: Db, surveyId?: string): Promise<RetentionTarget[]> {
  const rows = await db
    .select({ id: surveys.id, organizationId: surveys.organizationId, retentionDays: surveys.retentionDays })
    .from(surveys)
    .where(and(isNotNull(surveys.retentionDays), surveyId ? eq(surveys.id, surveyId) : undefined));
  return rows.flatMap((row) => (row.retentionDays === null ? [] : [{ ...row, retentionDays: row.retentionDays }]));
}

/** Completed responses not yet anonymised that completed before `cutoff`, and partial ones last changed before it. */
export async function expiredResponses(db: Db, survey: RetentionTarget, cutoff: Date, max: number): Promise<{ completed: ResponseRow[]; partial: ResponseRow[] }> {
  const scope = and(eq(responses.organizationId, survey.organizationId), eq(responses.surveyId, survey.id));
  const completed = await db
    .select()
    .from(responses)
    .where(and(scope, eq(responses.status, "completed"), eq(responses.anonymised, false), lt(responses.completedAt, cutoff)))
    .limit(max);
  const partial = await db
    .select()
    .from(responses)
    .where(and(scope, eq(responses.status, "partial"), lt(responses.updatedAt, cutoff)))
    .limit(max);
  return { completed, partial };
}

/** Deletes the survey's invitations created before `cutoff`; returns how many went. */
export async function deleteInvitationsBefore(db: Db, survey: RetentionTarget, cutoff: Date): Promise<number> {
  const d1 = db.$client;
  const [result] = await d1.batch([
    d1.prepare(`DELETE FROM survey_invitations WHERE organization_id = ?1 AND survey_id = ?2 AND created_at < ?3`).bind(survey.organizationId, survey.id, cutoff.getTime()),
  ]);
  return result?.meta.changes ?? 0;
}
