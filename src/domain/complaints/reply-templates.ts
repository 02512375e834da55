/**
 * Canned replies: an organisation's bilingual reply templates (English and Chinese) with {{placeholders}}
 * filled from the complaint, inserted into the reply box in the complaint's language. A placeholder the
 * desk cannot fill is refused when the template is saved, never discovered when a customer reads it.
 */
import { z } from "zod";
import { fillTemplatePlaceholders, templatePlaceholderNames, templateValue } from "../template-placeholders";

import type { ComplaintLanguage } from "./texts";

/** A canned reply is written in both of the complaint languages (the customer's language decides which is used). */
export const REPLY_TEMPLATE_LANGUAGES = ["en", "zh-CN"] as const satisfies readonly ComplaintLanguage[];
export type ReplyTemplateLanguage = ComplaintLanguage;

/** Every placeholder a canned reply may use, with what it becomes (the editor lists these). */
export const REPLY_PLACEHOLDERS = {
  customerName: "the customer's name, or a polite stand-in when the complaint is anonymous or names nobody",
  reference: "the complaint's reference (FL-…)",
  subject: "the complaint's subject",
  dueDate: "the date the organisation promised a resolution by, in its time zone",
  ownerName: "the name of the person the complaint is assigned to, or a stand-in for the team",
  organisation: "the organisation's name",
} as const;
export type ReplyPlaceholder = keyof typeof REPLY_PLACEHOLDERS;

function isReplyPlaceholder(name: string): name is ReplyPlaceholder {
  return Object.hasOwn(REPLY_PLACEHOLDERS, name);
}

const BodySchema = z.string().trim().min(1, "write the reply in this language").max(10_000);

export const ReplyTemplateInputSchema = z
  .object({
    name: z.string().trim().min(1, "give the reply a name").max(80),
    body: z.object({ en: BodySchema, "zh-CN": BodySchema }).strict(),
  })
  .strict()
  .superRefine((template, ctx) => {
    for (const language of REPLY_TEMPLATE_LANGUAGES) {
      for (const name of templatePlaceholderNames(template.body[language])) {
        if (isReplyPlaceholder(name)) continue;
        ctx.addIssue({
          code: "custom",
          path: ["body", language],
          message: `unknown placeholder {{${name}}}; use ${Object.keys(REPLY_PLACEHOLDERS).map((key) => `{{${key}}}`).join(", ")}`,
        });
      }
    }
  });
export type ReplyTemplateInput = z.infer<typeof ReplyTemplateInputSchema>;

export type ReplyValues = {
  customerName: string | null;
  reference: string;
  subject: string;
  /** The promised resolution instant; shown as a date in `timeZone`. */
  dueAt: Date | null;
  ownerName: string | null;
  organisation: string;
  timeZone: string;
};

const STAND_INS: Record<ReplyTemplateLanguage, { customerName: string; ownerName: string; dueDate: string }> = {
  en: { customerName: "customer", ownerName: "our complaints team", dueDate: "as soon as possible" },
  "zh-CN": { customerName: "顾客", ownerName: "我们的投诉处理团队", dueDate: "尽快" },
};

/** The reply in `language` with every placeholder filled from the complaint. */
export function renderReplyTemplate(body: Record<ReplyTemplateLanguage, string>, language: ReplyTemplateLanguage, values: ReplyValues): string {
  const standIn = STAND_INS[language];
  const date = values.dueAt
    ? new Intl.DateTimeFormat(language === "zh-CN" ? "zh-CN" : "en-GB", { timeZone: values.timeZone, year: "numeric", month: "long", day: "numeric" }).format(values.dueAt)
    : standIn.dueDate;
  const filled: Record<ReplyPlaceholder, string> = {
    customerName: templateValue(values.customerName ?? "") || standIn.customerName,
    reference: values.reference,
    subject: templateValue(values.subject),
    dueDate: date,
    ownerName: templateValue(values.ownerName ?? "") || standIn.ownerName,
    organisation: templateValue(values.organisation),
  };
  // Saved templates hold known placeholders only; an unknown one (never saved) is left out rather than shown raw.
  return fillTemplatePlaceholders(body[language], (name) => (isReplyPlaceholder(name) ? filled[name] : ""));
}
