/**
 * The organisation's survey invitation e-mail (src/domain/email/invitation-template.ts): read, save
 * (placeholders checked), reset to the built-in one, and preview for a sample invitee. The CSV
 * import and the JSON invitations endpoint send with it (src/db/queries/invitation-email.ts).
 */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { createRouter, problemResponses } from "../lib/openapi";
import { fieldErrorsFromZod, validationProblem } from "../lib/problem";
import { deleteInvitationTemplate, saveInvitationTemplate, savedInvitationTemplate } from "../db/queries/email-templates";
import { organisationForMail } from "../db/queries/email-sending";
import {
  DEFAULT_INVITATION_TEMPLATE,
  INVITATION_PLACEHOLDERS,
  InvitationTemplateSchema,
  renderInvitationTemplate,
  type InvitationLanguage,
  type InvitationTemplate,
} from "../domain/email/invitation-template";
import { describePlaceholders } from "../domain/email/placeholders";
import { textToHtml } from "../domain/email/message";
import { InvitationTemplatePreviewSchema, InvitationTemplateStateSchema, type InvitationTemplatePreview } from "../contracts/email-templates";

const PreviewBody = z
  .object({
    /** An unsaved template to preview (the editor's current text); default: the saved or built-in one. */
    template: z.record(z.string(), z.unknown()).optional(),
    sample: z
      .object({ name: z.string().max(200).nullable().optional(), surveyTitle: z.string().max(200).optional(), validUntil: z.iso.date().nullable().optional() })
      .strict()
      .optional(),
  })
  .strict();
const PATH = "/organisation/invitation-template";

const getRoute = staffRoute({
  method: "get",
  path: PATH,
  tags: ["invitations"],
  summary: "The survey invitation e-mail template (the organisation's own, or the built-in one) and its placeholders",
  permission: "surveys:read",
  responses: { 200: { description: "Template", content: { "application/json": { schema: InvitationTemplateStateSchema } } }, ...problemResponses(401, 403) },
});

const putRoute = staffRoute({
  method: "put",
  path: PATH,
  tags: ["invitations"],
  summary: "Save the organisation's survey invitation e-mail: subject and body in en and zh-CN",
  description: `Placeholders: ${Object.keys(INVITATION_PLACEHOLDERS).map((key) => `{{${key}}}`).join(", ")}. Each body must contain {{link}}; a subject may not. An unknown placeholder is a 422 naming it. The unsubscribe footer is always added.`,
  permission: "invitations:write",
  request: { body: { content: { "application/json": { schema: z.record(z.string(), z.unknown()) } }, required: true } },
  responses: { 200: { description: "Saved", content: { "application/json": { schema: InvitationTemplateStateSchema } } }, ...problemResponses(400, 401, 403, 422) },
});

const deleteRoute = staffRoute({
  method: "delete",
  path: PATH,
  tags: ["invitations"],
  summary: "Go back to the built-in invitation e-mail",
  permission: "invitations:write",
  responses: { 200: { description: "Reset", content: { "application/json": { schema: InvitationTemplateStateSchema } } }, ...problemResponses(401, 403) },
});

const previewRoute = staffRoute({
  method: "post",
  path: `${PATH}/preview`,
  tags: ["invitations"],
  summary: "Render the invitation e-mail (saved, or the unsaved `template` given) for a sample invitee, as subject, text and HTML",
  permission: "surveys:read",
  request: { body: { content: { "application/json": { schema: PreviewBody } }, required: false } },
  responses: { 200: { description: "Preview", content: { "application/json": { schema: InvitationTemplatePreviewSchema } } }, ...problemResponses(400, 401, 403, 422) },
});

function parseTemplate(input: unknown): InvitationTemplate {
  const parsed = InvitationTemplateSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const errors = fieldErrorsFromZod(parsed.error);
  throw validationProblem(errors, `The template was not saved: ${errors.slice(0, 6).map((e) => `${e.field} ${e.message}`).join("; ")}.`);
}

async function state(db: Parameters<typeof savedInvitationTemplate>[0], organisationId: string): Promise<z.infer<typeof InvitationTemplateStateSchema>> {
  const saved = await savedInvitationTemplate(db, organisationId);
  return {
    custom: saved !== null,
    template: saved?.template ?? DEFAULT_INVITATION_TEMPLATE,
    placeholders: { ...INVITATION_PLACEHOLDERS },
    updatedAt: saved?.updatedAt.toISOString() ?? null,
  };
}

export const emailTemplateRoutes = createRouter()
  .openapi(getRoute, async (c) => c.json(await state(c.get("db"), c.get("principal").organizationId), 200))
  .openapi(putRoute, async (c) => {
    const template = parseTemplate(c.req.valid("json"));
    await saveInvitationTemplate(c.get("db"), c.get("principal"), template);
    return c.json(await state(c.get("db"), c.get("principal").organizationId), 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteInvitationTemplate(c.get("db"), c.get("principal"));
    return c.json(await state(c.get("db"), c.get("principal").organizationId), 200);
  })
  .openapi(previewRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const body = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
    const template = body?.template !== undefined ? parseTemplate(body.template) : (await state(db, organizationId)).template;
    const organisationName = (await organisationForMail(db, organizationId))?.name ?? "";
    const sample = body?.sample ?? {};
    const preview = (language: InvitationLanguage) => {
      const content = renderInvitationTemplate(template, language, {
        name: sample.name === undefined ? (language === "en" ? "Alex Chen" : "陈小明") : sample.name,
        surveyTitle: sample.surveyTitle ?? (language === "en" ? "Customer satisfaction survey" : "客户满意度调查"),
        organisationName,
        validUntil: sample.validUntil ? new Date(`${sample.validUntil}T00:00:00Z`) : sample.validUntil === null ? null : new Date(Date.now() + 14 * 86_400_000),
      });
      // The links are secrets made when the e-mail is sent: the preview names them.
      const text = describePlaceholders(content.text);
      return { subject: describePlaceholders(content.subject), text, html: textToHtml(text, language) };
    };
    const previews: InvitationTemplatePreview = { en: preview("en"), "zh-CN": preview("zh-CN") };
    return c.json(previews, 200);
  });
