/**
 * Canned replies (issue 17): managers and admins keep the organisation's bilingual reply templates;
 * staff insert one into the reply box, filled from the complaint in the complaint's language.
 */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { REPLY_PLACEHOLDERS, renderReplyTemplate, ReplyTemplateInputSchema } from "../domain/complaints";
import { asComplaintLanguage } from "../domain/complaints/texts";
import { findComplaint, loadComplaintContext, userContacts } from "../db/queries/complaints";
import { createReplyTemplate, deleteReplyTemplate, findReplyTemplate, listReplyTemplates, type ReplyTemplateRow, updateReplyTemplate } from "../db/queries/reply-templates";
import { createRouter, problemResponses } from "../lib/openapi";
import { notFound, ProblemError } from "../lib/problem";
import { RenderedReplySchema, ReplyTemplateListSchema, ReplyTemplateSchema } from "../contracts/complaints";

const IdParam = z.object({ id: z.string().min(1).max(64) });
const body = { content: { "application/json": { schema: ReplyTemplateInputSchema } }, required: true as const };
const placeholderDoc = Object.entries(REPLY_PLACEHOLDERS).map(([key, meaning]) => `{{${key}}}: ${meaning}`).join("; ");

const listRoute = staffRoute({
  method: "get",
  path: "/reply-templates",
  tags: ["complaints"],
  summary: "The organisation's canned replies, with the placeholders they may use",
  permission: "complaints:read",
  responses: {
    200: {
      description: "Canned replies",
      content: { "application/json": { schema: ReplyTemplateListSchema } },
    },
    ...problemResponses(401, 403),
  },
});

const createRoute = staffRoute({
  method: "post",
  path: "/reply-templates",
  tags: ["complaints"],
  summary: `Add a canned reply in English and Chinese (an unknown placeholder: 422). Placeholders: ${placeholderDoc}`,
  permission: "complaints:templates",
  request: { body },
  responses: { 201: { description: "Saved", content: { "application/json": { schema: ReplyTemplateSchema } } }, ...problemResponses(401, 403, 409, 422) },
});

const updateRoute = staffRoute({
  method: "put",
  path: "/reply-templates/{id}",
  tags: ["complaints"],
  summary: "Change a canned reply's name and texts",
  permission: "complaints:templates",
  request: { params: IdParam, body },
  responses: { 200: { description: "Saved", content: { "application/json": { schema: ReplyTemplateSchema } } }, ...problemResponses(401, 403, 404, 409, 422) },
});

const deleteRoute = staffRoute({
  method: "delete",
  path: "/reply-templates/{id}",
  tags: ["complaints"],
  summary: "Delete a canned reply",
  permission: "complaints:templates",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
});

const renderRoute = staffRoute({
  method: "get",
  path: "/complaints/{id}/reply-templates/{templateId}",
  tags: ["complaints"],
  summary: "A canned reply filled from this complaint, in the complaint's language, for the reply box",
  permission: "complaints:write",
  request: { params: IdParam.extend({ templateId: z.string().min(1).max(64) }) },
  responses: {
    200: { description: "The reply text", content: { "application/json": { schema: RenderedReplySchema } } },
    ...problemResponses(401, 403, 404),
  },
});

function shape(row: ReplyTemplateRow) {
  return { id: row.id, name: row.name, body: row.body, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

function nameTaken(name: string): ProblemError {
  return new ProblemError("conflict", `A canned reply named “${name}” exists already. Choose another name, or edit that reply.`);
}

export const replyTemplateRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listReplyTemplates(c.get("db"), c.get("principal").organizationId);
    return c.json({ items: rows.map(shape), placeholders: { ...REPLY_PLACEHOLDERS } }, 200);
  })
  .openapi(createRoute, async (c) => {
    const input = c.req.valid("json");
    const row = await createReplyTemplate(c.get("db"), c.get("principal"), input, new Date());
    if (!row) throw nameTaken(input.name);
    return c.json(shape(row), 201);
  })
  .openapi(updateRoute, async (c) => {
    const input = c.req.valid("json");
    const result = await updateReplyTemplate(c.get("db"), c.get("principal"), c.req.valid("param").id, input, new Date());
    if (result === "missing") throw notFound("Canned reply");
    if (result === "name_taken") throw nameTaken(input.name);
    return c.json(shape(result), 200);
  })
  .openapi(deleteRoute, async (c) => {
    if (!(await deleteReplyTemplate(c.get("db"), c.get("principal"), c.req.valid("param").id, new Date()))) throw notFound("Canned reply");
    return c.body(null, 204);
  })
  .openapi(renderRoute, async (c) => {
    const db = c.get("db");
    const { organizationId } = c.get("principal");
    const { id, templateId } = c.req.valid("param");
    const [row, template, ctx] = await Promise.all([findComplaint(db, organizationId, id), findReplyTemplate(db, organizationId, templateId), loadComplaintContext(db, organizationId)]);
    if (!template) throw notFound("Canned reply");
    const owner = row.assigneeId ? (await userContacts(db, [row.assigneeId])).get(row.assigneeId) : undefined;
    const language = asComplaintLanguage(row.language);
    const text = renderReplyTemplate(template.body, language, {
      customerName: row.anonymous ? null : row.contactName,
      reference: row.reference,
      subject: row.subject,
      dueAt: row.state === "closed" ? null : row.resolutionDueAt,
      ownerName: owner?.name ?? null,
      organisation: ctx.organizationName,
      timeZone: ctx.timeZone,
    });
    return c.json({ language, text }, 200);
  });
