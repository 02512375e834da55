import { applyD1Migrations, env } from "cloudflare:test";

/**
 * Empties the test D1 database and applies the real migrations again: what a fresh, isolated storage
 * gives a test file. The Worker test files are gathered several to a vitest file (gather.ts), so each
 * gathered file starts from this instead.
 */
export async function freshDatabase(db: D1Database): Promise<void> {
  const { results } = await db
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND type IN ('table','view','trigger')")
    .all<{ type: string; name: string; sql: string | null }>();
  const tables = results.filter((row) => row.type === "table");
  // An FTS5 table owns its shadow tables (<name>_data, _idx, …): dropping it drops them.
  const virtualTables = tables.filter((row) => /^CREATE VIRTUAL TABLE/i.test(row.sql ?? "")).map((row) => row.name);
  const ownTables = tables
    .filter((row) => !virtualTables.some((owner) => row.name !== owner && row.name.startsWith(`${owner}_`)))
    .map((row) => row.name);
  // Children before parents: dropping a table checks the foreign keys that point at it.
  const lists = ownTables.length
    ? await db.batch(ownTables.map((name) => db.prepare('SELECT "table" AS parent FROM pragma_foreign_key_list(?)').bind(name)))
    : [];
  const parents = new Map(ownTables.map((name, index) => [name, (lists[index]!.results as { parent: string }[]).map((row) => row.parent).filter((parent) => parent !== name)]));
  const order: string[] = [];
  const remaining = new Set(ownTables);
  while (remaining.size > 0) {
    const leaves = [...remaining].filter((name) => ![...remaining].some((other) => parents.get(other)?.includes(name)));
    if (leaves.length === 0) throw new Error(`foreign-key cycle among ${[...remaining].join(", ")}`);
    for (const name of leaves) {
      order.push(name);
      remaining.delete(name);
    }
  }
  const drops = [
    ...results.filter((row) => row.type === "trigger").map((row) => db.prepare(`DROP TRIGGER IF EXISTS "${row.name}"`)),
    ...results.filter((row) => row.type === "view").map((row) => db.prepare(`DROP VIEW IF EXISTS "${row.name}"`)),
    ...order.map((name) => db.prepare(`DROP TABLE IF EXISTS "${name}"`)),
  ];
  if (drops.length > 0) await db.batch(drops);
  await applyD1Migrations(db, env.TEST_MIGRATIONS);
}
