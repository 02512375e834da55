import { createTableRelationsHelpers, extractTablesRelationalConfig, type RelationalSchemaConfig, type TablesRelationalConfig } from "drizzle-orm";
import { DrizzleD1Database, SQLiteD1Session } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { RelationalQueryBuilder } from "drizzle-orm/sqlite-core/query-builders/query";
import * as schema from "./schema";
import type { Db } from "../env";

// What makes `drizzle(d1, { schema })` cost ~0.2 ms is extracting the schema's relations, on every call.
// They depend only on the schema, so they are extracted once per isolate; a database object over a new
// client (a D1 session per request on the public submit path and the dashboards, read-near-reader.ts)
// then costs ~0.02 ms. Same construction as drizzle-orm/d1's `drizzle()`, minus the repeated extraction.
let relational: RelationalSchemaConfig<TablesRelationalConfig> | undefined;
const dialect = new SQLiteAsyncDialect();

function relationalSchema(): RelationalSchemaConfig<TablesRelationalConfig> {
  if (!relational) {
    const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
    relational = { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
  }
  return relational;
}

// One database object per D1 binding (or session) and isolate.
const instances = new WeakMap<D1Database, Db>();
/** Hands drizzle's constructor no tables, so it builds no relational query builders (see createDb). */
const NO_TABLES: TablesRelationalConfig = {};

export function createDb(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) {
    const relational = relationalSchema();
    const session = new SQLiteD1Session(d1, dialect, relational, {});
    // drizzle's constructor makes a relational query builder (`db.query.<table>`) for each of the
    // schema's ~60 tables: most of what a database object over a request's D1 session costs, and the
    // public submit path never uses one. Constructed without tables, the schema set back afterwards,
    // and `query` builds the same builders on its first use.
    const database = new DrizzleD1Database("async", dialect, session, { ...relational, schema: NO_TABLES }) as unknown as Db;
    Object.assign(database._, { schema: relational.schema });
    let query: Db["query"] | undefined;
    Object.defineProperty(database, "query", { configurable: true, enumerable: true, get: () => (query ??= relationalQueryBuilders(relational, session)) });
    database.$client = d1;
    db = database;
    instances.set(d1, db);
  }
  return db;
}

/** `db.query`, as drizzle's BaseSQLiteDatabase constructor builds it. */
function relationalQueryBuilders(relational: RelationalSchemaConfig<TablesRelationalConfig>, session: SQLiteD1Session<Record<string, unknown>, TablesRelationalConfig>): Db["query"] {
  const builders: Record<string, unknown> = {};
  for (const [tableName, columns] of Object.entries(relational.schema)) {
    builders[tableName] = new RelationalQueryBuilder(
      "async",
      relational.fullSchema,
      relational.schema,
      relational.tableNamesMap,
      relational.fullSchema[tableName] as never,
      columns,
      dialect,
      session as never,
    );
  }
  return builders as Db["query"];
}

/**
 * A D1 session (read replication, src/routes/read-near-reader.ts) as the client drizzle and the raw
 * statements (`db.$client`) expect. Everything they use, prepare and batch, goes through the session,
 * so each read and write moves its bookmark; what a session does not have (exec, a nested session,
 * dump) is refused rather than run outside it, where it would lose read-your-writes.
 */
function sessionClient(session: D1DatabaseSession): D1Database {
  const outside = (what: string) => new Error(`${what} is not available inside a D1 session; use the DB binding.`);
  const client: D1Database = {
    prepare: (query) => session.prepare(query),
    batch: <T = unknown>(statements: D1PreparedStatement[]) => session.batch<T>(statements),
    exec: () => Promise.reject(outside("exec")),
    withSession: () => {
      throw outside("withSession");
    },
    dump: () => Promise.reject(outside("dump")),
  };
  sessions.set(client, { session, wroteAt: null });
  return client;
}

/**
 * `wroteAt`: the bookmark after this request's write when another request's session carried it (group
 * commit, src/db/write-groups.ts) — this session never saw that write, so its own bookmark is older.
 */
const sessions = new WeakMap<D1Database, { session: D1DatabaseSession; wroteAt: string | null }>();

/** The bookmark to hand the caller for a client made here (null for a plain binding): at least as recent as its reads and writes. */
export function sessionBookmarkOf(client: D1Database): string | null {
  const state = sessions.get(client);
  return state ? (state.wroteAt ?? state.session.getBookmark()) : null;
}

/** Records that this client's write was committed at `bookmark` through another request's session. */
export function noteSessionWrite(client: D1Database, bookmark: string | null): void {
  const state = sessions.get(client);
  if (state && bookmark) state.wroteAt = bookmark;
}

/** The database object for one request's D1 session (one per session: a session lives for one request). */
export function createSessionDb(session: D1DatabaseSession): Db {
  return createDb(sessionClient(session));
}
