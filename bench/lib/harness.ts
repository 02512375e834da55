/**
 * Shared by the benchmarks: bundles the real Worker the way `wrangler deploy` would
 * (`wrangler deploy --dry-run --outdir`), bundles the bench helper Worker, and runs them in plain
 * Miniflare (no wrangler dev inspector relay in the way) with a D1 database on disk.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";
import { Miniflare, type WorkerOptions } from "miniflare";
// @ts-expect-error -- plain ESM helper shared with the start script
import { QUIET_ENV } from "../../scripts/local-env.mjs";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BUNDLE_DIR = join(ROOT, ".wrangler/bench-bundle");
export const COMPATIBILITY_DATE = "2026-04-26";
export const COMPATIBILITY_FLAGS = ["nodejs_compat"];
export const BENCH_API_KEY = "fl_bench_0123456789abcdefghijklmnopqrstuvwxyz";

export function quietEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...(QUIET_ENV as Record<string, string>), WRANGLER_LOG_PATH: join(ROOT, ".wrangler/logs") };
}

/** `wrangler deploy --dry-run --outdir`: the exact bundle a deploy would upload. */
export function bundleWorker(outDir = BUNDLE_DIR): string {
  // The Worker's [assets] directory must exist for wrangler to bundle.
  if (!existsSync(join(ROOT, "dist/web/index.html"))) {
    const vite = spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { cwd: ROOT, env: quietEnv(), stdio: "inherit" });
    if (vite.status !== 0) throw new Error("vite build failed");
  }
  rmSync(outDir, { recursive: true, force: true });
  const result = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outDir], { cwd: ROOT, env: quietEnv(), encoding: "utf8" });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${result.stdout}\n${result.stderr}`);
  const entry = readdirSync(outDir).find((f) => f.endsWith(".js"));
  if (!entry) throw new Error(`no bundle in ${outDir}`);
  return join(outDir, entry);
}

/** The bench helper Worker (compaction, statistics check, seeding), bundled with esbuild. */
export async function bundleHelper(out = join(ROOT, ".wrangler/bench-helper/helper.js")): Promise<string> {
  await build({
    entryPoints: [join(ROOT, "bench/helper-worker.ts")],
    outfile: out,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser", "import"],
    external: ["node:*", "cloudflare:*"],
    logLevel: "warning",
  });
  return out;
}

export function migrationSql(): string[] {
  const dir = join(ROOT, "migrations");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => readFileSync(join(dir, f), "utf8"));
}

/** Runs every migration file through a D1 binding (statements split on drizzle's breakpoints). */
export async function applyMigrations(db: D1Database): Promise<void> {
  for (const file of migrationSql()) {
    const statements = file
      .split("--> statement-breakpoint")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    for (let i = 0; i < statements.length; i += 50) await db.batch(statements.slice(i, i + 50).map((s) => db.prepare(s)));
  }
}

export type BenchWorkers = {
  mf: Miniflare;
  url: URL;
  /** Dispatch to a named worker (helper, baseline). */
  fetchWorker(name: string, path: string, init?: RequestInit): Promise<Response>;
};

export function appWorker(
  scriptPath: string,
  options: { consumer: boolean; vars?: Record<string, string>; name?: string; database?: string; extraDatabases?: Record<string, string> },
): WorkerOptions {
  return {
    name: options.name ?? "feedloop",
    scriptPath,
    modules: true,
    modulesRoot: dirname(scriptPath),
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    d1Databases: { DB: options.database ?? "feedloop-bench", ...options.extraDatabases },
    queueProducers: { EVENTS: { queueName: "feedloop-events" } },
    ...(options.consumer ? { queueConsumers: { "feedloop-events": { maxBatchSize: 50, maxBatchTimeout: 1, maxRetries: 5 } } } : {}),
    ratelimits: {
      PUBLIC_IP_LIMITER: { simple: { limit: 120, period: 60 } },
      SURVEY_LIMITER: { simple: { limit: 6000, period: 60 } },
    },
    bindings: {
      APP_ENV: "development",
      PUBLIC_ORIGIN: "http://127.0.0.1:8787",
      RATE_LIMITS: "off",
      BETTER_AUTH_SECRET: "bench-only-secret-0123456789abcdefghijklmnop",
      LINK_SIGNING_SECRET: "bench-only-link-secret-0123456789abcdefghijkl",
      DEMO_API_KEY: BENCH_API_KEY,
      ...options.vars,
    },
  };
}

export function helperWorker(scriptPath: string, options: { name?: string; database?: string; extraDatabases?: Record<string, string> } = {}): WorkerOptions {
  return {
    name: options.name ?? "helper",
    scriptPath,
    modules: true,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    d1Databases: { DB: options.database ?? "feedloop-bench", ...options.extraDatabases },
    bindings: { BETTER_AUTH_SECRET: "bench-only-secret-0123456789abcdefghijklmnop", LINK_SIGNING_SECRET: "bench-only-link-secret-0123456789abcdefghijkl", PUBLIC_ORIGIN: "http://127.0.0.1:8787", APP_ENV: "development", RATE_LIMITS: "off" },
  };
}

/** Starts Miniflare; `persistDir` null keeps D1 in memory (tests). */
export async function startWorkers(workers: WorkerOptions[], persistDir: string | null): Promise<BenchWorkers> {
  if (persistDir) {
    rmSync(persistDir, { recursive: true, force: true });
    mkdirSync(persistDir, { recursive: true });
  }
  const mf = new Miniflare({
    workers,
    host: "127.0.0.1",
    port: 0,
    cf: false,
    d1Persist: persistDir ? join(persistDir, "d1") : false,
    cachePersist: false,
  });
  const url = await mf.ready;
  const handles = new Map<string, Awaited<ReturnType<Miniflare["getWorker"]>>>();
  return {
    mf,
    url,
    async fetchWorker(name, path, init) {
      let worker = handles.get(name);
      if (!worker) {
        worker = await mf.getWorker(name);
        handles.set(name, worker);
      }
      return (await worker.fetch(`http://127.0.0.1${path}`, init as never)) as unknown as Response;
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function table(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return "";
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(columns.map((c) => String(r[c] ?? ""))))].join("\n");
}

/** The workerd processes Miniflare started (children of this process); empty where /proc is not there. */
export function workerdPids(): number[] {
  try {
    return readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
          const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
          return comm === "workerd" && ppid === process.pid;
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU time (ns) the processes' threads have run, summed from each thread's /proc schedstat; NaN
 * without any. On a shared machine a round trip also holds the time workerd waited for a core,
 * the CPU time only the work.
 */
export function processCpuNs(pids: readonly number[]): number {
  if (pids.length === 0) return Number.NaN;
  let total = 0;
  for (const pid of pids) {
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      return Number.NaN;
    }
  }
  return total;
}
