/**
 * Platform operator routes (not an organisation's staff): moving an organisation between shards
 * (src/jobs/shard-move.ts, docs/scaling.md 4.1) and watching the move. Authorised by the
 * OPERATOR_TOKEN secret; without it the routes answer 404 like any unknown path. Not in the OpenAPI
 * document, which describes the organisations' API.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { constantTimeEqual } from "../lib/link-secrets";
import { fieldErrorsFromZod, ProblemError, validationProblem } from "../lib/problem";
import { MoveRefused, startShardMove } from "../jobs/shard-move";
import { getShardMove, type ShardMove } from "../db/queries/shard-move";

const OrganisationParam = z.object({ id: z.string().min(1).max(64) });
const MoveBody = z.object({ toShard: z.number().int().min(0) }).strict();
const MoveParam = z.object({ moveId: z.string().regex(/^move_[A-Za-z0-9_-]{20}$/, "not a move id") });

function requireOperator(c: Context<AppEnv>): void {
  const token = c.env.OPERATOR_TOKEN;
  const given = c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
  if (!token) throw new ProblemError("not-found", `No route matches ${c.req.method} ${new URL(c.req.url).pathname}.`);
  if (!constantTimeEqual(given, token)) throw new ProblemError("unauthorized", "Send `Authorization: Bearer <OPERATOR_TOKEN>`.");
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, prefix?: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(fieldErrorsFromZod(result.error, prefix));
  return result.data;
}

const movePath = (id: string) => `/api/operator/moves/${id}`;

function moveBody(move: ShardMove) {
  return {
    id: move.id,
    organizationId: move.organizationId,
    fromShard: move.fromShard,
    toShard: move.toShard,
    status: move.status,
    currentTable: move.currentTable,
    rowsCopied: move.rowsCopied,
    tableCounts: move.tableCounts,
    error: move.error,
    startedAt: move.startedAt.toISOString(),
    finishedAt: move.finishedAt?.toISOString() ?? null,
    location: movePath(move.id),
  };
}

export const operatorRoutes = new Hono<AppEnv>()
  .post("/api/operator/organisations/:id/move", async (c) => {
    requireOperator(c);
    const { id } = parsed(OrganisationParam, c.req.param(), "params");
    const { toShard } = parsed(MoveBody, await c.req.json().catch(() => undefined));
    try {
      const move = await startShardMove(c.env, id, toShard);
      return c.json(moveBody(move), 202, { location: movePath(move.id) });
    } catch (error) {
      if (error instanceof MoveRefused) throw new ProblemError("conflict", error.message);
      throw error;
    }
  })
  .get("/api/operator/moves/:moveId", async (c) => {
    requireOperator(c);
    const { moveId } = parsed(MoveParam, c.req.param(), "params");
    const move = await getShardMove(c.env.DB, moveId);
    if (!move) throw new ProblemError("not-found", `No move ${moveId}.`);
    return c.json(moveBody(move), 200);
  });
