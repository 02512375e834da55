import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../lib/openapi";

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["system"],
  summary: "Liveness check",
  responses: {
    200: {
      description: "The Worker is running",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
  },
});

export const healthRoutes = createRouter().openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
