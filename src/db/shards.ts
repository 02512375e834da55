/**
 * Data shards (docs/scaling.md 4.1). `DB` is the control plane — better-auth's users, sessions,
 * organisations, members, API keys, and the maps `org_shards` and `survey_slugs` — and also shard 0;
 * `DB_SHARD_1`, `DB_SHARD_2`, … are the further shards. Every organisation's tenant rows live in its
 * shard, and the request binds `c.var.db` to it once the organisation is known: staff routes after
 * the principal (src/auth/principal.ts), public survey routes from the slug (src/index.ts).
 *
 * Both maps are cached per isolate for SHARD_MAP_TTL_MS, so a warm isolate's public submit reads
 * nothing from the control plane; the move job (src/jobs/shard-move.ts) waits that long after marking
 * an organisation as moving, so every isolate has seen the mark before rows are copied.
 */
import { eq, sql } from "drizzle-orm";
import type { AppBindings, Db } from "../env";
import { ExpiringMap, leastLoadedShard, openShards, shardBindingName } from "../domain/shards";
import { refreshIdentityCopies } from "./queries/shard-move";
import { createDb, createSessionDb } from "./client";
import { orgShards, surveySlugs } from "./shard-schema";

export const SHARD_MAP_TTL_MS = 10_000;

/** The D1 database of every shard this Worker is bound to, in shard order. */
export function shardDatabases(env: AppBindings): D1Database[] {
  const bindings = env as unknown as Record<string, D1Database | undefined>;
  const databases: D1Database[] = [];
  for (let shard = 0; bindings[shardBindingName(shard)]; shard++) databases.push(bindings[shardBindingName(shard)]!);
  return databases;
}

export function shardD1(env: AppBindings, shard: number): D1Database {
  const database = shardDatabases(env)[shard];
  if (!database) throw new Error(`Shard ${shard} is not bound to this Worker (bind ${shardBindingName(shard)} in wrangler.toml).`);
  return database;
}

type ShardContext = { shard: number; control: Db };
const contexts = new WeakMap<Db, ShardContext>();

function remember(db: Db, env: AppBindings, shard: number): Db {
  if (!contexts.has(db)) contexts.set(db, { shard, control: createDb(env.DB) });
  return db;
}

/** The database object of one shard (shard 0 = the control-plane database). */
export function shardDb(env: AppBindings, shard: number): Db {
  return remember(createDb(shardD1(env, shard)), env, shard);
}

/** A D1 session on one shard (read replicas near the reader, src/routes/read-near-reader.ts). */
export function shardSessionDb(env: AppBindings, shard: number, session: D1DatabaseSession): Db {
  return remember(createSessionDb(session), env, shard);
}

/**
 * Which shard a database object belongs to, and the control plane beside it. A database object not
 * made here (a test's `createDb(env.DB)`) is the control-plane database, which is shard 0.
 */
export function shardOf(db: Db): ShardContext {
  return contexts.get(db) ?? { shard: 0, control: db };
}

export type Placement = { shard: number; movingTo: number | null };

const placements = new ExpiringMap<Placement>(SHARD_MAP_TTL_MS, 1_000);
const slugPlacements = new ExpiringMap<Placement>(SHARD_MAP_TTL_MS, 1_000);

/** Where an organisation lives; an organisation without a row in `org_shards` lives in shard 0. */
export async function organisationPlacement(env: AppBindings, organizationId: string, nowMs = Date.now()): Promise<Placement> {
  const cached = placements.get(organizationId, nowMs);
  if (cached) return cached;
  const row = await createDb(env.DB)
    .select({ shard: orgShards.shard, movingTo: orgShards.movingTo })
    .from(orgShards)
    .where(eq(orgShards.organizationId, organizationId))
    .get();
  const placement: Placement = row ?? { shard: 0, movingTo: null };
  placements.set(organizationId, placement, nowMs);
  return placement;
}

/**
 * Where the survey behind a public link lives (with its organisation's moving mark), in one
 * control-plane read on a cold isolate and none on a warm one. A slug the control plane does not know
 * has no survey anywhere: shard 0 answers its 404, and the miss is not cached (the survey may be
 * created next).
 */
export async function surveySlugPlacement(env: AppBindings, slug: string, nowMs = Date.now()): Promise<Placement> {
  const cached = slugPlacements.get(slug, nowMs);
  if (cached) return cached;
  const row = await createDb(env.DB)
    .select({ shard: sql<number>`coalesce(${orgShards.shard}, ${surveySlugs.shard})`, movingTo: orgShards.movingTo })
    .from(surveySlugs)
    .leftJoin(orgShards, eq(orgShards.organizationId, surveySlugs.organizationId))
    .where(eq(surveySlugs.slug, slug))
    .get();
  if (!row) return { shard: 0, movingTo: null };
  slugPlacements.set(slug, row, nowMs);
  return row;
}

/** Drops this isolate's cached placements (after a move; other isolates expire theirs within SHARD_MAP_TTL_MS). */
export function forgetShardPlacements(): void {
  placements.clear();
  slugPlacements.clear();
}

