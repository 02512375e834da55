/**
 * The row work of moving an organisation between shards (src/jobs/shard-move.ts; docs/scaling.md
 * 4.1). Tables are read from the database's own schema, so a table added by a later migration moves
 * too — or, if nothing says which of its rows belong to an organisation, the move refuses to start
 * (movePlan throws) rather than leave rows behind.
 */
import type { ShardMoveStatus } from "../shard-schema";

/** Control-plane tables: never copied to a data shard (sessions, credentials, invitations, the maps, the moves' progress). */
const CONTROL_PLANE_ONLY = new Set(["session", "account", "verification", "rateLimit", "invitation", "org_shards", "survey_slugs", "shard_moves"]);

/**
 * Identity rows a shard keeps a copy of, so its tenant rows' foreign keys and name joins (desk,
 * audit, SLA escalations) work inside one database: the organisation, its members, the users they
 * and its audit log and surveys name, and its API keys (names for the audit log; the control plane
 * alone authenticates them). The control plane keeps the originals.
 */
const MIRRORED: Record<string, string> = {
  organization: `"id" = ?1`,
  member: `"organizationId" = ?1`,
  user: `"id" IN (SELECT "userId" FROM "member" WHERE "organizationId" = ?1 UNION SELECT "created_by" FROM "surveys" WHERE "organization_id" = ?1 UNION SELECT "actor_id" FROM "audit_log" WHERE "organization_id" = ?1 AND "actor_kind" = 'user')`,
  api_keys: `"organization_id" = ?1`,
};

/** Tenant tables without an organization_id column: their rows belong through a parent. */
const SCOPED_THROUGH_PARENT: Record<string, string> = {
  teamMember: `"teamId" IN (SELECT "id" FROM "team" WHERE "organizationId" = ?1)`,
  survey_stats_compaction: `"survey_id" IN (SELECT "id" FROM "surveys" WHERE "organization_id" = ?1)`,
};

/** `keys`: what orders a table's rows for the keyset chunks — rowid (the order rows were written in), or the primary key of a WITHOUT ROWID table. */
export type MoveTable = { name: string; columns: string[]; primaryKey: string[]; keys: string[]; scope: string; mirrored: boolean };

export type TableInfo = { name: string; columns: string[]; primaryKey: string[]; parents: string[]; withoutRowid: boolean };

/**
 * The database's own tables — not D1's, not full-text indexes and their shadow tables — parents
 * before children by their foreign keys: the order to copy rows in (and, reversed, to delete or drop).
 */
