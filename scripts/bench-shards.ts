/**
 * npm run bench:shards — sustained ingest into two organisations with one shard against two shards,
 * side by side in one run (docs/scaling.md 4.1).
 *
 *   1. Bundles the Worker as `wrangler deploy` would and starts it twice in plain Miniflare:
 *      "one shard" (DB only; both organisations in it) and "two shards" (DB + DB_SHARD_1,
 *      NEW_ORGANISATION_SHARDS "0,1": the second organisation is placed in shard 1 by the app itself).
 *   2. Seeds each through its own API: POST /__dev/seed (organisation 1 + API key), sign-up and
 *      organisation create through better-auth (organisation 2), an API key and a published survey each.
 *   3. autocannon drives both with the load split evenly over the two surveys (each connection
 *      alternates), in alternating rounds (one shard, two shards, …) at 10 and 50 connections.
 *   4. Verifies: every acknowledged submission stored exactly once, and in the database of its
 *      organisation's shard (none of organisation 2's in DB when it lives in shard 1).
 *
 * Miniflare runs every D1 database of a process on the same workerd, so locally two shards share
 * one CPU; on Cloudflare each D1 database is its own single-threaded instance. Env: BENCH_DURATION
 * (s per level and target, default 8), BENCH_CONNECTIONS ("10,50"), BENCH_ROUNDS (4).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import autocannon, { type Result } from "autocannon";
import { appWorker, BENCH_API_KEY, bundleWorker, ROOT, startWorkers, table, applyMigrations, type BenchWorkers } from "../bench/lib/harness";
import { acsiSubmissionBody, median } from "../bench/lib/submissions";

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "10,50").split(",").map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ORIGIN = "http://127.0.0.1:8787";
const SLUGS = ["bench-org-one", "bench-org-two"] as const;

const failures: string[] = [];
const fail = (message: string) => {
  failures.push(message);
  console.error(`  ✗ ${message}`);
};
const ok = (message: string) => console.log(`  ✓ ${message}`);

/** The load of both organisations: the same answers, one segment (the split is by organisation), no complaints. */
const makeBody = (submissionId: string) => acsiSubmissionBody(submissionId, { hidden: { touchpoint: "web", region: "east", tier: "gold" }, complaintShare: 0 });

type Setup = {
  name: string;
  app: BenchWorkers;
  databases: Record<string, D1Database>;
  sent: Map<string, { slug: string; body: string }>;
  acked: Map<string, string>;
  statuses: Map<number, number>;
};

async function request(url: URL, path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
  const send = () => fetch(new URL(path, url), { ...init, headers: { "content-type": "application/json", origin: ORIGIN, ...init.headers } });
  // Miniflare may close an idle keep-alive connection just as the next request reuses it: once more.
  return send().catch(() => send());
}

async function must(res: Response, what: string): Promise<any> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Organisation 1 from the demo seed, organisation 2 through sign-up and better-auth's create; a published survey each. */
async function seed(setup: Setup): Promise<void> {
  const url = setup.app.url;
  await must(await request(url, "/__dev/seed", { method: "POST", headers: { "x-seed-key": BENCH_API_KEY } }), "seed");
  const signUp = await request(url, "/api/auth/sign-up/email", { method: "POST", body: JSON.stringify({ email: "owner@bench-two.test", password: "correct horse battery", name: "Bench two" }) });
  await must(signUp.clone(), "sign-up");
  const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const org = await must(await request(url, "/api/auth/organization/create", { method: "POST", headers: { cookie }, body: JSON.stringify({ name: "Bench two", slug: "bench-two" }) }), "create organisation");
  const key = await must(
    await request(url, "/api/api-keys", { method: "POST", headers: { cookie, "x-organization-id": org.id }, body: JSON.stringify({ name: "bench", role: "admin" }) }),
    "API key of organisation 2",
  );
  for (const [slug, bearer] of [[SLUGS[0], BENCH_API_KEY], [SLUGS[1], key.key as string]] as const) {
    const auth = { authorization: `Bearer ${bearer}` };
    const survey = await must(await request(url, "/api/surveys", { method: "POST", headers: auth, body: JSON.stringify({ slug, template: "acsi" }) }), `survey ${slug}`);
    await must(await request(url, `/api/surveys/${survey.id}/publish`, { method: "POST", headers: auth }), `publish ${slug}`);
  }
}

