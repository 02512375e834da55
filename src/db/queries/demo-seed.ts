/**
 * The demo seed's own reads and writes (src/seed/ builds the demo through the product's queries and
 * better-auth; these are the few statements only the seed needs).
 */
import { and, desc, eq, like, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { complaints, organizationSettings, responses, surveys, team, user } from "../schema";

export async function findUserIdByEmail(db: Db, email: string): Promise<string | undefined> {
  return (await db.query.user.findFirst({ where: eq(user.email, email), columns: { id: true } }))?.id;
}

/** Settings row with the organisation's time zone, left alone when it already exists. */
export async function ensureOrganisationSettings(db: Db, organizationId: string, timeZone: string): Promise<void> {
  await db.insert(organizationSettings).values({ organizationId, timeZone }).onConflictDoNothing();
}

export async function listTeamNames(db: Db, organizationId: string): Promise<{ id: string; name: string }[]> {
  return db.select({ id: team.id, name: team.name }).from(team).where(eq(team.organizationId, organizationId));
}

export async function findOrganisationSurvey(db: Db, organizationId: string, surveyId: string) {
  return db.query.surveys.findFirst({ where: and(eq(surveys.id, surveyId), eq(surveys.organizationId, organizationId)) });
}

/** The most recent completed responses whose customers answered that they had complained. */
export async function recentComplainedResponses(db: Db, surveyId: string, limit: number) {
  return db
    .select()
    .from(responses)
    .where(and(eq(responses.surveyId, surveyId), eq(responses.status, "completed"), sql`json_extract(${responses.answers}, '$.complained') = 1`))
    .orderBy(desc(responses.completedAt))
    .limit(limit);
}

export async function countComplaintsWithIntakeKeyPrefix(db: Db, organizationId: string, prefix: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)` })
    .from(complaints)
    .where(and(eq(complaints.organizationId, organizationId), like(complaints.intakeKey, `${prefix}%`)));
  return row?.count ?? 0;
}

export async function countSurveyResponses(db: Db, surveyId: string): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)` }).from(responses).where(eq(responses.surveyId, surveyId));
  return row?.count ?? 0;
}

/** Marks every response of the survey as already evaluated for complaint triggers (history fires none). */
export async function markSurveyTriggersEvaluated(db: Db, surveyId: string, at: Date): Promise<void> {
  await db.update(responses).set({ triggersEvaluatedAt: at }).where(eq(responses.surveyId, surveyId));
}
