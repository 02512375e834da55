import { expect, inject, test } from "vitest";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";
import { signIn } from "./staff";

const origin = inject("origin");
const seed = inject("seed");

interface DriverIndicator {
  indicator: string;
  construct: string;
  importance: number;
  performance: number;
  priorityScore: number;
  rank: number;
}

test("the driver view ranks drivers and items by the API's IPMA priorities, in English and Chinese", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, "manager");
    const id = encodeURIComponent(seed.surveyId);
    const api = (await (await browser.context.request.get(`${origin}/api/surveys/${id}/indices?scheme=path`)).json()) as {
      drivers: Array<{ construct: string; rank: number; importance: number }>;
      driverIndicators: DriverIndicator[];
    };
    expect(api.drivers.length).toBeGreaterThan(0);
    expect(api.driverIndicators.length).toBeGreaterThan(0);
    await page.goto(`${origin}/app/dashboard?survey=${id}`);

    const driverRows = page.locator("[data-testid=drivers-table] tbody tr");
    await expect.poll(async () => driverRows.count(), { timeout: 20_000 }).toBe(api.drivers.length);
    const ranked = [...api.drivers].sort((a, b) => a.rank - b.rank);
    const firstImportance = (await driverRows.first().locator("td").nth(1).textContent())?.trim();
    expect(firstImportance).toBe(ranked[0].importance.toFixed(3));

    const itemRows = page.locator("[data-testid=driver-indicators] tbody tr");
    const topItems = [...api.driverIndicators].sort((a, b) => a.rank - b.rank).slice(0, 10);
    await expect.poll(async () => itemRows.count()).toBe(topItems.length);
    expect(await itemRows.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-indicator")))).toEqual(topItems.map((entry) => entry.indicator));
    expect((await page.locator("[data-testid=driver-indicators] caption").textContent())?.trim()).toBe("Items to fix first");

    await page.click("button[lang=zh-CN]");
    await expect.poll(async () => (await page.locator("[data-testid=driver-indicators] caption").textContent())?.trim()).toBe("优先改进的题项");
    expect(await itemRows.count()).toBe(topItems.length);
  } finally {
    await browser.close();
  }
});

test("the change check shows the API's before/after verdict for a date, in English and Chinese", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, "manager");
    const id = encodeURIComponent(seed.surveyId);
    const trend = (await (await browser.context.request.get(`${origin}/api/surveys/${id}/indices/trend?interval=month`)).json()) as { points: Array<{ period: string }> };
    const periods = trend.points.map((point) => point.period).sort();
    const since = `${periods[Math.floor(periods.length / 2)]}-01`;
    const api = (await (await browser.context.request.get(`${origin}/api/surveys/${id}/indices/change?since=${since}&benchmarkValue=70`)).json()) as {
      verdict: string;
      difference: number;
      benchmark: { difference: number };
    };
    await page.goto(`${origin}/app/dashboard?survey=${id}`);
    await page.locator("#change-since").waitFor({ timeout: 20_000 });
    await page.fill("#change-since", since);
    await page.fill("#change-benchmark", "70");
    await page.click("#change-check button[type=submit]");
    const verdict = page.locator("[data-testid=change-verdict]");
    await expect.poll(async () => verdict.getAttribute("data-verdict"), { timeout: 20_000 }).toBe(api.verdict);
    const english = { improved: "Improved", "no-detectable-change": "No detectable change", worse: "Worse" }[api.verdict];
    expect((await verdict.textContent())?.trim()).toBe(english);
    expect((await page.locator("[data-testid=benchmark-difference]").textContent())?.trim()).toBe(api.benchmark.difference.toFixed(1));
    await expectAccessible(page, "the dashboard with a change verdict");

    await page.click("button[lang=zh-CN]");
    const chinese = { improved: "已改善", "no-detectable-change": "无可检测的变化", worse: "变差" }[api.verdict];
    await expect.poll(async () => (await verdict.textContent())?.trim()).toBe(chinese);
  } finally {
    await browser.close();
  }
});
