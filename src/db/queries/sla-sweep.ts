/** What the SLA sweep (src/jobs/sla-sweep.ts) reads and writes, outside the complaint write path. */
import { and, asc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { complaints, member, user } from "../schema";
import type { ComplaintRow } from "./complaints";
import { driverValue } from "./complaints-sql";

/** The organisation's members with their e-mail and role (escalation recipients). */
export async function organisationPeople(db: Db, organizationId: string): Promise<{ id: string; email: string; role: string }[]> {
  return db
    .select({ id: user.id, email: user.email, role: member.role })
    .from(member)
    .innerJoin(user, eq(user.id, member.userId))
    .where(eq(member.organizationId, organizationId));
}

/** Open complaints grouped by organisation, the soonest due first (no due time last). */
export async function openComplaintsForSweep(db: Db, limit: number): Promise<ComplaintRow[]> {
  return db
    .select()
    .from(complaints)
    .where(ne(complaints.state, "closed"))
    .orderBy(asc(complaints.organizationId), sql`${complaints.nextDueAt} IS NULL`, asc(complaints.nextDueAt))
    .limit(limit);
}

/** Complaints whose SLA outcomes were never stored (rows from before migration 0004). */
export async function complaintsWithoutSlaOutcomes(db: Db, limit: number): Promise<ComplaintRow[]> {
  return db.select().from(complaints).where(isNull(complaints.slaOutcomeBasis)).limit(limit);
}

/** Complaints closed after `since` that still have no handling-survey invitation. */
export async function closedWithoutHandlingSurvey(db: Db, since: Date, limit: number): Promise<ComplaintRow[]> {
  return db
    .select()
    .from(complaints)
    .where(
      and(
        eq(complaints.state, "closed"),
        isNull(complaints.handlingInvitationId),
        gt(complaints.closedAt, since),
        // Duplicates are surveyed through the complaint kept (closedAsDuplicate).
        sql`coalesce(json_extract(${complaints.resolution}, '$.outcome'), '') != 'duplicate'`,
      ),
    )
    .limit(limit);
}

/**
 * UPDATE of derived columns under the row's version guard, without bumping the version: a
 * concurrent write wins and stores its own values.
 */
export function versionGuardedColumnsUpdate(d1: D1Database, row: Pick<ComplaintRow, "id" | "version">, columns: Record<string, unknown>, keys = Object.keys(columns)): D1PreparedStatement {
  return d1
    .prepare(`UPDATE complaints SET ${keys.map((key) => `${key} = ?`).join(", ")} WHERE id = ? AND version = ?`)
    .bind(...keys.map((key) => driverValue(columns[key])), row.id, row.version);
}
