import { expect, inject, test } from "vitest";
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
