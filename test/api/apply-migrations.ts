import { applyD1Migrations, env } from "cloudflare:test";

// Storage is isolated per test file; applying the real migrations gives each file a fresh schema,
// in the control plane (shard 0) and in the second data shard alike.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
await applyD1Migrations(env.DB_SHARD_1, env.TEST_MIGRATIONS);
