import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";
import type { Db } from "../env";

// One drizzle instance per D1 binding and isolate: building it (schema relations) costs ~0.1 ms, which
// is a visible share of a 2 ms submit. The binding object lives as long as the isolate's env.
const instances = new WeakMap<D1Database, Db>();

export function createDb(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    instances.set(d1, db);
  }
  return db;
}