async function drive(setup: Setup, connections: number, duration: number, prefix: string): Promise<Result> {
  let seq = 0;
  const path = (slug: string) => `/api/public/surveys/${slug}/responses`;
  const step = (slug: string) => ({
    method: "POST" as const,
    path: path(slug),
    headers: { "content-type": "application/json", "cf-connecting-ip": "203.0.113.7" },
    setupRequest(req: Record<string, unknown>, context: Record<string, unknown>) {
      const sid = `${prefix}-${(seq++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      context.sid = sid;
      const body = makeBody(sid);
      setup.sent.set(sid, { slug, body });
      return { ...req, body };
    },
    onResponse(status: number, _body: string, context: Record<string, unknown>) {
      setup.statuses.set(status, (setup.statuses.get(status) ?? 0) + 1);
      if (status === 201 || status === 200) setup.acked.set(context.sid as string, slug);
    },
  });
  // Each connection alternates between the two organisations' surveys: the load is split evenly.
  return autocannon({ url: setup.app.url.toString(), connections, duration, timeout: 30, requests: [step(SLUGS[0]), step(SLUGS[1])] as never });
}

async function start(name: string, twoShards: boolean): Promise<Setup> {
  const app = await startWorkers(
    [
      appWorker(bundlePath, {
        consumer: false,
        database: `${name}-db`,
        extraDatabases: twoShards ? { DB_SHARD_1: `${name}-shard-1` } : {},
        vars: { NEW_ORGANISATION_SHARDS: twoShards ? "0,1" : "0" },
      }),
    ],
    join(ROOT, `.wrangler/bench-state/shards-${name}`),
  );
  const databases: Record<string, D1Database> = { DB: await app.mf.getD1Database("DB", "feedloop") };
  if (twoShards) databases.DB_SHARD_1 = await app.mf.getD1Database("DB_SHARD_1", "feedloop");
  for (const db of Object.values(databases)) await applyMigrations(db);
  return { name, app, databases, sent: new Map(), acked: new Map(), statuses: new Map() };
}

let bundlePath = "";

async function main() {
  const started = Date.now();
  console.log(`bench:shards — ${DURATION}s per level and target at ${CONNECTIONS.join(" and ")} connections, load split over two organisations`);
  console.log("Bundling the Worker (wrangler deploy --dry-run) …");
  bundlePath = bundleWorker();
  const one = await start("one", false);
  const two = await start("two", true);
  try {
    console.log("Seeding both through their own APIs …");
    await seed(one);
    await seed(two);
    const placement = await two.databases.DB!.prepare("SELECT shard FROM org_shards o JOIN organization g ON g.id = o.organization_id WHERE g.slug = 'bench-two'").first<{ shard: number }>();
    if (placement?.shard === 1) ok("two shards: the app placed organisation 2 in shard 1 (least loaded)");
    else fail(`two shards: organisation 2 is in shard ${placement?.shard ?? 0}, not 1`);

    console.log("Warm-up (3 s each) …");
    await drive(one, 10, 3, "warm-1");
    await drive(two, 10, 3, "warm-2");
    const runs: { setup: string; connections: number; round: number; result: Result }[] = [];
    for (const connections of CONNECTIONS) {
      console.log(`Load: ${connections} connections, ${ROUNDS} alternating rounds of ${(DURATION / ROUNDS).toFixed(1)} s per target …`);
      for (let round = 0; round < ROUNDS; round++) {
        runs.push({ setup: "one shard", connections, round, result: await drive(one, connections, DURATION / ROUNDS, `o${connections}r${round}`) });
        runs.push({ setup: "two shards", connections, round, result: await drive(two, connections, DURATION / ROUNDS, `t${connections}r${round}`) });
      }
    }
    const load = loadavg();
    console.log(`(load average: ${load.map((l) => l.toFixed(1)).join(" ")} — compare ratios, not absolute figures)`);
    const rps = (r: Result) => r.requests.total / r.duration;
    const rows: Record<string, string | number>[] = [];
    const ratios: Record<string, string | number>[] = [];
    for (const connections of CONNECTIONS) {
      for (const setup of ["one shard", "two shards"]) {
        const mine = runs.filter((r) => r.setup === setup && r.connections === connections).map((r) => r.result);
        const total = mine.reduce((sum, r) => sum + r.requests.total, 0);
        rows.push({
          setup,
          conns: connections,
          "req/s": (total / mine.reduce((sum, r) => sum + r.duration, 0)).toFixed(0),
          "p50 ms (median of rounds)": median(mine.map((r) => r.latency.p50)),
          "p99 ms (median of rounds)": median(mine.map((r) => r.latency.p99)),
          requests: total,
          non2xx: mine.reduce((sum, r) => sum + r.non2xx, 0),
        });
      }
      const pairs = Array.from({ length: ROUNDS }, (_, round) => {
        const o = runs.find((r) => r.setup === "one shard" && r.connections === connections && r.round === round)!.result;
        const t = runs.find((r) => r.setup === "two shards" && r.connections === connections && r.round === round)!.result;
        return { throughput: rps(t) / rps(o), p99: t.latency.p99 / Math.max(1, o.latency.p99) };
      });
      const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
      ratios.push({
        conns: connections,
        "throughput two/one": `${median(pairs.map((p) => p.throughput)).toFixed(2)} (rounds ${range(pairs.map((p) => p.throughput))})`,
        "p99 two/one": `${median(pairs.map((p) => p.p99)).toFixed(2)} (rounds ${range(pairs.map((p) => p.p99))})`,
      });
    }
    console.log(`\n${table(rows)}\n\n${table(ratios)}\n`);

    console.log("Correctness …");
    for (const setup of [one, two]) {
      // Requests the load generator cut off at the end of a run: sent again with the same submissionId.
      const missing = [...setup.sent].filter(([sid]) => !setup.acked.has(sid));
      for (const [sid, { slug, body }] of missing) {
        const res = await request(setup.app.url, `/api/public/surveys/${slug}/responses`, { method: "POST", headers: { "cf-connecting-ip": "203.0.113.7" }, body });
        await res.text();
        setup.statuses.set(res.status, (setup.statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200 || res.status === 201) setup.acked.set(sid, slug);
      }
      console.log(`  ${setup.name}: ${missing.length} cut off by the end of a run, sent again with the same submissionId`);
      const bad = [...setup.statuses].filter(([status]) => status !== 200 && status !== 201);
      if (bad.length > 0) fail(`${setup.name}: non-2xx answers ${JSON.stringify(bad)}`);
      let stored = 0;
      for (const [binding, db] of Object.entries(setup.databases)) {
        const counts = (
          await db.prepare("SELECT s.slug AS slug, count(*) AS n, count(DISTINCT r.submission_id) AS distinct_n FROM responses r JOIN surveys s ON s.id = r.survey_id WHERE s.slug IN (?1, ?2) GROUP BY s.slug").bind(...SLUGS).all<{ slug: string; n: number; distinct_n: number }>()
        ).results;
        for (const row of counts) {
          if (row.n !== row.distinct_n) fail(`${setup.name} ${binding}: ${row.slug} has a submissionId stored twice`);
          const expectedHere = setup.databases.DB_SHARD_1 ? (row.slug === SLUGS[1] ? "DB_SHARD_1" : "DB") : "DB";
          if (binding !== expectedHere) fail(`${setup.name}: ${row.n} responses of ${row.slug} in ${binding}, expected in ${expectedHere}`);
          stored += row.n;
        }
      }
      if (stored === setup.acked.size) ok(`${setup.name}: ${stored} responses stored == ${setup.acked.size} acknowledged, each in its organisation's shard`);
      else fail(`${setup.name}: stored ${stored} != acknowledged ${setup.acked.size}`);
    }
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(join(ROOT, "bench/results/shards.json"), JSON.stringify({ date: new Date().toISOString(), duration: DURATION, rounds: ROUNDS, loadavg: load, runs: rows, ratios, failures }, null, 2));
    console.log(`\n${failures.length === 0 ? "All correctness checks passed." : `${failures.length} correctness check(s) FAILED.`} (${((Date.now() - started) / 1000).toFixed(0)} s; figures in bench/results/shards.json)`);
  } finally {
    await one.app.mf.dispose();
    await two.app.mf.dispose();
  }
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
