/**
 * Saved views of the complaint queue (issue 17): a person saves the queue's current filters under a
 * name, for themselves or shared with the organisation's desk, applies them from the queue, and deletes
 * their own. The filters are the queue address's own parameters, validated like the list's query.
 */
import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { CreateSavedViewSchema, SavedViewSchema, type SavedView } from "../contracts/saved-views";
import { deleteSavedView, insertSavedView, listSavedViews, type SavedViewRow } from "../db/queries/saved-views";
import { newId } from "../lib/ids";
import { createRouter, problemResponses } from "../lib/openapi";
import { notFound, ProblemError } from "../lib/problem";

const listRoute = staffRoute({
  method: "get",
  path: "/complaint-views",
  tags: ["complaints"],
  summary: "Your saved views of the complaint queue and those shared in the organisation",
  permission: "complaints:read",
  responses: { 200: { description: "Views", content: { "application/json": { schema: z.object({ items: z.array(SavedViewSchema) }) } } }, ...problemResponses(401, 403) },
});

const createRoute = staffRoute({
  method: "post",
  path: "/complaint-views",
  tags: ["complaints"],
  summary: "Save the queue's filters under a name (409 if you already have a view of that name)",
  permission: "complaints:read",
  request: { body: { content: { "application/json": { schema: CreateSavedViewSchema } }, required: true } },
  responses: { 201: { description: "Saved", content: { "application/json": { schema: SavedViewSchema } } }, ...problemResponses(401, 403, 409, 422) },
});

const deleteRoute = staffRoute({
  method: "delete",
  path: "/complaint-views/{id}",
  tags: ["complaints"],
  summary: "Delete one of your saved views (another person's shared view is theirs to delete: 404)",
  permission: "complaints:read",
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: { 204: { description: "Deleted" }, ...problemResponses(401, 403, 404) },
});

function shape(row: SavedViewRow, principalId: string): SavedView {
  return { id: row.id, name: row.name, filters: row.filters, shared: row.shared, mine: row.ownerId === principalId, createdAt: row.createdAt.toISOString() };
}

export const savedViewRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const principal = c.get("principal");
    const rows = await listSavedViews(c.get("db"), principal.organizationId, principal.id);
    return c.json({ items: rows.map((row) => shape(row, principal.id)) }, 200);
  })
  .openapi(createRoute, async (c) => {
    const principal = c.get("principal");
    const input = c.req.valid("json");
    const row = await insertSavedView(c.get("db"), { id: newId("vw"), organizationId: principal.organizationId, ownerId: principal.id, ...input, now: new Date() });
    if (!row) throw new ProblemError("conflict", `You already have a view named “${input.name}”. Choose another name, or delete that view first.`);
    return c.json(shape(row, principal.id), 201);
  })
  .openapi(deleteRoute, async (c) => {
    const principal = c.get("principal");
    if (!(await deleteSavedView(c.get("db"), principal.organizationId, principal.id, c.req.valid("param").id))) throw notFound("Saved view");
    return c.body(null, 204);
  });
