/**
 * Personal survey invitations sent by e-mail (POST /api/surveys/:id/invitations with `send: "email"`):
 * addresses on the organisation's suppression list are skipped and reported; each other invitee gets
 * one outbox e-mail in their language whose personal link is derived at send time (generation 0), so
 * the link exists only in the recipient's message — not in the answer, the outbox or the database.
 */
import type { Db, Principal } from "../../env";
import { createInvitations, type NewInvitation } from "./invitations";
import { suppressedAmong, type SuppressionReason } from "./email-suppression";
import { emailOutboxRow } from "./outbox";
import { gatedInsert } from "./complaints-sql";
import { findOrganisation } from "./organisation";
import { surveyInvitationEmail, type InvitationLanguage } from "../../domain/email/survey-invitation";

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
  const suppressedEmails = await suppressedAmong(db, principal.organizationId, items.map((item) => item.email));
  const suppressed: EmailInvitationsOutcome["suppressed"] = [];
  const wanted: typeof items = [];
  items.forEach((item, index) => {
    const reason = suppressedEmails.get(item.email.trim().toLowerCase());
    if (reason) suppressed.push({ index, email: item.email, reason });
    else wanted.push(item);
  });
  if (wanted.length === 0) return { sent: [], suppressed, outboxIds: [] };
  const created = await createInvitations(db, principal, survey, wanted, options.origin, { contactFatigue: "apply", now: options.now, token: options.token });
  const organisationName = (await findOrganisation(db, { id: principal.organizationId }))?.name ?? "";
  const rows = created.map((invitation, i) => {
    const item = wanted[i]!;
    return emailOutboxRow({
      organizationId: principal.organizationId,
      eventType: "invitation.sent",
      to: item.email.trim().toLowerCase(),
      language: item.language,
      content: surveyInvitationEmail({ language: item.language, organisationName, surveyTitle: survey.title, validUntil: item.validUntil ?? null }),
      now: options.now,
      dedupeKey: `invitation.sent:${invitation.id}`,
      options: { survey: true, invitation: { id: invitation.id, generation: 0, url: `${options.origin}/s/${survey.slug}?lang=${encodeURIComponent(item.language)}` } },
    });
  });
  const d1 = db.$client;
  for (let i = 0; i < rows.length; i += 50) await d1.batch(rows.slice(i, i + 50).map((row) => gatedInsert(d1, "outbox", row)));
  return { sent: created.map((invitation) => ({ id: invitation.id, email: invitation.email! })), suppressed, outboxIds: rows.map((row) => row.id) };
}
