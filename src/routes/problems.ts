import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../lib/openapi";
import { notFound, PROBLEM_TYPES, type ProblemType } from "../lib/problem";

/** Problem `type` URIs resolve to a short human explanation, as RFC 9457 recommends. */
const problemTypeRoute = createRoute({
  method: "get",
  path: "/problems/{type}",
  tags: ["system"],
  summary: "Describe a problem type",
  request: { params: z.object({ type: z.string().max(64) }) },
  responses: {
    200: {
      description: "The problem type",
      content: { "application/json": { schema: z.object({ type: z.string(), title: z.string(), status: z.number() }) } },
    },
  },
});

export const problemRoutes = createRouter().openapi(problemTypeRoute, (c) => {
  const { type } = c.req.valid("param");
  if (!(type in PROBLEM_TYPES)) throw notFound(`Problem type "${type}"`);
  const info = PROBLEM_TYPES[type as ProblemType];
  return c.json({ type: `/problems/${type}`, title: info.title, status: info.status }, 200);
});
