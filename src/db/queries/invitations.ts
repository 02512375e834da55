import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { surveyInvitations } from "../schema";
import { newId, randomSecret, sha256Hex } from "../../lib/ids";
import { invitationEventTime } from "../../domain/survey/anonymity";
import { auditInsert } from "./audit";
import { fatigueDays, fatigueGuardStatement, fatigueMessage, fatiguePeriodStart, isFatigueGuardFailure, recentInvitations } from "./invitation-fatigue";
import { ProblemError, validationProblem, type FieldError } from "../../lib/problem";

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
 * Addresses among `items` that the contact-fatigue rule refuses now, as field errors
 * (`invitations.<index>.email`): invited within the period, or twice in this one request.
 */
async function fatigueErrors(db: Db, organizationId: string, items: NewInvitation[], days: number, now: Date): Promise<FieldError[]> {
  const emails = items.map((item) => item.email?.trim().toLowerCase() || null);
  const recent = await recentInvitations(db, organizationId, [...new Set(emails.filter((e): e is string => e !== null))], fatiguePeriodStart(now, days));
  const firstIndex = new Map<string, number>();
  const errors: FieldError[] = [];
  emails.forEach((email, index) => {
    if (!email) return;
    const field = `invitations.${index}.email`;
    const hit = recent.get(email);
    if (hit) errors.push({ field, code: "fatigue", message: fatigueMessage(hit, days) });
    else if (firstIndex.has(email)) {
      errors.push({ field, code: "fatigue", message: `repeats invitations.${firstIndex.get(email)}.email; the organisation invites each customer at most once every ${days} days` });
    }
    if (!firstIndex.has(email)) firstIndex.set(email, index);
  });
  return errors;
}

function fatigueProblem(errors: FieldError[]): ProblemError {
  return validationProblem(
    errors,
    `${errors.length} of the addresses cannot be invited now because of the organisation's contact-fatigue rule, so nothing was created. Remove them and send the rest again.`,
  );
}

/**
 * Creates personal invitations in one batch (all or none). Tokens are returned once, in the links;
 * only their SHA-256 is stored.
 *
 * `contactFatigue: "apply"` enforces the organisation's fatigue rule (./invitation-fatigue.ts) as
 * the customer-list import does: 422 naming each refused address, and a guard in the batch against
 * concurrent invitations. "exempt" is for follow-ups the customer triggered themselves (the
 * complaint-handling survey, one per case).
 */
export async function createInvitations(
  db: Db,
  principal: Principal,
  survey: { id: string; slug: string },
  items: NewInvitation[],
  origin: string,
  options: {
    contactFatigue: "apply" | "exempt";
    now?: Date;
    /** A token derived from the invitation id (e-mailed links, rendered at send time) instead of a random one. */
    token?: (invitationId: string) => Promise<string>;
  } = { contactFatigue: "exempt" },
): Promise<CreatedInvitation[]> {
  const now = options.now ?? new Date();
  const days = options.contactFatigue === "apply" ? await fatigueDays(db, principal.organizationId) : null;
  if (days) {
    const errors = await fatigueErrors(db, principal.organizationId, items, days, now);
    if (errors.length > 0) throw fatigueProblem(errors);
  }
  const created: CreatedInvitation[] = [];
  const rows: (typeof surveyInvitations.$inferInsert)[] = [];
  for (const item of items) {
    const id = newId("inv");
    const token = options.token ? await options.token(id) : randomSecret(32);
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
      createdAt: now,
    });
    created.push({ id, email: item.email ?? null, token, url: `${origin}/s/${survey.slug}?t=${token}` });
  }
  const statements = [];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) statements.push(db.insert(surveyInvitations).values(rows.slice(i, i + INSERT_CHUNK)));
  const emails = [...new Set(items.map((item) => item.email?.trim().toLowerCase()).filter((e): e is string => Boolean(e)))];
  const d1 = db.$client;
  // One D1 batch (a transaction) so the fatigue guard, a raw statement, can end it.
  const asStatement = (query: { toSQL(): { sql: string; params: unknown[] } }) => {
    const { sql: text, params } = query.toSQL();
    return d1.prepare(text).bind(...params);
  };
  try {
    await d1.batch([
      asStatement(auditInsert(db, principal, { action: "invitations.created", targetType: "survey", targetId: survey.id, data: { count: rows.length } })),
      ...statements.map(asStatement),
      ...(days && emails.length > 0 ? [fatigueGuardStatement(d1, principal.organizationId, emails, days, now)] : []),
    ]);
  } catch (error) {
    // A concurrent request invited some of these addresses first: say which (nothing was written).
    if (days && isFatigueGuardFailure(error)) {
      const errors = await fatigueErrors(db, principal.organizationId, items, days, now);
      if (errors.length > 0) throw fatigueProblem(errors);
      throw new ProblemError("conflict", "Another request invited some of these addresses at the same moment; nothing was created. Try again.");
    }
    throw error;
  }
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
export function markInvitationOpened(db: Db, invitationId: string, now: Date, anonymous: boolean) {
  return db
    .update(surveyInvitations)
    .set({ openedAt: sql`coalesce(${surveyInvitations.openedAt}, ${invitationEventTime(now, anonymous)})` })
    .where(eq(surveyInvitations.id, invitationId))
    .run();
}
