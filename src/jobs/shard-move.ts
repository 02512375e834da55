/**
 * Moves one organisation from its shard to another as a Cloudflare Workflow (docs/scaling.md 4.1), so
 * the size of an organisation is bounded by the Workflow's step count, not by one invocation's D1
 * budget. The operator route starts it (`startShardMove`: checks, claims a `shard_moves` row — one
 * unfinished move per organisation — and creates the instance); the steps are
 *   1. "mark moving": check again and mark it moving in the control plane (one batch with the
 *      progress row): its writes (staff and public) answer 503 + Retry-After;
 *   2. sleep SHARD_MAP_TTL_MS, until every isolate's cached placement has expired, so none still writes
 *      to the old shard;
 *   3. "clear <table> <n>": every row of the organisation the target already holds is deleted, children
 *      first (emptyShardSteps), so the copy starts from nothing: rows left there by an earlier failed
 *      move are versions the organisation has since updated or deleted, and a copy that skips existing
 *      rows (ON CONFLICT DO NOTHING) would keep them — with the same row counts, which is all that
 *      verify compares;
 *   4. "copy <table> <n>": every table's rows of the organisation, parents first (the identity rows it
 *      needs — organisation, members, their users — as copies; the control plane keeps the originals),
 *      COPY_CHUNKS_PER_STEP keyset chunks per step from the cursor the previous step returned;
 *   5. "verify": the target holds as many rows of every table as the source (the counts are recorded);
 *   6. "flip": org_shards and survey_slugs point at the new shard (one control-plane batch, with the
 *      progress row), which ends the mark;
 *   7. "delete <table> <n>": the organisation's rows leave the old shard in chunks, by the same steps
 *      as the clear (its tenant rows; identity copies only when the old shard is not the control
 *      plane); "finish" marks it done.
 * Every step is repeatable: a copy chunk run twice inserts nothing new (ON CONFLICT DO NOTHING; the
 * clear made sure nothing older is there), a delete chunk deletes what is left, and progress figures
 * are absolute. A failure before the flip deletes what the move copied into the target ("clean up
 * <table> <n>", the clear's steps again), then clears the mark: the organisation stays where it was
 * and nothing of it is left behind (if the clean-up fails too, the error says rows may be left in the
 * target, and the next move's clear removes them). A failure after the flip leaves rows in the old
 * shard, recorded as the move's error.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import type { AppBindings } from "../env";
import { newId } from "../lib/ids";
import { forgetShardPlacements, organisationPlacement, SHARD_MAP_TTL_MS, shardD1, shardDatabases } from "../db/shards";
import {
  claimShardMove,
  clearMoving,
  copyChunk,
  countRows,
  deleteChunk,
  deleteUnreferencedUsers,
  flipShard,
  getShardMove,
  markMoving,
  movePlan,
  recordShardMove,
  runningShardMoveId,
  type KeyCursor,
  type MoveTable,
  type ShardMove,
} from "../db/queries/shard-move";

/** Rows per copy chunk: one SELECT and one INSERT … SELECT FROM json_each of the chunk (well below D1's 2 MB per bound value). */
export const COPY_CHUNK_ROWS = 200;
/** Copy chunks per step: 5,000 rows, 50 queries and one progress write per invocation (limit 1,000). */
export const COPY_CHUNKS_PER_STEP = 25;
const DELETE_CHUNK_ROWS = 1_000;
/** Delete chunks per step: 10,000 rows, 10 queries per invocation. */
const DELETE_CHUNKS_PER_STEP = 10;

export type MoveParams = { moveId: string; organizationId: string; to: number };

/** A move that cannot start (no such shard, already there, already moving, no rows): the route's 409. */
export class MoveRefused extends Error {}

/** Why a move cannot start now; the shard the organisation moves from otherwise. */
async function checkMove(env: AppBindings, organizationId: string, to: number): Promise<number> {
  const shards = shardDatabases(env).length;
  if (!Number.isInteger(to) || to < 0 || to >= shards) throw new MoveRefused(`Shard ${to} does not exist: this Worker has shards 0 to ${shards - 1}.`);
  forgetShardPlacements();
  const placement = await organisationPlacement(env, organizationId);
  if (placement.movingTo !== null) throw new MoveRefused(`Organisation ${organizationId} is already being moved to shard ${placement.movingTo}.`);
  if (placement.shard === to) throw new MoveRefused(`Organisation ${organizationId} already lives in shard ${to}.`);
  const exists = await shardD1(env, placement.shard).prepare(`SELECT 1 AS found FROM organization WHERE id = ?1`).bind(organizationId).first();
  if (!exists) throw new MoveRefused(`Organisation ${organizationId} has no rows in shard ${placement.shard}.`);
  return placement.shard;
}

/**
 * Starts a move (the operator route): refuses at once what cannot start, claims the organisation's one
 * unfinished move, and creates the Workflow instance under the move's id.
 */
