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

type OpenApiDocument = ReturnType<AppRouter["getOpenAPI31Document"]>;

const WRITE_METHODS = ["post", "put", "patch", "delete"] as const;
/** Paths whose writes never touch an organisation's shard (sign-in, the operator's own routes, development seeding). */
const NOT_ORGANISATION_SCOPED = /^\/api\/(auth|operator|dev)\//;

/**
 * Adds the 503 every organisation-scoped write can answer while its organisation is being moved
 * between shards (src/auth/shard-binding.ts), with its Retry-After header, to every such operation of
 * the document: the refusal comes from shared middleware, so no route declares it itself.
 */
export function withMoveRefusals(document: OpenApiDocument, retryAfterSeconds: number): OpenApiDocument {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (NOT_ORGANISATION_SCOPED.test(path)) continue;
    for (const method of WRITE_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.responses = {
        ...operation.responses,
        503: {
          description: `The organisation is being moved to another database; nothing was changed. Retry after the Retry-After header's seconds (${retryAfterSeconds}).`,
          headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait before retrying" } },
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      };
    }
  }
  return document;
}
