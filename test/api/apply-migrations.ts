import { applyD1Migrations, env } from "cloudflare:test";

// Storage is isolated per test file; applying the real migrations gives each file a fresh schema.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
