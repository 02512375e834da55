import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../free-port";
// @ts-expect-error -- plain ESM helper shared with the start script
import { d1Bindings, ensureDevVars, LOCAL_EMAIL_DOMAIN, QUIET_ENV, waitForHealth } from "../../scripts/local-env.mjs";

/**
 * Browser tests run against the real app: the built web assets served by `wrangler dev`
 * (workerd + local SQLite) with its own throw-away database, seeded like `npm start`.
 */

let dev: ChildProcess | undefined;
let persistDir: string | undefined;

export default async function setup(project: TestProject) {
  const env = { ...process.env, ...QUIET_ENV };
  const vars = ensureDevVars() as Record<string, string>;
  persistDir = mkdtempSync(join(tmpdir(), "feedloop-browser-"));
  // `npm test` builds the web assets first; build here only when run on its own.
  if (!existsSync("dist/web/index.html")) {
    const build = spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { stdio: "inherit", env });
    if (build.status !== 0) throw new Error("vite build failed");
  }
  // Every D1 binding of wrangler.toml (DB and each DB_SHARD_n) gets the same migrations: the cron and
  // queue jobs run over every shard.
  for (const binding of d1Bindings() as string[]) {
    const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", binding, "--local", "--persist-to", persistDir], { stdio: "pipe", env });
    if (migrate.status !== 0) throw new Error(`migrations of ${binding} failed: ${migrate.stderr}`);
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // Miniflare writes each message sent through the EMAIL binding to <TMPDIR>/miniflare-*/files/email/*.eml:
  // a TMPDIR of this run's own lets the tests read the e-mails that "left" (test/browser/mailbox.ts).
  const mailDir = join(persistDir, "tmp");
  mkdirSync(mailDir, { recursive: true });
  dev = spawn(
    "npx",
    ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistDir, "--show-interactive-dev-session=false", "--test-scheduled", "--var", "APP_ENV:development", "--var", `PUBLIC_ORIGIN:${origin}`, "--var", `EMAIL_DOMAIN:${LOCAL_EMAIL_DOMAIN}`, "--var", `EMAIL_FROM:feedloop@${LOCAL_EMAIL_DOMAIN}`, "--var", "EMAIL_SEND_LIMIT:100000"],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...env, TMPDIR: mailDir }, detached: true },
  );
  try {
    await waitForHealth(origin, 90_000);
    const seed = await fetch(`${origin}/__dev/seed`, { method: "POST", headers: { "x-seed-key": vars.DEMO_API_KEY! } });
    if (!seed.ok) throw new Error(`seed failed: ${seed.status} ${await seed.text()}`);
    project.provide("origin", origin);
    project.provide("mailDir", mailDir);
    project.provide("demoApiKey", vars.DEMO_API_KEY!);
    project.provide("seed", (await seed.json()) as SeedSummary);
  } catch (error) {
    // A failed start must not leave the detached wrangler dev running.
    await teardown();
    throw error;
  }
  // With a default export vitest ignores a named `teardown`: return it instead.
  return teardown;
}

async function teardown() {
  if (dev?.pid) {
    try {
      process.kill(-dev.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
}

export type SeedSummary = {
  password: string;
  accounts: { role: string; email: string }[];
  responses: number;
  complaints: number;
  surveyId: string;
  complaintEmail: string | null;
};

declare module "vitest" {
  export interface ProvidedContext {
    origin: string;
    /** Where the simulated EMAIL binding writes sent messages (test/browser/mailbox.ts reads them). */
    mailDir: string;
    demoApiKey: string;
    seed: SeedSummary;
  }
}
