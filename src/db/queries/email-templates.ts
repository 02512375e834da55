/** The organisation's own survey invitation template (schema: emailTemplates; src/domain/email/invitation-template.ts). */
import { and, eq } from "drizzle-orm";
import type { Db, Principal } from "../../env";
import { emailTemplates } from "../schema";
import type { InvitationTemplate } from "../../domain/email/invitation-template";
import { auditInsert } from "./audit";

const KIND = "survey_invitation" as const;

export async function savedInvitationTemplate(db: Db, organisationId: string): Promise<{ template: InvitationTemplate; updatedAt: Date } | null> {
  const row = await db.query.emailTemplates.findFirst({
    where: and(eq(emailTemplates.organizationId, organisationId), eq(emailTemplates.kind, KIND)),
    columns: { template: true, updatedAt: true },
  });
  return row ?? null;
}

/** Saves (replaces) the template; the caller has validated it with InvitationTemplateSchema. */
export async function saveInvitationTemplate(db: Db, principal: Principal, template: InvitationTemplate, now = new Date()): Promise<void> {
  await db.batch([
    db
      .insert(emailTemplates)
      .values({ organizationId: principal.organizationId, kind: KIND, template, updatedBy: principal.id, updatedAt: now })
      .onConflictDoUpdate({ target: [emailTemplates.organizationId, emailTemplates.kind], set: { template, updatedBy: principal.id, updatedAt: now } }),
    auditInsert(db, principal, { action: "email_template.saved", targetType: "organisation", targetId: principal.organizationId, data: { kind: KIND } }),
  ]);
}

/** Back to the built-in template. */
export async function deleteInvitationTemplate(db: Db, principal: Principal): Promise<void> {
  await db.batch([
    db.delete(emailTemplates).where(and(eq(emailTemplates.organizationId, principal.organizationId), eq(emailTemplates.kind, KIND))),
    auditInsert(db, principal, { action: "email_template.reset", targetType: "organisation", targetId: principal.organizationId, data: { kind: KIND } }),
  ]);
}
