/**
 * The survey invitation e-mail as a template: subject and body in each invitation language, with
 * {{placeholders}} filled per invitee. The built-in branded bilingual invitation is itself a
 * template (DEFAULT_INVITATION_TEMPLATE) rendered by the same code; an organisation may save its own
 * (PUT /api/organisation/invitation-template), checked by InvitationTemplateSchema.
 *
 * - {{link}} becomes the personal-link placeholder, rendered only when the e-mail is sent
 *   (./placeholders.ts): the link is never stored. The body must contain it; the subject may not.
 * - A line that uses {{valid_until}} is left out when the invitation does not expire.
 * - The unsubscribe footer is always appended (RFC 8058 and the law ask for it; staff cannot drop it).
 * - The text is plain text: the HTML part escapes it (./message.ts textToHtml), so markup typed into a
 *   template or a survey title shows as text and never becomes HTML.
 */
import { z } from "zod";
import type { EmailContent } from "../complaints/emails";
import { LINK_PLACEHOLDERS } from "./placeholders";
import { fillTemplatePlaceholders, templatePlaceholderNames, templateValue } from "../template-placeholders";

export const INVITATION_LANGUAGES = ["en", "zh-CN"] as const;
export type InvitationLanguage = (typeof INVITATION_LANGUAGES)[number];

/** Every placeholder a template may use, with what it becomes (shown in the editor and the README). */
export const INVITATION_PLACEHOLDERS = {
  name: "the invitee's name (the invitation's `name` hidden field), or a polite stand-in",
  survey_title: "the survey's title",
  organisation: "the organisation's name",
  link: "the invitee's personal survey link (required in the body; added when the e-mail is sent)",
  valid_until: "the last day the link works (YYYY-MM-DD); a line using it is left out when the link does not expire",
} as const;
export type InvitationPlaceholder = keyof typeof INVITATION_PLACEHOLDERS;


const LanguageTemplateSchema = z
  .object({
    subject: z.string().trim().min(1).max(200).regex(/^[^\r\n]*$/, "must be one line"),
    body: z.string().trim().min(1).max(10_000),
  })
  .strict();

export type LanguageTemplate = z.infer<typeof LanguageTemplateSchema>;
export type InvitationTemplate = Record<InvitationLanguage, LanguageTemplate>;

const placeholderNames = templatePlaceholderNames;

function isKnown(name: string): name is InvitationPlaceholder {
  return Object.hasOwn(INVITATION_PLACEHOLDERS, name);
}

export const InvitationTemplateSchema = z
  .object({ en: LanguageTemplateSchema, "zh-CN": LanguageTemplateSchema })
  .strict()
  .superRefine((template, ctx) => {
    for (const language of INVITATION_LANGUAGES) {
      for (const field of ["subject", "body"] as const) {
        const text = template[language][field];
        for (const name of placeholderNames(text)) {
          if (!isKnown(name)) {
            ctx.addIssue({
              code: "custom",
              path: [language, field],
              message: `unknown placeholder {{${name}}}; use ${Object.keys(INVITATION_PLACEHOLDERS).map((key) => `{{${key}}}`).join(", ")}`,
            });
          }
        }
        // The sender's own link markers are not for templates: they would be filled with a secret.
        if (text.includes("@@")) ctx.addIssue({ code: "custom", path: [language, field], message: 'may not contain "@@"' });
      }
      if (placeholderNames(template[language].subject).includes("link")) {
        ctx.addIssue({ code: "custom", path: [language, "subject"], message: "may not contain {{link}}: the personal link belongs in the body" });
      }
      if (!placeholderNames(template[language].body).includes("link")) {
        ctx.addIssue({ code: "custom", path: [language, "body"], message: "must contain {{link}}, the invitee's personal survey link" });
      }
    }
  });

/** The built-in branded, bilingual invitation (used until an organisation saves its own). */
export const DEFAULT_INVITATION_TEMPLATE: InvitationTemplate = {
  en: {
    subject: "{{organisation}} invites you: {{survey_title}}",
    body: [
      "Hello {{name}},",
      "",
      '{{organisation}} would like to hear from you in "{{survey_title}}". It takes a few minutes and helps us improve.',
      "",
      "Your personal link (please do not share it): {{link}}",
      "The link is valid until {{valid_until}}.",
      "",
      "Thank you!",
      "{{organisation}}",
    ].join("\n"),
  },
  "zh-CN": {
    subject: "{{organisation}} 邀请您参加「{{survey_title}}」",
    body: [
      "{{name}}，您好：",
      "",
      "{{organisation}} 诚邀您参加「{{survey_title}}」。只需几分钟，您的意见将帮助我们改进。",
      "",
      "您的专属链接（请勿转发）：{{link}}",
      "链接有效期至 {{valid_until}}。",
      "",
      "谢谢！",
      "{{organisation}}",
    ].join("\n"),
  },
};

/** Stand-ins for {{name}} when the invitation names nobody. */
const NAMELESS: Record<InvitationLanguage, string> = { en: "there", "zh-CN": "尊敬的客户" };

/** Survey mail ends with the unsubscribe link (also in the List-Unsubscribe header), rendered at send time. */
export function unsubscribeFooter(language: string): string[] {
  return ["", "--", language.startsWith("zh") ? `不想再收到此类邮件？退订：${LINK_PLACEHOLDERS.unsubscribeUrl}` : `No more survey e-mails from us: ${LINK_PLACEHOLDERS.unsubscribeUrl}`];
}

export type InvitationValues = { name: string | null; surveyTitle: string; organisationName: string; validUntil: Date | null };

/** The invitation for one invitee, with the personal link still a send-time placeholder. */
export function renderInvitationTemplate(template: InvitationTemplate, language: InvitationLanguage, values: InvitationValues): EmailContent {
  // Values are data, not template: a name or title cannot smuggle in a placeholder or a link marker.
  const clean = (value: string) => templateValue(value).replace(/@@/g, "@").replace(/[\r\n]+/g, " ").trim();
  const filled: Record<InvitationPlaceholder, string | null> = {
    name: clean(values.name ?? "") || NAMELESS[language],
    survey_title: clean(values.surveyTitle),
    organisation: clean(values.organisationName),
    link: LINK_PLACEHOLDERS.surveyLink,
    valid_until: values.validUntil ? values.validUntil.toISOString().slice(0, 10) : null,
  };
  const fill = (text: string) => fillTemplatePlaceholders(text, (name) => (isKnown(name) ? (filled[name] ?? "") : ""));
  const { subject, body } = template[language];
  const lines = body
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .filter((line) => filled.valid_until !== null || !placeholderNames(line).includes("valid_until"));
  return { subject: fill(subject), text: [...lines.map(fill), ...unsubscribeFooter(language)].join("\n") };
}
