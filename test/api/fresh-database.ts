import { applyD1Migrations, env } from "cloudflare:test";
import { tablesParentsFirst } from "../../src/db/queries/shard-move";

/**
 * Empties a test D1 database and applies the real migrations again: what a fresh, isolated storage
 * gives a test file. The Worker test files are gathered several to a vitest file (gather.ts), so each
 * gathered file starts from this instead.
 */
export async function freshDatabase(db: D1Database): Promise<void> {
  // Triggers and views first, then the full-text indexes (which take their shadow tables along),
  // then the tables children first (dropping a table checks the foreign keys that point at it — the
  // order the shard move copies in, reversed), and D1's record of applied migrations.
  const { results: others } = await db
    .prepare(
      `SELECT type, name FROM sqlite_master
        WHERE type IN ('trigger', 'view') OR (type = 'table' AND (sql LIKE 'CREATE VIRTUAL TABLE%' OR name = 'd1_migrations'))`,
    )
    .all<{ type: string; name: string }>();
  const tables = (await tablesParentsFirst(db)).reverse();
  const drops = [
    ...others.filter((row) => row.type === "trigger").map((row) => `DROP TRIGGER IF EXISTS "${row.name}"`),
    ...others.filter((row) => row.type === "view").map((row) => `DROP VIEW IF EXISTS "${row.name}"`),
    ...others.filter((row) => row.type === "table" && row.name !== "d1_migrations").map((row) => `DROP TABLE IF EXISTS "${row.name}"`),
    ...tables.map((table) => `DROP TABLE IF EXISTS "${table.name}"`),
    `DROP TABLE IF EXISTS d1_migrations`,
  ];
  await db.batch(drops.map((sql) => db.prepare(sql)));
  await applyD1Migrations(db, env.TEST_MIGRATIONS);
}
