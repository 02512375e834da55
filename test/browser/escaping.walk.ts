/**
 * Stored text is shown as text, never run, across the staff views (demo survey, real app under
 * wrangler dev): a respondent's `<script>` answer in the responses table and detail, a hostile
 * hidden-field value as a dashboard segment, a hostile complaint in the complaint desk — with no
 * script executed, no element created from the text, no dialog, and no CSP violation reported by
 * the browser anywhere in the staff app. Also the headers of the static staff app (/app/, served by
 * Workers static assets from web/public/_headers, not by the Worker).
 * (test/browser/app.walk.ts covers the same for a CSAT survey's responses view.)
 */
import { expect, inject, test } from "vitest";
import type { Page } from "playwright-core";
import { launchBrowser } from "./browser";
import { signIn, staffApi } from "./staff";

const origin = inject("origin");
const seed = inject("seed");

const PAYLOAD = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2"><b>bold?</b>`;
const SEGMENT = `<img src=x onerror="window.__xss=3">`;

/** Records CSP violations and script side effects the page may produce. */
async function watch(page: Page) {
  const dialogs: string[] = [];
  const cspConsole: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspConsole.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return {
    async assertClean() {
      const state = await page.evaluate(() => {
        const w = window as unknown as { __xss?: number; __csp?: string[] };
        return { xss: w.__xss, csp: w.__csp ?? [] };
      });
      expect(state.xss).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect([...state.csp, ...cspConsole]).toEqual([]);
    },
  };
}

test("the static staff app is served with the same security headers as the Worker", async () => {
  const index = await fetch(`${origin}/app/`);
  expect(index.status).toBe(200);
  const html = await index.text();
  const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
  expect(script, "the app's script").toBeTruthy();
  expect(html, "no inline script in index.html").not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  for (const res of [index, await fetch(new URL(script!, `${origin}/app/`))]) {
    const h = res.headers;
    const csp = h.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(h.get("strict-transport-security") ?? "").toMatch(/max-age=\d{8,}; includeSubDomains/);
    expect(h.get("x-frame-options")).toBe("DENY");
    expect(h.get("x-content-type-options")).toBe("nosniff");
    expect(h.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  }
});

test("a <script> answer, a hostile segment and a hostile complaint render as text in the staff views", async () => {
  const submissionId = `xss-demo-${Date.now()}`;
  const submit = await fetch(`${origin}/api/public/surveys/demo-acsi/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({
      submissionId,
      complete: true,
      hidden: { touchpoint: SEGMENT },
      answers: {
        ce_overall: 8, ce_custom: 7, ce_reliability: 8, pq_overall: 8, pq_custom: 7, pq_reliability: 9,
        pv_price_given_quality: 7, pv_quality_given_price: 7, sat_overall: 8, sat_expectations: 7, sat_ideal: 7,
        complained: false, loy_repurchase: 8, loy_price_increase: 6, loy_price_decrease: 6, nps: 9, sat_level: 4, comment: PAYLOAD,
      },
    }),
  });
  expect(submit.status, await submit.clone().text()).toBe(201);
  const complaint = await staffApi<{ id: string }>("POST", "/api/complaints", { subject: PAYLOAD.slice(0, 120), description: PAYLOAD });

  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const guard = await watch(page);
    await signIn(page, "manager");

    // Responses: the newest response is ours; its text is shown verbatim, as text.
    await page.goto(`${origin}/app/surveys/${seed.surveyId}/responses`);
    await page.locator("[data-testid=response-text]").first().waitFor({ timeout: 20_000 });
    const texts = await page.locator("[data-testid=response-text]").allTextContents();
    expect(texts.map((t) => t.trim())).toContain(PAYLOAD);
    expect(await page.locator("[data-testid=responses-table] script, [data-testid=responses-table] img, [data-testid=responses-table] b").count()).toBe(0);

    // Dashboard: the hostile touchpoint is a segment row, shown as text.
    await page.goto(`${origin}/app/dashboard?survey=${encodeURIComponent(seed.surveyId)}&by=touchpoint`);
    const segments = page.locator("[data-testid=segments-table]");
    await segments.waitFor({ timeout: 20_000 });
    expect(await segments.locator("th[scope=row]").allTextContents()).toContain(SEGMENT);
    expect(await segments.locator("img, script").count()).toBe(0);

    // Complaint desk: subject and description as text.
    await page.goto(`${origin}/app/complaints/${complaint.id}`);
    const description = page.locator("[data-testid=complaint-description]");
    await description.waitFor({ timeout: 20_000 });
    expect((await description.textContent())?.trim()).toBe(PAYLOAD);
    expect(await page.locator("main script, main img[src=x], main b").count()).toBe(0);

    await page.waitForTimeout(300);
    await guard.assertClean();
  } finally {
    await browser.close();
  }
});
