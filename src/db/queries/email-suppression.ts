/**
 * The organisation's e-mail suppression list (schema: emailSuppressions). Unsubscribes and bounces
 * add to it; survey invitations and reminders skip its addresses.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../env";
import { emailSuppressions } from "../schema";

export type SuppressionReason = (typeof emailSuppressions.$inferInsert)["reason"];

function normalise(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Puts an address on the organisation's suppression list (idempotent: the first reason is kept).
 * Called by the unsubscribe page and the RFC 8058 POST, and by the inbound e-mail handler for bounces.
 */
export async function suppressEmailAddress(db: Db, organisationId: string, email: string, reason: SuppressionReason, now = new Date()): Promise<void> {
  await db
    .insert(emailSuppressions)
    .values({ organizationId: organisationId, email: normalise(email), reason, createdAt: now })
    .onConflictDoNothing();
}

export async function isEmailSuppressed(db: Db, organisationId: string, email: string): Promise<boolean> {
  const row = await db.query.emailSuppressions.findFirst({
    where: and(eq(emailSuppressions.organizationId, organisationId), eq(emailSuppressions.email, normalise(email))),
    columns: { email: true },
  });
  return row !== undefined;
}

/** The suppressed addresses among `emails` (lower-case), with their reason. */
export async function suppressedAmong(db: Db, organisationId: string, emails: string[]): Promise<Map<string, SuppressionReason>> {
  const wanted = [...new Set(emails.map(normalise))];
  const found = new Map<string, SuppressionReason>();
  for (let i = 0; i < wanted.length; i += 90) {
    const rows = await db
      .select({ email: emailSuppressions.email, reason: emailSuppressions.reason })
      .from(emailSuppressions)
      .where(and(eq(emailSuppressions.organizationId, organisationId), inArray(emailSuppressions.email, wanted.slice(i, i + 90))));
    for (const row of rows) found.set(row.email, row.reason);
  }
  return found;
}
