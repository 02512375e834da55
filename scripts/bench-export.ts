/**
 * npm run bench:export — rows per second of the export of any size (issue 16 item 5) against the
 * one-request export of the same rows, in the same run, in plain Miniflare over the deploy bundle
 * (D1 on disk, the ExportWorkflow and R2 as Miniflare runs them).
 *
 *   baseline: GET /api/surveys/:id/responses/export.csv (the small-export fast path, one request);
 *   ours:     POST /api/surveys/:id/responses/exports → the Workflow writes parts of ≤ 5,000 rows to R2,
 *             polled through GET /api/exports/:id until complete, then the signed download is read.
 *
 * Both files must be byte-identical (the run fails otherwise). Responses are inserted by the bench
 * helper Worker as bench:query does (not through submit). The figure that matters for size is not
 * speed but that every Workflow step stays far below the per-invocation limits (docs/scaling.md §4.4);
 * this measures what that chunking costs in throughput.
 * Env: BENCH_EXPORT_RESPONSES (default 50000), BENCH_EXPORT_RUNS (default 2).
 */
import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { appWorker, applyMigrations, BENCH_API_KEY, bundleHelper, bundleWorker, helperWorker, ROOT, startWorkers, table } from "../bench/lib/harness";

const RESPONSES = Number(process.env.BENCH_EXPORT_RESPONSES ?? 50_000);
const RUNS = Number(process.env.BENCH_EXPORT_RUNS ?? 2);

async function main() {
  console.log(`bench:export — ${RESPONSES.toLocaleString("en")} responses, ${RUNS} runs of each export (alternating)`);
  console.log("Bundling the Worker (wrangler deploy --dry-run) and the bench helper …");
  const scriptPath = bundleWorker();
  const helperPath = await bundleHelper();
  const worker = {
    ...appWorker(scriptPath, { consumer: false }),
    r2Buckets: { EXPORTS: "feedloop-exports", ATTACHMENTS: "feedloop-attachments" },
    workflows: { EXPORT_WORKFLOW: { name: "feedloop-exports", className: "ExportWorkflow" } },
  };
  const app = await startWorkers([worker, helperWorker(helperPath)], join(ROOT, ".wrangler/bench-state/export"));
  const failures: string[] = [];
  try {
    await applyMigrations(await app.mf.getD1Database("DB", "feedloop"));
    const send = (method: string, path: string, body?: unknown) =>
      fetch(new URL(path, app.url), {
        method,
        headers: { authorization: `Bearer ${BENCH_API_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // workerd closes a keep-alive connection after a long streamed answer (the one-request export of
    // hundreds of MB); the client may pick that socket for its next request and see "other side closed"
    // before anything reached the Worker. A GET changes nothing, so it is sent again once.
    const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
      try {
        return await send(method, path, body);
      } catch (error) {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (method !== "GET" || code !== "UND_ERR_SOCKET") throw error;
        return send(method, path, body);
      }
    };
    const must = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await call(method, path, body);
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    };

    console.log("Seeding …");
    const seed = await fetch(new URL("/__dev/seed", app.url), { method: "POST", headers: { "x-seed-key": BENCH_API_KEY } });
    if (!seed.ok) throw new Error(`seed: ${seed.status} ${await seed.text()}`);
    const survey = await must<{ id: string }>("POST", "/api/surveys", { slug: "bench-export", template: "acsi" });
    await must("POST", `/api/surveys/${survey.id}/publish`);
    const now = Date.now();
    for (let offset = 0; offset < RESPONSES; offset += 10_000) {
      const res = await app.fetchWorker("helper", `/seed-responses?survey=${survey.id}&n=${Math.min(10_000, RESPONSES - offset)}&offset=${offset}&days=400&now=${now}`, { method: "POST" });
      if (!res.ok) throw new Error(`helper seed: ${res.status} ${await res.text()}`);
    }

    const quick = async () => {
      const t = performance.now();
      const res = await call("GET", `/api/surveys/${survey.id}/responses/export.csv`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`export.csv: ${res.status}`);
      return { ms: performance.now() - t, bytes, steps: 1 };
    };
    const chunked = async () => {
      const t = performance.now();
      let job = await must<{ id: string; status: string; downloadUrl: string | null; error: string | null }>("POST", `/api/surveys/${survey.id}/responses/exports`, { format: "csv" });
      let polls = 0;
      while (job.status === "running") {
        await new Promise((resolve) => setTimeout(resolve, 100));
        job = await must("GET", `/api/exports/${job.id}`);
        polls++;
      }
      if (job.status !== "complete" || !job.downloadUrl) throw new Error(`export job ${job.status}: ${job.error}`);
      const res = await call("GET", job.downloadUrl);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`download: ${res.status}`);
      return { ms: performance.now() - t, bytes, steps: Math.ceil(RESPONSES / 5000) + 2, polls };
    };

    const rows: Record<string, string | number>[] = [];
    let reference: Uint8Array | null = null;
    const times = { quick: [] as number[], chunked: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      for (const [name, fn] of [["quick", quick], ["chunked", chunked]] as const) {
        const result = await fn();
        reference ??= result.bytes;
        if (Buffer.compare(Buffer.from(reference), Buffer.from(result.bytes)) !== 0) failures.push(`${name} run ${run + 1}: file differs from the first export`);
        times[name].push(result.ms);
        rows.push({ export: name, run: run + 1, "time (s)": (result.ms / 1000).toFixed(2), "rows/s": Math.round(RESPONSES / (result.ms / 1000)).toLocaleString("en"), MB: (result.bytes.length / 1e6).toFixed(1) });
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(times.quick) / median(times.chunked);
    console.log(table(rows));
    console.log(`\nChunked Workflow export ÷ one-request export, throughput (median of ${RUNS}): ${ratio.toFixed(2)}× (load average ${loadavg()[0]!.toFixed(2)})`);
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(
      join(ROOT, "bench/results/export-latest.json"),
      JSON.stringify({ date: new Date().toISOString(), responses: RESPONSES, runs: RUNS, loadavg: loadavg(), results: rows, throughputRatio: ratio, failures }, null, 2),
    );
  } finally {
    await app.mf.dispose();
  }
  if (failures.length > 0) {
    console.error(`FAILED:\n${failures.join("\n")}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
