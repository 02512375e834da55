/**
 * Binds a request's `c.var.db` to the shard that holds its organisation (docs/scaling.md 4.1): staff
 * routes once the principal is known (principal.ts), public survey routes from the slug (src/index.ts).
 * A request reading near the reader (src/routes/read-near-reader.ts) gets a D1 session on that shard.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { organisationPlacement, shardD1, shardDb, shardEnv, shardSessionDb, type Placement } from "../db/shards";
import { MOVE_RETRY_AFTER_SECONDS, refusedWhileMoving } from "../domain/shards";
import { ProblemError } from "../lib/problem";

export function bindShard(c: Context<AppEnv>, shard: number): void {
  c.set("shard", shard);
  // Queue messages sent by the rest of the request carry the shard (src/db/shards.ts shardEnv).
  c.env = shardEnv(c.env, shard);
  const reading = c.get("readSession");
  if (reading) {
    // The caller's bookmark for this shard's database (src/routes/read-near-reader.ts).
    reading.bookmark = reading.bookmarkFor(shard);
    reading.session = shardD1(c.env, shard).withSession(reading.bookmark ?? "first-unconstrained");
    c.set("db", shardSessionDb(c.env, shard, reading.session));
  } else c.set("db", shardDb(c.env, shard));
}

/** Binds the placement's shard; a write to an organisation being moved is refused with 503 + Retry-After. */
export function bindPlacement(c: Context<AppEnv>, placement: Placement): void {
  if (refusedWhileMoving(c.req.method, placement.movingTo)) {
    throw new ProblemError(
      "organisation-moving",
      `This organisation is being moved to another database; nothing was changed. Try again in ${MOVE_RETRY_AFTER_SECONDS} seconds.`,
    );
  }
  if (placement.shard !== c.get("shard")) bindShard(c, placement.shard);
}

export async function bindOrganisationShard(c: Context<AppEnv>, organizationId: string): Promise<void> {
  bindPlacement(c, await organisationPlacement(c.env, organizationId));
}
