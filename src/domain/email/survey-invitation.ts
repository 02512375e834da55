/**
 * The survey invitation e-mail in the invitee's language, branded with the organisation's name: the
 * organisation's own template (./invitation-template.ts) or the built-in one. The personal link and
 * the unsubscribe link are placeholders, rendered when the e-mail is sent.
 */
import type { EmailContent } from "../complaints/emails";
import { DEFAULT_INVITATION_TEMPLATE, renderInvitationTemplate, type InvitationLanguage, type InvitationTemplate } from "./invitation-template";

export type { InvitationLanguage } from "./invitation-template";

export function surveyInvitationEmail(input: {
  language: InvitationLanguage;
  organisationName: string;
  surveyTitle: string;
  validUntil: Date | null;
  name?: string | null;
  template?: InvitationTemplate | null;
}): EmailContent {
  return renderInvitationTemplate(input.template ?? DEFAULT_INVITATION_TEMPLATE, input.language, {
    name: input.name ?? null,
    surveyTitle: input.surveyTitle,
    organisationName: input.organisationName,
    validUntil: input.validUntil,
  });
}
