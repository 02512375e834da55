/**
 * Group commit on the submit path (src/db/write-groups.ts): submissions that arrive while another's
 * D1 call is in flight go together in one D1 batch — each answered with its own results, one
 * member's failing statement never costs the others their write, and nothing is stored twice.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { batchInGroup, MAX_GROUP_MEMBERS, WAIT_LIMIT_MS, writeGroupStats } from "../../src/db/write-groups";
import { BOOKMARK_HEADER } from "../../src/routes/read-near-reader";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";

const noBookmark = () => null;

describe("batchInGroup against the real D1", () => {
  beforeAll(async () => {
    await env.DB.exec("CREATE TABLE IF NOT EXISTS group_probe (k TEXT PRIMARY KEY, n INTEGER NOT NULL)");
  });

  const insert = (k: string, n = 1) => ({ sql: "INSERT INTO group_probe (k, n) VALUES (?1, ?2) RETURNING k, n", params: [k, n] });
  const rows = async () => (await env.DB.prepare("SELECT k, n FROM group_probe ORDER BY k").all<{ k: string; n: number }>()).results;

  it("sends the callers queued behind a batch in flight as one batch and answers each with its own results", async () => {
    const before = { ...writeGroupStats };
    const keys = ["a1", "a2", "a3", "a4", "a5"];
    const answers = await Promise.all(keys.map((k, i) => batchInGroup<{ k: string; n: number }>("probe", env.DB, [insert(k, i), insert(`${k}-second`, i)], noBookmark)));
    answers.forEach((answer, i) => {
      expect(answer.results).toHaveLength(2);
      expect(answer.results[0]!.results).toEqual([{ k: keys[i], n: i }]);
      expect(answer.results[1]!.results).toEqual([{ k: `${keys[i]}-second`, n: i }]);
    });
    // The first goes at once, alone; the four queued behind it go together.
    expect(writeGroupStats.batches - before.batches).toBe(2);
    expect(writeGroupStats.members - before.members).toBe(5);
    expect((await rows()).filter((row) => row.k.startsWith("a"))).toHaveLength(10);
  });

  it("splits a long line into groups of at most MAX_GROUP_MEMBERS", async () => {
    const before = { ...writeGroupStats };
    const count = MAX_GROUP_MEMBERS * 2 + 1;
    await Promise.all(Array.from({ length: count }, (_, i) => batchInGroup("probe", env.DB, [insert(`b${i}`)], noBookmark)));
    expect(writeGroupStats.members - before.members).toBe(count);
    // 1 at once, then the 16 behind it in groups of 8.
    expect(writeGroupStats.batches - before.batches).toBe(3);
    expect((await rows()).filter((row) => row.k.startsWith("b"))).toHaveLength(count);
  });

  it("keeps one member's failing statement its own: the others are written, once", async () => {
    await env.DB.prepare(insert("taken").sql).bind("taken", 1).run();
    const before = { ...writeGroupStats };
    const settled = await Promise.allSettled([
      batchInGroup("probe", env.DB, [insert("c0")], noBookmark),
      batchInGroup("probe", env.DB, [insert("c1")], noBookmark),
      batchInGroup("probe", env.DB, [insert("c2"), insert("taken")], noBookmark),
      batchInGroup("probe", env.DB, [insert("c3")], noBookmark),
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(String((settled[2] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    // c0 went at once; the group c1-c3 rolled back as one transaction and each of them ran alone.
    expect(writeGroupStats.alone - before.alone).toBe(3);
    const keys = (await rows()).map((row) => row.k);
    expect(keys.filter((k) => /^c[0-3]$/.test(k))).toEqual(["c0", "c1", "c3"]);
  });

  it("lets a member whose leader never answers (its request cancelled) write alone after the wait limit, and the line recovers", async () => {
    // Fault injection: the real D1 behind a client whose batch never returns, as when the leader's request is cancelled mid-call.
    const lost = Object.assign(Object.create(env.DB) as D1Database, {
      prepare: (query: string) => env.DB.prepare(query),
      batch: () => new Promise<never>(() => undefined),
    });
    const before = { ...writeGroupStats };
    void batchInGroup("stalled", lost, [insert("e0")], noBookmark);
    const started = Date.now();
    const waiting = await batchInGroup<{ k: string }>("stalled", env.DB, [insert("e1")], noBookmark);
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_LIMIT_MS);
    expect(waiting.results[0]!.results).toEqual([{ k: "e1", n: 1 }]);
    expect(writeGroupStats.alone - before.alone).toBe(1);
    // The silent leader's line is released: the next caller goes at once, as a leader.
    const next = await batchInGroup<{ k: string }>("stalled", env.DB, [insert("e2")], noBookmark);
    expect(next.results[0]!.results).toEqual([{ k: "e2", n: 1 }]);
    expect(writeGroupStats.batches - before.batches).toBe(1);
    const keys = (await rows()).map((row) => row.k);
    expect(keys).toContain("e1");
    expect(keys).not.toContain("e0");
  }, 20_000);

  it("keeps databases apart: lines of different keys never share a batch", async () => {
    const before = { ...writeGroupStats };
    await Promise.all([batchInGroup("probe", env.DB, [insert("d1")], noBookmark), batchInGroup("other", env.DB, [insert("d2")], noBookmark)]);
    expect(writeGroupStats.batches - before.batches).toBe(2);
  });
});

describe("concurrent public submissions through group commit", () => {
  let org: TestOrg;
  beforeAll(async () => {
    org = await createTestOrg("write-groups");
  });

  it("stores every distinct submission once, answers retries with the same id, counts each once and spends a token once", async () => {
    const survey = await createPublishedSurvey(org.keys.admin, "write-groups");
    const invitationSurvey = await createPublishedSurvey(org.keys.admin, "write-groups-inv", { accessMode: "invitation" });
    const invited = await call(`/api/surveys/${invitationSurvey.id}/invitations`, json("POST", { invitations: [{ email: "g@example.com" }] }, bearer(org.keys.manager)));
    expect(invited.status).toBe(201);
    const { items } = (await invited.json()) as { items: { token: string }[] };
    const token = items[0]!.token;

    const ids = Array.from({ length: 12 }, () => newSubmissionId());
    const before = { ...writeGroupStats };
    const bodies = [
      ...ids.map((submissionId) => ({ slug: survey.slug, body: { submissionId, answers: acsiAnswers(), complete: true } })),
      // Retries of three of them, in the same burst.
      ...ids.slice(0, 3).map((submissionId) => ({ slug: survey.slug, body: { submissionId, answers: acsiAnswers(), complete: true } })),
      // Two completions with one single-use token.
      { slug: invitationSurvey.slug, body: { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true } },
      { slug: invitationSurvey.slug, body: { submissionId: newSubmissionId(), token, answers: acsiAnswers(), complete: true } },
    ];
    const results = await Promise.all(bodies.map(({ slug, body }) => submit(slug, body)));
    const answers = await Promise.all(results.map(async (res) => ({ status: res.status, bookmark: res.headers.get(BOOKMARK_HEADER), body: (await res.json()) as { id?: string; type?: string } })));

    // The burst did share batches (fewer D1 batches than submissions written).
    expect(writeGroupStats.members - before.members).toBeGreaterThanOrEqual(13);
    expect(writeGroupStats.batches - before.batches).toBeLessThan(writeGroupStats.members - before.members);

    const plain = answers.slice(0, 15);
    expect(plain.every((a) => a.status === 201 || a.status === 200)).toBe(true);
    expect(plain.filter((a) => a.status === 201)).toHaveLength(12);
    // Every written submission hands the respondent a bookmark that covers the write.
    expect(plain.filter((a) => a.status === 201).every((a) => typeof a.bookmark === "string" && a.bookmark.length > 0)).toBe(true);
    for (let i = 0; i < 3; i++) expect(plain[12 + i]!.body.id).toBe(plain[i]!.body.id);

    const stored = await env.DB.prepare("SELECT count(*) AS n, count(DISTINCT submission_id) AS d FROM responses WHERE survey_id = ?").bind(survey.id).first<{ n: number; d: number }>();
    expect(stored).toEqual({ n: 12, d: 12 });
    const counted = await env.DB.prepare("SELECT completed_count AS n FROM surveys WHERE id = ?").bind(survey.id).first<{ n: number }>();
    expect(counted!.n).toBe(12);

    const tokenUses = answers.slice(15).map((a) => a.status).sort();
    expect(tokenUses).toEqual([201, 409]);
    const invitationResponses = await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE survey_id = ?").bind(invitationSurvey.id).first<{ n: number }>();
    expect(invitationResponses!.n).toBe(1);
  });
});
