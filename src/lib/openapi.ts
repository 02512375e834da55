import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { fieldErrorsFromZod, ProblemError, validationProblem } from "./problem";

/**
 * Every sub-app is built here so they share one validation hook: a zod failure throws a problem
 * (422 for bodies, 400 for path and query parameters) with one entry per offending field.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const target = result.target;
      const errors = fieldErrorsFromZod(result.error, target === "json" || target === "form" ? undefined : target);
      if (target === "json" || target === "form") throw validationProblem(errors);
      throw new ProblemError("bad-request", `Invalid ${target} parameters: ${errors.map((e) => `${e.field} (${e.message})`).join("; ")}.`, { errors });
    },
  });
}

export type AppRouter = ReturnType<typeof createRouter>;

/** Problem responses every route can answer, for the OpenAPI document. */
export function problemResponses(...statuses: number[]) {
  const out: Record<number, { description: string; content: { "application/problem+json": { schema: { $ref: string } } } }> = {};
  for (const status of statuses) {
    out[status] = {
      description: `Problem (${status})`,
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    };
  }
  return out;
}
