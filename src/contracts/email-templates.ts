/** Response contract of the organisation's invitation e-mail template (/api/organisation/invitation-template). */
import { z } from "@hono/zod-openapi";

const LanguageTemplateView = z.object({ subject: z.string(), body: z.string() });
export const InvitationTemplateViewSchema = z.object({ en: LanguageTemplateView, "zh-CN": LanguageTemplateView }).openapi("InvitationTemplate");
export const InvitationTemplateStateSchema = z
  .object({
    custom: z.boolean(),
    template: InvitationTemplateViewSchema,
    placeholders: z.record(z.string(), z.string()),
    updatedAt: z.string().nullable(),
  })
  .openapi("InvitationTemplateState");
const RenderedView = z.object({ subject: z.string(), text: z.string(), html: z.string() });
export const InvitationTemplatePreviewSchema = z.object({ en: RenderedView, "zh-CN": RenderedView }).openapi("InvitationTemplatePreview");

export type InvitationTemplateState = z.infer<typeof InvitationTemplateStateSchema>;
export type InvitationTemplatePreview = z.infer<typeof InvitationTemplatePreviewSchema>;
