import { z } from "@hono/zod-openapi";
import { staffRoute } from "../auth/principal";
import { createApiKey, listApiKeys, revokeApiKey } from "../db/queries/api-keys";
import { ApiKeySchema, CreateApiKeySchema, CreatedApiKeySchema } from "../contracts/api-keys";
import { canGrantRole } from "../domain/permissions";
import { createRouter, problemResponses } from "../lib/openapi";
import { notFound, ProblemError } from "../lib/problem";

const listRoute = staffRoute({
  method: "get",
  path: "/api-keys",
  tags: ["api keys"],
  summary: "List the organisation's API keys (never the keys themselves)",
  permission: "apikeys:manage",
  responses: {
    200: { description: "Keys", content: { "application/json": { schema: z.object({ items: z.array(ApiKeySchema) }) } } },
    ...problemResponses(401, 403),
  },
});

const createKeyRoute = staffRoute({
  method: "post",
  path: "/api-keys",
  tags: ["api keys"],
  summary: "Create an API key; the key is in this response only",
  permission: "apikeys:manage",
  request: { body: { content: { "application/json": { schema: CreateApiKeySchema } }, required: true } },
  responses: {
    201: {
      description: "Created",
      content: { "application/json": { schema: CreatedApiKeySchema } },
    },
    ...problemResponses(401, 403, 422),
  },
});

const revokeRoute = staffRoute({
  method: "delete",
  path: "/api-keys/{id}",
  tags: ["api keys"],
  summary: "Revoke an API key",
  permission: "apikeys:manage",
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: { 204: { description: "Revoked" }, ...problemResponses(401, 403, 404) },
});

export const apiKeyRoutes = createRouter()
  .openapi(listRoute, async (c) => c.json({ items: await listApiKeys(c.get("db"), c.get("principal").organizationId) }, 200))
  .openapi(createKeyRoute, async (c) => {
    const principal = c.get("principal");
    const input = c.req.valid("json");
    if (!canGrantRole(principal.role, input.role)) {
      throw new ProblemError("forbidden", `A ${principal.role} cannot create a key with the role ${input.role}.`);
    }
    return c.json(await createApiKey(c.get("db"), principal, input), 201);
  })
  .openapi(revokeRoute, async (c) => {
    const ok = await revokeApiKey(c.get("db"), c.get("principal"), c.req.valid("param").id);
    if (!ok) throw notFound("API key");
    return c.body(null, 204);
  });