export async function startShardMove(env: AppBindings, organizationId: string, to: number, now = new Date()): Promise<ShardMove> {
  const from = await checkMove(env, organizationId, to);
  const id = newId("move");
  if (!(await claimShardMove(env.DB, { id, organizationId, from, to, now }))) {
    const running = await runningShardMoveId(env.DB, organizationId);
    throw new MoveRefused(`Organisation ${organizationId} is already being moved${running ? ` (move ${running}, GET /api/operator/moves/${running})` : ""}.`);
  }
  try {
    await env.SHARD_MOVE_WORKFLOW.create({ id, params: { moveId: id, organizationId, to } satisfies MoveParams });
  } catch (error) {
    await recordShardMove(env.DB, id, { status: "failed", error: `The Workflow did not start: ${messageOf(error)}`, finishedAt: new Date() }).run();
    throw error;
  }
  return (await getShardMove(env.DB, id))!;
}

/** What a copy step hands the next: where the table's copy stands, and the rows copied so far (all tables). */
export type CopyState = { after: KeyCursor | null; rowsCopied: number; done: boolean };

/** One copy step: up to COPY_CHUNKS_PER_STEP chunks of one table from the state's cursor, then the progress row. */
export async function copyStep(env: AppBindings, move: MoveParams & { from: number }, table: MoveTable, state: CopyState, chunkRows = COPY_CHUNK_ROWS): Promise<CopyState> {
  const source = shardD1(env, move.from);
  const target = shardD1(env, move.to);
  let { after, rowsCopied } = state;
  let done = false;
  for (let chunk = 0; chunk < COPY_CHUNKS_PER_STEP && !done; chunk++) {
    const copied = await copyChunk(source, target, table, move.organizationId, after, chunkRows);
    rowsCopied += copied.rows;
    after = copied.next;
    done = after === null;
  }
  await recordShardMove(env.DB, move.moveId, { status: "copying", currentTable: table.name, rowsCopied }).run();
  return { after, rowsCopied, done };
}

/** The tables to copy: the control plane already holds the identity originals. */
export function tablesToCopy(tables: MoveTable[], to: number): MoveTable[] {
  return tables.filter((table) => !(table.mirrored && to === 0));
}

/**
 * The tables to empty of the organisation in a shard it does not live in, children first: its identity
 * copies too unless the shard is the control plane, where they are the originals (users are kept while
 * another organisation of the shard needs them: deleteUnreferencedUsers).
 */
function tablesToDelete(tables: MoveTable[], shard: number): MoveTable[] {
  return [...tables].reverse().filter((table) => !(table.mirrored && (shard === 0 || table.name === "user")));
}

/**
 * Deletes every row of the organisation from a shard it does not live in (tablesToDelete; then the
 * user copies nobody there needs any more), as Workflow steps of DELETE_CHUNKS_PER_STEP chunks each,
 * recording the table in the progress row. Used for the old shard after the flip ("delete"), the
 * target before the copy ("clear") and the target after a failure before the flip ("clean up"):
 * `label` keeps each use's step names its own.
 */
