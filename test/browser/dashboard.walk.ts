import { readFileSync } from "node:fs";
import { expect, inject, test } from "vitest";
import type { Page } from "playwright-core";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";
import { signIn } from "./staff";

const origin = inject("origin");
const seed = inject("seed");

/** Collects CSP violations: the app must run under `script-src 'self'; style-src 'self'`. */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (apply|execute|load)/i.test(message.text())) violations.push(message.text());
  });
  page.on("pageerror", (error) => violations.push(`pageerror: ${error.message}`));
  return violations;
}

test("the manager dashboard shows the API's ACSI for the demo survey", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const violations = watchCsp(page);
    await signIn(page, "manager");
    // A manager lands on the dashboard.
    expect(new URL(page.url()).pathname).toBe("/app/dashboard");
    await page.goto(`${origin}/app/dashboard?survey=${encodeURIComponent(seed.surveyId)}`);

    const api = await browser.context.request.get(`${origin}/api/surveys/${encodeURIComponent(seed.surveyId)}/indices?scheme=path`);
    expect(api.status()).toBe(200);
    const indices = (await api.json()) as { acsi: number | null; n: number; constructs: { construct: string }[]; paths: unknown[] };
    expect(indices.acsi).not.toBeNull();
    expect(indices.n).toBeGreaterThan(0);

    const shown = page.locator("[data-testid=acsi-index]");
    await expect.poll(async () => (await shown.textContent())?.trim(), { timeout: 20_000 }).toBe(indices.acsi!.toFixed(1));
    await expect.poll(async () => (await page.locator("[data-testid=indices-n]").textContent())?.replace(/\D/g, "")).toBe(String(indices.n));

    // The rest of the dashboard is there: constructs, path diagram with one arrow per path,
    // reliability rows, charts drawn on canvas by the charting library.
    expect(await page.locator("[data-construct]").count()).toBe(indices.constructs.length);
    expect(await page.locator("[data-testid=path-diagram] .edge").count()).toBe(indices.paths.length);
    expect(await page.locator("[data-testid=reliability-table] tbody tr").count()).toBe(indices.constructs.length);
    await expect.poll(async () => page.locator(".chart canvas").count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(async () => page.locator("[data-testid=segments-table] tbody tr").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expectAccessible(page, "the dashboard");

    // "Export shown data" saves a CSV of what is on screen (built in the browser).
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=Export shown data (CSV)")]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv).toContain(`acsi,${indices.acsi}`);
    expect(csv).toContain("# paths");
    expect(csv).toContain("# constructs");
    expect(csv).toContain("# segments_by_touchpoint");

    // Switching the language keeps the figures.
    await page.click("button[lang=zh-CN]");
    await expect.poll(async () => page.locator("h1").textContent()).toBe("满意度看板");
    expect((await shown.textContent())?.trim()).toBe(indices.acsi!.toFixed(1));

    // Responsive: no horizontal scrolling of the page at 360 px.
    await page.setViewportSize({ width: 360, height: 740 });
    // (charts follow their container through a ResizeObserver, so allow a moment)
    await expect.poll(async () => page.evaluate(() => document.documentElement.scrollWidth), { timeout: 5_000 }).toBeLessThanOrEqual(360);

    expect(violations).toEqual([]);
  } finally {
    await browser.close();
  }
});

test("a segment filter changes the shown index to the API's value for that segment", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, "manager");
    const id = encodeURIComponent(seed.surveyId);
    const segments = (await (await browser.context.request.get(`${origin}/api/surveys/${id}/indices/segments?by=region`)).json()) as { segments: { value: string }[] };
    const region = segments.segments[0]?.value;
    expect(region).toBeTruthy();
    const api = (await (await browser.context.request.get(`${origin}/api/surveys/${id}/indices?scheme=path&region=${encodeURIComponent(region!)}`)).json()) as { acsi: number | null };
    await page.goto(`${origin}/app/dashboard?survey=${id}`);
    await page.locator("[data-testid=acsi-index]").waitFor();
    await expect.poll(async () => page.locator("#f-region option").count(), { timeout: 10_000 }).toBeGreaterThan(1);
    await page.selectOption("#f-region", region!);
    const expected = api.acsi === null ? "—" : api.acsi.toFixed(1);
    await expect.poll(async () => (await page.locator("[data-testid=acsi-index]").textContent())?.trim(), { timeout: 20_000 }).toBe(expected);
    expect(new URL(page.url()).searchParams.get("region")).toBe(region);
  } finally {
    await browser.close();
  }
});

test("roles see only their navigation; staff cannot open the dashboard", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, "staff");
    const nav = page.locator("#main-nav a");
    const labels = await nav.allTextContents();
    expect(labels).not.toContain("Dashboard");
    expect(labels).toContain("Surveys");
    await page.goto(`${origin}/app/dashboard`);
    await expect.poll(async () => page.locator("h1").textContent()).toBe("Not available for your role");
    await expectAccessible(page, "the page refused to a role");
  } finally {
    await browser.close();
  }
});
