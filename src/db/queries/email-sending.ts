/** The reads the e-mail sender (src/jobs/email-sender.ts) needs to render a message at send time. */
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../env";
import { complaints, inboundEmails, surveyInvitations } from "../schema";
import { findOrganisation } from "./organisation";

export function organisationForMail(db: Db, organisationId: string) {
  return findOrganisation(db, { id: organisationId });
}

export function complaintForMail(db: Db, organisationId: string, complaintId: string) {
  return db.query.complaints.findFirst({
    where: and(eq(complaints.id, complaintId), eq(complaints.organizationId, organisationId)),
    columns: { id: true, reference: true },
  });
}

export function invitationForMail(db: Db, organisationId: string, invitationId: string) {
  return db.query.surveyInvitations.findFirst({
    where: and(eq(surveyInvitations.id, invitationId), eq(surveyInvitations.organizationId, organisationId)),
    columns: { id: true, tokenHash: true, completedAt: true, usesLeft: true, validUntil: true },
  });
}

/** The Message-IDs of the customer's e-mails on a complaint's thread, oldest first (threading headers). */
export async function complaintInboundMessageIds(db: Db, organisationId: string, complaintId: string): Promise<string[]> {
  const rows = await db
    .select({ messageId: inboundEmails.messageId })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.organizationId, organisationId), eq(inboundEmails.complaintId, complaintId)))
    .orderBy(asc(inboundEmails.receivedAt), asc(inboundEmails.id));
  return rows.map((row) => row.messageId);
}