async function emptyShardSteps(step: WorkflowStep, env: AppBindings, params: MoveParams, shard: number, tables: MoveTable[], label: string): Promise<void> {
  const d1 = shardD1(env, shard);
  for (const table of tablesToDelete(tables, shard)) {
    let done = false;
    for (let n = 0; !done; n++) {
      done = await step.do(`${label} ${table.name} ${n}`, async () => {
        for (let chunk = 0; chunk < DELETE_CHUNKS_PER_STEP; chunk++) {
          if ((await deleteChunk(d1, table, params.organizationId, DELETE_CHUNK_ROWS)) < DELETE_CHUNK_ROWS) return true;
        }
        await recordShardMove(env.DB, params.moveId, { currentTable: table.name }).run();
        return false;
      });
    }
  }
  if (shard !== 0) await step.do(`${label} unreferenced users`, () => deleteUnreferencedUsers(d1));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class ShardMoveWorkflow extends WorkflowEntrypoint<AppBindings, MoveParams> {
  override async run(event: WorkflowEvent<MoveParams>, step: WorkflowStep): Promise<{ rowsCopied: number }> {
    const params = event.payload;
    const env = this.env;
    const control = env.DB;
    try {
      const { from, tables } = await step.do("mark moving", () => this.markMoving(params));
      const move = { ...params, from };
      await step.sleep("wait out the placement caches", SHARD_MAP_TTL_MS);

      await emptyShardSteps(step, env, params, params.to, tables, "clear");
      const copying = tablesToCopy(tables, params.to);
      let state: CopyState = { after: null, rowsCopied: 0, done: false };
      for (const table of copying) {
        state = { after: null, rowsCopied: state.rowsCopied, done: false };
        for (let n = 0; !state.done; n++) {
          const before = state;
          state = await step.do(`copy ${table.name} ${n}`, () => copyStep(env, move, table, before));
        }
      }

      await step.do("verify", async () => {
        // Counted once everything is in: some tables' rows belong through others (a user through its membership).
        const source = shardD1(env, from);
        const target = shardD1(env, params.to);
        const tableCounts: Record<string, number> = {};
        let rowsCopied = 0;
        for (const table of copying) {
          const [copied, expected] = await Promise.all([countRows(target, table, params.organizationId), countRows(source, table, params.organizationId)]);
          if (copied < expected) throw new Error(`Copy of ${table.name} is incomplete: ${copied} of ${expected} rows in shard ${params.to}.`);
          tableCounts[table.name] = expected;
          rowsCopied += expected;
        }
        await recordShardMove(control, params.moveId, { status: "verifying", currentTable: null, rowsCopied, tableCounts }).run();
      });

      await step.do("flip", async () => {
        const now = new Date();
        await control.batch([...flipShard(control, params.organizationId, params.to, now), recordShardMove(control, params.moveId, { status: "deleting" })]);
        forgetShardPlacements();
      });

      await emptyShardSteps(step, env, params, from, tables, "delete");

      return await step.do("finish", async () => {
        await recordShardMove(control, params.moveId, { status: "done", currentTable: null, finishedAt: new Date() }).run();
        const record = await getShardMove(control, params.moveId);
        return { rowsCopied: record?.rowsCopied ?? 0 };
      });
    } catch (error) {
      let message = messageOf(error);
      try {
        const copied = await step.do("look for copies to clean up", () => this.copiesLeftBehind(params));
        if (copied) await emptyShardSteps(step, env, params, params.to, copied, "clean up");
      } catch (cleanUp) {
        message = `${message} (rows of the organisation may be left in shard ${params.to}, which the next move's clear removes: ${messageOf(cleanUp)})`;
      }
      await step.do("record the failure", () => this.recordFailure(params, message));
      throw error;
    }
  }

  /**
   * Step 1. Checks again (time has passed since the route's check) and marks the organisation moving,
   * in one batch with the progress row; a retry after that batch finds the row past "starting" and
   * goes on with the shard it recorded. Returns the tables to move (the target's schema: every shard
   * has the same migrations).
   */
  private async markMoving(params: MoveParams): Promise<{ from: number; tables: MoveTable[] }> {
    const control = this.env.DB;
    const record = await getShardMove(control, params.moveId);
    if (!record) throw new NonRetryableError(`Move ${params.moveId} has no progress row.`);
    let from = record.fromShard;
    if (record.status === "starting") {
      try {
        from = await checkMove(this.env, params.organizationId, params.to);
      } catch (error) {
        if (error instanceof MoveRefused) throw new NonRetryableError(error.message);
        throw error;
      }
    }
    // Before the mark: a table without a rule stops the move while the organisation is untouched.
    const tables = await movePlan(shardD1(this.env, params.to));
    if (record.status === "starting") {
      await control.batch([markMoving(control, params.organizationId, from, params.to, new Date()), recordShardMove(control, params.moveId, { status: "settling", fromShard: from })]);
    }
    forgetShardPlacements();
    return { from, tables };
  }

  /**
   * After a failure: the tables to clean up in the target when the move had copied into it — its mark
   * is set (it was past "starting") and not yet flipped; null otherwise, above all once the
   * organisation lives in the target, whose rows are then its only ones. Read from the control plane,
   * not from how far the run got, since a step can have done its work and still failed.
   */
  private async copiesLeftBehind(params: MoveParams): Promise<MoveTable[] | null> {
    forgetShardPlacements();
    const placement = await organisationPlacement(this.env, params.organizationId);
    const record = await getShardMove(this.env.DB, params.moveId);
    if (!record || record.status === "starting" || placement.movingTo !== params.to || placement.shard === params.to) return null;
    return movePlan(shardD1(this.env, params.to));
  }

  /**
   * Before the flip, the mark is cleared and the organisation stays where it was (the run has already
   * deleted its copies from the target, or says in `message` that it could not); after it (the map
   * already names the new shard), the old shard's leftover rows are only garbage, recorded in the error.
   */
  private async recordFailure(params: MoveParams, message: string): Promise<void> {
    const control = this.env.DB;
    const now = new Date();
    forgetShardPlacements();
    const placement = await organisationPlacement(this.env, params.organizationId);
    const record = await getShardMove(control, params.moveId);
    const statements: D1PreparedStatement[] = [];
    // Only this move's own mark: a refused start never set one.
    if (record && record.status !== "starting" && placement.movingTo === params.to) statements.push(clearMoving(control, params.organizationId, now));
    const flipped = placement.shard === params.to && record?.status !== "starting";
    const error = flipped ? `${message} (after the flip: the organisation lives in shard ${params.to}; rows may be left in shard ${record?.fromShard})` : message;
    statements.push(recordShardMove(control, params.moveId, { status: "failed", error, finishedAt: now }));
    await control.batch(statements);
    forgetShardPlacements();
  }
}
