/**
 * Issue 12, finding 6: a partial response is continued only with the resume secret the server
 * issued for it (or the invitation it was started with); the submissionId alone is no key, and a
 * client-chosen resume secret is refused. JSON API and server-rendered form alike.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey, newSubmissionId, submit } from "./fixtures";

let org: TestOrg;
let survey: { id: string; slug: string };

beforeAll(async () => {
  org = await createTestOrg("resume-sec");
  survey = await createPublishedSurvey(org.keys.admin, "resume-sec-acsi");
});

function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

const postForm = (fields: Record<string, string>) =>
  call(`/s/${survey.slug}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString(), redirect: "manual" });

describe("partial responses through the JSON API", () => {
  it("issues the resume secret and continues only with it", async () => {
    const submissionId = newSubmissionId();
    const first = await submit(survey.slug, { submissionId, answers: { ce_overall: 5 }, complete: false });
    expect(first.status).toBe(201);
    const { id, resumeToken } = (await first.json()) as { id: string; resumeToken?: string };
    expect(resumeToken).toMatch(/^[A-Za-z0-9_-]{32}$/);

    // Someone who learnt the submissionId cannot change or complete it.
    const { ce_overall: _taken, ...rest } = acsiAnswers();
    for (const body of [
      { submissionId, answers: { ce_overall: 1 }, complete: false },
      { submissionId, answers: acsiAnswers(), complete: true },
      { submissionId, resumeToken: "guessed-resume-token-0000", answers: rest, complete: true },
    ]) {
      const res = await submit(survey.slug, body);
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    const done = await submit(survey.slug, { submissionId, resumeToken, answers: rest, complete: true });
    expect(done.status, await done.clone().text()).toBe(200);
    expect(await done.json()).toEqual({ id, status: "completed" });
  });

  it("refuses a resume secret the client chose itself", async () => {
    for (const complete of [false, true]) {
      const res = await submit(survey.slug, { submissionId: newSubmissionId(), resumeToken: "my-own-resume-secret", answers: complete ? acsiAnswers() : { ce_overall: 4 }, complete });
      expect(res.status, `complete: ${complete}`).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
  });

  it("continues a response started with an invitation only with that invitation's token", async () => {
    const invited = await call(`/api/surveys/${survey.id}/invitations`, json("POST", { invitations: [{ email: "resume@example.com" }] }, bearer(org.keys.admin)));
    const token = ((await invited.json()) as { items: { token: string }[] }).items[0]!.token;
    const submissionId = newSubmissionId();
    const first = await submit(survey.slug, { submissionId, token, answers: { ce_overall: 5 }, complete: false });
    expect(first.status).toBe(201);
    expect(((await first.json()) as { resumeToken?: string }).resumeToken).toBeUndefined();
    expect((await submit(survey.slug, { submissionId, answers: { ce_overall: 2 }, complete: false })).status).toBe(403);
    expect((await submit(survey.slug, { submissionId, token, answers: { ce_overall: 6 }, complete: false })).status).toBe(200);
  });
});

describe("partial responses through the server-rendered form", () => {
  it("refuses to continue a saved page without its resume secret, and a chosen _resume", async () => {
    const page = await call(`/s/${survey.slug}?lang=en`);
    const form = hiddenInputs(await page.text());
    expect(form._resume).toBeUndefined();
    const saved = await postForm({ ...form, _action: "next", ce_overall: "6", ce_custom: "6", ce_reliability: "6" });
    expect(saved.status).toBe(303);
    const resume = new URL(saved.headers.get("location")!, "http://x").searchParams.get("r");
    expect(resume).toBeTruthy();

    // The submissionId alone (no _resume, or a wrong one) neither shows nor changes the saved answers.
    const extras: Record<string, string>[] = [{}, { _resume: "wrong-resume-secret-000000" }];
    for (const extra of extras) {
      const res = await postForm({ ...form, ...extra, _action: "next", ce_overall: "1", ce_custom: "1", ce_reliability: "1" });
      expect(res.status).toBe(403);
    }
    const own = await postForm({ ...form, _resume: resume!, _action: "back", ce_overall: "7", ce_custom: "7", ce_reliability: "7" });
    expect(own.status).toBe(303);

    const fresh = await postForm({ ...form, _submission: newSubmissionId(), _resume: "a-resume-secret-i-chose", _action: "next", ce_overall: "6", ce_custom: "6", ce_reliability: "6" });
    expect(fresh.status).toBe(400);
  });
});
