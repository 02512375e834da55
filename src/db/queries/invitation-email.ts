/**
 * Personal survey invitations sent by e-mail, one piece of code for both doors: the JSON endpoint
 * (POST /api/surveys/:id/invitations with `send: "email"`, emailInvitations below) and the CSV import
 * with `?send=email` (./invitation-import.ts). Addresses on the organisation's suppression list are
 * skipped and reported; each other invitee gets one outbox e-mail in their language, from the
 * organisation's template or the built-in one (src/domain/email/invitation-template.ts), whose
 * personal link is derived at send time (generation 0), so the link exists only in the recipient's
 * message — not in the answer, the outbox or the database.
 */
import type { Db, Principal } from "../../env";
import { createInvitations, type NewInvitation } from "./invitations";
import { suppressedAmong, type SuppressionReason } from "./email-suppression";
import { emailOutboxInsertStatements, emailOutboxRow, type OutboxInsert } from "./outbox";
import { organisationForMail } from "./email-sending";
import { savedInvitationTemplate } from "./email-templates";
import { surveyInvitationEmail, type InvitationLanguage } from "../../domain/email/survey-invitation";
import type { InvitationTemplate } from "../../domain/email/invitation-template";

export type InvitationMailContext = { organisationName: string; template: InvitationTemplate | null };

/** What every invitation e-mail of the organisation is written with: its name and its saved template (null = built-in). */
export async function invitationMailContext(db: Db, organisationId: string): Promise<InvitationMailContext> {
  const [org, saved] = await Promise.all([organisationForMail(db, organisationId), savedInvitationTemplate(db, organisationId)]);
  return { organisationName: org?.name ?? "", template: saved?.template ?? null };
}

export type InvitationEmailInvitee = { invitationId: string; email: string; language: InvitationLanguage; validUntil: Date | null; name: string | null };

/** The outbox e-mail of each invitee (insert them with emailOutboxInsertStatements, in the batch that creates the invitations when possible). */
export function invitationEmailRows(
  context: InvitationMailContext,
  input: { organizationId: string; survey: { slug: string; title: string }; origin: string; now: Date; invitees: InvitationEmailInvitee[] },
): OutboxInsert[] {
  return input.invitees.map((invitee) =>
    emailOutboxRow({
      organizationId: input.organizationId,
      eventType: "invitation.sent",
      to: invitee.email.trim().toLowerCase(),
      language: invitee.language,
      content: surveyInvitationEmail({
        language: invitee.language,
        organisationName: context.organisationName,
        surveyTitle: input.survey.title,
        validUntil: invitee.validUntil,
        name: invitee.name,
        template: context.template,
      }),
      now: input.now,
      dedupeKey: `invitation.sent:${invitee.invitationId}`,
      options: {
        survey: true,
        invitation: { id: invitee.invitationId, generation: 0, url: `${input.origin}/s/${input.survey.slug}?lang=${encodeURIComponent(invitee.language)}` },
      },
    }),
  );
}

/** Splits invitees into those to invite and those whose address is suppressed (with their index and reason). */
export async function withoutSuppressed<T extends { email: string }>(
  db: Db,
  organisationId: string,
  items: T[],
): Promise<{ wanted: T[]; suppressed: { index: number; email: string; reason: SuppressionReason }[] }> {
  const suppressedEmails = await suppressedAmong(db, organisationId, items.map((item) => item.email));
  const suppressed: { index: number; email: string; reason: SuppressionReason }[] = [];
  const wanted: T[] = [];
  items.forEach((item, index) => {
    const reason = suppressedEmails.get(item.email.trim().toLowerCase());
    if (reason) suppressed.push({ index, email: item.email, reason });
    else wanted.push(item);
  });
  return { wanted, suppressed };
}

export type EmailedInvitation = { id: string; email: string };
export type EmailInvitationsOutcome = {
  sent: EmailedInvitation[];
  suppressed: { index: number; email: string; reason: SuppressionReason }[];
  outboxIds: string[];
};

export async function emailInvitations(
  db: Db,
  principal: Principal,
  survey: { id: string; slug: string; title: string },
  items: (NewInvitation & { email: string; language: InvitationLanguage })[],
  options: { origin: string; now: Date; token: (invitationId: string) => Promise<string> },
): Promise<EmailInvitationsOutcome> {
  const { wanted, suppressed } = await withoutSuppressed(db, principal.organizationId, items);
  if (wanted.length === 0) return { sent: [], suppressed, outboxIds: [] };
  const created = await createInvitations(db, principal, survey, wanted, options.origin, { contactFatigue: "apply", now: options.now, token: options.token });
  const rows = invitationEmailRows(await invitationMailContext(db, principal.organizationId), {
    organizationId: principal.organizationId,
    survey,
    origin: options.origin,
    now: options.now,
    invitees: created.map((invitation, i) => ({
      invitationId: invitation.id,
      email: wanted[i]!.email,
      language: wanted[i]!.language,
      validUntil: wanted[i]!.validUntil ?? null,
      name: wanted[i]!.hidden?.name ?? null,
    })),
  });
  await db.$client.batch(emailOutboxInsertStatements(db.$client, principal.organizationId, rows, options.now));
  return { sent: created.map((invitation) => ({ id: invitation.id, email: invitation.email! })), suppressed, outboxIds: rows.map((row) => row.id) };
}
