/**
 * The CSV export pages with a keyset (created_at, id) instead of OFFSET: every response exactly
 * once, in the list's order, also when several share one created_at millisecond across a page
 * boundary.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, db, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { iterateResponses, listResponses } from "../../src/db/queries/response-list";
import { readCsvRecords } from "../../src/domain/csv";

let org: TestOrg;
let survey: { id: string; slug: string };

beforeAll(async () => {
  org = await createTestOrg("export-keyset");
  survey = await createPublishedSurvey(org.keys.admin, "export-keyset");
  for (let i = 0; i < 11; i++) {
    const res = await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers({ pq_overall: 1 + (i % 10) }), hidden: { touchpoint: i % 2 ? "web" : "store" }, complete: i % 4 !== 0 });
    expect(res.status).toBe(201);
  }
  // Five responses in one millisecond: ties the keyset must break by id.
  await env.DB.prepare("UPDATE responses SET created_at = 1790000000000 WHERE id IN (SELECT id FROM responses WHERE survey_id = ? ORDER BY id LIMIT 5)").bind(survey.id).run();
});

describe("response export pagination", () => {
  it("yields every response once, in list order, whatever the page size", async () => {
    const listed = (await listResponses(db(), org.organizationId, survey.id, {}, { limit: 100, offset: 0 })).items.map((r) => r.id);
    expect(listed).toHaveLength(11);
    for (const pageSize of [1, 2, 3, 5, 11, 500]) {
      const exported: string[] = [];
      for await (const page of iterateResponses(db(), org.organizationId, survey.id, {}, pageSize)) exported.push(...page.map((r) => r.id));
      expect(exported, `page size ${pageSize}`).toEqual(listed);
    }
    const filtered: string[] = [];
    for await (const page of iterateResponses(db(), org.organizationId, survey.id, { status: "completed", hidden: { touchpoint: "web" } }, 2)) filtered.push(...page.map((r) => r.id));
    expect(filtered).toEqual((await listResponses(db(), org.organizationId, survey.id, { status: "completed", hidden: { touchpoint: "web" } }, { limit: 100, offset: 0 })).items.map((r) => r.id));
  });

  it("exports the same rows over HTTP", async () => {
    const res = await call(`/api/surveys/${survey.id}/responses/export.csv`, { headers: bearer(org.keys.manager) });
    expect(res.status).toBe(200);
    const rows = readCsvRecords(await res.text());
    const listed = (await listResponses(db(), org.organizationId, survey.id, {}, { limit: 100, offset: 0 })).items.map((r) => r.id);
    expect(rows.slice(1).map((r) => r.fields[0])).toEqual(listed);
  });
});
