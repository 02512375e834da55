/**
 * Sharding simulation (docs/scaling.md): the deploy bundle of the Worker runs three times in one
 * Miniflare, each with its own D1 database — "single" receives every submission, "shard-a" and
 * "shard-b" each receive the part routed to them (by region, as a regional split of one
 * organisation's traffic would). Same ingest flow (HTTP submit, retries, compaction) everywhere.
 *
 * Shows: (1) every statistics row of the single database equals the element-wise sum of the two
 * shards' rows — the sufficient statistics merge across databases with nothing lost or doubled;
 * (2) merging the shards' moments with the app's own mergeMoments and estimating gives exactly the
 * single database's /indices answer.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appWorker, applyMigrations, BENCH_API_KEY, bundleHelper, bundleWorker, helperWorker, ROOT, startWorkers, type BenchWorkers } from "../../bench/lib/harness";
import { getTemplate } from "../../src/domain/survey/templates";
import { SurveyDefinitionSchema } from "../../src/domain/survey/definition";
import { decodeMoments, encodeMoments, statsLayoutFor } from "../../src/db/stats-vector";
import { createEmptyMoments, mergeMoments } from "../../src/domain/stats/item-moments";
import { computeSurveyIndices } from "../../src/domain/analytics/survey-indices";
import { createSeededRandom } from "../../src/domain/stats/random";

const DATABASES = ["single", "shard-a", "shard-b"] as const;
type Database = (typeof DATABASES)[number];
const N = 160;
const REGIONS = ["north", "east", "south", "west"];
const shardOf = (region: string): Database => (region === "north" || region === "east" ? "shard-a" : "shard-b");

let workers: BenchWorkers;
const surveyIds = {} as Record<Database, string>;

async function fetchIn(database: Database, path: string, init: RequestInit = {}): Promise<Response> {
  return workers.fetchWorker(database, path, init);
}

async function staff<T>(database: Database, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetchIn(database, path, {
    method,
    headers: { authorization: `Bearer ${BENCH_API_KEY}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${database} ${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

type StatsRow = { key: string; n: number; vector: number[] };
async function statsRows(database: Database): Promise<Map<string, StatsRow>> {
  const db = await workers.mf.getD1Database("DB", database);
  const rows = await db
    .prepare("SELECT version, day, touchpoint, region, tier, n, vector FROM survey_daily_stats WHERE survey_id = ?")
    .bind(surveyIds[database])
    .all<{ version: number; day: string; touchpoint: string; region: string; tier: string; n: number; vector: string }>();
  return new Map(
    rows.results.map((r) => {
      const key = `${r.version}|${r.day}|${r.touchpoint}|${r.region}|${r.tier}`;
      return [key, { key, n: r.n, vector: JSON.parse(r.vector) as number[] }];
    }),
  );
}

beforeAll(async () => {
  const script = bundleWorker(join(ROOT, ".wrangler/sharding-bundle"));
  const helper = await bundleHelper(join(ROOT, ".wrangler/sharding-bundle-helper/helper.js"));
  workers = await startWorkers(
    [
      ...DATABASES.map((name) => appWorker(script, { consumer: false, name, database: `${name}-db` })),
      helperWorker(helper, { name: "helper", database: "single-db", extraDatabases: Object.fromEntries(DATABASES.map((d) => [`DB_${d.replace("-", "_")}`, `${d}-db`])) }),
    ],
    null,
  );
  const keyHash = createHash("sha256").update(BENCH_API_KEY).digest("hex");
  for (const database of DATABASES) {
    const db = await workers.mf.getD1Database("DB", database);
    await applyMigrations(db);
    // Provisioning a shard: the organisation and its API key exist in the shard that serves it.
    await db.batch([
      db.prepare("INSERT INTO organization (id, name, slug, createdAt) VALUES ('org_group', 'Group', 'group', ?)").bind(Date.now()),
      db.prepare("INSERT INTO organization_settings (organization_id, time_zone) VALUES ('org_group', 'UTC')"),
      db.prepare("INSERT INTO api_keys (id, organization_id, name, role, key_hash, prefix) VALUES ('key_group', 'org_group', 'ops', 'admin', ?, 'fl_bench')").bind(keyHash),
    ]);
    const survey = await staff<{ id: string }>(database, "POST", "/api/surveys", { slug: "group-acsi", template: "acsi" });
    await staff(database, "POST", `/api/surveys/${survey.id}/publish`);
    surveyIds[database] = survey.id;
  }

  // The same N submissions: all to "single", each also to its region's shard; every 7th is retried.
  const random = createSeededRandom(4242);
  const r = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const bodies = Array.from({ length: N }, (_, i) => {
    const base = r(3, 9);
    const v = () => Math.min(10, Math.max(1, base + r(-2, 2)));
    return {
      submissionId: `shard-test-${i}`,
      complete: true,
      hidden: { touchpoint: ["store", "web", "call_centre"][i % 3]!, region: REGIONS[r(0, 3)]!, ...(i % 5 === 0 ? {} : { tier: ["standard", "gold"][i % 2]! }) },
      answers: {
        ce_overall: v(), ce_custom: v(), ce_reliability: v(), pq_overall: v(), pq_custom: v(), pq_reliability: v(),
        pv_price_given_quality: v(), pv_quality_given_price: v(), sat_overall: v(), sat_expectations: v(), sat_ideal: v(),
        complained: i % 9 === 0, ...(i % 9 === 0 ? { complaint_detail: "Late." } : {}),
        loy_repurchase: v(), loy_price_increase: v(), loy_price_decrease: v(), nps: Math.min(10, base + r(-3, 1)), sat_level: r(1, 5),
      },
    };
  });
  const send = async (database: Database, body: unknown) => {
    const res = await fetchIn(database, "/api/public/surveys/group-acsi/responses", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const text = await res.text();
    if (res.status !== 201 && res.status !== 200) throw new Error(`${database} submit: ${res.status} ${text}`);
  };
  for (let i = 0; i < bodies.length; i += 8) {
    await Promise.all(
      bodies.slice(i, i + 8).flatMap((body, k) => {
        const shard = shardOf(body.hidden.region);
        const sends = [send("single", body), send(shard, body)];
        if ((i + k) % 7 === 0) sends.push(send(shard, body), send("single", body));
        return sends;
      }),
    );
  }
  for (const database of DATABASES) {
    const res = await workers.fetchWorker("helper", `/compact?survey=${surveyIds[database]}&db=DB_${database.replace("-", "_")}`, { method: "POST" });
    expect(res.status).toBe(200);
  }
}, 120_000);

afterAll(async () => {
  await workers?.mf.dispose();
});

describe("two D1 databases vs one", () => {
  it("stores every submission once: shard counts add up to the single database's", async () => {
    const counts = {} as Record<Database, number>;
    for (const database of DATABASES) {
      const db = await workers.mf.getD1Database("DB", database);
      counts[database] = (await db.prepare("SELECT count(*) AS n FROM responses WHERE survey_id = ? AND status = 'completed'").bind(surveyIds[database]).first<{ n: number }>())!.n;
    }
    expect(counts.single).toBe(N);
    expect(counts["shard-a"] + counts["shard-b"]).toBe(N);
    expect(counts["shard-a"]).toBeGreaterThan(0);
    expect(counts["shard-b"]).toBeGreaterThan(0);
  });

  it("every statistics row of the single database is the element-wise sum of the shards' rows", async () => {
    const [single, a, b] = await Promise.all(DATABASES.map(statsRows));
    const merged = new Map<string, StatsRow>();
    for (const shard of [a!, b!]) {
      for (const row of shard.values()) {
        const acc = merged.get(row.key);
        if (!acc) merged.set(row.key, { key: row.key, n: row.n, vector: [...row.vector] });
        else {
          acc.n += row.n;
          row.vector.forEach((x, i) => (acc.vector[i]! += x));
        }
      }
    }
    expect([...merged.keys()].sort()).toEqual([...single!.keys()].sort());
    for (const [key, row] of single!) {
      expect(merged.get(key)!.n, key).toBe(row.n);
      expect(merged.get(key)!.vector, key).toEqual(row.vector);
    }
  });

  it("merging the shards' moments gives exactly the single database's indices", async () => {
    const definition = SurveyDefinitionSchema.parse(getTemplate("acsi"));
    const layout = statsLayoutFor(definition);
    const allSegments = (rows: Map<string, StatsRow>) => [...rows.values()].filter((r) => r.key.endsWith("|*|*|*"));
    const momentsOf = (rows: StatsRow[]) => rows.reduce((m, r) => mergeMoments(m, decodeMoments(r.vector, layout)), createEmptyMoments());
    const [single, a, b] = await Promise.all(DATABASES.map(statsRows));
    const shardA = momentsOf(allSegments(a!));
    const shardB = momentsOf(allSegments(b!));
    const merged = mergeMoments(shardA, shardB);
    expect(encodeMoments(merged, layout)).toEqual(encodeMoments(momentsOf(allSegments(single!)), layout));

    const fromShards = computeSurveyIndices(definition, merged, { scheme: "path" });
    const api = await staff<{ n: number; acsi: number | null; constructs: { construct: string; index: number | null }[] }>("single", "GET", `/api/surveys/${surveyIds.single}/indices`);
    expect(fromShards.n).toBe(N);
    expect(api.n).toBe(N);
    expect(fromShards.acsi).not.toBeNull();
    expect(fromShards.acsi!).toBeCloseTo(api.acsi!, 9);
    for (const c of api.constructs) expect(fromShards.indices!.indices[c.construct]?.index ?? null, c.construct).toBeCloseTo(c.index!, 9);
    // Each shard alone sees a different (smaller) sample: the merge is what makes the group figure.
    expect(shardA.rowCount + shardB.rowCount).toBe(N);
    expect(computeSurveyIndices(definition, shardA, { scheme: "path" }).acsi).not.toBeCloseTo(fromShards.acsi!, 6);
  });
});
