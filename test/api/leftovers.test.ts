/**
 * Issue 12, finding 8 (leftovers): no raw fetch error text in the webhook delivery log or its
 * problems, the CSV export audited like the XLSX one, and JSON nesting capped on every body.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { bearer, call, createTestOrg, db, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";
import { deliverOutbox, FETCH_FAILED } from "../../src/jobs/outbox-delivery";
import { webhookOutboxRows } from "../../src/db/queries/outbox";
import { gatedInsert } from "../../src/db/queries/complaints-sql";
import { MAX_JSON_DEPTH } from "../../src/lib/http";
import type { AppBindings } from "../../src/env";

let org: TestOrg;
let survey: { id: string; slug: string };
/** Where the runtime's text could leak: an internal address and a credential in a URL. */
const RAW_ERROR = "connect ECONNREFUSED 10.20.30.40:8443 via proxy user:hunter2@internal";

beforeAll(async () => {
  org = await createTestOrg("leftovers");
  survey = await createPublishedSurvey(org.keys.admin, "leftovers-acsi");
});

afterEach(() => vi.restoreAllMocks());

describe("webhook delivery errors (finding 8)", () => {
  it("logs what staff can act on, never the runtime's error text", async () => {
    const created = await call("/api/webhooks", json("POST", { url: "https://receiver.example.test/hook", events: ["complaint.created"] }, bearer(org.keys.admin)));
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as { id: string; url: string };
    const [row] = webhookOutboxRows({ organizationId: org.organizationId, endpoints: [endpoint], eventType: "complaint.created", data: { id: "cmp_x" }, now: new Date() });
    await gatedInsert(env.DB, "outbox", row!).run();
    const failing = async () => {
      throw new TypeError(RAW_ERROR);
    };
    const outcome = await deliverOutbox(db(), env as unknown as AppBindings, row!.id, new Date(Date.now() + 1000), { fetch: failing });
    expect(outcome.status).toBe("retry");

    const log = await call(`/api/webhooks/${endpoint.id}/deliveries`, { headers: bearer(org.keys.admin) });
    const text = await log.text();
    expect(text).toContain(FETCH_FAILED);
    expect(text).not.toContain("10.20.30.40");
    expect(text).not.toContain("hunter2");
    const outbox = await call("/api/outbox?kind=webhook", { headers: bearer(org.keys.admin) });
    expect(await outbox.text()).not.toContain("hunter2");

    vi.spyOn(globalThis, "fetch").mockImplementation(failing);
    const tested = await call(`/api/webhooks/${endpoint.id}/test`, { method: "POST", headers: bearer(org.keys.admin) });
    expect(tested.status).toBe(502);
    expect(await tested.text()).not.toContain("hunter2");
  });
});

describe("response exports (finding 8)", () => {
  it("audits the CSV export like the XLSX one", async () => {
    await submit(survey.slug, { submissionId: newSubmissionId(), answers: acsiAnswers(), complete: true });
    for (const format of ["csv", "xlsx"]) {
      const res = await call(`/api/surveys/${survey.id}/responses/export.${format}`, { headers: bearer(org.keys.manager) });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const audited = await env.DB.prepare("select data from audit_log where action = 'responses.exported' and target_id = ? order by at")
      .bind(survey.id)
      .all<{ data: string }>();
    expect(audited.results.map((r) => JSON.parse(r.data))).toEqual([
      { format: "csv", rows: 1 },
      { format: "xlsx", rows: 1 },
    ]);
  });
});

describe("JSON nesting depth (finding 8)", () => {
  const nested = (depth: number) => "[".repeat(depth - 1) + "{}" + "]".repeat(depth - 1);

  it("refuses a body nested too deep with a problem+json 400 on staff, public and better-auth routes", async () => {
    const deep = nested(MAX_JSON_DEPTH + 1);
    const targets: [string, RequestInit][] = [
      ["/api/surveys", { method: "POST", headers: { "content-type": "application/json", ...bearer(org.keys.admin) }, body: `{"slug":"deep","definition":${deep}}` }],
      [`/api/public/surveys/${survey.slug}/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: `{"submissionId":"${newSubmissionId()}","complete":false,"answers":{"comment":${deep}}}` }],
      ["/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "application/json" }, body: `{"email":"a@b.test","password":${deep}}` }],
      ["/complaints/new", { method: "POST", headers: { "content-type": "application/json" }, body: deep }],
    ];
    for (const [path, init] of targets) {
      const res = await call(path, init);
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type"), path).toContain("application/problem+json");
      expect(((await res.json()) as { detail: string }).detail, path).toMatch(/nested more than 32 levels/);
    }
  });

  it("lets bodies within the cap through to validation, brackets inside strings included", async () => {
    const res = await call(`/api/public/surveys/${survey.slug}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"submissionId":"${newSubmissionId()}","complete":false,"answers":{"comment":"${"[".repeat(100)}","x":${nested(MAX_JSON_DEPTH - 3)}}}`,
    });
    expect(res.status).toBe(422);
  });
});