export async function tablesParentsFirst(d1: D1Database): Promise<TableInfo[]> {
  const tables = await schemaTables(d1);
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  const visit = (table: TableInfo, path: Set<string>) => {
    if (placed.has(table.name) || path.has(table.name)) return;
    path.add(table.name);
    for (const parent of table.parents) if (byName.has(parent)) visit(byName.get(parent)!, path);
    placed.add(table.name);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

async function schemaTables(d1: D1Database): Promise<TableInfo[]> {
  const { results: tables } = await d1
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name`,
    )
    .all<{ name: string; sql: string }>();
  // Virtual tables (full-text indexes) and their shadow tables follow their content table by its triggers.
  const virtual = tables.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  const plain = tables.filter((t) => !virtual.some((v) => t.name === v || t.name.startsWith(`${v}_`)));
  const statements = plain.flatMap((t) => [
    d1.prepare(`SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid`).bind(t.name),
    d1.prepare(`SELECT DISTINCT "table" AS parent FROM pragma_foreign_key_list(?1)`).bind(t.name),
  ]);
  const answers = await d1.batch<Record<string, unknown>>(statements);
  return plain.map((t, i) => {
    const columns = answers[2 * i]!.results as { name: string; pk: number }[];
    const parents = answers[2 * i + 1]!.results as { parent: string }[];
    return {
      name: t.name,
      withoutRowid: /WITHOUT\s+ROWID\s*$/i.test(t.sql.trim()),
      columns: columns.map((c) => c.name),
      primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      parents: parents.map((p) => p.parent).filter((p) => p !== t.name),
    };
  });
}

/** Every table to copy for one organisation, parents before children (foreign keys hold at every step). */
export async function movePlan(d1: D1Database): Promise<MoveTable[]> {
  const ordered = (await tablesParentsFirst(d1)).filter((t) => !CONTROL_PLANE_ONLY.has(t.name));
  const unscoped = ordered.filter((t) => !MIRRORED[t.name] && !SCOPED_THROUGH_PARENT[t.name] && !t.columns.includes("organization_id") && !t.columns.includes("organizationId"));
  if (unscoped.length > 0) {
    throw new Error(`Cannot move an organisation: no rule says which rows of ${unscoped.map((t) => t.name).join(", ")} belong to it (src/db/queries/shard-move.ts).`);
  }
  return ordered.map((t) => ({
    name: t.name,
    columns: t.columns,
    primaryKey: t.primaryKey,
    keys: t.withoutRowid ? t.primaryKey : ["rowid"],
    mirrored: t.name in MIRRORED,
    scope: MIRRORED[t.name] ?? SCOPED_THROUGH_PARENT[t.name] ?? (t.columns.includes("organization_id") ? `"organization_id" = ?1` : `"organizationId" = ?1`),
  }));
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function countRows(d1: D1Database, table: MoveTable, organizationId: string): Promise<number> {
  const row = await d1.prepare(`SELECT count(*) AS n FROM ${quoted(table.name)} WHERE ${table.scope}`).bind(organizationId).first<{ n: number }>();
  return row?.n ?? 0;
}

/** A keyset position: the key values (rowid, or a WITHOUT ROWID table's primary key) of the last row copied. */
export type KeyCursor = (string | number)[];

const keyList = (table: MoveTable) => table.keys.map((k) => (k === "rowid" ? "rowid" : quoted(k))).join(", ");

/**
 * Copies one keyset chunk (rows after the cursor `after`, null = from the start; in rowid order, so
 * the order rows were written in survives) and returns the cursor of the last row copied (`next`,
 * null when the table is done) and how many rows the chunk read. Re-running a chunk changes nothing
 * (ON CONFLICT DO NOTHING), so a retried Workflow step or a failed move started again is harmless; a
 * mirrored identity row already in the target is refreshed instead.
 */
export async function copyChunk(
  source: D1Database,
  target: D1Database,
  table: MoveTable,
  organizationId: string,
  after: KeyCursor | null,
  limit: number,
): Promise<{ next: KeyCursor | null; rows: number }> {
  const keys = keyList(table);
  const selectKeys = table.keys.map((k, i) => `${k === "rowid" ? "rowid" : quoted(k)} AS "__k${i}"`).join(", ");
  const afterClause = after ? `AND (${keys}) > (${after.map((_, i) => `?${i + 3}`).join(", ")})` : "";
  const { results } = await source
    .prepare(`SELECT ${selectKeys}, * FROM ${quoted(table.name)} WHERE (${table.scope}) ${afterClause} ORDER BY ${keys} LIMIT ?2`)
    .bind(organizationId, limit, ...(after ?? []))
    .all<Record<string, unknown>>();
  if (results.length === 0) return { next: null, rows: 0 };
  const columns = table.columns.map(quoted).join(", ");
  // The whole chunk is one statement with one bound JSON array (D1 allows 100 bound values per
  // statement, not 100 rows), so a chunk costs two queries of the invocation's budget, not one per row.
  const values = table.columns.map((c) => `json_extract(value, '$."${c.replaceAll("'", "''").replaceAll('"', '\\"')}"')`).join(", ");
  const refresh = table.columns.filter((c) => !table.primaryKey.includes(c));
  const onConflict =
    table.mirrored && table.primaryKey.length > 0 && refresh.length > 0
      ? `ON CONFLICT(${table.primaryKey.map(quoted).join(", ")}) DO UPDATE SET ${refresh.map((c) => `${quoted(c)} = excluded.${quoted(c)}`).join(", ")}`
      : "ON CONFLICT DO NOTHING";
  // `WHERE true` lets SQLite parse the upsert clause after a SELECT.
  const insert = `INSERT INTO ${quoted(table.name)} (${columns}) SELECT ${values} FROM json_each(?1) WHERE true ${onConflict}`;
  const rows = results.map((row) =>
    Object.fromEntries(
      table.columns.map((c) => {
        const value = row[c] ?? null;
        // JSON carries text, numbers and null exactly; a BLOB column would need its own path.
        if (value !== null && typeof value !== "string" && typeof value !== "number") throw new Error(`Cannot move ${table.name}.${c}: a ${typeof value} value is not text or a number.`);
        return [c, value];
      }),
    ),
  );
  await target.prepare(insert).bind(JSON.stringify(rows)).run();
  const last = results[results.length - 1]!;
  return { next: results.length < limit ? null : table.keys.map((_, i) => last[`__k${i}`] as string | number), rows: results.length };
}

/** Deletes up to `limit` of the organisation's rows of one table; returns how many went. */
export async function deleteChunk(d1: D1Database, table: MoveTable, organizationId: string, limit: number): Promise<number> {
  const keys = keyList(table);
  const result = await d1
    .prepare(`DELETE FROM ${quoted(table.name)} WHERE (${keys}) IN (SELECT ${keys} FROM ${quoted(table.name)} WHERE ${table.scope} LIMIT ?2)`)
    .bind(organizationId, limit)
    .run();
  return result.meta.changes ?? 0;
}

/** A shard's copies of users no longer needed there: no membership, no survey they created, no audit entry of theirs. */
export async function deleteUnreferencedUsers(d1: D1Database): Promise<void> {
  await d1
    .prepare(
      `DELETE FROM "user" WHERE "id" NOT IN (SELECT "userId" FROM "member") AND "id" NOT IN (SELECT "created_by" FROM "surveys" WHERE "created_by" IS NOT NULL)
         AND "id" NOT IN (SELECT "actor_id" FROM "audit_log" WHERE "actor_kind" = 'user' AND "actor_id" IS NOT NULL)`,
    )
    .run();
}

/** Marks the organisation as moving (its writes answer 503 from then on). */
export function markMoving(control: D1Database, organizationId: string, from: number, to: number, now: Date): D1PreparedStatement {
  return control
    .prepare(
      `INSERT INTO org_shards (organization_id, shard, moving_to, updated_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT(organization_id) DO UPDATE SET moving_to = excluded.moving_to, updated_at = excluded.updated_at`,
    )
    .bind(organizationId, from, to, now.getTime());
}

/** Points the organisation and its survey links at the new shard, and ends the moving mark: run them in one batch. */
export function flipShard(control: D1Database, organizationId: string, to: number, now: Date): D1PreparedStatement[] {
  return [
    control.prepare(`UPDATE org_shards SET shard = ?2, moving_to = NULL, updated_at = ?3 WHERE organization_id = ?1`).bind(organizationId, to, now.getTime()),
    control.prepare(`UPDATE survey_slugs SET shard = ?2 WHERE organization_id = ?1`).bind(organizationId, to),
  ];
}

/** Ends a failed move's mark; the organisation stays where it was. */
export function clearMoving(control: D1Database, organizationId: string, now: Date): D1PreparedStatement {
  return control.prepare(`UPDATE org_shards SET moving_to = NULL, updated_at = ?2 WHERE organization_id = ?1`).bind(organizationId, now.getTime());
}

/** An operator's move of one organisation (control-plane table `shard_moves`, src/db/shard-schema.ts). */
export type ShardMove = {
  id: string;
  organizationId: string;
  fromShard: number;
  toShard: number;
  status: ShardMoveStatus;
  currentTable: string | null;
  rowsCopied: number;
  tableCounts: Record<string, number> | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
};

type ShardMoveRow = {
  id: string;
  organization_id: string;
  from_shard: number;
  to_shard: number;
  status: ShardMoveStatus;
  current_table: string | null;
  rows_copied: number;
  table_counts: string | null;
  error: string | null;
  started_at: number;
  finished_at: number | null;
};

/**
 * Records a new move as "starting", unless the organisation already has an unfinished one (the
 * partial unique index `shard_moves_one_running_idx`): true when this move got the claim.
 */
export async function claimShardMove(control: D1Database, move: { id: string; organizationId: string; from: number; to: number; now: Date }): Promise<boolean> {
  const result = await control
    .prepare(
      `INSERT INTO shard_moves (id, organization_id, from_shard, to_shard, status, rows_copied, started_at) VALUES (?1, ?2, ?3, ?4, 'starting', 0, ?5)
       ON CONFLICT DO NOTHING`,
    )
    .bind(move.id, move.organizationId, move.from, move.to, move.now.getTime())
    .run();
  return (result.meta.changes ?? 0) > 0;
}

export type ShardMoveChange = Partial<{
  fromShard: number;
  status: ShardMoveStatus;
  currentTable: string | null;
  rowsCopied: number;
  tableCounts: Record<string, number>;
  error: string;
  finishedAt: Date;
}>;

const MOVE_COLUMNS: Record<keyof ShardMoveChange, string> = {
  fromShard: "from_shard",
  status: "status",
  currentTable: "current_table",
  rowsCopied: "rows_copied",
  tableCounts: "table_counts",
  error: "error",
  finishedAt: "finished_at",
};

/** Writes a move's progress; every figure is absolute, so writing it twice (a retried step) changes nothing. */
export function recordShardMove(control: D1Database, id: string, change: ShardMoveChange): D1PreparedStatement {
  const entries = Object.entries(change) as [keyof ShardMoveChange, ShardMoveChange[keyof ShardMoveChange]][];
  const values = entries.map(([, value]) => (value instanceof Date ? value.getTime() : value !== null && typeof value === "object" ? JSON.stringify(value) : (value ?? null)));
  const sets = entries.map(([key], i) => `${MOVE_COLUMNS[key]} = ?${i + 2}`).join(", ");
  return control.prepare(`UPDATE shard_moves SET ${sets} WHERE id = ?1`).bind(id, ...values);
}

export async function getShardMove(control: D1Database, id: string): Promise<ShardMove | null> {
  const row = await control.prepare(`SELECT * FROM shard_moves WHERE id = ?1`).bind(id).first<ShardMoveRow>();
  if (!row) return null;
  return {
    id: row.id,
    organizationId: row.organization_id,
    fromShard: row.from_shard,
    toShard: row.to_shard,
    status: row.status,
    currentTable: row.current_table,
    rowsCopied: row.rows_copied,
    tableCounts: row.table_counts === null ? null : (JSON.parse(row.table_counts) as Record<string, number>),
    error: row.error,
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  };
}

/** The organisation's unfinished move, if any. */
export async function runningShardMoveId(control: D1Database, organizationId: string): Promise<string | null> {
  return control.prepare(`SELECT id FROM shard_moves WHERE organization_id = ?1 AND status NOT IN ('done', 'failed')`).bind(organizationId).first<string>("id");
}

// The identity tables' columns, read once per shard and isolate: the schema changes only with a
// deployment (a new isolate), while copies are refreshed on every membership and API-key change.
const mirroredPlans = new WeakMap<D1Database, Promise<MoveTable[]>>();

function mirroredTables(shard: D1Database): Promise<MoveTable[]> {
  let plan = mirroredPlans.get(shard);
  if (!plan) {
    plan = movePlan(shard).then((tables) => tables.filter((table) => table.mirrored));
    plan.catch(() => mirroredPlans.delete(shard));
    mirroredPlans.set(shard, plan);
  }
  return plan;
}

/**
 * Brings a shard's identity copies of one organisation (the organisation, its members, their users,
 * its API keys) in line with the control plane, after a member joins, leaves or changes role there or
 * a key is created or revoked. A no-op for shard 0, which is the control plane.
 */
export async function refreshIdentityCopies(control: D1Database, shard: D1Database, organizationId: string): Promise<void> {
  if (control === shard) return;
  const plan = await mirroredTables(shard);
  for (const table of plan) {
    let after: KeyCursor | null = null;
    do after = (await copyChunk(control, shard, table, organizationId, after, 200)).next;
    while (after !== null);
  }
  const { results } = await control.prepare(`SELECT id FROM member WHERE "organizationId" = ?1`).bind(organizationId).all<{ id: string }>();
  await shard.batch([
    shard.prepare(`DELETE FROM member WHERE "organizationId" = ?1 AND id NOT IN (SELECT value FROM json_each(?2))`).bind(organizationId, JSON.stringify(results.map((r) => r.id))),
    // A former member's complaint-team places go with the membership, as in the control plane.
    shard.prepare(`DELETE FROM "teamMember" WHERE "teamId" IN (SELECT id FROM team WHERE "organizationId" = ?1) AND "userId" NOT IN (SELECT "userId" FROM member WHERE "organizationId" = ?1)`).bind(organizationId),
  ]);
}
