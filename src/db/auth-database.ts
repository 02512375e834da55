import { drizzleAdapter } from "better-auth/adapters/drizzle";
import type { Db } from "../env";
import * as schema from "./schema";

/** better-auth's storage: its drizzle adapter over Feedloop's own tables (columns in camelCase). */
export function authDatabase(db: Db) {
  return drizzleAdapter(db, { provider: "sqlite", schema, camelCase: true });
}
