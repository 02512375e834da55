import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../free-port";
// @ts-expect-error -- plain ESM helper shared with the start script
import { QUIET_ENV } from "../../scripts/local-env.mjs";
import { appWorker, applyMigrations, BENCH_API_KEY, bundleWorker, startWorkers, type BenchWorkers } from "../../bench/lib/harness";
import { slowAnswers, walkFirstMinutes } from "./probe";

/**
 * Issue 10: the first request after `npm start` must answer, whatever came before it and however
 * long the server sat idle. Run twice: through `npm start`'s own script (wrangler dev) and against
 * the bundle `wrangler deploy` would upload, in plain Miniflare.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe("the first minutes after start", () => {
  it("npm start: every request after the seed, a burst and a queue batch answers within seconds", async () => {
    const port = await freePort();
    const persistDir = mkdtempSync(join(tmpdir(), "feedloop-start-"));
    const start: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
      env: { ...process.env, ...QUIET_ENV, PORT: String(port), FEEDLOOP_PERSIST_TO: persistDir, FEEDLOOP_WEB_BUILT: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    cleanups.push(() => {
      try {
        process.kill(-start.pid!, "SIGTERM");
      } catch {
        // already gone
      }
      rmSync(persistDir, { recursive: true, force: true });
    });
    // Read everything the script prints, always: an unread pipe would block wrangler's logging.
    let output = "";
    start.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    start.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const apiKey = await new Promise<string>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`npm start did not finish in 150 s:\n${output.slice(-3000)}`)), 150_000);
      const check = setInterval(() => {
        const key = /API key \(demo admin\): (\S+)/.exec(output)?.[1];
        if (output.includes("Feedloop is running") && key) {
          clearInterval(check);
          clearTimeout(deadline);
          resolve(key);
        }
      }, 100);
      start.on("exit", (code) => {
        clearInterval(check);
        clearTimeout(deadline);
        reject(new Error(`npm start exited with ${code}:\n${output.slice(-3000)}`));
      });
    });

    const walk = await walkFirstMinutes(`http://127.0.0.1:${port}`, apiKey);
    expect(walk.burstStatuses.every((s) => s === 201), `burst answers ${walk.burstStatuses.join(",")}`).toBe(true);
    expect(slowAnswers(walk.results), JSON.stringify(walk.results, null, 1)).toEqual([]);
    expect(walk.results).toHaveLength(12);
    // The burst's complaint follow-ups ran in a queue batch between the second and third walks.
    expect(walk.complaintsAfter - walk.complaintsBefore).toBe(walk.burstStatuses.length);

    // The README's e-mail example: the printed address takes the example message through the local
    // e-mail endpoint into the email() handler, and it becomes a complaint.
    const address = /Complaint e-mail \(demo\): (\S+@\S+)/.exec(output)?.[1];
    expect(address).toBe("demo@mail.feedloop.test");
    const seedKey = /x-seed-key: (\S+)"/.exec(output)?.[1];
    const mail = await fetch(`http://127.0.0.1:${port}/__dev/email?from=customer@example.com&to=${address}`, {
      method: "POST",
      headers: { "x-seed-key": seedKey ?? "" },
      body: readFileSync("examples/complaint.eml"),
    });
    expect(mail.status, await mail.text()).toBe(200);
    const listed = await fetch(`http://127.0.0.1:${port}/api/complaints?source=email`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(JSON.stringify(await listed.json())).toContain("电饭煲质量问题");
  });

  it("the deploy bundle in plain Miniflare: the same walk answers within seconds", async () => {
    const bundleDir = mkdtempSync(join(tmpdir(), "feedloop-bundle-"));
    cleanups.push(() => rmSync(bundleDir, { recursive: true, force: true }));
    const scriptPath = bundleWorker(bundleDir);
    const app: BenchWorkers = await startWorkers([appWorker(scriptPath, { consumer: true, vars: { RATE_LIMITS: "on" } })], null);
    cleanups.push(() => app.mf.dispose());
    await applyMigrations(await app.mf.getD1Database("DB", "feedloop"));
    const origin = app.url.origin;
    const seed = await fetch(`${origin}/__dev/seed`, { method: "POST", headers: { "x-seed-key": BENCH_API_KEY } });
    expect(seed.status, await seed.clone().text()).toBe(200);
    await seed.arrayBuffer();

    const walk = await walkFirstMinutes(origin, BENCH_API_KEY);
    expect(walk.burstStatuses.every((s) => s === 201), `burst answers ${walk.burstStatuses.join(",")}`).toBe(true);
    expect(slowAnswers(walk.results), JSON.stringify(walk.results, null, 1)).toEqual([]);
    expect(walk.complaintsAfter - walk.complaintsBefore).toBe(walk.burstStatuses.length);
  });
});
