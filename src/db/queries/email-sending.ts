/** The reads the e-mail sender (src/jobs/email-sender.ts) needs to render a message at send time. */
import { and, eq } from "drizzle-orm";
import type { Db } from "../../env";
import { complaints, surveyInvitations } from "../schema";
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
