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

test("segment significance marks (Holm-adjusted), a Kano result, an improvement plan's page with its verdict and the model-quality button match the API, in English and Chinese", async () => {
  const browser = await launchBrowser();
  const demoKey = inject("demoApiKey");
  const headers = { authorization: `Bearer ${demoKey}`, "content-type": "application/json" };
  try {
    const request = browser.context.request;
    const id = encodeURIComponent(seed.surveyId);
    // A Kano survey with answers (public submissions), and a plan on the demo survey.
    const created = await request.post(`${origin}/api/surveys`, { headers, data: { slug: `kano-${Date.now()}`, template: "kano" } });
    expect(created.status()).toBe(201);
    const kanoSurvey = (await created.json()) as { id: string; slug: string };
    expect((await request.post(`${origin}/api/surveys/${kanoSurvey.id}/publish`, { headers })).status()).toBe(200);
    for (const [f, d] of [[2, 5], [2, 5], [1, 5], [1, 3]]) {
      const res = await request.post(`${origin}/api/public/surveys/${kanoSurvey.slug}/responses`, {
        headers: { "content-type": "application/json" },
        data: { submissionId: crypto.randomUUID(), answers: { kano_delivery_functional: f, kano_delivery_dysfunctional: d }, complete: true },
      });
      expect(res.status()).toBe(201);
    }
    const kano = (await (await request.get(`${origin}/api/surveys/${kanoSurvey.id}/kano`, { headers })).json()) as { features: Array<{ feature: string; category: string; better: number }> };
    const delivery = kano.features.find((f) => f.feature === "kano_delivery")!;
    const trend = (await (await request.get(`${origin}/api/surveys/${id}/indices/trend?interval=month`, { headers })).json()) as { points: Array<{ period: string }> };
    const periods = trend.points.map((point) => point.period).sort();
    const planStart = `${periods[Math.floor(periods.length / 2)]}-01`;
    const planResponse = await request.post(`${origin}/api/surveys/${id}/plans`, {
      headers,
      data: { title: "Shorter waits", sourceKind: "driver", sourceRef: "perceived_quality", owner: "Li Wei", targetValue: 90, startDate: planStart, reviewDate: "2099-01-01" },
    });
    expect(planResponse.status()).toBe(201);
    const plan = (await planResponse.json()) as { id: string };
    const planDetail = (await (await request.get(`${origin}/api/surveys/${id}/plans/${plan.id}`, { headers })).json()) as { effect: { verdict: string } };

    const page = await browser.context.newPage();
    await signIn(page, "manager");

    // Segment comparison: the dashboard's button starts 999 permutations per segment; the test starts
    // the same tests for the same selection with 99 (the background job is what is under test, not its length).
    const segments = (await (await request.get(`${origin}/api/surveys/${id}/indices/segments?by=touchpoint`, { headers })).json()) as { segments: Array<{ value: string; sample: { indexShown: boolean } }> };
    const shownValues = segments.segments.filter((s) => s.sample.indexShown).map((s) => s.value);
    const started = await request.post(`${origin}/api/surveys/${id}/indices/segments/tests`, { headers, data: { by: "touchpoint", values: shownValues, permutations: 99, seed: 1 } });
    expect(started.status()).toBe(202);
    await page.goto(`${origin}/app/dashboard?survey=${id}`);
    await page.locator("[data-testid=run-segment-tests]").waitFor({ timeout: 20_000 });
    const marks = page.locator("[data-testid=segment-significance]");
    await expect.poll(async () => marks.count(), { timeout: 90_000, interval: 1000 }).toBe(shownValues.length);
    const tested = (await (await request.get(`${origin}/api/surveys/${id}/indices/segments?by=touchpoint`, { headers })).json()) as {
      adjustment: { method: string; tests: number };
      segments: Array<{ value: string; test: { result: { indices: Array<{ construct: string; significant: boolean; adjustedPValue: number | null; significantAdjusted: boolean | null }> } } | null }>;
    };
    // Several segments tested at once: the marks follow the Holm-adjusted p-values, and a note says so.
    expect(tested.adjustment).toEqual({ method: "holm", tests: shownValues.length });
    for (const segment of tested.segments.filter((s) => s.test)) {
      const satisfaction = segment.test!.result.indices.find((d) => d.construct === "satisfaction")!;
      const mark = page.locator(`[data-testid=segment-tests] tr[data-segment="${segment.value}"]`);
      expect(await mark.locator("[data-testid=segment-significance]").getAttribute("data-significant")).toBe(String(satisfaction.significantAdjusted));
      if (shownValues.length > 1) expect((await mark.locator("[data-testid=segment-adjusted-p]").textContent())?.trim()).toBe(satisfaction.adjustedPValue!.toFixed(3));
    }
    if (shownValues.length > 1) await page.locator("[data-testid=holm-note]").waitFor();

    // The plan's marker on the trend; the marks in Chinese.
    expect(await page.locator(`[data-testid=plan-markers] li[data-plan="${plan.id}"]`).count()).toBe(1);
    await page.click("button[lang=zh-CN]");
    await expect.poll(async () => (await page.locator("[data-testid=segment-significance]").first().textContent()) ?? "").toMatch(/显著/);
    await page.click("button[lang=en]");

    // The plan has its own page (linked from the plans table) with the API's verdict.
    await page.locator(`[data-testid=plans-table] tr[data-plan="${plan.id}"] a`).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/app/surveys/${seed.surveyId}/plans/${plan.id}`);
    const verdict = page.locator("[data-testid=plan-verdict]");
    await expect.poll(async () => verdict.getAttribute("data-verdict"), { timeout: 20_000 }).toBe(planDetail.effect.verdict);
    const english = { improved: "Improved", "no-detectable-change": "No detectable change", worse: "Worse" }[planDetail.effect.verdict];
    expect((await verdict.textContent())?.trim()).toBe(english);
    expect((await page.locator("h1").textContent())?.trim()).toBe("Shorter waits");
    await expectAccessible(page, "an improvement plan's page");
    await page.click("button[lang=zh-CN]");
    const chinese = { improved: "已改善", "no-detectable-change": "无可检测的变化", worse: "变差" }[planDetail.effect.verdict];
    await expect.poll(async () => (await verdict.textContent())?.trim()).toBe(chinese);
    await page.click("button[lang=en]");

    // Model quality for a selection nobody has resampled: the button starts the bootstrap run (which
    // also runs PLSpredict), shows its progress, and the card then carries the API's verdict.
    const fresh = `${origin}/app/dashboard?survey=${id}&from=${planStart}`;
    await page.goto(fresh);
    const computeQuality = page.locator("[data-testid=compute-model-quality]");
    await computeQuality.waitFor({ timeout: 20_000 });
    await computeQuality.click();
    const quality = page.locator("[data-testid=model-quality]");
    // The progress line leaves "idle" at once (and goes away with the result, hence "gone").
    await expect
      .poll(() => page.evaluate(() => document.querySelector<HTMLElement>("[data-testid=model-quality-progress]")?.dataset.status ?? "gone"), { timeout: 5_000 })
      .not.toBe("idle");
    await expect.poll(async () => quality.getAttribute("data-power"), { timeout: 90_000, interval: 1000 }).not.toBe("pending");
    const selected = (await (await request.get(`${origin}/api/surveys/${id}/indices?from=${planStart}`, { headers })).json()) as { prediction: { power: string } | null };
    expect(await quality.getAttribute("data-power")).toBe(selected.prediction!.power);
    await expectAccessible(page, "the dashboard with its model-quality line");
    await page.click("button[lang=zh-CN]");

    // The Kano result of the Kano survey.
    await page.goto(`${origin}/app/dashboard?survey=${kanoSurvey.id}`);
    const row = page.locator(`[data-testid=kano-table] tr[data-feature=kano_delivery]`);
    await expect.poll(async () => row.locator("[data-testid=kano-category]").getAttribute("data-category"), { timeout: 20_000 }).toBe(delivery.category);
    expect((await row.locator("[data-testid=kano-better]").textContent())?.trim()).toBe(delivery.better.toFixed(2));
    expect(await page.locator("[data-testid=kano-chart] g[data-feature=kano_delivery]").count()).toBe(1);
    const categoryZh = { A: "魅力质量", O: "一维质量", M: "必备质量", I: "无差异质量", R: "反向质量", Q: "可疑结果" }[delivery.category];
    expect((await row.locator("[data-testid=kano-category] .badge, [data-testid=kano-category] span").first().textContent())?.trim()).toBe(categoryZh);
  } finally {
    await browser.close();
  }
}, 240_000);
