/**
 * The contact-fatigue rule: with organization_settings.fatigue_days set, the organisation invites
 * each e-mail address at most once in that many days, across all its surveys. Every path that
 * creates invitations for staff (the JSON endpoint and the customer-list import) checks it here:
 *
 *   1. before writing: `recentInvitations` finds the addresses already invited in the period, and
 *      `fatigueMessage` says so in words a person can act on;
 *   2. inside the writing batch: `fatigueGuardStatement` aborts the batch (rolling it back) if a
 *      concurrent request invited one of the same addresses in the meantime, so the rule also
 *      holds under races; `isFatigueGuardFailure` recognises that abort.
 */
import { and, eq, gte, sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "../../env";
import { organizationSettings, surveyInvitations, surveys } from "../schema";

const DAY_MS = 86_400_000;
const FATIGUE_GUARD_FAILURE = "feedloop-fatigue-guard";

export type RecentInvitation = { at: Date; surveySlug: string };

/** The organisation's fatigue period in days, or null when it has none. */
export async function fatigueDays(db: Db, organizationId: string): Promise<number | null> {
  const row = await db.query.organizationSettings.findFirst({ where: eq(organizationSettings.organizationId, organizationId), columns: { fatigueDays: true } });
  return row?.fatigueDays && row.fatigueDays > 0 ? row.fatigueDays : null;
}

export function fatiguePeriodStart(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Addresses (lower-case) invited to any of the organisation's surveys since `since`, with their
 * latest invitation. Bound as JSON, 1,000 addresses per query.
 */
export async function recentInvitations(db: Db, organizationId: string, emails: string[], since: Date): Promise<Map<string, RecentInvitation>> {
  const found = new Map<string, RecentInvitation>();
  for (let i = 0; i < emails.length; i += 1000) {
    const rows = await db
      .select({ email: sql<string>`lower(${surveyInvitations.email})`, at: surveyInvitations.createdAt, slug: surveys.slug })
      .from(surveyInvitations)
      .innerJoin(surveys, eq(surveys.id, surveyInvitations.surveyId))
      .where(
        and(
          eq(surveyInvitations.organizationId, organizationId),
          gte(surveyInvitations.createdAt, since),
          sql`lower(${surveyInvitations.email}) IN (SELECT value FROM json_each(${JSON.stringify(emails.slice(i, i + 1000))}))`,
        ),
      );
    for (const row of rows) {
      const seen = found.get(row.email);
      if (!seen || seen.at < row.at) found.set(row.email, { at: row.at, surveySlug: row.slug });
    }
  }
  return found;
}

/** Why an address cannot be invited now (the `message` of a `fatigue` field error). */
export function fatigueMessage(hit: RecentInvitation, days: number): string {
  return `was invited on ${hit.at.toISOString().slice(0, 10)} (survey "${hit.surveySlug}"); the organisation invites each customer at most once every ${days} days`;
}

/**
 * The last statement of a D1 batch that inserted invitations for `emails` (lower-case): raises an
 * error, aborting and rolling back the whole batch, if any of them now has more than one
 * invitation in the period. json() of a non-JSON string is what raises it.
 */
function fatigueGuardSql(organizationId: string, emails: string[], days: number, now: Date): SQL {
  return sql`SELECT json(CASE WHEN EXISTS (
      SELECT 1 FROM survey_invitations WHERE organization_id = ${organizationId} AND created_at >= ${fatiguePeriodStart(now, days).getTime()}
        AND lower(email) IN (SELECT value FROM json_each(${JSON.stringify(emails)})) GROUP BY lower(email) HAVING count(*) > 1)
    THEN ${FATIGUE_GUARD_FAILURE} ELSE '"ok"' END) AS guard`;
}

const dialect = new SQLiteAsyncDialect();

export function fatigueGuardStatement(d1: D1Database, organizationId: string, emails: string[], days: number, now: Date): D1PreparedStatement {
  const query = dialect.sqlToQuery(fatigueGuardSql(organizationId, emails, days, now));
  return d1.prepare(query.sql).bind(...query.params);
}

export function isFatigueGuardFailure(error: unknown): boolean {
  return /malformed JSON/i.test(String(error));
}
