/**
 * Platform operator routes (not an organisation's staff): moving an organisation between shards
 * (src/jobs/shard-move.ts, docs/scaling.md 4.1). Authorised by the OPERATOR_TOKEN secret; without
 * it the route answers 404 like any unknown path.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { constantTimeEqual } from "../lib/link-secrets";
import { fieldErrorsFromZod, ProblemError, validationProblem } from "../lib/problem";
import { MoveRefused, moveOrganisation } from "../jobs/shard-move";

const MoveBody = z.object({ toShard: z.number().int().min(0) }).strict();

export const operatorRoutes = new Hono<AppEnv>().post("/api/operator/organisations/:id/move", async (c) => {
  const token = c.env.OPERATOR_TOKEN;
  const given = c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
  if (!token) throw new ProblemError("not-found", `No route matches POST ${new URL(c.req.url).pathname}.`);
  if (!constantTimeEqual(given, token)) throw new ProblemError("unauthorized", "Send `Authorization: Bearer <OPERATOR_TOKEN>`.");
  const parsed = MoveBody.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) throw validationProblem(fieldErrorsFromZod(parsed.error));
  try {
    return c.json(await moveOrganisation(c.env, c.req.param("id"), parsed.data.toShard), 200);
  } catch (error) {
    if (error instanceof MoveRefused) throw new ProblemError("conflict", error.message);
    throw error;
  }
});
