/**
 * Exports of any size (issue 16): a responses export run as a Workflow in several chunks writes, part
 * by part to R2, the very file the one-request fast path returns (CSV bytes; XLSX sheet and workbook
 * parts), records its progress, and is downloaded only through its signed link: a forged or expired
 * link, or one of another organisation, is a 4xx problem. The privacy export runs the same way.
 * Reads near the reader: public pages and dashboards read through a D1 session whose bookmark comes
 * back with the response, and a request carrying it sees the person's own write. Miniflare keeps one
 * copy of the database (no replicas, no lag), so locally this shows the plumbing — bookmark issued,
 * carried, accepted, malformed ones ignored — not replica routing.
 */
import { env, introspectWorkflow } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { unzipSync, strFromU8 } from "fflate";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { purgeExpiredExports } from "../../src/jobs/export-purge";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { exportDownloadPath } from "../../src/lib/export-links";
import { BOOKMARK_COOKIE, BOOKMARK_HEADER } from "../../src/routes/read-near-reader";

let org: TestOrg;
let other: TestOrg;
let survey: { id: string; slug: string };
const COPIES = 300;

beforeAll(async () => {
  org = await createTestOrg("export-wf");
  other = await createTestOrg("export-wf-other");
  survey = await createPublishedSurvey(org.keys.admin, "export-wf");
  for (let i = 0; i < 8; i++) {
    const res = await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers({ pq_overall: 1 + i }), hidden: { touchpoint: i % 2 ? "web" : "商店" }, complete: i % 3 !== 0 });
    expect(res.status).toBe(201);
  }
  // 8 × 300 = 2,400 more responses, copies of the submitted ones spread over time (some in one millisecond).
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO responses (id, organization_id, survey_id, version, submission_id, language, hidden, answers, status, current_page, anonymised, tags, created_at, updated_at, completed_at)
     SELECT r.id || '-' || n.i, r.organization_id, r.survey_id, r.version, r.submission_id || '-' || n.i, r.language, r.hidden, r.answers, r.status, r.current_page, r.anonymised, r.tags,
            r.created_at - (n.i / 2) * 1000, r.updated_at, r.completed_at
     FROM responses r, n WHERE r.survey_id = ?`,
  )
    .bind(COPIES, survey.id)
    .run();
});

/** Starts an export over HTTP and waits for its Workflow to complete. */
async function runExport(path: string, body: Record<string, unknown>, key: string) {
  await using introspector = await introspectWorkflow(env.EXPORT_WORKFLOW);
  const started = await call(path, json("POST", body, bearer(key)));
  expect(started.status, await started.clone().text()).toBe(202);
  const job = (await started.json()) as { id: string; status: string; rowsTotal: number };
  expect(job.status).toBe("running");
  const [instance] = introspector.get();
  await instance!.waitForStatus("complete");
  const progress = await call(`/api/exports/${job.id}`, { headers: bearer(key) });
  expect(progress.status).toBe(200);
  return (await progress.json()) as { id: string; status: string; rowsDone: number; rowsTotal: number; downloadUrl: string; expiresAt: string };
}

describe("export Workflow", () => {
  it("writes a CSV of 2,408 rows in five chunks equal to the fast path's file", async () => {
    const job = await runExport(`/api/surveys/${survey.id}/responses/exports`, { format: "csv", chunkRows: 500 }, org.keys.manager);
    expect(job).toMatchObject({ status: "complete", rowsDone: 2408, rowsTotal: 2408 });
    const parts = await env.EXPORTS.list({ prefix: `exports/${job.id}/` });
    expect(parts.objects).toHaveLength(1 + 5); // header + ⌈2,408 / 500⌉ chunks
    const download = await call(job.downloadUrl, { headers: bearer(org.keys.manager) });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toContain("export-wf-responses.csv");
    const fast = await call(`/api/surveys/${survey.id}/responses/export.csv`, { headers: bearer(org.keys.manager) });
    const chunked = new Uint8Array(await download.arrayBuffer());
    expect(chunked.length).toBeGreaterThan(100_000);
    expect(chunked).toEqual(new Uint8Array(await fast.arrayBuffer()));
  }, 90_000); // ~12 s alone; over 30 s on this shared machine at load average 20+

  it("writes an XLSX in chunks whose workbook equals the fast path's, with the same filters", async () => {
    const query = "?hidden.touchpoint=web";
    const job = await runExport(`/api/surveys/${survey.id}/responses/exports${query}`, { format: "xlsx", chunkRows: 400 }, org.keys.manager);
    expect(job).toMatchObject({ status: "complete", rowsDone: 1204 });
    const chunked = unzipSync(new Uint8Array(await (await call(job.downloadUrl, { headers: bearer(org.keys.manager) })).arrayBuffer()));
    const fast = unzipSync(new Uint8Array(await (await call(`/api/surveys/${survey.id}/responses/export.xlsx${query}`, { headers: bearer(org.keys.manager) })).arrayBuffer()));
    expect(Object.keys(chunked).sort()).toEqual(Object.keys(fast).sort());
    for (const name of Object.keys(fast)) expect(strFromU8(chunked[name]!), name).toBe(strFromU8(fast[name]!));
  });

  it("refuses forged, expired and other organisations' links with a problem, and purges expired exports", async () => {
    const job = await runExport(`/api/surveys/${survey.id}/responses/exports?status=completed`, { format: "csv" }, org.keys.manager);
    const url = new URL(job.downloadUrl, "http://x");
    const forged = `${url.pathname}?expires=${Number(url.searchParams.get("expires")) + 1}&sig=${url.searchParams.get("sig")}`;
    const res = await call(forged, { headers: bearer(org.keys.manager) });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const expired = await exportDownloadPath(env, job.id, org.organizationId, Date.now() - 1000);
    const gone = await call(expired, { headers: bearer(org.keys.manager) });
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { detail: string }).detail).toContain("expired");
    // Another organisation's member holding the link gets nothing: the export is not found for them.
    const foreign = await call(job.downloadUrl, { headers: bearer(other.keys.owner) });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get("content-type")).toContain("application/problem+json");
    expect((await call(`/api/exports/${job.id}`, { headers: bearer(other.keys.owner) })).status).toBe(404);
    // Viewers may not export at all.
    expect((await call(job.downloadUrl, { headers: bearer(org.keys.viewer) })).status).toBe(403);
    // After the link's expiry the daily purge deletes the parts and the row.
    expect((await env.EXPORTS.list({ prefix: `exports/${job.id}/` })).objects.length).toBeGreaterThan(0);
    expect(await purgeExpiredExports(db(), env, new Date(Date.parse(job.expiresAt) + 1))).toBeGreaterThanOrEqual(1);
    expect((await env.EXPORTS.list({ prefix: `exports/${job.id}/` })).objects).toHaveLength(0);
    expect((await call(`/api/exports/${job.id}`, { headers: bearer(org.keys.manager) })).status).toBe(404);
  });

  it("runs the privacy export as a Workflow for admins only", async () => {
    const refused = await call("/api/respondents/exports", json("POST", { email: "someone@example.com" }, bearer(org.keys.manager)));
    expect(refused.status).toBe(403);
    const job = await runExport("/api/respondents/exports", { email: "someone@example.com" }, org.keys.admin);
    expect(job.status).toBe("complete");
    const fileBody = (await (await call(job.downloadUrl, { headers: bearer(org.keys.admin) })).json()) as { format: string; email: string };
    expect(fileBody).toMatchObject({ format: "feedloop.respondent-export/1", email: "someone@example.com" });
    expect((await call(`/api/exports/${job.id}`, { headers: bearer(org.keys.manager) })).status).toBe(403);
  });
});

describe("reads near the reader (D1 Sessions API)", () => {
  it("returns a bookmark with a submit, and a dashboard read carrying it sees the write", async () => {
    const before = (await (await call(`/api/surveys/${survey.id}/indices`, { headers: bearer(org.keys.manager) })).json()) as { n: number };
    const submitted = await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers({ pq_overall: 9 }), complete: true });
    expect(submitted.status).toBe(201);
    const bookmark = submitted.headers.get(BOOKMARK_HEADER);
    expect(bookmark).toMatch(/^[0-9a-zA-Z-]+$/);
    expect(submitted.headers.getSetCookie().join(";")).toContain(`${BOOKMARK_COOKIE}=${bookmark}`);
    const after = await call(`/api/surveys/${survey.id}/indices`, { headers: { ...bearer(org.keys.manager), [BOOKMARK_HEADER]: bookmark! } });
    expect(after.status).toBe(200);
    expect(((await after.json()) as { n: number }).n).toBe(before.n + 1);
  });

  it("ignores a malformed bookmark instead of failing the page", async () => {
    const res = await call(`/s/${survey.slug}`, { headers: { cookie: `${BOOKMARK_COOKIE}=not a bookmark;` } });
    expect(res.status).toBe(200);
  });
});
