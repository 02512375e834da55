/**
 * The survey invitation e-mail in the invitee's language, branded with the organisation's name. The
 * personal link and the unsubscribe link are placeholders, rendered when the e-mail is sent.
 */
import type { EmailContent } from "../complaints/emails";
import { LINK_PLACEHOLDERS } from "./placeholders";

export type InvitationLanguage = "en" | "zh-CN";

export function surveyInvitationEmail(input: { language: InvitationLanguage; organisationName: string; surveyTitle: string; validUntil: Date | null }): EmailContent {
  const until = input.validUntil?.toISOString().slice(0, 10);
  if (input.language === "zh-CN") {
    return {
      subject: `${input.organisationName} 邀请您参加「${input.surveyTitle}」`,
      text: [
        "您好：",
        "",
        `${input.organisationName} 诚邀您参加「${input.surveyTitle}」。只需几分钟，您的意见将帮助我们改进。`,
        "",
        `您的专属链接（请勿转发）：${LINK_PLACEHOLDERS.surveyLink}`,
        ...(until ? [`链接有效期至 ${until}。`] : []),
        "",
        "谢谢！",
        input.organisationName,
        "",
        "--",
        `不想再收到此类邮件？退订：${LINK_PLACEHOLDERS.unsubscribeUrl}`,
      ].join("\n"),
    };
  }
  return {
    subject: `${input.organisationName} invites you: ${input.surveyTitle}`,
    text: [
      "Hello,",
      "",
      `${input.organisationName} would like to hear from you in "${input.surveyTitle}". It takes a few minutes and helps us improve.`,
      "",
      `Your personal link (please do not share it): ${LINK_PLACEHOLDERS.surveyLink}`,
      ...(until ? [`The link is valid until ${until}.`] : []),
      "",
      "Thank you!",
      input.organisationName,
      "",
      "--",
      `No more survey e-mails from us: ${LINK_PLACEHOLDERS.unsubscribeUrl}`,
    ].join("\n"),
  };
}
