import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// The workers pool reads wrangler.toml, whose [assets] directory must exist before any project
// starts: build the web app when it is missing, so `npm run test:workers`, `test:chaos` or a single
// `npx vitest run <file>` work on a fresh clone too (`npm test` always builds first).
if (!existsSync("dist/web/index.html")) {
  const build = spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { stdio: "inherit" });
  if (build.status !== 0) throw new Error("vite build failed: the workers tests need dist/web (wrangler.toml [assets])");
}

/** A project of Worker tests inside workerd with a real local D1, the migrations applied before each file. */
async function workersProject(name: string, include: string[], bindings: Record<string, string>) {
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: { bindings: { TEST_MIGRATIONS: await readD1Migrations("./migrations"), ...bindings } },
      }),
    ],
    test: {
      name,
      include,
      // Concurrency tests fire hundreds of requests; on a loaded 2-core machine 5 s is too tight.
      testTimeout: 30_000,
      hookTimeout: 60_000,
      setupFiles: ["./test/api/apply-migrations.ts"],
    },
  };
}

// Pure domain code (unit), the browser walks and the start-up test run in plain Node;
// everything touching HTTP, D1, Queues or Cron runs inside workerd with a real local D1 (workers, and
// workers-production with wrangler.toml's production defaults).
export default defineConfig(async () => ({
  test: {
    // Two files at a time on CI's 2 cores (vitest's default is cores − 1 = 1): the browser and start-up
    // files mostly wait on Chromium and wrangler dev, the workers files on workerd, so a second lane
    // overlaps waits instead of queueing behind them.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./test/browser/global-setup.ts"],
          // One file (walks.test.ts) runs every `*.walk.ts` in turn: the walks share one wrangler dev and
          // the demo survey's figures, and as a single file they take one lane from the start of the run
          // (a project with `fileParallelism: false` would be run after all other files instead).
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "startup",
          include: ["test/startup/**/*.test.ts"],
          environment: "node",
          // No `fileParallelism: false` here: vitest runs such projects after all others, one file at a
          // time (groupSpecs' "sequential" group), and first-minutes mostly waits on `npm start`; in the
          // shared group it overlaps the unit and workers files. Its two files are independent processes.
          testTimeout: 240_000,
          hookTimeout: 60_000,
        },
      },
      await workersProject("workers", ["test/api/gathered-*.test-group.ts"], {
        // wrangler.toml's default is production; this suite opts into development explicitly.
        APP_ENV: "development",
        // Test-only secret; real ones live in .dev.vars (local) or `wrangler secret` (deployed).
        BETTER_AUTH_SECRET: "test-only-secret-not-used-anywhere-else-0123456789",
        LINK_SIGNING_SECRET: "test-only-link-secret-not-used-anywhere-else-0123456789",
        // E-mail leaves through wrangler.toml's EMAIL binding, simulated by Miniflare, and arrives through
        // the email() handler on this domain. The production project leaves these unset: e-mail not configured.
        EMAIL_DOMAIN: "mail.feedloop.test",
        EMAIL_FROM: "feedloop@mail.feedloop.test",
        // Test files send hundreds of e-mails in seconds; the pacing test sets its own small limit.
        EMAIL_SEND_LIMIT: "100000",
        // Both shards are bound and migrated; new organisations stay in shard 0, where the tests read
        // their rows. test/api/shards.test.ts opens shard 1 and moves organisations between the two.
        NEW_ORGANISATION_SHARDS: "0",
      }),
      // The same Worker with wrangler.toml's defaults (APP_ENV unset here, so production) behind an
      // https origin: proves what a plain `wrangler deploy` ships.
      await workersProject("workers-production", ["test/api-production/**/*.test.ts"], {
        PUBLIC_ORIGIN: "https://feedloop.example",
        BETTER_AUTH_SECRET: "production-test-secret-not-used-anywhere-else-0123456789",
        LINK_SIGNING_SECRET: "production-test-link-secret-not-used-anywhere-else-0123456789",
        // Set on purpose: the seed route must stay closed even when the key is known.
        DEMO_API_KEY: "fl_demo_production_test_key",
        // Its organisations' rows are read from DB (shard 0) directly.
        NEW_ORGANISATION_SHARDS: "0",
      }),
    ],
  },
}));