/** The database of the shard an organisation lives in (jobs that carry an organisation id, e.g. exports). */
export async function organisationDb(env: AppBindings, organizationId: string): Promise<Db> {
  return shardDb(env, (await organisationPlacement(env, organizationId)).shard);
}

const BASE_ENV = Symbol("feedloop.baseEnv");
type ShardEnv = AppBindings & { [BASE_ENV]?: AppBindings };
const shardEnvs = new WeakMap<AppBindings, Map<number, AppBindings>>();

/**
 * The bindings as seen from one shard: the same object except that every queue message sent
 * through EVENTS carries the shard, so the consumer (src/jobs/queue-consumer.ts) handles it against
 * the database it belongs to. One object per shard and isolate (getAuth caches per env object).
 */
export function shardEnv(env: AppBindings, shard: number): AppBindings {
  const base = (env as ShardEnv)[BASE_ENV] ?? env;
  if (shard === 0) return base;
  let byShard = shardEnvs.get(base);
  if (!byShard) shardEnvs.set(base, (byShard = new Map()));
  let bound = byShard.get(shard);
  if (!bound) {
    const queue = base.EVENTS;
    const stamped: Queue = {
      metrics: () => queue.metrics(),
      send: (body, options) => queue.send({ ...(body as object), shard }, options),
      sendBatch: (messages, options) => queue.sendBatch([...messages].map((message) => ({ ...message, body: { ...(message.body as object), shard } })), options),
    };
    bound = { ...base, EVENTS: stamped, [BASE_ENV]: base } as ShardEnv;
    byShard.set(shard, bound);
  }
  return bound;
}

/**
 * Places a new organisation (better-auth's afterCreateOrganization, src/auth/create-auth.ts): the
 * open shard (NEW_ORGANISATION_SHARDS) holding the fewest organisations. In another shard than 0 it
 * gets its map row and the copies of its identity rows there; shard 0 needs neither.
 */
export async function placeNewOrganisation(env: AppBindings, organizationId: string, now = new Date()): Promise<number> {
  const open = openShards(env.NEW_ORGANISATION_SHARDS, shardDatabases(env).length);
  let shard = open[0]!;
  if (open.length > 1) {
    const { results } = await env.DB.prepare(
      `SELECT coalesce(o.shard, 0) AS shard, count(*) AS n FROM organization g LEFT JOIN org_shards o ON o.organization_id = g.id WHERE g.id <> ?1 GROUP BY 1`,
    )
      .bind(organizationId)
      .all<{ shard: number; n: number }>();
    const counts = new Map(results.map((row) => [row.shard, row.n]));
    shard = open[leastLoadedShard(open.map((s) => counts.get(s) ?? 0))]!;
  }
  if (shard === 0) return 0;
  await env.DB.prepare(`INSERT INTO org_shards (organization_id, shard, moving_to, updated_at) VALUES (?1, ?2, NULL, ?3)`).bind(organizationId, shard, now.getTime()).run();
  await refreshIdentityCopies(env.DB, shardD1(env, shard), organizationId);
  placements.delete(organizationId);
  return shard;
}

/** After a membership or the organisation changes in the control plane: the shard's copies follow. */
export async function refreshOrganisationCopies(env: AppBindings, organizationId: string): Promise<void> {
  const { shard } = await organisationPlacement(env, organizationId);
  if (shard !== 0) await refreshIdentityCopies(env.DB, shardD1(env, shard), organizationId);
}

/** After a user's own name or e-mail changes in the control plane: the copies in every shard of their organisations. */
export async function refreshUserCopies(env: AppBindings, userId: string): Promise<void> {
  const { results } = await env.DB.prepare(`SELECT "organizationId" AS id FROM member WHERE "userId" = ?1`).bind(userId).all<{ id: string }>();
  for (const { id } of results) await refreshOrganisationCopies(env, id);
}

/**
 * A change to the control plane (`control`'s statements, the first one deciding) and the
 * organisation's own record of it in its shard (`record(when)`: its audit row, its team places,
 * gated by the SQL condition `when`). D1 has no transaction across databases: with the organisation
 * in shard 0 everything is one batch, the record right after the first statement and gated on its
 * `changes()`; in another shard the control plane's batch runs first, and the record (then the
 * shard's identity copies, unless `refreshCopies` is false) only if the first statement changed a
 * row. Returns the results of the control plane's statements, in order.
 */
export async function changeControlPlane(
  db: Db,
  organizationId: string,
  control: (controlD1: D1Database) => [D1PreparedStatement, ...D1PreparedStatement[]],
  record: (when: string) => D1PreparedStatement[],
  options: { refreshCopies?: boolean } = {},
): Promise<D1Result[]> {
  const d1 = db.$client;
  const controlD1 = shardOf(db).control.$client;
  const [first, ...rest] = control(controlD1);
  if (controlD1 === d1) {
    const recorded = record("changes() > 0");
    const results = await d1.batch([first, ...recorded, ...rest]);
    return [results[0]!, ...results.slice(1 + recorded.length)];
  }
  const results = await controlD1.batch([first, ...rest]);
  if ((results[0]?.meta.changes ?? 0) > 0) {
    await d1.batch(record("1 = 1"));
    if (options.refreshCopies ?? true) await refreshIdentityCopies(controlD1, d1, organizationId);
  }
  return results;
}
