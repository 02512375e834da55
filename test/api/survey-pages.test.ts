import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, createTestOrg, json, type TestOrg } from "./helpers";
import { acsiAnswers, createPublishedSurvey } from "./fixtures";

let a: TestOrg;
let survey: { id: string; slug: string };

beforeAll(async () => {
  a = await createTestOrg("pages-a");
  survey = await createPublishedSurvey(a.keys.admin, "pages-acsi");
});

function hiddenInputs(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

function itemNames(html: string): string[] {
  return [...new Set([...html.matchAll(/<(?:input|textarea)[^>]* name="([a-z][a-z0-9_]*)"/g)].map((m) => m[1]!))];
}

async function postForm(path: string, fields: Record<string, string>) {
  return call(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString(), redirect: "manual" });
}

/** Walks the whole survey the way a browser without JavaScript does: GET, POST, follow 303. */
async function answerWithoutJavaScript(startPath: string, answers: Record<string, unknown>) {
  let res = await call(startPath);
  const visited: string[] = [];
  for (let guard = 0; guard < 20; guard++) {
    expect(res.status).toBe(200);
    const html = await res.text();
    if (!html.includes('<form method="post"')) return { html, visited };
    const hidden = hiddenInputs(html);
    visited.push(hidden._page!);
    const fields: Record<string, string> = { ...hidden, _action: "next" };
    for (const name of itemNames(html)) {
      const value = answers[name];
      if (value === undefined) continue;
      fields[name] = typeof value === "boolean" ? (value ? "yes" : "no") : String(value);
    }
    const posted = await postForm(`/s/${survey.slug}`, fields);
    expect(posted.status, await posted.clone().text()).toBe(303);
    res = await call(posted.headers.get("location")!);
  }
  throw new Error("survey did not finish");
}

describe("server-rendered survey pages", () => {
  it("renders an accessible first page in Chinese with labels, fieldsets and the form", async () => {
    const res = await call(`/s/${survey.slug}?lang=zh-CN&touchpoint=web`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN"');
    expect(html).toContain("<fieldset");
    expect(html).toContain("<legend>");
    expect(html).toContain('name="viewport"');
    expect(html).not.toMatch(/<script>(?!<\/script>)|style="/);
    expect(hiddenInputs(html)["_h.touchpoint"]).toBe("web");
    expect(res.headers.get("content-security-policy")).not.toContain("unsafe-inline");
  });

  it("completes the survey with plain form posts (no JavaScript) and stores it once", async () => {
    const { html, visited } = await answerWithoutJavaScript(`/s/${survey.slug}?lang=en&region=north`, acsiAnswers());
    expect(visited.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain("Thank you");
    const row = await env.DB.prepare("select status, region, answers from responses where survey_id = ? and region = 'north'").bind(survey.id).first<{ status: string; answers: string }>();
    expect(row?.status).toBe("completed");
    expect(JSON.parse(row!.answers).sat_overall).toBe(8);
  });

  it("re-renders a page with an error summary and field errors when a required answer is missing", async () => {
    const first = await (await call(`/s/${survey.slug}?lang=en`)).text();
    const hidden = hiddenInputs(first);
    const res = await postForm(`/s/${survey.slug}`, { ...hidden, _action: "next", ce_overall: "8" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('class="error-summary"');
    expect(html).toContain('href="#ce_custom"');
    expect(html).toContain('aria-invalid="true"');
    // The answer given is kept on the re-rendered page.
    expect(html).toMatch(/name="ce_overall" value="8"[^>]*checked/);
  });

  it("resumes a partial response from its resume link", async () => {
    const first = await (await call(`/s/${survey.slug}?lang=en`)).text();
    const posted = await postForm(`/s/${survey.slug}`, { ...hiddenInputs(first), _action: "next", ce_overall: "6", ce_custom: "6", ce_reliability: "6" });
    expect(posted.status).toBe(303);
    const location = new URL(posted.headers.get("location")!, "http://x");
    const resume = location.searchParams.get("r");
    expect(resume).toBeTruthy();
    const back = await call(`/s/${survey.slug}?lang=en&r=${resume}`);
    const html = await back.text();
    expect(html).toContain("Welcome back");
    expect(hiddenInputs(html)._page).toBe("p_experience");
  });

  it("shows a clear page for an unknown survey, a closed survey and a spent invitation", async () => {
    const unknown = await call("/s/no-such-survey?lang=en");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("could not find this survey");

    const closed = await createPublishedSurvey(a.keys.admin, "pages-closed");
    await call(`/api/surveys/${closed.id}/close`, { method: "POST", headers: bearer(a.keys.admin) });
    const closedPage = await call(`/s/${closed.slug}?lang=en`);
    expect(closedPage.status).toBe(409);
    expect(await closedPage.text()).toContain("This survey is closed");

    const invited = await call(`/api/surveys/${survey.id}/invitations`, json("POST", { invitations: [{ email: "x@example.com" }] }, bearer(a.keys.admin)));
    const { items } = (await invited.json()) as { items: { token: string }[] };
    const token = items[0]!.token;
    const { html } = await answerWithoutJavaScript(`/s/${survey.slug}?lang=en&t=${token}`, acsiAnswers());
    expect(html).toContain("Thank you");
    const again = await call(`/s/${survey.slug}?lang=en&t=${token}`);
    const againHtml = await again.text();
    expect(againHtml).toMatch(/Thank you|already been used/);
  });
});

describe("closing the loop from a public link", () => {
  it("offers the complaint form on the thank-you page when the answers will raise a complaint", async () => {
    const unhappy = await answerWithoutJavaScript(`/s/${survey.slug}?lang=en`, acsiAnswers({ nps: 2, complained: true, complaint_detail: "Broken on arrival" }));
    expect(unhappy.html).toContain("/complaints/new?org=pages-a");
    expect(unhappy.html).toContain("We are sorry your experience fell short");
    // Everyone else gets a quieter next step (issue 17: the thank-you page offered none), not the apology.
    const happy = await answerWithoutJavaScript(`/s/${survey.slug}?lang=en`, acsiAnswers());
    expect(happy.html).not.toContain("We are sorry your experience fell short");
    expect(happy.html).toContain('class="next-step"');
  });
});
