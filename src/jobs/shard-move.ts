/**
 * Moves one organisation from its shard to another (docs/scaling.md 4.1):
 *   1. mark it moving in the control plane: its writes (staff and public) answer 503 + Retry-After;
 *   2. wait until every isolate's cached placement has expired (SHARD_MAP_TTL_MS), so none still
 *      writes to the old shard;
 *   3. copy every table's rows of the organisation in keyset chunks, parents first (the identity rows
 *      it needs — organisation, members, their users — as copies; the control plane keeps the originals);
 *   4. verify that the target holds as many rows of every table as the source;
 *   5. flip org_shards and survey_slugs to the new shard (one control-plane batch), which ends the mark;
 *   6. delete the organisation's rows from the old shard (its tenant rows; identity copies only when
 *      the old shard is not the control plane), and drop this isolate's cached placements.
 * A failure before the flip clears the mark and leaves the organisation where it was; copying again
 * is harmless (rows already copied are skipped). After the flip the old rows are only garbage: a
 * failed delete is finished by running the move's cleanup again (moveOrganisation to the same shard
 * is refused, so call deleteFromShard).
 */
import type { AppBindings } from "../env";
import { forgetShardPlacements, organisationPlacement, SHARD_MAP_TTL_MS, shardD1, shardDatabases } from "../db/shards";
import { clearMoving, copyChunk, countRows, deleteChunk, deleteUnreferencedUsers, flipShard, markMoving, movePlan } from "../db/queries/shard-move";

/** Rows per copy chunk: one SELECT and one INSERT … SELECT FROM json_each of the chunk (well below D1's 2 MB per bound value). */
const COPY_CHUNK_ROWS = 200;
const DELETE_CHUNK_ROWS = 1_000;

export type MoveReport = { organizationId: string; from: number; to: number; tables: Record<string, number>; rowsCopied: number };

export class MoveRefused extends Error {}

export async function moveOrganisation(
  env: AppBindings,
  organizationId: string,
  to: number,
  options: { settleMs?: number; now?: () => Date } = {},
): Promise<MoveReport> {
  const now = options.now ?? (() => new Date());
  const shards = shardDatabases(env).length;
  if (!Number.isInteger(to) || to < 0 || to >= shards) throw new MoveRefused(`Shard ${to} does not exist: this Worker has shards 0 to ${shards - 1}.`);
  forgetShardPlacements();
  const placement = await organisationPlacement(env, organizationId);
  if (placement.movingTo !== null) throw new MoveRefused(`Organisation ${organizationId} is already being moved to shard ${placement.movingTo}.`);
  if (placement.shard === to) throw new MoveRefused(`Organisation ${organizationId} already lives in shard ${to}.`);
  const from = placement.shard;
  const control = env.DB;
  const source = shardD1(env, from);
  const target = shardD1(env, to);
  const exists = await source.prepare(`SELECT 1 AS found FROM organization WHERE id = ?1`).bind(organizationId).first();
  if (!exists) throw new MoveRefused(`Organisation ${organizationId} has no rows in shard ${from}.`);

  const plan = await movePlan(target);
  await markMoving(control, organizationId, from, to, now());
  forgetShardPlacements();
  const report: MoveReport = { organizationId, from, to, tables: {}, rowsCopied: 0 };
  try {
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? SHARD_MAP_TTL_MS));
    // The control plane already holds the identity originals.
    const copying = plan.filter((table) => !(table.mirrored && to === 0));
    for (const table of copying) {
      let after: unknown[] | null = null;
      do after = await copyChunk(source, target, table, organizationId, after, COPY_CHUNK_ROWS);
      while (after !== null);
    }
    // Counted once everything is in: some tables' rows belong through others (a user through its membership).
    for (const table of copying) {
      const [copied, expected] = await Promise.all([countRows(target, table, organizationId), countRows(source, table, organizationId)]);
      if (copied < expected) throw new Error(`Copy of ${table.name} is incomplete: ${copied} of ${expected} rows in shard ${to}.`);
      report.tables[table.name] = expected;
      report.rowsCopied += expected;
    }
    await flipShard(control, organizationId, to, now());
  } catch (error) {
    await clearMoving(control, organizationId, now());
    forgetShardPlacements();
    throw error;
  }
  forgetShardPlacements();
  await deleteFromShard(env, organizationId, from);
  return report;
}

/** Deletes an organisation's rows from a shard it no longer lives in (step 6), children first. */
export async function deleteFromShard(env: AppBindings, organizationId: string, shard: number): Promise<void> {
  const placement = await organisationPlacement(env, organizationId);
  if (placement.shard === shard || placement.movingTo === shard) throw new MoveRefused(`Organisation ${organizationId} lives in shard ${shard}; its rows stay.`);
  const d1 = shardD1(env, shard);
  const plan = await movePlan(d1);
  for (const table of [...plan].reverse()) {
    if (table.mirrored && (shard === 0 || table.name === "user")) continue;
    while ((await deleteChunk(d1, table, organizationId, DELETE_CHUNK_ROWS)) > 0);
  }
  if (shard !== 0) await deleteUnreferencedUsers(d1);
}
