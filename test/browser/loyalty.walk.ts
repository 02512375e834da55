/**
 * The dashboard's loyalty model on the demo survey (which has current, former and potential
 * customers): the composite, its components, the satisfaction–loyalty chart and the three-group
 * comparison show exactly what the API computes, in English and Chinese.
 */
import { expect, inject, test } from "vitest";
import { expectAccessible } from "./axe";
import { launchBrowser } from "./browser";
import { signIn, staffApi } from "./staff";
import type { LoyaltyResponse } from "../../src/contracts/loyalty";

const origin = inject("origin");
const seed = inject("seed");
const pctText = (share: number | null) => (share === null ? "—" : `${(share * 100).toFixed(1)}%`);

test("the loyalty composite, its components and the satisfaction–loyalty chart match the API", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await signIn(page, "manager");
    const id = encodeURIComponent(seed.surveyId);
    await page.goto(`${origin}/app/dashboard?survey=${id}`);
    const api = await browser.context.request.get(`${origin}/api/surveys/${id}/loyalty`);
    expect(api.status()).toBe(200);
    const body = (await api.json()) as LoyaltyResponse;
    const overall = body.overall!;
    expect(overall.composite.value).not.toBeNull();

    const composite = page.locator("[data-testid=loyalty-composite]");
    await expect.poll(async () => (await composite.textContent())?.trim(), { timeout: 20_000 }).toBe(overall.composite.value!.toFixed(3));
    for (const name of ["attraction", "satisfaction", "participation"] as const) {
      expect((await page.locator(`[data-testid=component-${name}]`).textContent())?.trim()).toBe(overall.composite.components[name].value!.toFixed(3));
    }
    // The weakest component is named.
    expect(await page.locator(`[data-component=${overall.composite.weakest}].is-weakest`).count()).toBe(1);

    // The chart: five levels with the seed's zones and the API's shares, drawn on a canvas too.
    const rows = page.locator("[data-testid=loyalty-chart-table] tbody tr");
    expect(await rows.count()).toBe(5);
    expect(await page.locator("[data-testid=loyalty-chart-table] tbody tr[data-zone=hostility]").count()).toBe(2);
    expect(await page.locator("[data-testid=loyalty-chart-table] tbody tr[data-zone=loyalty]").count()).toBe(2);
    for (const level of overall.chart.levels) {
      expect((await page.locator(`[data-testid=level-share-${level.level}]`).textContent())?.trim()).toBe(pctText(level.share));
    }
    expect(await page.locator("#satisfaction-loyalty-chart .chart canvas").count()).toBeGreaterThanOrEqual(1);

    // Current, former and potential customers side by side; the demo has enough of each.
    for (const status of ["current", "former", "potential"] as const) {
      const group = body.groups.find((g) => g.status === status)!;
      const text = group.composite.value === null ? "—" : group.composite.value.toFixed(3);
      expect((await page.locator(`[data-testid=group-composite-${status}]`).textContent())?.trim()).toBe(text);
    }
    expect(await page.locator("[data-testid=coverage-ok]").count()).toBe(1);
    // The measurement plan's former/potential line is cleared by the responses, not by the plan's flag.
    expect(await page.locator("[data-testid=plan-former-customers] .text-ok").count()).toBe(1);

    // In Chinese: the seed's zone names.
    await page.click("button[lang=zh-CN]");
    await expect.poll(async () => page.locator("#satisfaction-loyalty-chart-title").textContent()).toBe("满意度–忠诚度图");
    expect(await page.locator("[data-testid=loyalty-chart-table] tfoot").textContent()).toContain("敌视区");
    expect((await composite.textContent())?.trim()).toBe(overall.composite.value!.toFixed(3));

    // One region holds about a quarter of the demo: too few former or potential customers, so the warning shows.
    const narrow = (await (await browser.context.request.get(`${origin}/api/surveys/${id}/loyalty?region=east`)).json()) as LoyaltyResponse;
    expect(narrow.coverage!.warning).not.toBeNull();
    await page.goto(`${origin}/app/dashboard?survey=${id}&region=east`);
    await expect.poll(async () => page.locator("[data-testid=coverage-warning]").count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator("[data-testid=coverage-ok]").count()).toBe(0);
    await expect.poll(async () => page.locator("[data-testid=plan-former-customers] .text-warn").count(), { timeout: 20_000 }).toBe(1);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});

test("a win-back survey shows why former customers left, per group", async () => {
  const created = await staffApi<{ id: string }>("POST", "/api/surveys", { slug: `win-back-${Date.now()}`, template: "win_back" });
  const survey = await staffApi<{ slug: string }>("POST", `/api/surveys/${created.id}/publish`);
  const answers = [
    { customer_status: "former", a: { sat_level: 2, defection_reasons: ["price", "service"], switched_to: "competitor" } },
    { customer_status: "former", a: { sat_level: 3, defection_reasons: ["price"], switched_to: "competitor" } },
    { customer_status: "former", a: { sat_level: 1, defection_reasons: ["complaint_unresolved"], switched_to: "stopped" } },
  ];
  for (const { customer_status, a } of answers) {
    const res = await fetch(`${origin}/api/public/surveys/${survey.slug}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ submissionId: crypto.randomUUID(), answers: a, complete: true, hidden: { customer_status } }),
    });
    expect(res.status).toBe(201);
  }
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await signIn(page, "manager");
    await page.goto(`${origin}/app/dashboard?survey=${encodeURIComponent(created.id)}`);
    const price = page.locator("[data-testid=coded-defection_reasons] tr[data-option=price] td[data-status=former]");
    await expect.poll(async () => (await price.count()) > 0 && (await price.textContent())?.trim(), { timeout: 20_000 }).toBe("67% (2)");
    expect((await page.locator("[data-testid=coded-defection_reasons] caption").textContent())?.trim()).toBe("What were the main reasons you stopped choosing us? (choose all that apply)");
    // Three former customers are below the minimum: the measurement warning stays.
    expect(await page.locator("[data-testid=coverage-warning]").count()).toBe(1);
    await expectAccessible(page, "the dashboard of a win-back survey");
  } finally {
    await browser.close();
  }
});
