#!/usr/bin/env node
// `npm start`: migrations → web build → wrangler dev (workerd + local SQLite) → idempotent demo seed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { d1Bindings, ensureDevVars, LOCAL_EMAIL_DOMAIN, QUIET_ENV, waitForHealth } from "./local-env.mjs";

const port = process.env.PORT ?? "8787";
const host = "127.0.0.1";
const origin = `http://${host}:${port}`;
const env = { ...process.env, ...QUIET_ENV };
const npx = process.platform === "win32" ? "npx.cmd" : "npx";
// FEEDLOOP_PERSIST_TO keeps the local D1 (and queues) somewhere other than .wrangler/state: the
// start-up test runs this very script against a throw-away database.
const persistArgs = process.env.FEEDLOOP_PERSIST_TO ? ["--persist-to", process.env.FEEDLOOP_PERSIST_TO] : [];

function run(args, label) {
  console.log(`▸ ${label}`);
  // No stdin: wrangler then applies migrations without an interactive "Ok to proceed?" prompt.
  const result = spawnSync(npx, args, { stdio: ["ignore", "inherit", "inherit"], env });
  if (result.status !== 0) {
    console.error(`✗ ${label} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

const vars = ensureDevVars();
// Every database gets the same migrations: DB (control plane and shard 0) and each DB_SHARD_n (wrangler.toml).
for (const binding of d1Bindings()) run(["wrangler", "d1", "migrations", "apply", binding, "--local", ...persistArgs], `Applying D1 migrations locally (${binding})`);
// FEEDLOOP_WEB_BUILT=1: dist/web is fresh already (the start-up test under `npm test`, which built it;
// rebuilding there would make the browser tests' wrangler dev reload its assets mid-run).
if (process.env.FEEDLOOP_WEB_BUILT === "1" && existsSync("dist/web/index.html")) console.log("▸ Web app already built (dist/web)");
else run(["vite", "build", "--logLevel", "warn"], "Building the web app");

console.log(`▸ Starting wrangler dev on ${origin}`);
const dev = spawn(
  npx,
  ["wrangler", "dev", "--ip", host, "--port", port, ...persistArgs, "--show-interactive-dev-session=false", "--test-scheduled", "--var", "APP_ENV:development", "--var", `PUBLIC_ORIGIN:${origin}`, "--var", `EMAIL_DOMAIN:${LOCAL_EMAIL_DOMAIN}`, "--var", `EMAIL_FROM:feedloop@${LOCAL_EMAIL_DOMAIN}`],
  { stdio: ["ignore", "inherit", "inherit"], env },
);
const stop = () => dev.kill("SIGINT");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => process.exit(code ?? 0));

try {
  await waitForHealth(origin);
  const res = await fetch(`${origin}/__dev/seed`, { method: "POST", headers: { "x-seed-key": vars.DEMO_API_KEY } });
  const seed = await res.json();
  if (!res.ok) throw new Error(JSON.stringify(seed));
  console.log(`
✔ Feedloop is running at ${origin}

  Survey (customer view):   ${origin}/s/demo-acsi            (?lang=zh-CN or ?lang=en)
  Complaint form:           ${origin}/complaints/new?org=demo
  Staff & manager app:      ${origin}/app/
  OpenAPI document:         ${origin}/api/openapi.json

  Demo accounts (password: ${seed.password}):
${seed.accounts.map((a) => `    ${a.role.padEnd(8)} ${a.email}`).join("\n")}

  Send it a complaint by e-mail (README "E-mail"):
    curl -X POST -H "x-seed-key: ${vars.DEMO_API_KEY}" "${origin}/__dev/email?from=customer@example.com&to=${seed.complaintEmail}" --data-binary @examples/complaint.eml

  Seeded: ${seed.responses} responses, ${seed.complaints} complaints${seed.alreadySeeded ? " (already present)" : ""}.
Complaint e-mail (demo): ${seed.complaintEmail}
API key (demo admin): ${vars.DEMO_API_KEY}
  e.g. curl -H "authorization: Bearer ${vars.DEMO_API_KEY}" ${origin}/api/surveys
`);
} catch (error) {
  console.error(`✗ ${error instanceof Error ? error.message : error}`);
  stop();
  process.exit(1);
}
