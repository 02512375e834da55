import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { surveyInvitations } from "../schema";
import { newId, randomSecret, sha256Hex } from "../../lib/ids";
import { auditInsert } from "./audit";

export type InvitationStatus = "not_opened" | "opened" | "started" | "completed" | "expired";

export type NewInvitation = {
  email?: string | null;
  hidden?: Record<string, string>;
  validFrom?: Date | null;
  validUntil?: Date | null;
  uses?: number;
};

export type CreatedInvitation = { id: string; email: string | null; token: string; url: string };

export function invitationStatus(row: typeof surveyInvitations.$inferSelect, now: Date): InvitationStatus {
  if (row.completedAt && row.usesLeft <= 0) return "completed";
  if (row.validUntil && row.validUntil.getTime() <= now.getTime()) return "expired";
  if (row.completedAt) return "completed";
  if (row.startedAt) return "started";
  if (row.openedAt) return "opened";
  return "not_opened";
}

/** D1 limits bound parameters per statement; rows of ~12 columns fit comfortably in chunks of 8. */
const INSERT_CHUNK = 8;

/**
 * Creates personal invitations in one batch (all or none). Tokens are returned once, in the links;
 * only their SHA-256 is stored.
 */
export async function createInvitations(
  db: Db,
  principal: Principal,
  survey: { id: string; slug: string },
  items: NewInvitation[],
  origin: string,
): Promise<CreatedInvitation[]> {
  const created: CreatedInvitation[] = [];
  const rows: (typeof surveyInvitations.$inferInsert)[] = [];
  for (const item of items) {
    const token = randomSecret(32);
    const id = newId("inv");
    rows.push({
      id,
      organizationId: principal.organizationId,
      surveyId: survey.id,
      tokenHash: await sha256Hex(token),
      email: item.email ?? null,
      hidden: item.hidden ?? {},
      validFrom: item.validFrom ?? null,
      validUntil: item.validUntil ?? null,
      usesLeft: item.uses ?? 1,
      createdAt: new Date(),
    });
    created.push({ id, email: item.email ?? null, token, url: `${origin}/s/${survey.slug}?t=${token}` });
  }
  const statements = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) statements.push(db.insert(surveyInvitations).values(rows.slice(i, i + INSERT_CHUNK)));
  await db.batch([
    auditInsert(db, principal, { action: "invitations.created", targetType: "survey", targetId: survey.id, data: { count: rows.length } }),
    ...statements,
  ]);
  return created;
}

export async function listInvitations(db: Db, organizationId: string, surveyId: string, limit: number, offset: number) {
  const rows = await db
    .select()
    .from(surveyInvitations)
    .where(and(eq(surveyInvitations.organizationId, organizationId), eq(surveyInvitations.surveyId, surveyId)))
    .orderBy(desc(surveyInvitations.createdAt))
    .limit(limit)
    .offset(offset);
  const [{ total }] = await db
    .select({ total: sql<number>`count(*)` })
    .from(surveyInvitations)
    .where(and(eq(surveyInvitations.organizationId, organizationId), eq(surveyInvitations.surveyId, surveyId)));
  const now = new Date();
  return {
    total,
    items: rows.map((row) => ({
      id: row.id,
      email: row.email,
      hidden: (row.hidden as Record<string, string> | null) ?? {},
      status: invitationStatus(row, now),
      usesLeft: row.usesLeft,
      validFrom: row.validFrom?.toISOString() ?? null,
      validUntil: row.validUntil?.toISOString() ?? null,
      openedAt: row.openedAt?.toISOString() ?? null,
      completedAt: row.completedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
    })),
  };
}

/** First view of a personal link (for the invitation status); not on the submit path. */
export function markInvitationOpened(db: Db, invitationId: string, now: Date) {
  return db
    .update(surveyInvitations)
    .set({ openedAt: sql`coalesce(${surveyInvitations.openedAt}, ${now.getTime()})` })
    .where(eq(surveyInvitations.id, invitationId))
    .run();
}
