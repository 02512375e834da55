/**
 * E-mails to staff that are not about one complaint (complaint notices live in complaints/emails.ts).
 * Bilingual, because a staff member's language is not stored.
 */
import type { EmailContent } from "./complaints/emails";

export function staffInvitationEmail(input: { organizationName: string; inviterName: string; role: string; url: string; expiresAt: Date }): EmailContent {
  const until = input.expiresAt.toISOString().slice(0, 10);
  return {
    subject: `Join ${input.organizationName} on Feedloop / 加入 ${input.organizationName}`,
    text: [
      `${input.inviterName} invited you to join ${input.organizationName} on Feedloop as ${input.role}.`,
      `Accept the invitation (valid until ${until}): ${input.url}`,
      "",
      `${input.inviterName} 邀请您以「${input.role}」身份加入 ${input.organizationName}（Feedloop）。`,
      `请在 ${until} 前通过以下链接接受邀请：${input.url}`,
      "",
      "If you did not expect this e-mail you can ignore it. / 如非本人操作，请忽略此邮件。",
    ].join("\n"),
  };
}
